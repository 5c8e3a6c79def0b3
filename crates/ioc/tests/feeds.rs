//! Each indicator feed format, expiry, and bad input (EVAL-4.1.2.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture, load, now};
use zilv_ioc::{Indicator, IndicatorFormat, Kind};

fn values(set: &zilv_ioc::IndicatorSet) -> Vec<(Kind, String)> {
    set.indicators()
        .iter()
        .map(|i| (i.kind, i.value.clone()))
        .collect()
}

fn find(set: &zilv_ioc::IndicatorSet, value: &str) -> Indicator {
    set.indicators()
        .into_iter()
        .find(|i| i.value == value)
        .unwrap_or_else(|| panic!("{value} not loaded: {:?}", values(set)))
}

#[test]
fn eval_4_1_2_3_plain_list_reads_every_kind_in_normal_form() {
    let set = load(&["feeds/list.txt"], None);
    assert_eq!(
        values(&set),
        [
            (Kind::Domain, "evil.example".into()),
            (Kind::Domain, "bad.example".into()),
            (Kind::Domain, "xn--bcher-kva.example".into()),
            (Kind::Ipv4, "198.51.100.7".into()),
            (Kind::Cidr, "203.0.113.0/24".into()),
            (Kind::Cidr, "203.0.113.128/25".into()),
            (Kind::Cidr, "2001:db8:bad::/48".into()),
            (Kind::Ipv6, "2001:db8::dead".into()),
            (Kind::Url, "evil.example/payload.exe".into()),
            (Kind::Url, "c2.example/gate.php".into()),
        ]
    );
    let i = find(&set, "198.51.100.7");
    assert_eq!(i.source, "list.txt");
    assert!(i.origin.ends_with("list.txt:5"), "{}", i.origin);
    assert_eq!(set.report().rejected, 0);
}

#[test]
fn eval_4_1_2_3_hosts_file_names_are_indicators_and_local_names_are_not() {
    let set = load(&["feeds/hosts"], None);
    let v: Vec<String> = set.indicators().iter().map(|i| i.value.clone()).collect();
    assert_eq!(
        v,
        [
            "ads.tracker.example",
            "malware.example",
            "telemetry.example",
            "phish.example"
        ]
    );
    assert!(set.indicators().iter().all(|i| i.kind == Kind::Domain));
    assert_eq!(
        set.report().ignored,
        4,
        "localhost ×2, ip6-localhost, ip6-loopback"
    );
}

#[test]
fn eval_4_1_2_3_csv_feed_uses_header_columns_and_expires_old_rows() {
    let set = load(&["feeds/feed.csv"], None);
    let r = set.report();
    assert_eq!(r.expired, 1, "old.example expired in 2020");
    assert_eq!(r.loaded, 3);
    let c2 = find(&set, "c2.example");
    assert_eq!(c2.description, "Cobalt Strike team server");
    assert_eq!(
        c2.valid_until.unwrap().to_rfc3339(),
        "2030-01-01T00:00:00+00:00"
    );
    assert_eq!(
        find(&set, "drop.example/a b").description,
        "dropper, stage 2"
    );
    assert!(set.indicators().iter().all(|i| i.value != "old.example"));
}

