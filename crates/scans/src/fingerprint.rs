//! The stable identity of a finding across scans: which fields, how normalised.

use sha2::{Digest, Sha256};

use crate::finding::Finding;

/// Hex SHA-256 of the finding's identity, independent of the scan it came from.
///
/// The hashed text is these lines joined by `\n` (absent fields are empty;
/// line breaks inside a field become spaces, ends are trimmed):
/// `zilv-finding-v1`, the tool family (tool name lowercased), the rule ID,
/// the host (lowercased; the IP when there is no host), the port, the
/// protocol (lowercased), the URL as [`normalize_url`] gives it, the file
/// path (`\` as `/`, no leading `./`), the component.
/// Severity, timestamps, evidence and descriptions are never part of it.
pub fn fingerprint(f: &Finding) -> String {
    to_hex(&digest(&Identity::of(f)))
}

/// The fields of a finding that [`fingerprint`] hashes, as the finding
/// holds them.
pub(crate) struct Identity<'a> {
    pub(crate) tool: &'a str,
    pub(crate) rule_id: &'a str,
    pub(crate) host: Option<&'a str>,
    pub(crate) ip: Option<&'a str>,
    pub(crate) port: Option<u16>,
    pub(crate) protocol: Option<&'a str>,
    pub(crate) url: Option<&'a str>,
    pub(crate) file_path: Option<&'a str>,
    pub(crate) component: Option<&'a str>,
}

impl<'a> Identity<'a> {
    /// The fields as `f` holds them.
    pub(crate) fn of(f: &'a Finding) -> Self {
        Identity {
            tool: &f.tool,
            rule_id: &f.rule_id,
            host: f.host.as_deref(),
            ip: f.ip.as_deref(),
            port: f.port,
            protocol: f.protocol.as_deref(),
            url: f.url.as_deref(),
            file_path: f.file_path.as_deref(),
            component: f.component.as_deref(),
        }
    }
}

/// The SHA-256 that [`fingerprint`] writes in hex.
pub(crate) fn digest(f: &Identity<'_>) -> [u8; 32] {
    let host = f
        .host
        .filter(|h| !h.trim().is_empty())
        .or(f.ip)
        .unwrap_or("");
    let path = f
        .file_path
        .map(|p| {
            let p = p.trim().replace('\\', "/");
            p.strip_prefix("./").map(str::to_string).unwrap_or(p)
        })
        .unwrap_or_default();
    let mut port = [0u8; 5];
    let port = match f.port {
        Some(p) => decimal(p, &mut port),
        None => "",
    };
    // The text is gathered first and hashed at once: one call, not many.
    let mut text = Vec::with_capacity(256);
    text.extend_from_slice(b"zilv-finding-v1");
    for (part, lower) in [
        (f.tool, true),
        (f.rule_id, false),
        (host, true),
        (port, false),
        (f.protocol.unwrap_or(""), true),
        (f.url.map(normalize_url).unwrap_or_default().as_str(), false),
        (path.as_str(), false),
        (f.component.unwrap_or(""), false),
    ] {
        text.push(b'\n');
        push_part(&mut text, part, lower);
    }
    Sha256::digest(&text).into()
}

/// `n` in decimal, written into `buf`.
fn decimal(mut n: u16, buf: &mut [u8; 5]) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    std::str::from_utf8(buf.get(i..).unwrap_or_default()).unwrap_or_default()
}

/// Lowercase hex of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    /// The two digits of every byte.
    const PAIRS: [[u8; 2]; 256] = {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut t = [[0u8; 2]; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = [DIGITS[i >> 4], DIGITS[i & 15]];
            i += 1;
        }
        t
    };
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.extend_from_slice(&PAIRS[usize::from(*b)]);
    }
    // Only hex digits were written.
    String::from_utf8(out).unwrap_or_default()
}

/// Adds one part to the hashed text: trimmed, line breaks as spaces,
/// lowercased if asked.
fn push_part(text: &mut Vec<u8>, part: &str, lower: bool) {
    // Trimming first and then replacing inner line breaks gives the same
    // text as replacing them first and trimming, since both are whitespace.
    let part = part.trim();
    // One look at each byte: no line break, and if lowercased, nothing
    // that lowercasing changes (ASCII without capitals).
    let as_is = if lower {
        part.bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && b != b'\n' && b != b'\r')
    } else {
        part.bytes().all(|b| b != b'\n' && b != b'\r')
    };
    let plain = as_is || !part.contains(['\n', '\r']);
    if as_is {
        text.extend_from_slice(part.as_bytes());
    } else {
        let mut p = if lower {
            part.to_lowercase()
        } else {
            part.to_string()
        };
        if !plain {
            p = p.replace(['\n', '\r'], " ");
        }
        text.extend_from_slice(p.trim().as_bytes());
    }
}

/// A URL reduced to what identifies the resource: scheme and host
/// lowercased, user info and default port (80/443) dropped, an empty path as
/// `/`, query values dropped and parameter names sorted (`?a=&b=`), fragment
/// dropped. Text without `://` is kept as a path with the same query rule.
pub fn normalize_url(url: &str) -> String {
    let url = url.trim();
    let url = url.split('#').next().unwrap_or("");
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = match base.split_once("://") {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            let (authority, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, "/"),
            };
            let authority = authority.rsplit('@').next().unwrap_or("").to_lowercase();
            let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
                ("http", Some((h, "80"))) | ("https", Some((h, "443"))) => h.to_string(),
                _ => authority,
            };
            format!("{scheme}://{authority}{path}")
        }
        None => base.to_string(),
    };
    if let Some(q) = query {
        let mut names: Vec<&str> = q
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split('=').next().unwrap_or(""))
            .collect();
        names.sort_unstable();
        names.dedup();
        if !names.is_empty() {
            out.push('?');
            let q: Vec<String> = names.iter().map(|n| format!("{n}=")).collect();
            out.push_str(&q.join("&"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_normalisation_drops_values_fragment_and_default_port() {
        assert_eq!(
            normalize_url("HTTP://User@Example.COM:80/a/B?z=1&a=2&z=3#frag"),
            "http://example.com/a/B?a=&z="
        );
        assert_eq!(normalize_url("https://h:8443"), "https://h:8443/");
        assert_eq!(normalize_url("/x?q"), "/x?q=");
    }

    #[test]
    fn ports_and_digests_are_written_as_the_formatter_writes_them() {
        for p in [0u16, 7, 10, 80, 443, 8080, 9999, 10000, 65535] {
            assert_eq!(decimal(p, &mut [0; 5]), p.to_string());
        }
        let bytes: Vec<u8> = (0..=255).collect();
        let want: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(to_hex(&bytes), want);
    }
}
