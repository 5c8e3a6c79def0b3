//! Normal forms of domains, addresses, ranges and URLs, shared by feeds,
//! logs and the matcher so that both sides compare alike.
use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use wide::u8x16;

/// A domain in lower-case ASCII without a trailing dot; internationalised
/// labels become punycode (`bücher.example` → `xn--bcher-kva.example`).
/// Refuses empty names, over-long names or labels, and characters outside
/// letters, digits, `-` and `_`.
pub fn domain(s: &str) -> Result<String, String> {
    let t = s.trim();
    let t = t.strip_suffix('.').unwrap_or(t);
    if t.is_empty() {
        return Err("empty domain".into());
    }
    if let Some(d) = plain_domain(t) {
        return Ok(d);
    }
    let ascii = if t.is_ascii() && !has_xn(t.as_bytes()) {
        t.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(t)
            .map_err(|_| format!("{t:?} is not a valid internationalised domain name"))?
    };
    check_ascii_domain(&ascii)?;
    Ok(ascii)
}

/// `t` in lower case when it is a valid domain of plain ASCII (letters,
/// digits, `-`, `_`; labels of 1 to 63, at most 253 in all; no punycode
/// label), in one pass; `None` sends it the long way, which also words
/// the refusal.
fn plain_domain(t: &str) -> Option<String> {
    let b = t.as_bytes();
    if b.len() > 253 {
        return None;
    }
    let mut out = Vec::with_capacity(b.len());
    let mut label = 0usize;
    for &c in b {
        match c {
            b'.' => {
                if label == 0 {
                    return None;
                }
                label = 0;
            }
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => label += 1,
            b'A'..=b'Z' => label += 1,
            _ => return None,
        }
        if label > 63 {
            return None;
        }
        out.push(c.to_ascii_lowercase());
    }
    if label == 0 || has_xn(t.as_bytes()) {
        return None;
    }
    String::from_utf8(out).ok()
}

/// True when `b` has `xn--` in any case (a punycode label, which needs the
/// IDNA mapping to be compared).
pub(crate) fn has_xn(b: &[u8]) -> bool {
    memchr::memchr_iter(b'-', b)
        .any(|i| i >= 2 && b.get(i + 1) == Some(&b'-') && b[i - 2..i].eq_ignore_ascii_case(b"xn"))
}

fn check_ascii_domain(d: &str) -> Result<(), String> {
    if d.len() > 253 {
        return Err(format!("domain longer than 253 characters ({})", d.len()));
    }
    for label in d.split('.') {
        if label.is_empty() {
            return Err(format!("{d:?} has an empty label"));
        }
        if label.len() > 63 {
            return Err(format!("{d:?} has a label longer than 63 characters"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!("{d:?} contains {c:?}, not allowed in a domain"));
        }
    }
    Ok(())
}

/// The form of a name seen in a log used for lookup: borrowed when it is
/// already lower-case ASCII without a trailing dot, else converted. `None`
/// when the name cannot be a domain at all (then it cannot match).
pub fn observed_domain(s: &str) -> Option<Cow<'_, str>> {
    let t = s.strip_suffix('.').unwrap_or(s);
    if t.is_empty() {
        return None;
    }
    let b = t.as_bytes();
    if has_xn(b) {
        return idna::domain_to_ascii(t).ok().map(Cow::Owned);
    }
    if b.iter().all(|c| c.is_ascii() && !c.is_ascii_uppercase()) {
        return Some(Cow::Borrowed(t));
    }
    if t.is_ascii() {
        return Some(Cow::Owned(t.to_ascii_lowercase()));
    }
    idna::domain_to_ascii(t).ok().map(Cow::Owned)
}

/// An IP address in any of the usual text forms, `[v6]` brackets allowed.
pub fn ip(s: &str) -> Option<IpAddr> {
    let t = s.trim();
    let t = t
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(t);
    fast_ip(t)
}

