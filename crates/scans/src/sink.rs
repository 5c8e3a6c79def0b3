//! Where parsers deliver findings: fingerprinting, counting, the caller's callback.

use crate::error::{Location, ParseError};
use crate::finding::{Finding, Severity};
use crate::fingerprint::{digest, to_hex, Identity};

pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The caller refused a finding; the reason waits in [`Sink::stopped`].
#[derive(Debug)]
pub(crate) struct Stop;

/// Completes a finding: CWEs sorted without repeats, the fingerprint set.
pub(crate) fn complete(f: &mut Finding) {
    let d = digest(&Identity::of(f));
    complete_with(f, &d);
}

/// [`complete`], with the fingerprint's digest computed before (on
/// another thread, from the same fields).
pub(crate) fn complete_with(f: &mut Finding, digest: &[u8; 32]) {
    f.cwes.sort_unstable();
    f.cwes.dedup();
    f.fingerprint = to_hex(digest);
}

/// Where a parser puts the findings it reads: a [`Sink`], or a list kept
/// for later (a part of a report parsed on another thread).
pub(crate) trait Emit {
    /// Completes the finding and passes it on; `at` is the input offset
    /// after the item it came from.
    fn emit(&mut self, f: Finding, at: u64) -> Result<(), Stop>;
    /// Passes on a finding already completed.
    fn deliver(&mut self, f: Finding) -> Result<(), Stop>;
    /// The error for a stop at `location`.
    fn stop_error(&mut self, location: Location) -> ParseError;
}

impl Emit for Sink<'_> {
    fn emit(&mut self, f: Finding, _at: u64) -> Result<(), Stop> {
        Sink::emit(self, f)
    }

    fn deliver(&mut self, f: Finding) -> Result<(), Stop> {
        Sink::deliver(self, f)
    }

    fn stop_error(&mut self, location: Location) -> ParseError {
        Sink::stop_error(self, location)
    }
}

/// Completed findings kept in order, each with the input offset after its item.
#[derive(Default)]
pub(crate) struct Kept {
    pub(crate) findings: Vec<(Finding, u64)>,
}

impl Emit for Kept {
    fn emit(&mut self, mut f: Finding, at: u64) -> Result<(), Stop> {
        complete(&mut f);
        self.findings.push((f, at));
        Ok(())
    }

    fn deliver(&mut self, f: Finding) -> Result<(), Stop> {
        self.findings.push((f, 0));
        Ok(())
    }

    fn stop_error(&mut self, location: Location) -> ParseError {
        ParseError::Malformed {
            input: String::new(),
            location,
            reason: "a kept list of findings never stops".into(),
        }
    }
}

/// Receives the findings of one parse.
pub(crate) struct Sink<'a> {
    pub(crate) input: &'a str,
    on: &'a mut dyn FnMut(Finding) -> Result<(), BoxError>,
    pub(crate) count: u64,
    pub(crate) by_severity: [u64; 5],
    stopped: Option<BoxError>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(
        input: &'a str,
        on: &'a mut dyn FnMut(Finding) -> Result<(), BoxError>,
    ) -> Self {
        Sink {
            input,
            on,
            count: 0,
            by_severity: [0; 5],
            stopped: None,
        }
    }

    /// Completes the finding (fingerprint, tidy lists) and passes it on.
    pub(crate) fn emit(&mut self, mut f: Finding) -> Result<(), Stop> {
        if self.stopped.is_some() {
            return Err(Stop);
        }
        complete(&mut f);
        self.deliver(f)
    }

    /// Passes on a finding already completed by [`complete`].
    pub(crate) fn deliver(&mut self, f: Finding) -> Result<(), Stop> {
        if self.stopped.is_some() {
            return Err(Stop);
        }
        let sev = f.severity;
        match (self.on)(f) {
            Ok(()) => {
                self.count += 1;
                if let Some(i) = Severity::ALL.iter().position(|s| *s == sev) {
                    self.by_severity[i] += 1;
                }
                Ok(())
            }
            Err(e) => {
                self.stopped = Some(e);
                Err(Stop)
            }
        }
    }

    /// Whether the caller has stopped the parse.
    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped.is_some()
    }

    /// The error for a stop at `location`.
    pub(crate) fn stop_error(&mut self, location: Location) -> ParseError {
        let source = self
            .stopped
            .take()
            .unwrap_or_else(|| "stopped by the caller".into());
        ParseError::Stopped {
            input: self.input.to_string(),
            location,
            source,
        }
    }

    /// A malformed-input error at `location`.
    pub(crate) fn malformed(&self, location: Location, reason: impl Into<String>) -> ParseError {
        ParseError::Malformed {
            input: self.input.to_string(),
            location,
            reason: reason.into(),
        }
    }
}
