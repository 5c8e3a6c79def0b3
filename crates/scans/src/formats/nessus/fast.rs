//! A report host written plainly, parsed without the general tokenizer.
//!
//! It reads what [`super::walk`] reads, by the same rules, from hosts that
//! hold only tags with quoted attributes, text with the five named entities,
//! comments and CDATA sections. On anything else (a processing instruction,
//! a declaration, another entity or a character reference, an attribute
//! not written `name="value"`, an end tag that does not match, a host
//! property list near its limits) it gives up, and the host is read by the
//! tokenizer, which meets the same things and reports any error.

use std::borrow::Cow;

use super::item::{Host, Item};
use super::split::is_space;
use crate::finding::Finding;
use crate::sink::complete;
use crate::text::non_empty;

/// Deepest nesting taken (the tokenizer refuses 4096 in the whole report).
const MAX_DEPTH: usize = 200;
/// Most elements taken in a host property list (the tokenizer refuses a
/// million).
const MAX_PROPERTY_NODES: usize = 100_000;

fn trim(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !is_space(*c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !is_space(*c))
        .map_or(start, |i| i + 1);
    b.get(start..end).unwrap_or_default()
}

/// The name without its namespace prefix.
fn local_name(name: &[u8]) -> &[u8] {
    match memchr::memchr(b':', name) {
        Some(i) => name.get(i + 1..).unwrap_or_default(),
        None => name,
    }
}

/// The index of the `>` that ends the tag whose content begins at
/// `bytes[from]`, skipping quoted attribute values.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        i += memchr::memchr3(b'>', b'"', b'\'', bytes.get(i..)?)?;
        match *bytes.get(i)? {
            b'>' => return Some(i),
            q => i += 1 + memchr::memchr(q, bytes.get(i + 1..)?)?,
        }
        i += 1;
    }
}

/// The index of the first `>` at or after `from` that follows `end`.
fn closing(bytes: &[u8], from: usize, end: &[u8]) -> Option<usize> {
    let rest = bytes.get(from..)?;
    memchr::memchr_iter(b'>', rest)
        .map(|i| from + i)
        .find(|&i| bytes.get(..i).is_some_and(|b| b.ends_with(end)))
}