/// An address exactly as `str::parse::<IpAddr>` reads it, faster for the
/// usual dotted IPv4 form and for text that cannot be an address (names).
pub fn fast_ip(s: &str) -> Option<IpAddr> {
    let b = s.as_bytes();
    let first = *b.first()?;
    if first.is_ascii_digit() {
        if let Some(v4) = dotted_quad(b) {
            return Some(IpAddr::V4(v4));
        }
    }
    if !first.is_ascii_digit() && !starts_like_v6(first) {
        return None;
    }
    // Without a colon only the IPv4 form is possible, made of digits and
    // dots; anything else (a name such as `cdn.example`) is no address.
    if memchr::memchr(b':', b).is_none() {
        if !b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
            return None;
        }
    } else if let Some(v6) = plain_v6(b) {
        return Some(IpAddr::V6(v6));
    }
    s.parse().ok()
}

/// Whether text beginning with `first`, not a digit, may be an address:
/// only IPv6 begins so, with a hex digit or `::` (and it has a colon).
pub(crate) fn starts_like_v6(first: u8) -> bool {
    first.is_ascii_hexdigit() || first == b':'
}

/// IPv6 in its plain form: groups of 1 to 4 hex digits, at most one `::`
/// standing for at least one zero group, no embedded IPv4 part; `None`
/// for anything else (which the caller hands to the full parser).
fn plain_v6(b: &[u8]) -> Option<Ipv6Addr> {
    let (head, tail) = match b.windows(2).position(|w| w == b"::") {
        Some(i) => (&b[..i], Some(&b[i + 2..])),
        None => (b, None),
    };
    let mut groups = [0u16; 8];
    let mut n = 0;
    let read = |part: &[u8], out: &mut [u16; 8], n: &mut usize| -> Option<()> {
        if part.is_empty() {
            return Some(());
        }
        for g in part.split(|c| *c == b':') {
            if g.is_empty() || g.len() > 4 || *n == 8 {
                return None;
            }
            let mut v = 0u16;
            for c in g {
                v = v << 4 | u16::from((*c as char).to_digit(16)? as u8);
            }
            out[*n] = v;
            *n += 1;
        }
        Some(())
    };
    read(head, &mut groups, &mut n)?;
    match tail {
        None => (n == 8).then(|| Ipv6Addr::from(groups)),
        Some(t) => {
            let h = n;
            let mut rest = [0u16; 8];
            let mut m = 0;
            read(t, &mut rest, &mut m)?;
            if h + m > 7 {
                return None;
            }
            let mut out = [0u16; 8];
            out[..h].copy_from_slice(&groups[..h]);
            out[8 - m..].copy_from_slice(&rest[..m]);
            Some(Ipv6Addr::from(out))
        }
    }
}

/// `a.b.c.d` with octets of 1 to 3 digits, no leading zero, at most 255;
/// `None` for anything else (which the caller hands to the full parser).
pub(crate) fn dotted_quad(b: &[u8]) -> Option<Ipv4Addr> {
    let mut w = [0u8; 16];
    w.get_mut(..b.len())?.copy_from_slice(b);
    v4_window(&w, b.len()).map(Ipv4Addr::from)
}

/// [`dotted_quad`] of the first `n` bytes of `w` (`n` at most 16), as 32
/// bits; the bytes after them are not read. Without a branch on the digits
/// (addresses have octets of one to three digits at random, which a branch
/// would guess wrong half the time).
#[inline(always)]
pub(crate) fn v4_window(w: &[u8; 16], n: usize) -> Option<u32> {
    let v = u8x16::new(*w);
    // Each byte's digit value (wrapping: above 9 for any other byte).
    let d = v - u8x16::splat(b'0');
    let digits = d.min(u8x16::splat(9)).simd_eq(d).to_bitmask();
    let dots = v.simd_eq(u8x16::splat(b'.')).to_bitmask();
    let text = 1u32.checked_shl(n as u32).map_or(u32::MAX, |b| b - 1);
    // Only digits and dots, and exactly three dots.
    let dots = dots & text;
    let mut bad = (digits | dots) & text != text;
    let after1 = dots & dots.wrapping_sub(1);
    let after2 = after1 & after1.wrapping_sub(1);
    bad |= (after2 == 0) | (after2 & after2.wrapping_sub(1) != 0);
    let ends = [
        dots.trailing_zeros(),
        after1.trailing_zeros(),
        after2.trailing_zeros(),
        n as u32,
    ];
    let dv = d.to_array();
    let at = |i: u32| u32::from(dv[i as usize & 15]);
    let mut acc = 0u32;
    let mut start = 0u32;
    for end in ends {
        // One to three digits, no leading zero, at most 255.
        let len = end.wrapping_sub(start);
        bad |= len.wrapping_sub(1) > 2;
        let two = u32::from(len >= 2);
        let three = u32::from(len >= 3);
        let octet = at(end.wrapping_sub(3)) * 100 * three
            + at(end.wrapping_sub(2)) * 10 * two
            + at(end.wrapping_sub(1));
        bad |= (two == 1) & (at(start) == 0);
        bad |= octet > 255;
        acc = (acc << 8) | (octet & 255);
        start = end.wrapping_add(1);
    }
    (!bad).then_some(acc)
}

