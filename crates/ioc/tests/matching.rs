//! The matching rules on the index itself (EVAL-4.1.2.3): parent domains at
//! label boundaries, case, trailing dot, IDN, longest prefix, URL forms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use zilv_ioc::normalize::{observed_domain, url};
use zilv_ioc::{Builder, Indicator, IndicatorSet, Kind};

fn set(values: &[(&str, &str)]) -> IndicatorSet {
    let mut b = Builder::new(common::now());
    for (v, source) in values {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(source);
        std::fs::write(&p, format!("{v}\n")).unwrap();
        zilv_ioc::feeds::load_into(&mut b, &p, None).unwrap();
    }
    b.build()
}

fn domains(s: &IndicatorSet, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = observed_domain(name) {
        s.match_domain(&d, |id| out.push(s.get(id).value.clone()));
    }
    out.sort();
    out
}

fn addr(s: &IndicatorSet, a: &str) -> Vec<(String, String)> {
    s.match_addr(a.parse().unwrap())
        .iter()
        .map(|id| (s.get(*id).value.clone(), s.get(*id).source.clone()))
        .collect()
}

#[test]
fn eval_4_1_2_3_parent_domains_match_at_label_boundaries_only() {
    let s = set(&[("evil.example", "a.txt"), ("deep.evil.example", "b.txt")]);
    assert_eq!(domains(&s, "evil.example"), ["evil.example"]);
    assert_eq!(domains(&s, "a.b.evil.example"), ["evil.example"]);
    assert_eq!(
        domains(&s, "x.deep.evil.example"),
        ["deep.evil.example", "evil.example"]
    );
    assert!(domains(&s, "notevil.example").is_empty());
    assert!(domains(&s, "evil.example.com").is_empty());
    assert!(domains(&s, "example").is_empty());
}

#[test]
fn eval_4_1_2_3_case_trailing_dot_and_idn_compare_alike() {
    let s = set(&[("Bücher.Example.", "a.txt"), ("EVIL.example", "b.txt")]);
    assert_eq!(s.indicators()[0].value, "xn--bcher-kva.example");
    for name in [
        "www.bücher.example",
        "WWW.BÜCHER.EXAMPLE.",
        "www.xn--bcher-kva.example",
        "XN--BCHER-KVA.EXAMPLE.",
    ] {
        assert_eq!(domains(&s, name), ["xn--bcher-kva.example"], "{name}");
    }
    assert_eq!(domains(&s, "Mail.Evil.Example."), ["evil.example"]);
    assert!(domains(&s, "bucher.example").is_empty());
}

