//! Plain indicator lists: one value a line, `#` comments (whole-line or
//! after a space), and hosts-file lines `ADDRESS NAME…` whose names are the
//! indicators (`0.0.0.0 evil.example`).
use super::{normal, Feed, Meta};
use crate::error::Error;
use crate::indicator::Kind;
use crate::normalize;

/// Names a hosts file maps for the machine itself; never indicators.
const LOCAL_NAMES: &[&str] = &[
    "localhost",
    "localhost.localdomain",
    "local",
    "broadcasthost",
    "ip6-localhost",
    "ip6-loopback",
    "ip6-localnet",
    "ip6-mcastprefix",
    "ip6-allnodes",
    "ip6-allrouters",
    "ip6-allhosts",
    "0.0.0.0",
];

/// How much text is read between two rounds of adding to the set.
const BLOCK: usize = 4 << 20;

pub(super) fn parse(feed: &mut Feed<'_>, text: &str) -> Result<(), Error> {
    let meta = Meta::default();
    let two = std::thread::available_parallelism().map_or(1, usize::from) > 1;
    let mut line = 1u64;
    let mut rest = text;
    let (mut first, mut second) = (Vec::new(), Vec::new());
    // Blocks of whole lines; the two halves of a block are normalised at
    // once, then added to the set in their order.
    while !rest.is_empty() {
        let block = &rest[..line_end(rest, BLOCK)];
        rest = &rest[block.len()..];
        let half = line_end(block, block.len() / 2);
        let (a, b) = block.split_at(half);
        let b_line = line + count_lines(a);
        first.clear();
        second.clear();
        if two && !b.is_empty() {
            std::thread::scope(|s| {
                s.spawn(|| read(b, b_line, &mut second));
                read(a, line, &mut first);
            });
        } else {
            read(a, line, &mut first);
            read(b, b_line, &mut second);
        }
        for e in first.drain(..).chain(second.drain(..)) {
            match e {
                Entry::Add(n, kind, value) => feed.add(kind, &value, &meta, n),
                Entry::Reject(n, reason) => feed.reject(n, &reason),
                Entry::Ignore => feed.b.ignore(),
            }
        }
        line = b_line + count_lines(b);
    }
    Ok(())
}

/// The length of the part of `text` that ends with the first line end at
/// or after `at` (all of `text` when there is none).
fn line_end(text: &str, at: usize) -> usize {
    let b = text.as_bytes();
    if at >= b.len() {
        return b.len();
    }
    memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |i| at + i + 1)
}

/// The lines `str::lines` gives for `text`.
fn count_lines(text: &str) -> u64 {
    let b = text.as_bytes();
    memchr::memchr_iter(b'\n', b).count() as u64 + u64::from(b.last().is_some_and(|c| *c != b'\n'))
}

/// What one value of a list gives.
enum Entry {
    Add(u64, Kind, String),
    Reject(u64, String),
    Ignore,
}

/// Reads the lines of `text`, the first being line `line` of the file.
fn read(text: &str, line: u64, out: &mut Vec<Entry>) {
    for (i, l) in text.lines().enumerate() {
        let n = line + i as u64;
        let l = strip_comment(l.trim_start_matches('\u{feff}')).trim();
        if l.is_empty() {
            continue;
        }
        if !l.bytes().any(|c| c.is_ascii_whitespace()) {
            // One value: the usual line.
            out.push(match normal(l, None) {
                Ok((kind, value)) => Entry::Add(n, kind, value),
                Err(reason) => Entry::Reject(n, reason),
            });
            continue;
        }
        let mut tokens = l.split_whitespace();
        let first = tokens.next().unwrap_or("");
        let mut names = tokens.peekable();
        let value = |raw: &str, kind: Option<Kind>| match normal(raw, kind) {
            Ok((kind, value)) => Entry::Add(n, kind, value),
            Err(reason) => Entry::Reject(n, reason),
        };
        if names.peek().is_none() {
            out.push(value(first, None));
        } else if normalize::ip(first).is_some() {
            for name in names {
                if LOCAL_NAMES.iter().any(|l| l.eq_ignore_ascii_case(name)) {
                    out.push(Entry::Ignore);
                } else {
                    out.push(value(name, Some(Kind::Domain)));
                }
            }
        } else {
            out.push(Entry::Reject(
                n,
                format!("{l:?} holds several values and is not a hosts-file line (ADDRESS NAME…)"),
            ));
        }
    }
}

fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    let b = line.as_bytes();
    for i in 1..b.len() {
        if b[i] == b'#' && b[i - 1].is_ascii_whitespace() {
            return &line[..i];
        }
    }
    line
}
