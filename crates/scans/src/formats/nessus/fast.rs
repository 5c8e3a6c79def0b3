//! A report host written plainly, parsed without the general tokenizer.
//!
//! It reads what [`super::walk`] reads, by the same rules, from hosts that
//! hold only tags with quoted attributes, text with the five named entities,
//! comments and CDATA sections. On anything else (a processing instruction,
//! a declaration, another entity or a character reference, an attribute
//! not written `name="value"`, an end tag that does not match, a host
//! property list near its limits) it gives up, and the host is read by the
//! tokenizer, which meets the same things and reports any error.

use std::cell::Cell;

use super::find;
use super::item::{Host, Item, Piece};
use super::split::is_space;
use crate::finding::Finding;
use crate::fingerprint::digest;
use crate::sink::complete_with;
use crate::text::non_empty;

/// Deepest nesting taken (the tokenizer refuses 4096 in the whole report).
const MAX_DEPTH: usize = 200;
/// Most elements taken in a host property list (the tokenizer refuses a
/// million).
const MAX_PROPERTY_NODES: usize = 100_000;
/// Most attributes taken on one tag.
const MAX_ATTRIBUTES: usize = 32;

/// The range `from..to` of `bytes` without white space at its ends.
fn trim(bytes: &[u8], from: usize, to: usize) -> (usize, usize) {
    let mut a = from;
    let mut b = to;
    while a < b && bytes.get(a).is_some_and(|c| is_space(*c)) {
        a += 1;
    }
    while b > a && bytes.get(b - 1).is_some_and(|c| is_space(*c)) {
        b -= 1;
    }
    (a, b)
}

/// The name without its namespace prefix.
fn local_name(name: &[u8]) -> &[u8] {
    match name.iter().position(|b| *b == b':') {
        Some(i) => name.get(i + 1..).unwrap_or_default(),
        None => name,
    }
}

/// The index of the `>` that ends the tag whose content begins at
/// `bytes[from]`, skipping quoted attribute values.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        i = find::first_of3(bytes, i, b'>', b'"', b'\'')?;
        match *bytes.get(i)? {
            b'>' => return Some(i),
            q => i = find::first(bytes, i + 1, q)? + 1,
        }
    }
}

/// The index of the first `>` at or after `from` that follows `end`.
fn closing(bytes: &[u8], from: usize, end: &[u8]) -> Option<usize> {
    let rest = bytes.get(from..)?;
    memchr::memchr_iter(b'>', rest)
        .map(|i| from + i)
        .find(|&i| bytes.get(..i).is_some_and(|b| b.ends_with(end)))
}

/// Where the host's text has an `&`, in order, and where the last look
/// ended (text is read in order, so a look starts there).
struct Amps {
    at: Vec<usize>,
    next: Cell<usize>,
}

impl Amps {
    fn of(src: &str) -> Amps {
        Amps {
            at: memchr::memchr_iter(b'&', src.as_bytes()).collect(),
            next: Cell::new(0),
        }
    }

    /// Whether `src[a..b]` holds an `&`.
    fn within(&self, a: usize, b: usize) -> bool {
        let mut i = self.next.get();
        if i > 0 && self.at.get(i - 1).is_some_and(|&p| p >= a) {
            // A look behind the last one.
            i = self.at.partition_point(|&p| p < a);
        }
        while self.at.get(i).is_some_and(|&p| p < a) {
            i += 1;
        }
        self.next.set(i);
        self.at.get(i).is_some_and(|&p| p < b)
    }
}

/// Text or an attribute value `src[a..b]` as the tokenizer gives it,
/// unescaped: the range itself when it holds no entity. None for entities
/// other than the five named ones.
fn unescape(src: &str, amps: &Amps, a: usize, b: usize) -> Option<Piece> {
    let raw = src.get(a..b)?;
    if !amps.within(a, b) {
        return Some(Piece::At(a, b));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
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
    Some(Piece::Own(out))
}

/// The attributes of a tag, `name="value"` each after white space, from
/// `bytes[from..to]` (after the tag's name): how many, each as its name
/// and the range of its raw value. None if written otherwise, or too many.
type Attributes<'a> = ([(&'a [u8], usize, usize); MAX_ATTRIBUTES], usize);

fn attributes(bytes: &[u8], from: usize, to: usize) -> Option<Attributes<'_>> {
    let mut out: Attributes<'_> = ([(&[], 0, 0); MAX_ATTRIBUTES], 0);
    let rest = bytes.get(..to)?;
    let mut i = from;
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
        let len = find::first(rest, i + 1, q)? - (i + 1);
        let value = (i + 1, i + 1 + len);
        i += len + 2;
        let (list, n) = &mut out;
        if list.get(..*n)?.iter().any(|(k, ..)| *k == key) {
            return None;
        }
        *list.get_mut(*n)? = (key, value.0, value.1);
        *n += 1;
    }
}