#[test]
fn eval_4_1_2_3_longest_prefix_wins() {
    let s = set(&[
        ("10.0.0.0/8", "a.txt"),
        ("10.1.0.0/16", "b.txt"),
        ("10.1.2.0/24", "c.txt"),
        ("10.1.2.3", "d.txt"),
        ("10.1.2.0/24", "e.txt"),
        ("2001:db8::/32", "f.txt"),
        ("2001:db8:1::/48", "g.txt"),
    ]);
    let v = |x: &[(&str, &str)]| {
        x.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(addr(&s, "10.1.2.3"), v(&[("10.1.2.3", "d.txt")]));
    assert_eq!(
        addr(&s, "10.1.2.4"),
        v(&[("10.1.2.0/24", "c.txt"), ("10.1.2.0/24", "e.txt")])
    );
    assert_eq!(addr(&s, "10.1.3.4"), v(&[("10.1.0.0/16", "b.txt")]));
    assert_eq!(addr(&s, "10.200.0.1"), v(&[("10.0.0.0/8", "a.txt")]));
    assert!(addr(&s, "11.0.0.1").is_empty());
    assert_eq!(
        addr(&s, "2001:db8:1::5"),
        v(&[("2001:db8:1::/48", "g.txt")])
    );
    assert_eq!(addr(&s, "2001:db8:2::5"), v(&[("2001:db8::/32", "f.txt")]));
    assert!(
        addr(&s, "::ffff:10.1.2.3").is_empty(),
        "an IPv6 address never matches an IPv4 range"
    );
}

#[test]
fn eval_4_1_2_3_urls_match_in_normal_form() {
    let s = set(&[
        ("http://Evil.Example/a/B?x=1#frag", "a.txt"),
        ("https://evil.example:8443/k", "b.txt"),
    ]);
    let hit = |u: &str| {
        let mut out = Vec::new();
        s.match_url(&url(u).unwrap(), |id| out.push(s.get(id).value));
        out
    };
    assert_eq!(hit("evil.example:80/a/B?x=1"), ["evil.example/a/B?x=1"]);
    assert_eq!(hit("EVIL.EXAMPLE/a/B?x=1"), ["evil.example/a/B?x=1"]);
    assert!(
        hit("evil.example/a/b?x=1").is_empty(),
        "the path keeps its case"
    );
    assert_eq!(hit("evil.example:8443/k"), ["evil.example:8443/k"]);
    assert!(hit("evil.example/k").is_empty());
}

#[test]
fn eval_4_1_2_3_expired_indicators_are_not_matched() {
    let mut b = Builder::new(common::now());
    let ind = |v: &str, until: &str| Indicator {
        kind: Kind::Domain,
        value: v.into(),
        source: "t".into(),
        description: String::new(),
        valid_from: None,
        valid_until: Some(
            chrono::DateTime::parse_from_rfc3339(until)
                .unwrap()
                .to_utc(),
        ),
        origin: "t:1".into(),
    };
    b.add(ind("old.example", "2026-11-27T23:59:59Z"));
    b.add(ind("live.example", "2026-11-28T00:00:00Z"));
    let s = b.build();
    assert!(domains(&s, "old.example").is_empty());
    assert_eq!(domains(&s, "live.example"), ["live.example"]);
    assert_eq!((s.report().expired, s.report().loaded), (1, 1));
}

#[test]
fn eval_4_1_2_3_fast_address_parse_agrees_with_the_standard_one() {
    let fixed = [
        "",
        "1",
        "1.2.3",
        "1.2.3.4",
        "01.2.3.4",
        "0.0.0.0",
        "255.255.255.255",
        "256.1.1.1",
        "1.2.3.4.",
        ".1.2.3.4",
        "1..2.3",
        "1.2.3.4 ",
        "1.2.3.0004",
        "10.47.1.100",
        "::",
        "::1",
        "2001:db8::1",
        "::ffff:1.2.3.4",
        "fe80::1%eth0",
        "cdn.example",
        "1e100.net",
        "abc",
        "a:b",
        "1.2.3.4/24",
        "999",
        "0",
        "00.0.0.0",
        "1.2.3.04",
    ];
    let mut x: u64 = 0x0123_4567_89ab_cdef;
    let alphabet = b"0123456789.:abcdefx ";
    let mut random = Vec::new();
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % 18) as usize;
        let s: String = (0..len)
            .map(|i| alphabet[((x >> (i * 3)) % alphabet.len() as u64) as usize] as char)
            .collect();
        random.push(s);
    }
    // IPv6-shaped text: hex groups, colons, the odd dot.
    let alphabet6 = b"0123456789abcdefABCDEF::::.g";
    for _ in 0..40_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = 2 + (x % 40) as usize;
        let mut y = x;
        let s: String = (0..len)
            .map(|_| {
                y = y.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1);
                alphabet6[((y >> 33) % alphabet6.len() as u64) as usize] as char
            })
            .collect();
        random.push(s);
    }
    // Dotted-quad-shaped text: octets up to 300, some with leading zeros,
    // three to five of them.
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let parts = 3 + (x % 3) as usize;
        let s: Vec<String> = (0..parts)
            .map(|i| {
                let v = (x >> (8 + i * 10)) % 301;
                if (x >> (60 - i)) & 1 == 1 && v < 100 {
                    format!("0{v}")
                } else {
                    v.to_string()
                }
            })
            .collect();
        random.push(s.join("."));
    }
    for v in [
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "1::2::3",
        ":1::",
        "1:::2",
        "12345::1",
        "2001:DB8:0:0:0:0:0:1",
        "0001:0002::ffff",
        "1:2:3:4:5:6:1.2.3.4",
        ":",
        ":::",
    ] {
        random.push(v.to_string());
    }
    for s in fixed.iter().map(|s| s.to_string()).chain(random) {
        assert_eq!(
            zilv_ioc::normalize::fast_ip(&s),
            s.parse::<std::net::IpAddr>().ok(),
            "{s:?}"
        );
    }
}