/// A range of addresses with its host bits cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cidr {
    pub addr: IpAddr,
    pub len: u8,
}

impl Cidr {
    /// Parses `addr/len`; host bits are cleared (`10.1.2.3/8` is `10.0.0.0/8`).
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let (a, l) = s
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("{s:?} is not a range (ADDRESS/LENGTH)"))?;
        let addr = ip(a).ok_or_else(|| format!("{a:?} is not an IP address"))?;
        let len: u8 = l
            .parse()
            .map_err(|_| format!("{l:?} is not a prefix length"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        if len > max {
            return Err(format!("prefix length {len} is over {max}"));
        }
        Ok(Cidr {
            addr: mask(addr, len),
            len,
        })
    }

    pub fn contains(&self, a: IpAddr) -> bool {
        a.is_ipv4() == self.addr.is_ipv4() && mask(a, self.len) == self.addr
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", addr_text(self.addr), self.len)
    }
}

/// The canonical text of an address (as its `Display`, IPv4 made without
/// the formatter, which loading a large feed feels).
pub fn addr_text(a: IpAddr) -> String {
    match a {
        IpAddr::V4(v) => {
            let mut s = String::with_capacity(15);
            for (i, o) in v.octets().into_iter().enumerate() {
                if i > 0 {
                    s.push('.');
                }
                if o >= 100 {
                    s.push(char::from(b'0' + o / 100));
                }
                if o >= 10 {
                    s.push(char::from(b'0' + o / 10 % 10));
                }
                s.push(char::from(b'0' + o % 10));
            }
            s
        }
        IpAddr::V6(v) => v6_text(v),
    }
}

/// The text `Display` gives an IPv6 address (RFC 5952: the longest run of
/// two or more zero groups, the first of equals, as `::`; an IPv4-mapped
/// address as `::ffff:a.b.c.d`), made without the formatter.
fn v6_text(v: Ipv6Addr) -> String {
    if let Some(v4) = v.to_ipv4_mapped() {
        return format!("::ffff:{}", addr_text(IpAddr::V4(v4)));
    }
    let g = v.segments();
    let (mut best, mut best_len, mut run, mut run_len) = (0, 0, 0, 0);
    for (i, x) in g.iter().enumerate() {
        if *x == 0 {
            if run_len == 0 {
                run = i;
            }
            run_len += 1;
            if run_len > best_len {
                (best, best_len) = (run, run_len);
            }
        } else {
            run_len = 0;
        }
    }
    let mut s = String::with_capacity(39);
    let hex = |s: &mut String, x: u16| {
        let mut started = false;
        for shift in [12, 8, 4, 0] {
            let d = (x >> shift) & 0xf;
            if d != 0 || started || shift == 0 {
                started = true;
                s.push(char::from(b"0123456789abcdef"[usize::from(d)]));
            }
        }
    };
    let groups = |s: &mut String, part: &[u16]| {
        for (i, x) in part.iter().enumerate() {
            if i > 0 {
                s.push(':');
            }
            hex(s, *x);
        }
    };
    if best_len > 1 {
        groups(&mut s, &g[..best]);
        s.push_str("::");
        groups(&mut s, &g[best + best_len..]);
    } else {
        groups(&mut s, &g);
    }
    s
}

/// `a` with all but its first `len` bits cleared.
pub fn mask(a: IpAddr, len: u8) -> IpAddr {
    match a {
        IpAddr::V4(v) => IpAddr::V4(Ipv4Addr::from(mask32(u32::from(v), len))),
        IpAddr::V6(v) => IpAddr::V6(Ipv6Addr::from(mask128(u128::from(v), len))),
    }
}

pub(crate) fn mask32(v: u32, len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        v & (u32::MAX << (32 - u32::from(len.min(32))))
    }
}

