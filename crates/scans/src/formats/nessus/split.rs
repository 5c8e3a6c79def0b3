//! Where a report host may end, found cheaply, so that whole hosts can be
//! handed to worker threads.
//!
//! A host is taken to end at the first `</ReportHost>` after its start tag.
//! That is only a guess (the text may sit in a comment, a CDATA section or
//! an attribute value, or the end tag may be written `</ReportHost >`): the
//! worker's tokenizer confirms it, reading the host to exactly that end
//! tag, or the host is read again in order, as any other part of the
//! report ([`super::pool`]).

/// Largest report host handed to a worker, in bytes.
pub(crate) const MAX_HOST: usize = 8 * 1024 * 1024;

const END_TAG: &[u8] = b"</ReportHost>";

/// What the bytes at hand begin with.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// A report host of this many bytes, probably.
    Host(usize),
    /// Perhaps a report host, which these bytes do not hold whole.
    More,
    /// Not a report host that a worker may parse.
    No,
}

/// The white space the tokenizer trims from text.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether `bytes` begin with a report host start tag, after white space;
/// the length of that white space if so.
pub(crate) fn host_ahead(bytes: &[u8]) -> Option<usize> {
    let space = bytes.iter().take_while(|b| is_space(**b)).count();
    let rest = bytes.get(space..)?;
    let after = rest.get(b"<ReportHost".len())?;
    (rest.starts_with(b"<ReportHost") && (is_space(*after) || *after == b'>')).then_some(space)
}

/// Where the report host that `bytes` begin with (its start tag) probably
/// ends. `eof`: no more bytes follow these. `seen`: how many bytes a look
/// before found no end tag in (the look goes on from there).
pub(crate) fn host(bytes: &[u8], seen: usize, eof: bool) -> Scan {
    let from = seen.saturating_sub(END_TAG.len() - 1).min(bytes.len());
    let found = bytes
        .get(from..)
        .and_then(|rest| memchr::memmem::find(rest, END_TAG))
        .map(|i| from + i);
    match found {
        Some(i) if i + END_TAG.len() <= MAX_HOST => Scan::Host(i + END_TAG.len()),
        Some(_) => Scan::No,
        None if eof || bytes.len() > MAX_HOST => Scan::No,
        None => Scan::More,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_probably_ends_at_the_first_end_tag() {
        let bytes = b"<ReportHost name=\"a\"><x/></ReportHost>\n<ReportHost>";
        assert_eq!(host(bytes, 0, false), Scan::Host(38));
        assert_eq!(host(&bytes[..37], 0, false), Scan::More);
        assert_eq!(host(&bytes[..37], 0, true), Scan::No);
        // A look that goes on finds an end tag cut by the last one.
        for seen in 0..=37 {
            assert_eq!(host(bytes, seen, false), Scan::Host(38), "{seen}");
        }
        assert_eq!(host_ahead(b"\n  <ReportHost name=\"x\">"), Some(3));
        assert_eq!(host_ahead(b"<ReportHost>"), Some(0));
        assert_eq!(host_ahead(b"<ReportHostX>"), None);
        assert_eq!(host_ahead(b"<ReportHost/>"), None);
        assert_eq!(host_ahead(b"<Report"), None);
        assert_eq!(host_ahead(b"x<ReportHost>"), None);
    }
}