/// The unescaped value of the first attribute whose local name is `name`.
fn attr_value(
    src: &str,
    amps: &Amps,
    attrs: &Attributes<'_>,
    name: &[u8],
) -> Option<Option<String>> {
    let (list, n) = attrs;
    match list.get(..*n)?.iter().find(|(k, ..)| local_name(k) == name) {
        Some((_, a, b)) => Some(Some(unescape(src, amps, *a, *b)?.get(src).to_string())),
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

/// What a worker read of a plainly written host: its items, not yet made
/// into findings, and the host as each item saw it.
pub(crate) struct Plain {
    /// Each item, the version of the host it saw, the digest of its
    /// finding's fingerprint and the input offset after it.
    items: Vec<(Item, usize, [u8; 32], u64)>,
    host: Versions,
}

impl Plain {
    /// The findings, completed, each with the input offset after its item;
    /// `src`: the text of the host's bytes.
    pub(crate) fn findings(self, src: &str) -> impl Iterator<Item = (Finding, u64)> + '_ {
        let host = self.host;
        self.items.into_iter().map(move |(item, h, digest, at)| {
            let mut f = item.finding(host.version(h), src);
            complete_with(&mut f, &digest);
            (f, at)
        })
    }

    /// The host as its end left it.
    pub(crate) fn host(&self) -> Host {
        self.host.current.clone()
    }
}

/// The host as it changes while being read: items see the version of
/// their end (host properties may follow items).
#[derive(Default)]
struct Versions {
    current: Host,
    /// Versions seen by items before a change, oldest first; the current
    /// one is numbered `past.len()`.
    past: Vec<Host>,
    /// Whether an item saw the current version.
    seen: bool,
}

impl Versions {
    /// The host, to change (a new version if an item saw this one).
    fn current_mut(&mut self) -> &mut Host {
        if self.seen {
            self.past.push(self.current.clone());
            self.seen = false;
        }
        &mut self.current
    }

    /// The number of the current version, which an item sees.
    fn see(&mut self) -> usize {
        self.seen = true;
        self.past.len()
    }

    fn version(&self, n: usize) -> &Host {
        self.past.get(n).unwrap_or(&self.current)
    }
}

/// What the host holds so far.
struct Reading<'s> {
    src: &'s str,
    amps: Amps,
    host: Versions,
    item: Option<Item>,
    /// Depth inside the item (0: directly in it).
    item_depth: usize,
    properties: Option<Properties>,
    items: Vec<(Item, usize, [u8; 32], u64)>,
}

impl<'s> Reading<'s> {
    fn emit(&mut self, item: Item, at: u64) {
        let h = self.host.see();
        let d = digest(&item.identity(&self.host.current, self.src));
        self.items.push((item, h, d, at));
    }