/// Text or an attribute value as the tokenizer gives it: decoded and
/// unescaped, or as it stands (lossily decoded) if it cannot be decoded.
/// None for entities other than the five named ones.
fn unescape(raw: &[u8]) -> Option<Cow<'_, str>> {
    let Ok(s) = std::str::from_utf8(raw) else {
        return Some(String::from_utf8_lossy(raw));
    };
    if memchr::memchr(b'&', raw).is_none() {
        return Some(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(rest.get(..i)?);
        let after = rest.get(i + 1..)?;
        let semi = after.find(';')?;
        out.push(match after.get(..semi)? {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => return None,
        });
        rest = after.get(semi + 1..)?;
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// The attributes after a tag's name, `name="value"` each after white
/// space: (name, raw value) in order; None if written otherwise.
fn attributes(rest: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let mut out: Vec<(&[u8], &[u8])> = Vec::with_capacity(8);
    let mut i = 0;
    loop {
        let space = rest.get(i..)?.iter().take_while(|b| is_space(**b)).count();
        i += space;
        if i == rest.len() {
            return Some(out);
        }
        if space == 0 {
            return None;
        }
        let key_len = rest
            .get(i..)?
            .iter()
            .take_while(|b| {
                !is_space(**b) && !matches!(b, b'=' | b'"' | b'\'' | b'/' | b'<' | b'>')
            })
            .count();
        let key = rest.get(i..i + key_len)?;
        i += key_len;
        i += rest.get(i..)?.iter().take_while(|b| is_space(**b)).count();
        if key.is_empty() || rest.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        i += rest.get(i..)?.iter().take_while(|b| is_space(**b)).count();
        let q = *rest.get(i)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let len = memchr::memchr(q, rest.get(i + 1..)?)?;
        let value = rest.get(i + 1..i + 1 + len)?;
        i += len + 2;
        if out.iter().any(|(k, _)| *k == key) {
            return None;
        }
        out.push((key, value));
    }
}

/// The unescaped value of the first attribute whose local name is `name`.
fn attr_value(attrs: &[(&[u8], &[u8])], name: &[u8]) -> Option<Option<String>> {
    match attrs.iter().find(|(k, _)| local_name(k) == name) {
        Some((_, v)) => Some(Some(unescape(v)?.into_owned())),
        None => Some(None),
    }
}

/// A host property list being read.
#[derive(Default)]
struct Properties {
    /// Depth inside the list (1: in one of its elements).
    depth: usize,
    nodes: usize,
    /// The `tag` element being read: what its `name` says, and its text.
    tag: Option<(Option<String>, String)>,
}

impl Properties {
    fn set(host: &mut Host, name: Option<&str>, text: &str) {
        match name {
            Some("host-ip") => host.ip = non_empty(text),
            Some("host-fqdn") => host.fqdn = non_empty(text),
            _ => {}
        }
    }
}

/// What the host holds so far.
#[derive(Default)]
struct Reading {
    host: Host,
    item: Option<Item>,
    /// Depth inside the item (0: directly in it).
    item_depth: usize,
    properties: Option<Properties>,
    found: Vec<(Finding, u64)>,
}

impl Reading {
    fn emit(&mut self, item: Item, at: u64) {
        let mut f = item.finding(&self.host);
        complete(&mut f);
        self.found.push((f, at));
    }

    /// A start tag (`empty`: a self-closed one); `first`: the host's own.
    fn start(&mut self, name: &[u8], rest: &[u8], empty: bool, first: bool, at: u64) -> Option<()> {
        let local = local_name(name);
        if first {
            let attrs = attributes(rest)?;
            self.host = Host {
                name: attr_value(&attrs, b"name")?.as_deref().and_then(non_empty),
                ..Host::default()
            };
            return Some(());
        }
        if let Some(p) = self.properties.as_mut() {
            // Every attribute in the list is read.
            let attrs = attributes(rest)?;
            p.nodes += 1;
            if p.nodes > MAX_PROPERTY_NODES {
                return None;
            }
            if p.depth == 0 && local == b"tag" {
                let name = attr_value(&attrs, b"name")?;
                if empty {
                    Properties::set(&mut self.host, name.as_deref(), "");
                } else {
                    p.tag = Some((name, String::new()));
                }
            }
            if !empty {
                p.depth += 1;
            }
            return Some(());
        }
        if let Some(it) = self.item.as_mut() {
            if empty {
                if self.item_depth == 0 {
                    it.open(local);
                    it.close();
                }
            } else {
                self.item_depth += 1;
                if self.item_depth == 1 {
                    it.open(local);
                }
            }
            return Some(());
        }
        match local {
            b"ReportHost" => return None,
            b"ReportItem" => {
                let mut item = Item::default();
                for (k, v) in attributes(rest)? {
                    let value = unescape(v)?;
                    item.attr(local_name(k), || value.into_owned());
                }
                if empty {
                    self.emit(item, at);
                } else {
                    self.item = Some(item);
                    self.item_depth = 0;
                }
            }
            b"HostProperties" if !empty => {
                attributes(rest)?;
                self.properties = Some(Properties::default());
            }
            _ => {}
        }
        Some(())
    }

    /// Whether text here is kept (the tokenizer unescapes only such text).
    fn wants_text(&self) -> bool {
        match (&self.properties, &self.item) {
            (Some(p), _) => p.depth == 1 && p.tag.is_some(),
            (None, Some(it)) => self.item_depth == 1 && it.wants_text(),
            (None, None) => false,
        }
    }

    /// Text (unescaped) or a CDATA section directly in the current element.
    fn text(&mut self, text: Cow<'_, str>) -> Option<()> {
        if let Some(p) = self.properties.as_mut() {
            if p.depth == 1 {
                if let Some((_, t)) = p.tag.as_mut() {
                    if !t.is_empty() {
                        t.push(' ');
                    }
                    t.push_str(&text);
                }
            }
            return Some(());
        }
        if let Some(it) = self.item.as_mut() {
            if self.item_depth == 1 && it.wants_text() {
                // Hosts are smaller than the limit of an item's text.
                it.add_text(text, "", 0).ok()?;
            }
        }
        Some(())
    }

    /// An end tag, after the item's or list's content; `at`: the offset after it.
    fn end(&mut self, at: u64) {
        if let Some(p) = self.properties.as_mut() {
            if p.depth == 0 {
                self.properties = None;
            } else {
                if p.depth == 1 {
                    if let Some((name, text)) = p.tag.take() {
                        Properties::set(&mut self.host, name.as_deref(), &text);
                    }
                }
                p.depth -= 1;
            }
            return;
        }
        if self.item_depth == 0 {
            if let Some(done) = self.item.take() {
                self.emit(done, at);
            }
        } else {
            if self.item_depth == 1 {
                if let Some(it) = self.item.as_mut() {
                    it.close();
                }
            }
            self.item_depth -= 1;
        }
    }
}

/// The findings (completed, each with the input offset after its item) and
/// the host of `bytes`: white space, then one report host to the last byte.
/// `base`: the input offset of `bytes`. None if the host is not written
/// plainly enough.
pub(crate) fn host(bytes: &[u8], base: u64) -> Option<(Vec<(Finding, u64)>, Host)> {
    let mut r = Reading {
        // About one finding per kilobyte, as a start.
        found: Vec::with_capacity(bytes.len() / 1024 + 1),
        ..Reading::default()
    };
    // Names of the open elements, as ranges of `bytes`.
    let mut open: Vec<(usize, usize)> = Vec::with_capacity(16);
    let mut at = 0usize;
    loop {
        let lt = at + memchr::memchr(b'<', bytes.get(at..)?)?;
        if r.wants_text() {
            let text = trim(bytes.get(at..lt)?);
            if !text.is_empty() {
                r.text(unescape(text)?)?;
            }
        }
        let end = match *bytes.get(lt + 1)? {
            b'!' => {
                let rest = bytes.get(lt..)?;
                if rest.starts_with(b"<!--") {
                    closing(bytes, lt + 6, b"--")?
                } else if rest.starts_with(b"<![CDATA[") {
                    let e = closing(bytes, lt + 9, b"]]")?;
                    if r.wants_text() {
                        r.text(String::from_utf8_lossy(bytes.get(lt + 9..e - 2)?))?;
                    }
                    e
                } else {
                    return None;
                }
            }
            b'/' => {
                let e = tag_end(bytes, lt + 2)?;
                let name = bytes.get(lt + 2..e)?;
                let name_len = name
                    .iter()
                    .rposition(|b| !is_space(*b))
                    .map_or(0, |i| i + 1);
                let (s, n) = open.pop()?;
                if name.get(..name_len)? != bytes.get(s..s + n)? {
                    return None;
                }
                if open.is_empty() {
                    // The host's end: the last thing in the bytes.
                    return (e + 1 == bytes.len()).then_some((r.found, r.host));
                }
                r.end(base + e as u64 + 1);
                e
            }
            b'?' => return None,
            _ => {
                let e = tag_end(bytes, lt + 1)?;
                let content = bytes.get(lt + 1..e)?;
                let (content, empty) = match content.strip_suffix(b"/") {
                    Some(c) => (c, true),
                    None => (content, false),
                };
                let name_len = content
                    .iter()
                    .position(|b| is_space(*b))
                    .unwrap_or(content.len());
                let name = content.get(..name_len)?;
                if name.is_empty() || (open.is_empty() && (empty || name != b"ReportHost")) {
                    return None;
                }
                r.start(
                    name,
                    content.get(name_len..)?,
                    empty,
                    open.is_empty(),
                    base + e as u64 + 1,
                )?;
                if !empty {
                    if open.len() >= MAX_DEPTH {
                        return None;
                    }
                    open.push((lt + 1, name_len));
                }
                e
            }
        };
        at = end + 1;
    }
}