pub(crate) fn mask128(v: u128, len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        v & (u128::MAX << (128 - u32::from(len.min(128))))
    }
}

/// A URL in the form used for comparison: `host[:port]/path[?query]`. The
/// scheme is dropped (logs rarely carry it) after its default port is
/// removed (80 for `http` or no scheme, 443 for `https`); the host is
/// lower-cased and internationalised names become punycode; user
/// information and the fragment are dropped; an empty path becomes `/`.
pub fn url(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty URL".into());
    }
    let (scheme, rest) = match t.find("://") {
        Some(i) => (t[..i].to_ascii_lowercase(), &t[i + 3..]),
        None => (String::new(), t),
    };
    let default_port = match scheme.as_str() {
        "https" => "443",
        "" | "http" => "80",
        "ftp" => "21",
        _ => "",
    };
    let cut = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(cut);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = split_host_port(authority);
    if host.is_empty() {
        return Err(format!("{t:?} has no host"));
    }
    let host = match ip(host) {
        Some(IpAddr::V6(v)) => format!("[{v}]"),
        Some(IpAddr::V4(v)) => v.to_string(),
        None => domain(host).map_err(|e| format!("URL host: {e}"))?,
    };
    let path = path.split('#').next().unwrap_or("");
    let mut out = host;
    if let Some(p) = port {
        if p != default_port {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{t:?} has a bad port {p:?}"));
            }
            out.push(':');
            out.push_str(p);
        }
    }
    if !path.starts_with('/') {
        out.push('/');
    }
    out.push_str(path);
    Ok(out)
}

fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if let Some(rest) = authority.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            let host = &authority[..end + 2];
            let port = rest[end + 1..].strip_prefix(':');
            return (host, port);
        }
        return (authority, None);
    }
    match authority.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => (h, Some(p)),
        _ => (authority, None),
    }
}

