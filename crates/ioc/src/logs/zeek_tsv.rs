//! Zeek TSV logs: header directives and the fields read from each line
//! (`ts`, `id.orig_h`, `id.resp_h`, `query`, `answers`, `host`+`uri`,
//! `server_name`).
use std::borrow::Cow;

use super::{join_url, Record, TimeKind};

/// The header state of a Zeek TSV log, from its `#` lines.
#[derive(Debug, Clone)]
pub(crate) struct TsvHeader {
    pub separator: u8,
    pub set_separator: String,
    pub unset: String,
    pub empty: String,
    /// One past the last column read.
    pub width: usize,
    /// For each column up to `width`, the slot of [`Slots`] it fills.
    pub roles: Vec<u8>,
    pub has_fields: bool,
}

impl Default for TsvHeader {
    fn default() -> Self {
        TsvHeader {
            separator: b'\t',
            set_separator: ",".into(),
            unset: "-".into(),
            empty: "(empty)".into(),
            width: 0,
            roles: Vec::new(),
            has_fields: false,
        }
    }
}

/// Undoes Zeek's `\xHH` escapes.
pub(crate) fn unescape(s: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\\', s.as_bytes()).is_none() || !s.contains("\\x") {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && i + 3 < b.len() {
            if let (Some(hi), Some(lo)) = (hex(b[i + 2]), hex(b[i + 3])) {
                out.push(hi * 16 + lo);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

impl TsvHeader {
    /// Applies one `#` line; returns an error for a bad directive.
    pub fn directive(&mut self, line: &str) -> Result<(), String> {
        let line = line.trim_end_matches(['\r', '\n']);
        if let Some(rest) = line.strip_prefix("#separator") {
            let v = unescape(rest.trim_start_matches(' '));
            let b = v.as_bytes();
            if b.len() != 1 {
                return Err(format!("#separator {rest:?} is not one character"));
            }
            self.separator = b[0];
            return Ok(());
        }
        let sep = char::from(self.separator);
        let mut parts = line.split(sep);
        let key = parts.next().unwrap_or("");
        let values: Vec<&str> = parts.collect();
        let one = || {
            values
                .first()
                .map(|v| unescape(v).into_owned())
                .unwrap_or_default()
        };
        match key {
            "#set_separator" => self.set_separator = one(),
            "#unset_field" => self.unset = one(),
            "#empty_field" => self.empty = one(),
            "#fields" => {
                // The column of each slot, in slot order.
                let cols = COLUMNS.map(|n| values.iter().position(|v| *v == n));
                self.width = cols.iter().flatten().max().map_or(0, |m| m + 1);
                self.roles = vec![NONE; self.width];
                for (slot, col) in cols.iter().enumerate() {
                    if let Some(c) = col {
                        self.roles[*c] = slot as u8;
                    }
                }
                self.has_fields = true;
            }
            _ => {}
        }
        Ok(())
    }

    fn set<'a>(&self, v: &'a str) -> Option<&'a str> {
        self.is_set(v.as_bytes()).then_some(v)
    }

    /// True when a field's text is a value: not empty, not the unset or
    /// the empty marker.
    pub fn is_set(&self, v: &[u8]) -> bool {
        !v.is_empty() && v != self.unset.as_bytes() && v != self.empty.as_bytes()
    }
}

/// No slot: a column that is not read.
const NONE: u8 = u8::MAX;
pub(crate) const TS: usize = 0;
pub(crate) const ORIG_H: usize = 1;
pub(crate) const RESP_H: usize = 2;
pub(crate) const QUERY: usize = 3;
pub(crate) const ANSWERS: usize = 4;
pub(crate) const HOST: usize = 5;
pub(crate) const URI: usize = 6;
pub(crate) const SERVER_NAME: usize = 7;

/// The `#fields` name of each slot's column, in slot order.
const COLUMNS: [&str; 8] = [
    "ts",
    "id.orig_h",
    "id.resp_h",
    "query",
    "answers",
    "host",
    "uri",
    "server_name",
];

/// The columns a line is read for, by slot.
type Slots<'a> = [Option<&'a str>; 8];

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;

