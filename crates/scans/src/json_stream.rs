//! Streaming JSON: hand the elements of a large array over one at a time.

use std::fmt;
use std::io::BufRead;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, SeqAccess, Visitor};

use crate::error::{Location, ParseError};
use crate::sink::{Sink, Stop};

/// Deserialises a JSON array element by element, passing each to `f`;
/// `null` counts as an empty array. Only one element is in memory at a time.
pub(crate) struct Each<'f, T, F> {
    f: &'f mut F,
    _t: PhantomData<fn() -> T>,
}

impl<'f, T, F> Each<'f, T, F> {
    pub(crate) fn new(f: &'f mut F) -> Self {
        Each { f, _t: PhantomData }
    }
}

/// The message of the serde error that carries a [`Stop`] out.
const STOPPED: &str = "stopped by the caller";

pub(crate) fn stop_error<E: de::Error>(_: Stop) -> E {
    E::custom(STOPPED)
}

impl<'de, T: DeserializeOwned, F: FnMut(T) -> Result<(), Stop>> DeserializeSeed<'de>
    for Each<'_, T, F>
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned, F: FnMut(T) -> Result<(), Stop>> Visitor<'de> for Each<'_, T, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<T>()? {
            (self.f)(item).map_err(stop_error)?;
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Runs `seed` over the whole of `r` (one JSON value, then only white space).
pub(crate) fn run<S>(r: &mut dyn BufRead, seed: S) -> Result<(), serde_json::Error>
where
    S: for<'de> DeserializeSeed<'de, Value = ()>,
{
    let mut de = serde_json::Deserializer::from_reader(r);
    seed.deserialize(&mut de)?;
    de.end()
}

/// The parse error for a serde_json error, with line and column.
pub(crate) fn error(sink: &mut Sink<'_>, e: serde_json::Error) -> ParseError {
    let location = Location::Line {
        line: e.line() as u64,
        column: e.column() as u64,
    };
    if sink.is_stopped() {
        return sink.stop_error(location);
    }
    let msg = e.to_string();
    let reason = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    if e.is_io() {
        return ParseError::Io {
            input: sink.input.to_string(),
            location,
            source: std::io::Error::other(reason),
        };
    }
    sink.malformed(location, format!("invalid JSON: {reason}"))
}
