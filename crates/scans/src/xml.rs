//! A thin event reader over quick-xml, and small element trees for one item.
//!
//! Parsers walk the report event by event and build a [`Node`] tree only
//! for one item at a time (a `ReportItem`, a `result`, an `alertitem`), so
//! memory is bounded by the largest item, not by the report.

use std::io::{self, BufRead};

use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::Reader;

use crate::error::{Location, ParseError};
use crate::lines::{Lines, Position};

/// Largest text one item may hold before the parse is refused.
const MAX_ITEM_TEXT: usize = 64 * 1024 * 1024;
/// Most elements one item may hold.
const MAX_ITEM_NODES: usize = 1_000_000;
/// Deepest nesting inside one item.
const MAX_ITEM_DEPTH: usize = 256;

/// An element's name (namespace prefix dropped) and attributes.
#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
}

impl Tag {
    pub(crate) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One XML event, owned.
#[derive(Debug)]
pub(crate) enum Ev {
    Start(Tag),
    Empty(Tag),
    End(String),
    Text(String),
    Eof,
}

/// An element with its text and children.
#[derive(Debug, Default, Clone)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) text: String,
    pub(crate) children: Vec<Node>,
}

impl Node {
    pub(crate) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(crate) fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child `name`, if not blank.
    pub(crate) fn text_of(&self, name: &str) -> Option<String> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    }

    /// Own text, trimmed.
    pub(crate) fn own_text(&self) -> &str {
        self.text.trim()
    }
}

/// Deepest nesting of elements in a whole document.
const MAX_DEPTH: usize = 4096;

/// The unescaped text of a text event (as it stands if it cannot be unescaped).
pub(crate) fn text(e: &BytesText<'_>) -> String {
    match e.unescape() {
        Ok(t) => t.into_owned(),
        Err(_) => String::from_utf8_lossy(e).into_owned(),
    }
}

/// Where the events come from.
enum Source<'r> {
    /// A stream, buffered again so that the many small reads of the
    /// tokenizer are static calls, not calls through the layers of input
    /// readers; the buffer counts lines for error locations.
    Stream(Reader<Lines<'r>>),
    /// Bytes in memory, which begin at `start` in the input: events borrow
    /// from them, nothing is copied.
    Bytes {
        reader: Reader<&'r [u8]>,
        bytes: &'r [u8],
        start: Position,
    },
}

impl Source<'_> {
    /// The tokenizer's offset after the last event, and that of its last error.
    fn offsets(&self) -> (u64, u64) {
        match self {
            Source::Stream(r) => (r.buffer_position(), r.error_position()),
            Source::Bytes { reader, .. } => (reader.buffer_position(), reader.error_position()),
        }
    }

    /// Line and column of byte offset `byte` of the current event, where
    /// the tokenizer's offsets lag `skipped` bytes behind the input's.
    fn locate(&self, byte: u64, skipped: u64) -> Location {
        match self {
            Source::Stream(r) => r.get_ref().locate(byte),
            Source::Bytes { bytes, start, .. } => {
                let read = self.offsets().0 + skipped - start.offset;
                let n = usize::try_from(read).unwrap_or(usize::MAX);
                start.locate_in(bytes.get(..n).unwrap_or(bytes), byte)
            }
        }
    }
}

/// The event reader of one XML input.
pub(crate) struct Xml<'r, 's> {
    source: Source<'r>,
    buf: Vec<u8>,
    /// Names of the open elements, one after another; `open_ends` holds
    /// where each ends (its length is the depth).
    open_names: Vec<u8>,
    open_ends: Vec<usize>,
    /// Bytes consumed past the tokenizer (taken directly from the stream,
    /// or before the bytes in memory): added to its offsets.
    skipped: u64,
    pub(crate) input: &'s str,
}

impl<'r, 's> Xml<'r, 's> {
    pub(crate) fn new(input: &'s str, r: &'r mut dyn BufRead) -> Self {
        let mut reader = Reader::from_reader(Lines::new(r));
        reader.config_mut().trim_text(true);
        Xml::with(input, Source::Stream(reader), 0)
    }