/// The high bit of each byte of `w` that equals the byte in every lane of
/// `pat`, exactly (no false positives).
fn eq_mask(w: u64, pat: u64) -> u64 {
    let x = w ^ pat;
    !((((x & LOW7).wrapping_add(LOW7)) | x) | LOW7)
}

/// Calls `field(n, start, end)` for the first `width` fields of `b`
/// (separated by `sep`), eight bytes at a time; returns how many fields
/// it found (fewer than `width` when the line is short).
fn split_fields(
    b: &[u8],
    sep: u8,
    width: usize,
    mut field: impl FnMut(usize, usize, usize),
) -> usize {
    if width == 0 {
        return 0;
    }
    let pat = ONES * u64::from(sep);
    let (mut n, mut start, mut i) = (0, 0, 0);
    while i + 8 <= b.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&b[i..i + 8]);
        let mut m = eq_mask(u64::from_le_bytes(word), pat);
        while m != 0 {
            let end = i + (m.trailing_zeros() / 8) as usize;
            field(n, start, end);
            n += 1;
            if n == width {
                return n;
            }
            start = end + 1;
            m &= m - 1;
        }
        i += 8;
    }
    while i < b.len() {
        if b[i] == sep {
            field(n, start, i);
            n += 1;
            if n == width {
                return n;
            }
            start = i + 1;
        }
        i += 1;
    }
    field(n, start, b.len());
    n + 1
}

impl TsvHeader {
    /// The one-byte set separator, when it is one byte.
    pub fn set_separator_byte(&self) -> Option<u8> {
        match self.set_separator.as_bytes() {
            [b] => Some(*b),
            _ => None,
        }
    }
}

/// Reads one data line; `Ok(true)` for a record. Only the columns of
/// interest are kept, found in one pass over the separators.
pub(super) fn parse<'a>(
    h: &TsvHeader,
    line: &'a str,
    rec: &mut Record<'a>,
    urls: bool,
) -> Result<bool, String> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut slots: Slots<'a> = [None; 8];
    let n = split_fields(line.as_bytes(), h.separator, h.width, |n, start, end| {
        let role = h.roles[n];
        if role != NONE {
            // The separator is one ASCII byte, so these are character
            // boundaries.
            slots[usize::from(role)] = Some(&line[start..end]);
        }
    });
    if n < h.width {
        return Err(format!(
            "{n} fields, fewer than the {} the #fields line needs",
            h.width
        ));
    }
    let get = |slot: usize| -> Option<&'a str> { slots[slot].and_then(|v| h.set(v)) };
    if let Some(ts) = get(TS) {
        rec.time_kind = Some(TimeKind::Epoch);
        rec.time = Cow::Borrowed(ts);
    }
    for (slot, field) in [(ORIG_H, "id.orig_h"), (RESP_H, "id.resp_h")] {
        if let Some(v) = get(slot) {
            let a = crate::normalize::fast_ip(v)
                .ok_or_else(|| format!("{field} {v:?} is not an IP address"))?;
            if slot == ORIG_H {
                rec.client = Some(a);
            }
            rec.addr(field, a);
        }
    }
    if let Some(q) = get(QUERY) {
        rec.name("query", unescape(q));
    }
    if let Some(a) = get(ANSWERS) {
        let sep = h.set_separator.as_str();
        if sep.len() == 1 {
            // One ASCII byte (a directive's value is text): byte offsets
            // around it are character boundaries.
            let mut start = 0;
            let ends = memchr::memchr_iter(sep.as_bytes()[0], a.as_bytes())
                .chain(std::iter::once(a.len()));
            for end in ends {
                let v = &a[start..end];
                start = end + 1;
                if !v.is_empty() {
                    rec.answer("answers", unescape(v));
                }
            }
        } else {
            for v in a.split(sep) {
                if !v.is_empty() {
                    rec.answer("answers", unescape(v));
                }
            }
        }
    }
    if let Some(host) = get(HOST) {
        rec.name("host", unescape(host));
        if urls {
            if let Some(uri) = get(URI) {
                rec.url("url", join_url(&unescape(host), &unescape(uri)));
            }
        }
    }
    if let Some(sni) = get(SERVER_NAME) {
        rec.name("server_name", unescape(sni));
    }
    Ok(true)
}
