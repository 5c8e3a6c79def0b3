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
    let host = f
        .host
        .as_deref()
        .filter(|h| !h.trim().is_empty())
        .or(f.ip.as_deref())
        .unwrap_or("");
    let path = f
        .file_path
        .as_deref()
        .map(|p| {
            let p = p.trim().replace('\\', "/");
            p.strip_prefix("./").map(str::to_string).unwrap_or(p)
        })
        .unwrap_or_default();
    let port = f.port.map(|p| p.to_string()).unwrap_or_default();
    // The text is gathered first and hashed at once: one call, not many.
    let mut text = Vec::with_capacity(256);
    text.extend_from_slice(b"zilv-finding-v1");
    for (part, lower) in [
        (f.tool.as_str(), true),
        (f.rule_id.as_str(), false),
        (host, true),
        (port.as_str(), false),
        (f.protocol.as_deref().unwrap_or(""), true),
        (
            f.url
                .as_deref()
                .map(normalize_url)
                .unwrap_or_default()
                .as_str(),
            false,
        ),
        (path.as_str(), false),
        (f.component.as_deref().unwrap_or(""), false),
    ] {
        text.push(b'\n');
        push_part(&mut text, part, lower);
    }
    to_hex(&Sha256::digest(&text))
}

/// Lowercase hex of `bytes`.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Adds one part to the hashed text: trimmed, line breaks as spaces,
/// lowercased if asked.
fn push_part(text: &mut Vec<u8>, part: &str, lower: bool) {
    // Trimming first and then replacing inner line breaks gives the same
    // text as replacing them first and trimming, since both are whitespace.
    let part = part.trim();
    let plain = !part.contains(['\n', '\r']);
    if plain && (!lower || (part.is_ascii() && !part.bytes().any(|b| b.is_ascii_uppercase()))) {
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
}
