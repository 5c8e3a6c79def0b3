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
    ts: Option<usize>,
    orig_h: Option<usize>,
    resp_h: Option<usize>,
    query: Option<usize>,
    answers: Option<usize>,
    host: Option<usize>,
    uri: Option<usize>,
    server_name: Option<usize>,
    /// One past the last column read.
    width: usize,
    pub has_fields: bool,
}

impl Default for TsvHeader {
    fn default() -> Self {
        TsvHeader {
            separator: b'\t',
            set_separator: ",".into(),
            unset: "-".into(),
            empty: "(empty)".into(),
            ts: None,
            orig_h: None,
            resp_h: None,
            query: None,
            answers: None,
            host: None,
            uri: None,
            server_name: None,
            width: 0,
            has_fields: false,
        }
    }
}

/// Undoes Zeek's `\xHH` escapes.
pub(crate) fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains("\\x") {
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
                let pos = |n: &str| values.iter().position(|v| *v == n);
                self.ts = pos("ts");
                self.orig_h = pos("id.orig_h");
                self.resp_h = pos("id.resp_h");
                self.query = pos("query");
                self.answers = pos("answers");
                self.host = pos("host");
                self.uri = pos("uri");
                self.server_name = pos("server_name");
                self.width = [
                    self.ts,
                    self.orig_h,
                    self.resp_h,
                    self.query,
                    self.answers,
                    self.host,
                    self.uri,
                    self.server_name,
                ]
                .iter()
                .flatten()
                .max()
                .map_or(0, |m| m + 1);
                self.has_fields = true;
            }
            _ => {}
        }
        Ok(())
    }

    fn set<'a>(&self, v: &'a str) -> Option<&'a str> {
        (v != self.unset && v != self.empty && !v.is_empty()).then_some(v)
    }
}

/// Reads one data line; `Ok(true)` for a record.
pub(super) fn parse<'a>(
    h: &TsvHeader,
    line: &'a str,
    rec: &mut Record<'a>,
    urls: bool,
) -> Result<bool, String> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let mut cols: [&'a str; 16] = [""; 16];
    let mut stash: Vec<&'a str> = Vec::new();
    let mut n = 0;
    let mut start = 0;
    let ends = memchr::memchr_iter(h.separator, line.as_bytes()).chain(std::iter::once(line.len()));
    for end in ends {
        if n >= h.width {
            break;
        }
        // The separator is one ASCII byte, so these are character boundaries.
        let f = &line[start..end];
        start = end + 1;
        if n < cols.len() {
            cols[n] = f;
        } else {
            if stash.is_empty() {
                stash.extend_from_slice(&cols);
            }
            stash.push(f);
        }
        n += 1;
    }
    if n < h.width {
        return Err(format!(
            "{n} fields, fewer than the {} the #fields line needs",
            h.width
        ));
    }
    let get = |i: Option<usize>| -> Option<&'a str> {
        let i = i?;
        let v = if stash.is_empty() { cols[i] } else { stash[i] };
        h.set(v)
    };
    if let Some(ts) = get(h.ts) {
        rec.time_kind = Some(TimeKind::Epoch);
        rec.time = Cow::Borrowed(ts);
    }
    for (idx, field) in [(h.orig_h, "id.orig_h"), (h.resp_h, "id.resp_h")] {
        if let Some(v) = get(idx) {
            let a = v
                .parse()
                .map_err(|_| format!("{field} {v:?} is not an IP address"))?;
            if field == "id.orig_h" {
                rec.client = Some(a);
            }
            rec.addr(field, a);
        }
    }
    if let Some(q) = get(h.query) {
        rec.name("query", unescape(q));
    }
    if let Some(a) = get(h.answers) {
        for v in a.split(h.set_separator.as_str()) {
            if !v.is_empty() {
                rec.answer("answers", unescape(v));
            }
        }
    }
    if let Some(host) = get(h.host) {
        rec.name("host", unescape(host));
        if urls {
            if let Some(uri) = get(h.uri) {
                rec.url("url", join_url(&unescape(host), &unescape(uri)));
            }
        }
    }
    if let Some(sni) = get(h.server_name) {
        rec.name("server_name", unescape(sni));
    }
    Ok(true)
}
