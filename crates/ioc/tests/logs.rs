//! Each log format against the fixture list, and the matching rules
//! (EVAL-4.1.2.3): parent domains, case, trailing dot, IDN, longest prefix,
//! URLs, one hit per record and indicator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;

use common::{fixture, list, pairs, scan, scan_paths, Seen};
use zilv_ioc::LogFormat;

fn p(observed: &str, indicator: &str) -> (String, String) {
    (observed.to_string(), indicator.to_string())
}

fn seen(host: &str, field: &str, observed: &str, indicator: &str, line: u64) -> Seen {
    Seen {
        host: host.into(),
        field: field.into(),
        observed: observed.into(),
        indicator: indicator.into(),
        line,
    }
}

#[test]
fn eval_4_1_2_3_zeek_dns_log_queries_answers_and_parents() {
    let (hits, out) = scan(&list(), "logs/dns.log");
    assert_eq!(
        hits,
        [
            seen("10.0.0.5", "query", "a.b.evil.example", "evil.example", 9),
            seen("10.0.0.6", "query", "EVIL.EXAMPLE.", "evil.example", 10),
            seen(
                "10.0.0.7",
                "answers",
                "203.0.113.200",
                "203.0.113.128/25",
                11
            ),
            seen(
                "10.0.0.8",
                "query",
                "www.xn--bcher-kva.example",
                "xn--bcher-kva.example",
                12
            ),
            seen("10.0.0.9", "answers", "203.0.113.5", "203.0.113.0/24", 13),
            seen(
                "10.0.0.9",
                "answers",
                "2001:db8:bad:1::1",
                "2001:db8:bad::/48",
                13
            ),
            seen("10.0.0.12", "query", "x.bad.example", "bad.example", 17),
            seen(
                "10.0.0.12",
                "answers",
                "cname-to.evil.example",
                "evil.example",
                17
            ),
            seen("10.0.0.12", "answers", "198.51.100.7", "198.51.100.7", 17),
        ]
    );
    let s = &out.summary;
    assert_eq!((s.records, s.malformed, s.hits), (8, 1, 9));
    assert!(
        s.malformed_examples[0].contains("dns.log:15"),
        "{:?}",
        s.malformed_examples
    );
    assert_eq!(s.files[0].format, "zeek");
}

