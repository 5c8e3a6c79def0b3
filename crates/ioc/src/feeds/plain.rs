//! Plain indicator lists: one value a line, `#` comments (whole-line or
//! after a space), and hosts-file lines `ADDRESS NAME…` whose names are the
//! indicators (`0.0.0.0 evil.example`).
use super::{Feed, Meta};
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

pub(super) fn parse(feed: &mut Feed<'_>, text: &str) -> Result<(), Error> {
    let meta = Meta::default();
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let line = strip_comment(line.trim_start_matches('\u{feff}')).trim();
        if line.is_empty() {
            continue;
        }
        let mut tokens = line.split_whitespace();
        let first = tokens.next().unwrap_or("");
        let mut names = tokens.peekable();
        if names.peek().is_none() {
            feed.push(first, None, &meta, n);
        } else if normalize::ip(first).is_some() {
            for name in names {
                if LOCAL_NAMES.iter().any(|l| l.eq_ignore_ascii_case(name)) {
                    feed.b.ignore();
                } else {
                    feed.push(name, Some(Kind::Domain), &meta, n);
                }
            }
        } else {
            feed.reject(
                n,
                &format!(
                    "{line:?} holds several values and is not a hosts-file line (ADDRESS NAME…)"
                ),
            );
        }
    }
    Ok(())
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
