//! A thin event reader over quick-xml, and small element trees for one item.
//!
//! Parsers walk the report event by event and build a [`Node`] tree only
//! for one item at a time (a `ReportItem`, a `result`, an `alertitem`), so
//! memory is bounded by the largest item, not by the report.

use std::io::{self, BufRead};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{Location, ParseError};

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

/// The event reader of one XML input.
pub(crate) struct Xml<'r, 's> {
    reader: Reader<&'r mut dyn BufRead>,
    buf: Vec<u8>,
    depth: usize,
    open: Vec<String>,
    input: &'s str,
}

impl<'r, 's> Xml<'r, 's> {
    pub(crate) fn new(input: &'s str, r: &'r mut dyn BufRead) -> Self {
        let mut reader = Reader::from_reader(r);
        reader.config_mut().trim_text(true);
        Xml {
            reader,
            buf: Vec::with_capacity(64 * 1024),
            depth: 0,
            open: Vec::new(),
            input,
        }
    }

    /// Byte offset of the reader in the input.
    pub(crate) fn position(&self) -> Location {
        Location::Byte(self.reader.buffer_position())
    }

    /// Element nesting depth after the last event (the root is depth 1).
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    pub(crate) fn malformed(&self, reason: impl Into<String>) -> ParseError {
        ParseError::Malformed {
            input: self.input.to_string(),
            location: self.position(),
            reason: reason.into(),
        }
    }

    fn convert(&self, e: quick_xml::Error) -> ParseError {
        let location = Location::Byte(self.reader.error_position());
        match e {
            quick_xml::Error::Io(io) => ParseError::Io {
                input: self.input.to_string(),
                location,
                source: io::Error::new(io.kind(), io.to_string()),
            },
            e => ParseError::Malformed {
                input: self.input.to_string(),
                location,
                reason: format!("invalid XML: {e}"),
            },
        }
    }

    fn tag(e: &BytesStart<'_>, input: &str, pos: u64) -> Result<Tag, ParseError> {
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

    /// The next event; comments, declarations and processing instructions
    /// are skipped. A premature end of input is an error.
    pub(crate) fn next(&mut self) -> Result<Ev, ParseError> {
        loop {
            self.buf.clear();
            let ev = match self.reader.read_event_into(&mut self.buf) {
                Ok(ev) => ev,
                Err(e) => return Err(self.convert(e)),
            };
            let pos = self.reader.buffer_position();
            return match ev {
                Event::Start(e) => {
                    let tag = Self::tag(&e, self.input, pos)?;
                    self.depth += 1;
                    self.open.push(tag.name.clone());
                    Ok(Ev::Start(tag))
                }
                Event::Empty(e) => Ok(Ev::Empty(Self::tag(&e, self.input, pos)?)),
                Event::End(e) => {
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    self.depth = self.depth.saturating_sub(1);
                    self.open.pop();
                    Ok(Ev::End(name))
                }
                Event::Text(e) => Ok(Ev::Text(match e.unescape() {
                    Ok(t) => t.into_owned(),
                    Err(_) => String::from_utf8_lossy(&e).into_owned(),
                })),
                Event::CData(e) => Ok(Ev::Text(String::from_utf8_lossy(&e).into_owned())),
                Event::Eof => {
                    if let Some(open) = self.open.last() {
                        Err(self.malformed(format!(
                            "unexpected end of input inside <{open}> (truncated report?)"
                        )))
                    } else {
                        Ok(Ev::Eof)
                    }
                }
                Event::DocType(e) => {
                    // Entities are never expanded or fetched: a report that
                    // declares any (external entities, "billion laughs") is refused.
                    if e.windows(8).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) {
                        return Err(self.malformed(
                            "the DOCTYPE declares entities; entity declarations are refused, so nothing is fetched or expanded"
                                .to_string(),
                        ));
                    }
                    continue;
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => continue,
            };
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