/// Undoes the usual defanging of shared indicators: `hxxp` → `http`,
/// `[.]`, `(.)` and `[dot]` → `.`, `[:]` → `:`.
pub fn refang(s: &str) -> Cow<'_, str> {
    if memchr::memchr2(b'[', b'(', s.as_bytes()).is_none()
        && !s.starts_with("hxxp")
        && !s.starts_with("HXXP")
    {
        return Cow::Borrowed(s);
    }
    let mut t = s
        .replace("[.]", ".")
        .replace("(.)", ".")
        .replace("[dot]", ".")
        .replace("[:]", ":");
    if t.get(..4).is_some_and(|h| h.eq_ignore_ascii_case("hxxp")) {
        t.replace_range(..4, "http");
    }
    Cow::Owned(t)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// One step of xorshift64: deterministic variety for the tests below.
    fn next(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x
    }

    #[test]
    fn the_dotted_quad_reads_exactly_what_the_standard_parser_reads() {
        // Every string of up to 6 characters over digits and dots, then
        // random longer ones with a few other bytes.
        let alphabet = b"0123456789.";
        let mut count = 0;
        let mut check = |s: &[u8]| {
            let std = std::str::from_utf8(s)
                .ok()
                .and_then(|t| t.parse::<Ipv4Addr>().ok());
            assert_eq!(dotted_quad(s), std, "{:?}", String::from_utf8_lossy(s));
            count += usize::from(std.is_some());
        };
        let mut buf = Vec::new();
        fn all(len: usize, buf: &mut Vec<u8>, alphabet: &[u8], f: &mut dyn FnMut(&[u8])) {
            f(buf);
            if buf.len() == len {
                return;
            }
            for c in alphabet {
                buf.push(*c);
                all(len, buf, alphabet, f);
                buf.pop();
            }
        }
        all(6, &mut buf, alphabet, &mut check);
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let pool = b"0123456789.0123456789.255.x 0";
        for _ in 0..2_000_000 {
            next(&mut x);
            let len = 7 + (x % 10) as usize;
            let s: Vec<u8> = (0..len)
                .map(|i| pool[((x >> (i * 5 % 59)) % pool.len() as u64) as usize])
                .collect();
            check(&s);
        }
        for s in ["1.2.3.4", "255.255.255.255", "0.0.0.0", "10.0.0.1"] {
            check(s.as_bytes());
        }
        // Read from a window, whatever follows the text.
        for (text, after) in [
            ("1.2.3.4", "5"),
            ("1.2.3.45", "6"),
            ("10.0.0.1", "\t9"),
            ("1.2.3.4", "."),
        ] {
            let mut w = [0u8; 16];
            let both = format!("{text}{after}");
            w[..both.len()].copy_from_slice(both.as_bytes());
            let want = text.parse::<Ipv4Addr>().ok().map(u32::from);
            let got = v4_window(&w, text.len());
            assert!(got.is_none() || got == want, "{text:?} then {after:?}");
            if !after.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
                assert_eq!(got, want, "{text:?}");
            }
        }
        assert!(count > 1000, "{count}");
    }

    #[test]
    fn address_text_is_the_standard_text() {
        // Plain, mapped and compatible forms.
        for a in [
            "0.0.0.0",
            "1.2.3.4",
            "10.100.9.255",
            "255.255.255.255",
            "::1",
            "2001:db8::1",
            "::ffff:1.2.3.4",
            "::1.2.3.4",
            "::",
            "1::",
            "::ffff:0:0",
            "64:ff9b::1.2.3.4",
        ] {
            let ip: IpAddr = a.parse().unwrap();
            assert_eq!(addr_text(ip), ip.to_string());
        }
        for x in (0..u32::MAX).step_by(9_973) {
            let ip = IpAddr::V4(Ipv4Addr::from(x));
            assert_eq!(addr_text(ip), ip.to_string());
        }
        // IPv6 with zero groups anywhere (runs of every length and place).
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..300_000 {
            next(&mut x);
            let mut g = [0u16; 8];
            for (i, s) in g.iter_mut().enumerate() {
                // Each group zero half the time, small or full otherwise.
                *s = match (x >> (i * 3)) & 3 {
                    0 | 1 => 0,
                    2 => ((x >> (i * 5 + 20)) & 0xf) as u16,
                    _ => (x >> (i * 4 + 16)) as u16,
                };
            }
            let ip = IpAddr::V6(Ipv6Addr::from(g));
            assert_eq!(addr_text(ip), ip.to_string(), "{g:?}");
        }
    }

    #[test]
    fn the_one_pass_domain_check_agrees_with_the_long_way() {
        let pool = b"aZ0-_.xn.-";
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut plain = 0;
        for _ in 0..200_000 {
            next(&mut x);
            let len = 1 + (x % 80) as usize;
            let mut t: Vec<u8> = (0..len)
                .map(|i| pool[((x >> (i % 60)) as usize + i) % pool.len()])
                .collect();
            if x % 7 == 0 {
                t.splice(0..0, std::iter::repeat_n(b'a', 60));
            }
            let t = String::from_utf8(t).unwrap();
            let long = check_ascii_domain(&t.to_ascii_lowercase())
                .ok()
                .filter(|_| !has_xn(t.as_bytes()))
                .map(|_| t.to_ascii_lowercase());
            assert_eq!(plain_domain(&t), long, "{t:?}");
            plain += usize::from(long.is_some());
        }
        assert!(plain > 1000, "{plain}");
    }

    #[test]
    fn domains_are_lowercase_ascii_without_trailing_dot() {
        assert_eq!(domain("Evil.Example.").unwrap(), "evil.example");
        assert_eq!(domain("bücher.example").unwrap(), "xn--bcher-kva.example");
        assert!(domain("bad domain.example").is_err());
        assert!(domain("a..b").is_err());
        assert_eq!(
            observed_domain("WWW.Evil.Example.").unwrap(),
            "www.evil.example"
        );
    }

    #[test]
    fn urls_drop_scheme_default_port_and_fragment() {
        assert_eq!(
            url("HTTP://Evil.Example:80/a?b#c").unwrap(),
            "evil.example/a?b"
        );
        assert_eq!(url("https://evil.example:443").unwrap(), "evil.example/");
        assert_eq!(
            url("https://evil.example:8443/x").unwrap(),
            "evil.example:8443/x"
        );
        assert_eq!(url("http://[2001:DB8::1]:80/x").unwrap(), "[2001:db8::1]/x");
        assert_eq!(url("evil.example/x").unwrap(), "evil.example/x");
    }

    #[test]
    fn ranges_clear_host_bits() {
        assert_eq!(Cidr::parse("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("2001:db8::/32")
            .unwrap()
            .contains(ip("2001:db8:1::5").unwrap()));
    }
}