#[test]
fn eval_4_1_2_3_csv_column_by_name_or_number() {
    let by_name = load(&["feeds/two-columns.csv"], None);
    assert_eq!(
        values(&by_name),
        [
            (Kind::Domain, "x1.example".into()),
            (Kind::Ipv4, "198.51.100.99".into())
        ]
    );
    let by_number = load(&["feeds/two-columns.csv"], Some("csv:2"));
    assert_eq!(values(&by_number), values(&by_name));
    let named = load(&["feeds/two-columns.csv"], Some("csv:ioc"));
    assert_eq!(values(&named), values(&by_name));
    let err = zilv_ioc::load_indicators(
        &[fixture("feeds/two-columns.csv")],
        Some(&"csv:nope".parse().unwrap()),
        now(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("two-columns.csv:1") && err.contains("no column named \"nope\""),
        "{err}"
    );
}

#[test]
fn eval_4_1_2_3_zeek_intel_types_and_meta() {
    let set = load(&["feeds/intel.dat"], None);
    assert_eq!(
        values(&set),
        [
            (Kind::Domain, "intel.example".into()),
            (Kind::Ipv4, "192.0.2.10".into()),
            (Kind::Ipv6, "2001:db8:1::10".into()),
            (Kind::Cidr, "198.51.100.0/26".into()),
            (Kind::Url, "intel.example/login.php".into()),
        ]
    );
    let d = find(&set, "intel.example");
    assert_eq!(d.source, "intel.dat (abuse-feed)");
    assert_eq!(d.description, "phishing kit");
    let r = set.report();
    assert_eq!((r.ignored, r.rejected), (1, 1), "{:?}", r.rejections);
    assert!(r.rejections[0].contains("intel.dat:8") && r.rejections[0].contains("not-an-ip"));
}

#[test]
fn eval_4_1_2_3_misp_attributes_and_objects() {
    let set = load(&["feeds/misp-event.json"], None);
    let mut v = values(&set);
    v.sort();
    let mut want = vec![
        (Kind::Domain, "misp-phish.example".to_string()),
        (Kind::Domain, "cdn.misp-phish.example".into()),
        (Kind::Ipv4, "192.0.2.77".into()),
        (Kind::Ipv6, "2001:db8:77::1".into()),
        (Kind::Url, "misp-phish.example/login".into()),
        (Kind::Domain, "pair.example".into()),
        (Kind::Ipv4, "192.0.2.78".into()),
        (Kind::Domain, "object.example".into()),
        (Kind::Ipv4, "192.0.2.79".into()),
        (Kind::Ipv4, "192.0.2.80".into()),
    ];
    want.sort();
    assert_eq!(v, want);
    let d = find(&set, "misp-phish.example");
    assert_eq!(d.source, "misp-event.json (TWCERT)");
    assert_eq!(
        d.description,
        "Phishing campaign against insurers: landing page"
    );
    let r = set.report();
    assert_eq!((r.ignored, r.rejected), (1, 1), "{:?}", r.rejections);
    assert!(r.rejections[0].contains("not-an-address"));
}

#[test]
fn eval_4_1_2_3_stix_patterns_with_or_and_validity() {
    let set = load(&["feeds/stix-bundle.json"], None);
    assert_eq!(
        values(&set),
        [
            (Kind::Domain, "stix-c2.example".into()),
            (Kind::Ipv4, "192.0.2.90".into()),
            (Kind::Cidr, "198.51.100.128/25".into()),
            (Kind::Ipv6, "2001:db8:90::1".into()),
            (Kind::Url, "stix-c2.example/beacon".into()),
        ]
    );
    let i = find(&set, "192.0.2.90");
    assert_eq!(i.description, "C2 hosts");
    assert_eq!(
        i.valid_until.unwrap().to_rfc3339(),
        "2030-01-01T00:00:00+00:00"
    );
    let r = set.report();
    assert_eq!(r.expired, 1, "expired.example");
    assert_eq!(r.not_yet_valid, 1, "future.example");
    assert_eq!(r.rejected, 1, "the file hash pattern: {:?}", r.rejections);
    assert!(r.rejections[0].contains("indicator--5"));
    assert_eq!(r.ignored, 2, "the snort pattern and the revoked indicator");
}

#[test]
fn eval_4_1_2_3_expiry_is_judged_at_the_given_now() {
    let earlier = chrono::DateTime::parse_from_rfc3339("2020-06-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let set =
        zilv_ioc::load_indicators(&[fixture("feeds/stix-bundle.json")], None, earlier).unwrap();
    let all = set.indicators();
    let v: Vec<&str> = all.iter().map(|i| i.value.as_str()).collect();
    assert!(v.contains(&"expired.example"), "{v:?}");
    assert!(!v.contains(&"stix-c2.example"), "not valid before 2024");
}

#[test]
fn eval_4_1_2_3_formats_are_detected() {
    let cases = [
        ("feeds/list.txt", IndicatorFormat::Plain),
        ("feeds/feed.csv", IndicatorFormat::Csv(None)),
        ("feeds/intel.dat", IndicatorFormat::ZeekIntel),
        ("feeds/misp-event.json", IndicatorFormat::Misp),
        ("feeds/stix-bundle.json", IndicatorFormat::Stix),
    ];
    for (f, want) in cases {
        let p = fixture(f);
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(zilv_ioc::feeds::detect(&p, &text), want, "{f}");
    }
}

#[test]
fn eval_4_1_2_3_bad_values_are_rejected_with_file_line_and_reason() {
    let set = load(&["feeds/bad-list.txt"], None);
    let r = set.report();
    assert_eq!(r.loaded, 1);
    assert_eq!(r.rejected, 3);
    assert!(
        r.rejections[0].contains("bad-list.txt:2") && r.rejections[0].contains("several values"),
        "{:?}",
        r.rejections
    );
    assert!(
        r.rejections[1].contains("bad-list.txt:3") && r.rejections[1].contains("999.1.2.3"),
        "{:?}",
        r.rejections
    );
    assert!(
        r.rejections[2].contains("bad-list.txt:4") && r.rejections[2].contains("'$'"),
        "{:?}",
        r.rejections
    );
}

#[test]
fn eval_4_1_2_3_unreadable_feeds_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("broken.json");
    std::fs::write(
        &json,
        "{\"type\": \"bundle\", \"objects\": [\n  {\"type\": }\n]}",
    )
    .unwrap();
    let err = zilv_ioc::load_indicators(&[json], None, now())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("broken.json:2") && err.contains("not JSON"),
        "{err}"
    );

    let intel = dir.path().join("intel.txt");
    std::fs::write(&intel, "#fields\tindicator\tindicator_type\nx.example\n").unwrap();
    let err =
        zilv_ioc::load_indicators(&[intel], Some(&IndicatorFormat::ZeekIntel), now()).unwrap();
    assert_eq!(err.report().rejected, 1);

    let headless = dir.path().join("headless.dat");
    std::fs::write(&headless, "x.example\tIntel::DOMAIN\n").unwrap();
    let err = zilv_ioc::load_indicators(&[headless], Some(&IndicatorFormat::ZeekIntel), now())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("headless.dat:1") && err.contains("#fields"),
        "{err}"
    );

    let missing = dir.path().join("missing.txt");
    let err = zilv_ioc::load_indicators(&[missing], None, now())
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing.txt"), "{err}");

    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"ok.example\nbad\xe9.example\n").unwrap();
    let err = zilv_ioc::load_indicators(&[latin1], None, now())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("latin1.txt:2") && err.contains("UTF-8"),
        "{err}"
    );

    assert!("nope".parse::<IndicatorFormat>().is_err());
}

