//! Small text helpers shared by the parsers: HTML to text, CVE/CWE extraction.

/// Plain text from the simple HTML scanners put in descriptions: paragraph
/// and line-break tags become line breaks, other tags are dropped, the five
/// XML entities are decoded; blank runs are collapsed and ends trimmed.
pub(crate) fn html_to_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        match after.find('>') {
            Some(j) => {
                let tag = after[1..j].trim_start_matches('/').to_ascii_lowercase();
                let name = tag.split_whitespace().next().unwrap_or("");
                if matches!(name, "p" | "br" | "br/" | "li" | "div" | "tr") {
                    out.push('\n');
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    let lines: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

/// `Some(text)` with ends trimmed, or `None` when it is empty.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// [`non_empty`] of an owned text, kept as it is when there is nothing to trim.
pub(crate) fn non_empty_owned(s: String) -> Option<String> {
    let t = s.trim();
    if t.len() == s.len() {
        (!s.is_empty()).then_some(s)
    } else {
        non_empty(t)
    }
}

/// The CWE number in `CWE-79`, `cwe-079`, `79`, `external/cwe/cwe-079`.
pub(crate) fn cwe_number(s: &str) -> Option<u32> {
    let t = s.trim().as_bytes();
    // The digits after the last `cwe-` (any case), or from the start.
    let from = t
        .windows(4)
        .rposition(|w| w.eq_ignore_ascii_case(b"cwe-"))
        .map_or(0, |i| i + 4);
    let rest = t.get(from..)?;
    let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let digits = std::str::from_utf8(rest.get(..len)?).ok()?;
    digits.parse().ok().filter(|n| *n > 0)
}

/// Every `CWE-<n>` in free text, in order of appearance, without repeats.
pub(crate) fn cwes_in(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let upper = s.to_ascii_uppercase();
    let mut rest = upper.as_str();
    while let Some(i) = rest.find("CWE-") {
        rest = &rest[i + 4..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse::<u32>() {
            if n > 0 && !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// Whether `s` looks like a CVE identifier (`CVE-YYYY-N…`).
pub(crate) fn is_cve(s: &str) -> bool {
    let b = s.trim().as_bytes();
    let digits = |d: &[u8]| !d.is_empty() && d.iter().all(u8::is_ascii_digit);
    match (b.get(..4), b.get(4..8), b.get(8), b.get(9..)) {
        (Some(p), Some(y), Some(b'-'), Some(n)) => {
            p.eq_ignore_ascii_case(b"cve-") && digits(y) && digits(n)
        }
        _ => false,
    }
}

/// [`push_cve`] of an owned text, upper-cased in place when it needs no trimming.
pub(crate) fn push_cve_owned(list: &mut Vec<String>, mut s: String) {
    if s.trim().len() != s.len() {
        return push_cve(list, &s);
    }
    if is_cve(&s) {
        s.make_ascii_uppercase();
        if !list.contains(&s) {
            list.push(s);
        }
    }
}

/// Adds `s` (upper-cased) to `list` if it is a CVE not yet there.
pub(crate) fn push_cve(list: &mut Vec<String>, s: &str) {
    if is_cve(s) {
        let c = s.trim().to_ascii_uppercase();
        if !list.contains(&c) {
            list.push(c);
        }
    }
}

/// URLs (or other non-blank lines) of a references text, one per line or
/// separated by white space, without repeats.
pub(crate) fn references(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |word: &str| {
        let w = word.trim_start_matches('-').trim();
        if !w.is_empty() && !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    };
    if s.is_ascii() {
        // The white space of ASCII text, split on bytes (the same words).
        let space = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
        let b = s.as_bytes();
        let mut start = 0;
        while start < b.len() {
            let end = b
                .get(start..)
                .and_then(|r| r.iter().position(space))
                .map_or(b.len(), |i| start + i);
            if let Some(w) = s.get(start..end).filter(|w| !w.is_empty()) {
                add(w);
            }
            start = end + 1;
        }
    } else {
        s.split_whitespace().for_each(&mut add);
    }
    out
}

/// The `href` targets in an HTML fragment.
pub(crate) fn hrefs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        if let Some(j) = rest.find('"') {
            let u = rest[..j].to_string();
            if !out.contains(&u) {
                out.push(u);
            }
            rest = &rest[j..];
        }
    }
    out
}

/// Host, port and whether it was given, from an URL (`scheme://host:port/…`).
pub(crate) fn url_host_port(url: &str) -> (Option<String>, Option<u16>) {
    let Some((scheme, rest)) = url.trim().split_once("://") else {
        return (None, None);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        match stripped.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => (stripped, None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = port
        .and_then(|p| p.parse().ok())
        .or(match scheme.to_ascii_lowercase().as_str() {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        });
    (non_empty(&host.to_lowercase()), port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_extract_what_they_say() {
        assert_eq!(html_to_text("<p>a &amp; b</p><p>c</p>"), "a & b\nc");
        assert_eq!(cwe_number("external/cwe/cwe-079"), Some(79));
        assert_eq!(cwe_number(" CWE-200 "), Some(200));
        assert_eq!(cwe_number("cwe-x"), None);
        assert_eq!(cwe_number("0"), None);
        assert_eq!(cwe_number("99999999999"), None);
        assert_eq!(non_empty_owned(" a ".into()), Some("a".into()));
        assert_eq!(references("a\x0Bb -c\n a"), vec!["a", "b", "c"]);
        assert_eq!(references("é\u{2003}f"), vec!["é", "f"]);
        let mut cves = vec!["CVE-2020-1".to_string()];
        push_cve_owned(&mut cves, "cve-2020-1".into());
        push_cve_owned(&mut cves, " cve-2021-2 ".into());
        push_cve_owned(&mut cves, "cve-20".into());
        assert_eq!(cves, vec!["CVE-2020-1", "CVE-2021-2"]);
        assert_eq!(non_empty_owned(" ".into()), None);
        assert_eq!(cwes_in("CWE-524: x, CWE-525 and CWE-524"), vec![524, 525]);
        assert!(is_cve("cve-2020-15999") && !is_cve("CVE-20-1"));
        // The same answers as splitting on dashes, on texts near the form.
        let by_parts = |s: &str| {
            let mut parts = s.trim().splitn(3, '-');
            matches!(
                (parts.next(), parts.next(), parts.next()),
                (Some(p), Some(y), Some(n)) if p.eq_ignore_ascii_case("cve")
                    && y.len() == 4 && y.chars().all(|c| c.is_ascii_digit())
                    && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
            )
        };
        let alphabet = ['C', 'v', 'E', '-', '1', '9', ' ', 'x', '\u{e9}'];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..50_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut t = String::from(
                ["CVE-2020-1", "cve-1999-", " CVE-0000-12 ", ""][(state % 4) as usize],
            );
            for k in 0..(state >> 8) % 4 {
                let c = alphabet[((state >> (12 + 4 * k)) % alphabet.len() as u64) as usize];
                let at = ((state >> (30 + 5 * k)) as usize) % (t.chars().count() + 1);
                let byte_at = t.char_indices().nth(at).map_or(t.len(), |(i, _)| i);
                t.insert(byte_at, c);
            }
            assert_eq!(is_cve(&t), by_parts(&t), "{t:?}");
        }
        assert_eq!(
            url_host_port("https://u@Example.com:8443/x"),
            (Some("example.com".into()), Some(8443))
        );
        assert_eq!(url_host_port("http://h/x").1, Some(80));
    }
}