    /// A start tag, its name at `name` and the rest of its content from
    /// `from` to `to` (`empty`: a self-closed one); `first`: the host's own.
    fn start(
        &mut self,
        bytes: &[u8],
        name: (usize, usize),
        (from, to): (usize, usize),
        (empty, first): (bool, bool),
        at: u64,
    ) -> Option<()> {
        let local = local_name(bytes.get(name.0..name.1)?);
        let src = self.src;
        if first {
            let attrs = attributes(bytes, from, to)?;
            *self.host.current_mut() = Host {
                name: attr_value(src, &self.amps, &attrs, b"name")?
                    .as_deref()
                    .and_then(non_empty),
                ..Host::default()
            };
            return Some(());
        }
        if let Some(p) = self.properties.as_mut() {
            // Every attribute in the list is read.
            let attrs = attributes(bytes, from, to)?;
            p.nodes += 1;
            if p.nodes > MAX_PROPERTY_NODES {
                return None;
            }
            if p.depth == 0 && local == b"tag" {
                let name = attr_value(src, &self.amps, &attrs, b"name")?;
                if empty {
                    Properties::set(self.host.current_mut(), name.as_deref(), "");
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
                    it.close(src);
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
                let (list, n) = attributes(bytes, from, to)?;
                for (k, a, b) in list.get(..n)? {
                    let value = unescape(src, &self.amps, *a, *b)?;
                    item.attr(local_name(k), || value);
                }
                if empty {
                    self.emit(item, at);
                } else {
                    self.item = Some(item);
                    self.item_depth = 0;
                }
            }
            b"HostProperties" if !empty => {
                attributes(bytes, from, to)?;
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
    fn text(&mut self, text: Piece) -> Option<()> {
        let src = self.src;
        if let Some(p) = self.properties.as_mut() {
            if p.depth == 1 {
                if let Some((_, t)) = p.tag.as_mut() {
                    if !t.is_empty() {
                        t.push(' ');
                    }
                    t.push_str(text.get(src));
                }
            }
            return Some(());
        }
        if let Some(it) = self.item.as_mut() {
            if self.item_depth == 1 && it.wants_text() {
                // Hosts are smaller than the limit of an item's text.
                it.add_piece(text, src, "", 0).ok()?;
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
                        Properties::set(self.host.current_mut(), name.as_deref(), &text);
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
                    it.close(self.src);
                }
            }
            self.item_depth -= 1;
        }
    }
}

/// The items (each with the input offset after it) and the host of
/// `src`: white space, then one report host to the last byte. `base`: the
/// input offset of `src`. None if the host is not written plainly enough.
/// (Bytes that are not UTF-8 are for the tokenizer, which decodes lossily.)
pub(crate) fn host(src: &str, base: u64) -> Option<Plain> {
    let bytes = src.as_bytes();
    let mut r = Reading {
        src,
        amps: Amps::of(src),
        host: Versions::default(),
        item: None,
        item_depth: 0,
        properties: None,
        // About one finding per kilobyte, as a start.
        items: Vec::with_capacity(bytes.len() / 1024 + 1),
    };
    // Names of the open elements, as ranges of `bytes`.
    let mut open: Vec<(usize, usize)> = Vec::with_capacity(16);
    let mut at = 0usize;
    loop {
        let lt = find::first(bytes, at, b'<')?;
        if r.wants_text() {
            let (a, b) = trim(bytes, at, lt);
            if a < b {
                r.text(unescape(src, &r.amps, a, b)?)?;
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
                        r.text(Piece::At(lt + 9, e - 2))?;
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
                    return (e + 1 == bytes.len()).then_some(Plain {
                        items: r.items,
                        host: r.host,
                    });
                }
                r.end(base + e as u64 + 1);
                e
            }
            b'?' => return None,
            _ => {
                let e = tag_end(bytes, lt + 1)?;
                let (content_end, empty) = match bytes.get(e - 1) {
                    Some(b'/') if e > lt + 1 => (e - 1, true),
                    _ => (e, false),
                };
                let content = bytes.get(lt + 1..content_end)?;
                let name_len = content
                    .iter()
                    .position(|b| is_space(*b))
                    .unwrap_or(content.len());
                let name = content.get(..name_len)?;
                if name.is_empty() || (open.is_empty() && (empty || name != b"ReportHost")) {
                    return None;
                }
                r.start(
                    bytes,
                    (lt + 1, lt + 1 + name_len),
                    (lt + 1 + name_len, content_end),
                    (empty, open.is_empty()),
                    base + e as u64 + 1,
                )?;
                if !empty {
                    if open.len() >= MAX_DEPTH {
                        return None;
                    }
                    if !open.is_empty() {
                        if let Some(end) = text_and_end(&mut r, bytes, e + 1, name, base) {
                            // An element of text alone, read whole.
                            at = end + 1;
                            continue;
                        }
                    }
                    open.push((lt + 1, name_len));
                }
                e
            }
        };
        at = end + 1;
    }
}

/// For an element whose content begins at `bytes[from]` and that holds
/// text alone, then its end tag written `</name>`: reads the text and the
/// end as the loop of [`host`] would (the element is inside another) and
/// answers the index of the end tag's `>`. None, having read nothing, for
/// any other element.
fn text_and_end(
    r: &mut Reading<'_>,
    bytes: &[u8],
    from: usize,
    name: &[u8],
    base: u64,
) -> Option<usize> {
    let lt = find::first(bytes, from, b'<')?;
    let close = bytes.get(lt + 1..)?;
    if close.first() != Some(&b'/')
        || close.get(1..1 + name.len()) != Some(name)
        || close.get(1 + name.len()) != Some(&b'>')
    {
        return None;
    }
    if r.wants_text() {
        let (a, b) = trim(bytes, from, lt);
        if a < b {
            let text = unescape(r.src, &r.amps, a, b);
            // Text that the loop would give up on is left to it.
            r.text(text?)?;
        }
    }
    let gt = lt + 2 + name.len();
    r.end(base + gt as u64 + 1);
    Some(gt)
}
