//! Hostile input never panics: every log parser and feed reader answers
//! garbage with counts or an error naming the file (EVAL-4.1.2.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use zilv_ioc::{CsvColumns, IndicatorFormat, LogFormat};

const NASTY: &[&[u8]] = &[
    b"",
    b"\t\t\t\t",
    b"#",
    b"#fields",
    b"#separator",
    b"#separator \\xzz",
    b"#separator \\xc3\\xa4",
    b"#fields\tts\tid.orig_h\tquery\tanswers",
    b"1\t10.0.0.1\tb\xc3\xbccher.example\t1.2.3.4,,\\x",
    b"1\t10.0.0.1\t\\xff\\xfe.example\t-",
    b"\xff\xfe\xfd",
    b"{",
    b"{\"event_type\":\"dns\",\"dns\":[]}",
    b"{\"event_type\":\"dns\",\"src_ip\":\"x\"}",
    b"{\"event_type\":\"http\",\"http\":{\"hostname\":\"\xc3\xa4\",\"url\":\"::::\"}}",
    b"{\"ts\":\"1e400\",\"id.orig_h\":1}",
    b"{\"ts\":1e400,\"query\":\"x\"}",
    b"client ",
    b"client @0x1 : query: ",
    b"\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4 11:11:11 client 1.2.3.4#1: query: x IN A (",
    b"99-Xyz-9999 99:99:99.999 client 10.0.0.1#1 (a): query: a IN A + (not-ip)",
    b"\"unterminated,quote",
    b"a,\"b\"c,d",
    b"time,source,query",
    b"2024-13-45 25:61:61,10.0.0.1,a.example",
    b"99999999999999999999.123456789123,10.0.0.1,a.example",
];

fn nasty_file(dir: &std::path::Path, name: &str, utf8_only: bool) -> std::path::PathBuf {
    let p = dir.join(name);
    let mut bytes = Vec::new();
    for l in NASTY
        .iter()
        .filter(|l| !utf8_only || std::str::from_utf8(l).is_ok())
    {
        bytes.extend_from_slice(l);
        bytes.push(b'\n');
    }
    if !utf8_only {
        bytes.extend_from_slice(b"no newline at the end \xe4\xb8");
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn eval_4_1_2_3_hostile_logs_are_counted_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let file = nasty_file(dir.path(), "nasty.log", false);
    let set = common::list();
    let formats = [
        LogFormat::ZeekTsv,
        LogFormat::ZeekJson,
        LogFormat::Eve,
        LogFormat::Bind,
        LogFormat::Csv(CsvColumns::default()),
        LogFormat::Csv(CsvColumns::parse("time=1,source=2,query=3").unwrap()),
    ];
    for f in formats {
        for batch in [16, 1 << 20] {
            let opts = zilv_ioc::ScanOptions {
                format: Some(f.clone()),
                threads: 2,
                batch_bytes: batch,
                ..Default::default()
            };
            match zilv_ioc::scan(std::slice::from_ref(&file), &set, &opts, &mut |_| Ok(())) {
                Ok(out) => {
                    let s = &out.summary;
                    assert!(
                        s.records + s.skipped + s.malformed <= NASTY.len() as u64 + 1,
                        "{f}: {s:?}"
                    );
                    assert!(
                        s.malformed > 0,
                        "{f}: garbage must count as malformed: {s:?}"
                    );
                }
                // A header that cannot be applied stops the file, naming it.
                Err(e) => assert!(e.to_string().contains("nasty.log:"), "{f}: {e}"),
            }
        }
    }
}

#[test]
fn eval_4_1_2_3_hostile_feeds_are_rejected_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = nasty_file(dir.path(), "nasty.txt", true);
    let bytes = nasty_file(dir.path(), "bytes.txt", false);
    let e = zilv_ioc::load_indicators(&[bytes], None, common::now()).unwrap_err();
    assert!(
        e.to_string().contains("bytes.txt:11") && e.to_string().contains("UTF-8"),
        "{e}"
    );
    let formats = [
        "plain",
        "csv",
        "csv:2",
        "csv:query",
        "zeek-intel",
        "misp",
        "stix",
    ];
    for f in formats {
        let fmt: IndicatorFormat = f.parse().unwrap();
        match zilv_ioc::load_indicators(std::slice::from_ref(&file), Some(&fmt), common::now()) {
            Ok(set) => assert!(set.report().rejected > 0 || set.is_empty(), "{f}"),
            Err(e) => assert!(e.to_string().contains("nasty.txt"), "{f}: {e}"),
        }
    }
    let zero = IndicatorFormat::Csv(Some(zilv_ioc::Column::Number(0)));
    assert!(zilv_ioc::load_indicators(&[file], Some(&zero), common::now()).is_err());
}