#[test]
fn eval_4_1_2_3_zeek_header_separators_are_honoured() {
    let (tab, _) = scan(&list(), "logs/dns.log");
    let (pipe, out) = scan(&list(), "logs/dns-pipe.log");
    let strip = |v: &[Seen]| {
        v.iter()
            .map(|s| (s.host.clone(), s.observed.clone(), s.indicator.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&pipe), strip(&tab));
    assert_eq!((out.summary.records, out.summary.malformed), (8, 1));
}

#[test]
fn eval_4_1_2_3_zeek_conn_log_endpoints() {
    let (hits, out) = scan(&list(), "logs/conn.log");
    assert_eq!(
        hits,
        [
            seen("10.0.0.20", "id.resp_h", "198.51.100.7", "198.51.100.7", 8),
            seen(
                "10.0.0.21",
                "id.resp_h",
                "2001:db8::dead",
                "2001:db8::dead",
                9
            ),
            seen(
                "203.0.113.9",
                "id.orig_h",
                "203.0.113.9",
                "203.0.113.0/24",
                11
            ),
        ]
    );
    assert_eq!(out.summary.malformed, 1);
    assert!(
        out.summary.malformed_examples[0].contains("conn.log:12")
            && out.summary.malformed_examples[0].contains("not-an-address")
    );
}

#[test]
fn eval_4_1_2_3_zeek_json_lines() {
    let (hits, out) = scan(&list(), "logs/dns.json");
    assert_eq!(
        pairs(&hits),
        [
            p("login.evil.example", "evil.example"),
            p("203.0.113.130", "203.0.113.128/25"),
            p("Bad.Example.", "bad.example"),
        ]
    );
    assert_eq!(hits[2].host, "10.0.0.32");
    assert_eq!(out.summary.files[0].format, "zeek-json");
    assert_eq!(out.summary.records, 3);
}

#[test]
fn eval_4_1_2_3_suricata_eve_dns_flow_http_tls() {
    let (hits, out) = scan(&list(), "logs/eve.json");
    assert_eq!(
        hits,
        [
            seen(
                "10.0.0.40",
                "dns.rrname",
                "www.bücher.example",
                "xn--bcher-kva.example",
                1
            ),
            seen(
                "10.0.0.41",
                "dns.answers",
                "203.0.113.129",
                "203.0.113.128/25",
                2
            ),
            seen("10.0.0.42", "dest_ip", "198.51.100.7", "198.51.100.7", 3),
            seen(
                "10.0.0.43",
                "http.hostname",
                "evil.example",
                "evil.example",
                4
            ),
            seen(
                "10.0.0.43",
                "http.url",
                "evil.example/payload.exe",
                "evil.example/payload.exe",
                4
            ),
            seen("10.0.0.44", "tls.sni", "Bad.Example", "bad.example", 5),
        ]
    );
    let s = &out.summary;
    assert_eq!((s.records, s.skipped, s.malformed), (5, 1, 1));
    assert!(s.malformed_examples[0].contains("eve.json:7"));
}

#[test]
fn eval_4_1_2_3_bind_query_log_variants() {
    let (hits, out) = scan(&list(), "logs/named-queries.log");
    assert_eq!(
        hits,
        [
            seen("10.0.0.50", "query", "www.evil.example", "evil.example", 1),
            seen("10.0.0.51", "query", "host.bad.example", "bad.example", 2),
            seen(
                "10.0.0.54",
                "query",
                "xn--bcher-kva.example",
                "xn--bcher-kva.example",
                4
            ),
        ]
    );
    let s = &out.summary;
    assert_eq!(
        (s.records, s.skipped, s.malformed),
        (4, 1, 1),
        "{:?}",
        s.malformed_examples
    );
    assert!(
        s.malformed_examples[0].contains("named-queries.log:6")
            && s.malformed_examples[0].contains("10.0.0.999")
    );
    assert_eq!(s.files[0].format, "bind");
}

#[test]
fn eval_4_1_2_3_bind_time_is_read() {
    let set = list();
    let mut times = Vec::new();
    zilv_ioc::scan(
        &[fixture("logs/named-queries.log")],
        &set,
        &Default::default(),
        &mut |h| {
            times.push(h.time.map(|t| t.to_rfc3339()));
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(
        times,
        [
            Some("2024-03-12T10:11:12.345+00:00".to_string()),
            None,
            None
        ]
    );
}

#[test]
fn eval_4_1_2_3_csv_log_with_column_mapping() {
    let (hits, out) = scan(&list(), "logs/dns.csv");
    assert_eq!(
        hits,
        [
            seen(
                "10.0.0.60",
                "query",
                "track.evil.example",
                "evil.example",
                2
            ),
            seen(
                "10.0.0.60",
                "address",
                "203.0.113.140",
                "203.0.113.128/25",
                2
            ),
            seen(
                "10.0.0.61",
                "url",
                "c2.example/gate.php",
                "c2.example/gate.php",
                3
            ),
        ]
    );
    assert_eq!(out.summary.records, 3);

    let cols = zilv_ioc::CsvColumns::parse("time=1,source=src,query=3,address=answer").unwrap();
    let (mapped, _) = scan_paths(
        &list(),
        &[fixture("logs/dns.csv")],
        Some(LogFormat::Csv(cols)),
    );
    assert_eq!(
        pairs(&mapped),
        pairs(&hits),
        "roles not mapped fall back to usual names"
    );

    let bad = zilv_ioc::CsvColumns::parse("query=nope").unwrap();
    let err = zilv_ioc::scan(
        &[fixture("logs/dns.csv")],
        &list(),
        &zilv_ioc::ScanOptions {
            format: Some(LogFormat::Csv(bad)),
            ..Default::default()
        },
        &mut |_| Ok(()),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("dns.csv:1") && err.contains("no column named \"nope\""),
        "{err}"
    );
    assert!(zilv_ioc::CsvColumns::parse("colour=1").is_err());
}

#[test]
fn eval_4_1_2_3_gzip_is_read_transparently() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("eve.json.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    enc.write_all(&std::fs::read(fixture("logs/eve.json")).unwrap())
        .unwrap();
    enc.finish().unwrap();
    let (plain, _) = scan(&list(), "logs/eve.json");
    let (zipped, out) = scan_paths(&list(), &[gz], None);
    assert_eq!(zipped, plain);
    assert_eq!(out.summary.files[0].format, "eve");
}

#[test]
fn eval_4_1_2_3_several_files_each_in_line_order() {
    let files = [
        "logs/dns.log",
        "logs/conn.log",
        "logs/eve.json",
        "logs/named-queries.log",
        "logs/dns.csv",
        "logs/dns.json",
    ];
    let paths: Vec<_> = files.iter().map(|f| fixture(f)).collect();
    let (all, out) = scan_paths(&list(), &paths, None);
    assert_eq!(out.summary.files.len(), files.len());
    let mut total = 0;
    for (i, f) in files.iter().enumerate() {
        let (one, _) = scan(&list(), f);
        assert_eq!(out.summary.files[i].hits, one.len() as u64, "{f}");
        total += one.len();
    }
    assert_eq!(all.len(), total);
    assert_eq!(out.summary.hits, total as u64);
}

#[test]
fn eval_4_1_2_3_aggregates_per_indicator_and_host() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dns.log");
    let text = std::fs::read_to_string(fixture("logs/dns.log")).unwrap();
    // The same records twice, an hour later: each pair counts 2.
    let later = text.replace("17102382", "17102418");
    std::fs::write(&log, format!("{text}{later}")).unwrap();
    let (hits, out) = scan_paths(&list(), &[log], None);
    assert_eq!(hits.len(), 18);
    let set = list();
    let a: Vec<(String, String, u64, String, String)> = out
        .aggregates
        .iter()
        .map(|a| {
            (
                set.get(a.indicator).value.clone(),
                a.internal_host.unwrap().to_string(),
                a.count,
                a.first_seen.unwrap().to_rfc3339(),
                a.last_seen.unwrap().to_rfc3339(),
            )
        })
        .collect();
    assert_eq!(a.len(), 9, "{a:?}");
    assert!(
        a.contains(&(
            "evil.example".into(),
            "10.0.0.5".into(),
            2,
            "2024-03-12T10:11:12.000001+00:00".into(),
            "2024-03-12T11:11:12.000001+00:00".into()
        )),
        "{a:?}"
    );
    assert!(a.iter().all(|x| x.2 == 2));
    assert_eq!(out.summary.pairs, 9);
}

#[test]
fn eval_4_1_2_3_undetectable_logs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mystery.txt");
    std::fs::write(&f, "hello world\n").unwrap();
    let err = zilv_ioc::scan(&[f], &list(), &Default::default(), &mut |_| Ok(()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mystery.txt:1") && err.contains("cannot tell the log format"),
        "{err}"
    );
    assert!("syslog".parse::<LogFormat>().is_err());
}

#[test]
fn eval_4_1_2_3_corrupt_gzip_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cut.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(
        std::fs::read(fixture("logs/dns.log"))
            .unwrap()
            .repeat(50)
            .as_slice(),
    )
    .unwrap();
    let bytes = enc.finish().unwrap();
    std::fs::write(&f, &bytes[..bytes.len() / 2]).unwrap();
    let err = zilv_ioc::scan(&[f], &list(), &Default::default(), &mut |_| Ok(()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("cut.log.gz") && err.contains("deflate"),
        "{err}"
    );
}

#[test]
fn eval_4_1_2_3_a_failing_sink_stops_the_scan() {
    let err = zilv_ioc::scan(
        &[fixture("logs/dns.log")],
        &list(),
        &Default::default(),
        &mut |_| Err(zilv_ioc::Error::Output("disk full".into())),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("disk full"), "{err}");
}

#[test]
fn eval_4_1_2_3_zeek_http_log_host_and_url() {
    let (hits, _) = scan(&list(), "logs/http.log");
    assert_eq!(
        hits,
        [
            seen("10.0.0.70", "host", "Evil.Example", "evil.example", 8),
            seen(
                "10.0.0.70",
                "url",
                "evil.example/payload.exe",
                "evil.example/payload.exe",
                8
            ),
            seen(
                "10.0.0.71",
                "url",
                "c2.example/gate.php",
                "c2.example/gate.php",
                9
            ),
        ]
    );
}

#[test]
fn eval_4_1_2_3_suricata_v1_answer_and_v3_queries() {
    let (hits, _) = scan(&list(), "logs/eve-v1.json");
    assert_eq!(
        hits,
        [
            seen("10.0.0.80", "dns.rdata", "198.51.100.7", "198.51.100.7", 1),
            seen(
                "10.0.0.81",
                "dns.rrname",
                "x.evil.example",
                "evil.example",
                2
            ),
        ]
    );
}

#[test]
fn eval_4_1_2_3_workers_reading_in_turn_keep_every_file_in_order() {
    // Files larger than a batch, one of them gzip, one with a second
    // header block in the middle; scanned together by more and fewer
    // workers than files, each file's hits must be those it gives alone,
    // in its line order.
    let dir = tempfile::tempdir().unwrap();
    let dns = std::fs::read(fixture("logs/dns.log")).unwrap();
    let conn = std::fs::read(fixture("logs/conn.log")).unwrap();
    let plain = dir.path().join("dns-many.log");
    std::fs::write(&plain, dns.repeat(30)).unwrap();
    let gz = dir.path().join("conn-many.log.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&conn.repeat(30)).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let small = fixture("logs/dns.log");
    let paths = vec![plain, gz, small];
    let set = list();
    type Row = (String, u64, String, String);
    let run = |paths: &[std::path::PathBuf], threads: usize, batch_bytes: usize| {
        let mut rows: Vec<Row> = Vec::new();
        let opts = zilv_ioc::ScanOptions {
            threads,
            batch_bytes,
            ..Default::default()
        };
        let out = zilv_ioc::scan(paths, &set, &opts, &mut |h| {
            rows.push((
                h.log_file.to_string(),
                h.log_line,
                h.observed.to_string(),
                h.indicator.to_string(),
            ));
            Ok(())
        })
        .unwrap();
        (rows, out)
    };
    let alone: Vec<Vec<Row>> = paths
        .iter()
        .map(|p| run(std::slice::from_ref(p), 1, 1 << 20).0)
        .collect();
    assert!(alone.iter().all(|r| !r.is_empty()), "every file has hits");
    for threads in [1, 2, 3, 5] {
        for batch_bytes in [200, 4096] {
            let (rows, out) = run(&paths, threads, batch_bytes);
            for (i, p) in paths.iter().enumerate() {
                let name = p.display().to_string();
                let mine: Vec<Row> = rows.iter().filter(|r| r.0 == name).cloned().collect();
                assert_eq!(mine, alone[i], "{name}, {threads} threads, {batch_bytes} B");
                assert_eq!(out.summary.files[i].hits, alone[i].len() as u64);
            }
            assert_eq!(rows.len(), alone.iter().map(Vec::len).sum::<usize>());
        }
    }
}