    /// The reader of `bytes`, which begin at `start` in the input (offsets,
    /// lines and columns count from the input's start).
    pub(crate) fn of_bytes(input: &'s str, bytes: &'r [u8], start: Position) -> Self {
        let mut reader = Reader::from_reader(bytes);
        reader.config_mut().trim_text(true);
        Xml::with(
            input,
            Source::Bytes {
                reader,
                bytes,
                start,
            },
            start.offset,
        )
    }

    fn with(input: &'s str, source: Source<'r>, skipped: u64) -> Self {
        let buf = match source {
            Source::Stream(_) => Vec::with_capacity(64 * 1024),
            Source::Bytes { .. } => Vec::new(),
        };
        Xml {
            source,
            buf,
            open_names: Vec::new(),
            open_ends: Vec::new(),
            skipped,
            input,
        }
    }

    /// Takes the elements `names` (local names, outermost first) as open,
    /// for a reader that begins inside them.
    pub(crate) fn assume_open(&mut self, names: &[&[u8]]) {
        for name in names {
            self.open_names.extend_from_slice(name);
            self.open_ends.push(self.open_names.len());
        }
    }

    /// Whether the open elements are exactly `names` (local names,
    /// outermost first).
    pub(crate) fn open_are(&self, names: &[&[u8]]) -> bool {
        self.open_ends.len() == names.len() && {
            let mut start = 0;
            self.open_ends.iter().zip(names).all(|(&end, name)| {
                let open = self.open_names.get(start..end);
                start = end;
                open == Some(name)
            })
        }
    }

