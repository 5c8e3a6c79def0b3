//! Finds where a report host ends without parsing it, so that whole hosts
//! can be handed to worker threads.
//!
//! The scan follows the tokenizer's rules for where markup ends (quoted
//! attribute values, comments, CDATA sections) and the nesting of
//! elements. It gives up (the host is then parsed in order, as any other
//! part of the report) on anything it does not follow exactly: processing
//! instructions, declarations, end tags that do not match, a host larger
//! than [`MAX_HOST`]; the tokenizer then reports any error itself.

/// Largest report host handed to a worker, in bytes.
pub(crate) const MAX_HOST: usize = 16 * 1024 * 1024;

/// What the bytes at hand begin with.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// A whole report host of this many bytes.
    Host(usize),
    /// Perhaps a report host, which these bytes do not hold whole.
    More,
    /// Not a report host that a worker may parse.
    No,
}

/// The white space the tokenizer trims from text.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The index of the `>` that ends the tag whose content begins at
/// `bytes[from]` (after `<`), skipping quoted attribute values.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    let rest = bytes.get(from..)?;
    for i in memchr::memchr3_iter(b'>', b'\'', b'"', rest) {
        let c = *rest.get(i)?;
        match (quote, c) {
            (None, b'>') => return Some(from + i),
            (None, q) => quote = Some(q),
            (Some(q), c) if q == c => quote = None,
            _ => {}
        }
    }
    None
}

/// The index of the first `>` at or after `from` that follows `end` (`--`
/// of a comment, `]]` of a CDATA section).
fn closing(bytes: &[u8], from: usize, end: &[u8]) -> Option<usize> {
    let rest = bytes.get(from..)?;
    memchr::memchr_iter(b'>', rest)
        .map(|i| from + i)
        .find(|&i| bytes.get(..i).is_some_and(|b| b.ends_with(end)))
}

/// Whether `bytes` begin with a report host start tag, after white space;
/// the length of that white space if so.
pub(crate) fn host_ahead(bytes: &[u8]) -> Option<usize> {
    let space = bytes.iter().take_while(|b| is_space(**b)).count();
    let rest = bytes.get(space..)?;
    let after = rest.get(b"<ReportHost".len())?;
    (rest.starts_with(b"<ReportHost") && (is_space(*after) || *after == b'>')).then_some(space)
}

/// Whether `bytes` begin with a whole report host (`<ReportHost …>` …
/// `</ReportHost>`). `eof`: no more bytes follow these.
pub(crate) fn host(bytes: &[u8], eof: bool) -> Scan {
    let more = if eof || bytes.len() > MAX_HOST {
        Scan::No
    } else {
        Scan::More
    };
    // Names of the open elements, as the tokenizer has them (with prefix).
    let mut open: Vec<&[u8]> = Vec::new();
    let mut at = 0usize;
    loop {
        if at > MAX_HOST {
            return Scan::No;
        }
        // Text runs to the next `<`.
        let Some(lt) = bytes.get(at..).and_then(|b| memchr::memchr(b'<', b)) else {
            return more;
        };
        let lt = at + lt;
        if open.is_empty() && lt != 0 {
            // Only the host's own start tag may come first.
            return Scan::No;
        }
        let Some(&next) = bytes.get(lt + 1) else {
            return more;
        };
        let end = match next {
            b'!' => {
                let rest = bytes.get(lt..).unwrap_or_default();
                let end = if rest.starts_with(b"<!--") {
                    // `<!---->` at the shortest: `<!-->` does not end one.
                    closing(bytes, lt + 6, b"--")
                } else if rest.starts_with(b"<![CDATA[") {
                    closing(bytes, lt + 9, b"]]")
                } else if rest.len() < 9 {
                    return more;
                } else {
                    return Scan::No;
                };
                match end {
                    Some(e) => e,
                    None => return more,
                }
            }
            b'?' => return Scan::No,
            b'/' => {
                let Some(e) = tag_end(bytes, lt + 2) else {
                    return more;
                };
                let content = bytes.get(lt + 2..e).unwrap_or_default();
                let name_len = content
                    .iter()
                    .rposition(|b| !is_space(*b))
                    .map_or(0, |i| i + 1);
                let name = content.get(..name_len).unwrap_or_default();
                if open.pop() != Some(name) {
                    return Scan::No;
                }
                if open.is_empty() {
                    return Scan::Host(e + 1);
                }
                e
            }
            _ => {
                let Some(e) = tag_end(bytes, lt + 1) else {
                    return more;
                };
                let content = bytes.get(lt + 1..e).unwrap_or_default();
                if !content.ends_with(b"/") {
                    let name_len = content
                        .iter()
                        .position(|b| is_space(*b))
                        .unwrap_or(content.len());
                    let name = content.get(..name_len).unwrap_or_default();
                    if name.is_empty() || (open.is_empty() && name != b"ReportHost") {
                        return Scan::No;
                    }
                    open.push(name);
                } else if open.is_empty() {
                    return Scan::No;
                }
                e
            }
        };
        at = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_ends_at_its_end_tag_not_at_one_in_a_comment_cdata_or_value() {
        let whole = b"<ReportHost name=\"a>b\"><x v='</ReportHost>'/><!-- </ReportHost> -->\
            <y><![CDATA[</ReportHost>]]></y ></ReportHost>";
        let mut bytes = whole.to_vec();
        bytes.extend_from_slice(b"\n<ReportHost name=\"next\">");
        assert_eq!(host(&bytes, false), Scan::Host(whole.len()));
        for cut in 1..whole.len() {
            assert_eq!(host(&bytes[..cut], false), Scan::More, "cut at {cut}");
            assert_eq!(host(&bytes[..cut], true), Scan::No, "cut at {cut}");
        }
    }

    #[test]
    fn anything_not_followed_exactly_is_left_to_the_tokenizer() {
        for bytes in [
            &b"<ReportHost><a></b></ReportHost>"[..],
            b"<ReportHost><?pi x?></ReportHost>",
            b"<ReportHost><!DOCTYPE x></ReportHost>",
            b"<ReportHost/>",
            b"<ReportHosts></ReportHosts>",
            b" <ReportHost></ReportHost>",
        ] {
            assert_eq!(
                host(bytes, false),
                Scan::No,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
        let open = b"<ReportHost><!--></ReportHost>";
        assert_eq!(host(open, false), Scan::More);
        assert_eq!(host(open, true), Scan::No);
        let shortest = b"<ReportHost><!----></ReportHost>";
        assert_eq!(host(shortest, false), Scan::Host(shortest.len()));
        assert_eq!(host_ahead(b"\n  <ReportHost name=\"x\">"), Some(3));
        assert_eq!(host_ahead(b"<ReportHostX>"), None);
        assert_eq!(host_ahead(b"<Report"), None);
    }
}