#[test]
fn eval_4_1_2_3_same_value_from_one_feed_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("dups.txt");
    std::fs::write(&p, "evil.example\nEVIL.example.\n").unwrap();
    let set = zilv_ioc::load_indicators(&[p], None, now()).unwrap();
    assert_eq!((set.report().loaded, set.report().duplicates), (1, 1));
}

#[test]
fn eval_4_1_2_3_misp_rest_response_with_several_events() {
    let set = load(&["feeds/misp-response.json"], None);
    assert_eq!(
        values(&set),
        [
            (Kind::Domain, "first.example".into()),
            (Kind::Cidr, "192.0.2.0/28".into())
        ]
    );
    assert_eq!(find(&set, "192.0.2.0/28").description, "Second");
}

#[test]
fn eval_4_1_2_3_a_long_list_keeps_its_order_lines_and_rejections() {
    // More than one block of text, read in parallel halves: every value,
    // rejection and line number must come out as a line-by-line reading
    // gives them.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    let mut text = String::from("# a long list\r\n");
    let mut want = Vec::new();
    let mut bad_lines = Vec::new();
    for i in 0..400_000u32 {
        let line = i as usize + 2;
        match i % 997 {
            0 => {
                text.push_str(&format!("bad value {i}\n"));
                bad_lines.push(line);
            }
            1 => text.push('\n'),
            2 => {
                text.push_str(&format!(
                    "127.0.0.1 localhost host-{i}.example # hosts line\r\n"
                ));
                want.push(format!("host-{i}.example"));
            }
            _ if i % 3 == 0 => {
                let v = format!(
                    "{}.{}.{}.{}",
                    1 + i % 200,
                    i >> 16 & 255,
                    i >> 8 & 255,
                    i & 255
                );
                text.push_str(&format!("{v}\n"));
                want.push(v);
            }
            _ => {
                text.push_str(&format!("Name-{i}.Example.\n"));
                want.push(format!("name-{i}.example"));
            }
        }
    }
    assert!(text.len() > 5 << 20, "{}", text.len());
    std::fs::write(&path, &text).unwrap();
    let set = zilv_ioc::load_indicators(std::slice::from_ref(&path), None, now()).unwrap();
    let got: Vec<String> = set.indicators().into_iter().map(|i| i.value).collect();
    assert_eq!(got.len(), want.len());
    assert!(got == want, "the values or their order differ");
    let r = set.report();
    assert_eq!(r.rejected as usize, bad_lines.len());
    assert_eq!(r.ignored as usize, 400_000 / 997 + 1);
    for (reason, line) in r.rejections.iter().zip(&bad_lines) {
        assert!(
            reason.contains(&format!("long.txt:{line}: ")),
            "{reason} (line {line})"
        );
    }
    // The origin of a value late in the file names its line.
    let last = set.indicators().into_iter().last().unwrap();
    assert!(
        last.origin.ends_with(&format!("long.txt:{}", 400_001)),
        "{}",
        last.origin
    );
}