    /// The line-counting reader under the tokenizer of a stream.
    pub(crate) fn lines(&mut self) -> Option<&mut Lines<'r>> {
        match &mut self.source {
            Source::Stream(r) => Some(r.get_mut()),
            Source::Bytes { .. } => None,
        }
    }

    /// Where the reader is: what it has consumed.
    pub(crate) fn consumed(&self) -> Position {
        match &self.source {
            Source::Stream(r) => r.get_ref().position(),
            Source::Bytes { bytes, start, .. } => {
                let n = usize::try_from(self.offset() - start.offset).unwrap_or(usize::MAX);
                start.after(bytes.get(..n).unwrap_or(bytes))
            }
        }
    }

    /// Puts back `bytes` taken past the tokenizer, which began at `at`.
    pub(crate) fn unskip(&mut self, bytes: Vec<u8>, at: Position) {
        if let Source::Stream(r) = &mut self.source {
            self.skipped -= bytes.len() as u64;
            r.get_mut().unread(bytes, at);
        }
    }

    /// Takes the next `n` bytes of a stream past the tokenizer, which must
    /// be between events (they are whole elements, or white space before one).
    pub(crate) fn skip(&mut self, n: usize) {
        if let Source::Stream(r) = &mut self.source {
            r.get_mut().skip(n);
            self.skipped += n as u64;
        }
    }

    /// The input offset after the last event.
    fn offset(&self) -> u64 {
        self.source.offsets().0 + self.skipped
    }

    /// Where the reader is in the input (line and column).
    pub(crate) fn position(&self) -> Location {
        self.locate(self.offset())
    }

    /// Line and column of byte offset `byte` of the current event.
    pub(crate) fn locate(&self, byte: u64) -> Location {
        self.source.locate(byte, self.skipped)
    }

    /// `e` with a byte offset in the current event turned into a line and column.
    pub(crate) fn relocate(&self, e: ParseError) -> ParseError {
        match e {
            ParseError::Malformed {
                input,
                location: Location::Byte(b),
                reason,
            } => ParseError::Malformed {
                input,
                location: self.locate(b),
                reason,
            },
            ParseError::Stopped {
                input,
                location: Location::Byte(b),
                source,
            } => ParseError::Stopped {
                input,
                location: self.locate(b),
                source,
            },
            ParseError::Io {
                input,
                location: Location::Byte(b),
                source,
            } => ParseError::Io {
                input,
                location: self.locate(b),
                source,
            },
            e => e,
        }
    }

    /// Element nesting depth after the last event (the root is depth 1).
    pub(crate) fn depth(&self) -> usize {
        self.open_ends.len()
    }

    /// A read error at the current position.
    pub(crate) fn io_error(&self, source: io::Error) -> ParseError {
        ParseError::Io {
            input: self.input.to_string(),
            location: self.position(),
            source,
        }
    }

    pub(crate) fn malformed(&self, reason: impl Into<String>) -> ParseError {
        ParseError::Malformed {
            input: self.input.to_string(),
            location: self.position(),
            reason: reason.into(),
        }
    }

    fn convert(input: &str, location: Location, e: quick_xml::Error) -> ParseError {
        match e {
            quick_xml::Error::Io(io) => ParseError::Io {
                input: input.to_string(),
                location,
                source: io::Error::new(io.kind(), io.to_string()),
            },
            e => ParseError::Malformed {
                input: input.to_string(),
                location,
                reason: format!("invalid XML: {e}"),
            },
        }
    }

    /// The tag of a start or empty element read at byte `pos`, owned.
    pub(crate) fn tag(e: &BytesStart<'_>, input: &str, pos: u64) -> Result<Tag, ParseError> {
        let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|err| ParseError::Malformed {
                input: input.to_string(),
                location: Location::Byte(pos),
                reason: format!("attribute of <{name}>: {err}"),
            })?;
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = match a.unescape_value() {
                Ok(v) => v.into_owned(),
                Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
            };
            attrs.push((key, value));
        }
        Ok(Tag { name, attrs })
    }

    /// The next raw event, borrowed from the reader's buffer, and the byte
    /// offset after it. Keeps the stack of open elements (a premature end of
    /// input is an error) and refuses entity declarations and nesting deeper
    /// than [`MAX_DEPTH`]. Comments, declarations and processing
    /// instructions are returned too; callers ignore them.
    pub(crate) fn next_raw(&mut self) -> Result<(Event<'_>, u64), ParseError> {
        let read = match &mut self.source {
            Source::Stream(r) => {
                self.buf.clear();
                r.get_mut().mark();
                r.read_event_into(&mut self.buf)
            }
            Source::Bytes { reader, .. } => reader.read_event(),
        };
        let (source, skipped) = (&self.source, self.skipped);
        let ev = match read {
            Ok(ev) => ev,
            Err(e) => {
                let at = source.locate(source.offsets().1 + skipped, skipped);
                return Err(Self::convert(self.input, at, e));
            }
        };
        let pos = source.offsets().0 + skipped;
        let malformed = |reason: String| ParseError::Malformed {
            input: self.input.to_string(),
            location: source.locate(pos, skipped),
            reason,
        };
        match &ev {
            Event::Start(e) => {
                if self.open_ends.len() >= MAX_DEPTH {
                    return Err(malformed(format!(
                        "elements nested more than {MAX_DEPTH} deep"
                    )));
                }
                self.open_names.extend_from_slice(e.local_name().as_ref());
                self.open_ends.push(self.open_names.len());
            }
            Event::End(_) => {
                self.open_ends.pop();
                self.open_names
                    .truncate(self.open_ends.last().copied().unwrap_or(0));
            }
            Event::Eof => {
                if let Some(end) = self.open_ends.last() {
                    let start = self
                        .open_ends
                        .len()
                        .checked_sub(2)
                        .and_then(|i| self.open_ends.get(i))
                        .copied()
                        .unwrap_or(0);
                    let open = self.open_names.get(start..*end).unwrap_or_default();
                    return Err(malformed(format!(
                        "unexpected end of input inside <{}> (truncated report?)",
                        String::from_utf8_lossy(open)
                    )));
                }
            }
            // Entities are never expanded or fetched: a report that
            // declares any (external entities, "billion laughs") is refused.
            Event::DocType(e) if e.windows(8).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) => {
                return Err(malformed(
                    "the DOCTYPE declares entities; entity declarations are refused, so nothing is fetched or expanded"
                        .to_string(),
                ));
            }
            _ => {}
        }
        Ok((ev, pos))
    }

    /// The next event, owned; comments, declarations and processing
    /// instructions are skipped. A premature end of input is an error.
    pub(crate) fn next(&mut self) -> Result<Ev, ParseError> {
        loop {
            let input = self.input;
            let (ev, pos) = self.next_raw()?;
            let out = match ev {
                Event::Start(e) => Self::tag(&e, input, pos).map(Ev::Start),
                Event::Empty(e) => Self::tag(&e, input, pos).map(Ev::Empty),
                Event::End(e) => Ok(Ev::End(
                    String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
                )),
                Event::Text(e) => Ok(Ev::Text(text(&e))),
                Event::CData(e) => Ok(Ev::Text(String::from_utf8_lossy(&e).into_owned())),
                Event::Eof => Ok(Ev::Eof),
                Event::DocType(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => continue,
            };
            return out.map_err(|e| self.relocate(e));
        }
    }

    /// The root element's tag; an error if the input has none or it is not
    /// one of `expected`.
    pub(crate) fn root(&mut self, expected: &[&str], what: &str) -> Result<Tag, ParseError> {
        loop {
            match self.next()? {
                Ev::Start(t) | Ev::Empty(t) => {
                    if expected.contains(&t.name.as_str()) {
                        return Ok(t);
                    }
                    return Err(self.malformed(format!(
                        "root element <{}> is not that of {what} (<{}>)",
                        t.name,
                        expected.join("> or <")
                    )));
                }
                Ev::Text(_) | Ev::End(_) => {}
                Ev::Eof => return Err(self.malformed(format!("no root element: not {what}"))),
            }
        }
    }

    /// Reads the rest of the element `start` (just read as `Start`) into a
    /// tree. Children named in `skip` are kept empty (request/response dumps).
    pub(crate) fn subtree(&mut self, start: Tag, skip: &[&str]) -> Result<Node, ParseError> {
        let mut stack = vec![Node {
            name: start.name,
            attrs: start.attrs,
            ..Node::default()
        }];
        let mut total = 0usize;
        let mut nodes = 0usize;
        let mut skipping = 0usize;
        loop {
            let ev = self.next()?;
            if matches!(ev, Ev::Start(_) | Ev::Empty(_)) && skipping == 0 {
                nodes += 1;
                if nodes > MAX_ITEM_NODES {
                    return Err(self.malformed("one item holds more than a million elements"));
                }
            }
            match ev {
                Ev::Start(t) => {
                    if skipping > 0 || skip.contains(&t.name.as_str()) {
                        skipping += 1;
                        continue;
                    }
                    if stack.len() >= MAX_ITEM_DEPTH {
                        return Err(
                            self.malformed("elements nested more than 256 deep in one item")
                        );
                    }
                    stack.push(Node {
                        name: t.name,
                        attrs: t.attrs,
                        ..Node::default()
                    });
                }
                Ev::Empty(t) => {
                    if skipping == 0 {
                        if let Some(top) = stack.last_mut() {
                            top.children.push(Node {
                                name: t.name,
                                attrs: t.attrs,
                                ..Node::default()
                            });
                        }
                    }
                }
                Ev::Text(s) => {
                    if skipping == 0 {
                        total += s.len();
                        if total > MAX_ITEM_TEXT {
                            return Err(self.malformed("one item holds more than 64 MiB of text"));
                        }
                        if let Some(top) = stack.last_mut() {
                            if top.text.is_empty() {
                                top.text = s;
                            } else {
                                top.text.push(' ');
                                top.text.push_str(&s);
                            }
                        }
                    }
                }
                Ev::End(_) => {
                    if skipping > 0 {
                        skipping -= 1;
                        continue;
                    }
                    let Some(done) = stack.pop() else {
                        return Err(self.malformed("unbalanced element"));
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Ev::Eof => return Err(self.malformed("unexpected end of input")),
            }
        }
    }
}
