//! Random bytes and truncated gzip, fed to the log reader in every format
//! and to every feed parser: each answers with counts or an error naming
//! the file, never a panic (EVAL-4.1.2.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use zilv_ioc::{CsvColumns, IndicatorFormat, LogFormat};

/// xorshift64: the same bytes on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Fragments that steer parsers deep into their code before the bytes
/// turn bad.
const PIECES: &[&[u8]] = &[
    b"\t",
    b"\n",
    b",",
    b"\"",
    b"#fields\tts\tid.orig_h\tid.resp_h\tquery\tanswers\n",
    b"#separator \\x09\n",
    b"#set_separator\t,\n",
    b"#fields\tindicator\tindicator_type\tmeta.source\n",
    b"1521911720.865716\t10.47.1.100\t10.0.0.100\tevil.example\t192.0.2.1,x.example\n",
    b"{\"event_type\":\"dns\",\"src_ip\":\"10.0.0.1\",\"dns\":{\"rrname\":\"a.example\"}}\n",
    b"{\"ts\":1.5,\"id.orig_h\":\"10.0.0.1\",\"query\":\"b.example\"}\n",
    b"12-Mar-2024 10:11:12.345 client @0x1 10.0.0.1#5353 (c.example): query: c.example IN A +\n",
    b"time,source,query\n2024-01-01T00:00:00Z,10.0.0.1,d.example\n",
    b"{\"type\":\"bundle\",\"objects\":[{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'e.example']\"",
    b"{\"Event\":{\"Attribute\":[{\"type\":\"domain\",\"value\":\"f.example\"}",
    b"0.0.0.0 g.example\n",
    b"\\x",
    b"\xc3\xa4",
    b"\xff",
    b"xn--",
    b"[",
    b"]",
    b"}",
    b"::",
    b"/",
    b"999.999.999.999",
];

fn garbage(r: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    let parts = r.next() % 40;
    for _ in 0..parts {
        if r.next() % 2 == 0 {
            out.extend_from_slice(PIECES[(r.next() % PIECES.len() as u64) as usize]);
        } else {
            let n = r.next() % 24;
            out.extend((0..n).map(|_| r.next() as u8));
        }
    }
    out
}

fn log_formats() -> Vec<Option<LogFormat>> {
    vec![
        None,
        Some(LogFormat::ZeekTsv),
        Some(LogFormat::ZeekJson),
        Some(LogFormat::Eve),
        Some(LogFormat::Bind),
        Some(LogFormat::Csv(CsvColumns::default())),
        Some(LogFormat::Csv(
            CsvColumns::parse("time=1,source=2,query=3").unwrap(),
        )),
    ]
}

fn feed_formats() -> Vec<Option<IndicatorFormat>> {
    let mut v = vec![None];
    for f in [
        "plain",
        "csv",
        "csv:2",
        "csv:indicator",
        "zeek-intel",
        "misp",
        "stix",
    ] {
        v.push(Some(f.parse().unwrap()));
    }
    v
}

/// Scans `file` in every log format: either counts that add up, or an
/// error that names the file.
fn scan_every_way(file: &Path, name: &str, set: &zilv_ioc::IndicatorSet) {
    for format in log_formats() {
        for batch in [64, 1 << 20] {
            let opts = zilv_ioc::ScanOptions {
                format: format.clone(),
                threads: 2,
                batch_bytes: batch,
                ..Default::default()
            };
            let mut hits = 0u64;
            match zilv_ioc::scan(&[file.to_path_buf()], set, &opts, &mut |_| {
                hits += 1;
                Ok(())
            }) {
                Ok(out) => {
                    let s = &out.summary;
                    assert_eq!(s.hits, hits, "{format:?}");
                    assert!(
                        s.malformed_examples.len() as u64 <= s.malformed,
                        "{format:?}: {s:?}"
                    );
                    for m in &s.malformed_examples {
                        assert!(m.contains(name), "{format:?}: {m}");
                    }
                }
                Err(e) => assert!(e.to_string().contains(name), "{format:?}: {e}"),
            }
        }
    }
}

/// Loads `file` as every feed format: a set (with rejections counted and
/// located) or an error that names the file.
fn load_every_way(file: &Path, name: &str) {
    for format in feed_formats() {
        match zilv_ioc::load_indicators(&[file.to_path_buf()], format.as_ref(), common::now()) {
            Ok(set) => {
                let r = set.report();
                assert!(r.rejections.len() as u64 <= r.rejected, "{format:?}");
                for why in &r.rejections {
                    assert!(why.contains(name), "{format:?}: {why}");
                }
            }
            Err(e) => assert!(e.to_string().contains(name), "{format:?}: {e}"),
        }
    }
}

#[test]
fn eval_4_1_2_3_random_bytes_never_crash_the_log_reader_or_the_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let set = common::list();
    let mut r = Rng(0x5eed_1234_abcd_0001);
    for i in 0..60 {
        let name = format!("random-{i}.bin");
        let file = dir.path().join(&name);
        std::fs::write(&file, garbage(&mut r)).unwrap();
        scan_every_way(&file, &name, &set);
        load_every_way(&file, &name);
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn cut_copies(dir: &Path, stem: &str, gz: &[u8]) -> Vec<(PathBuf, String)> {
    // Inside the header, inside the data, just before the trailer.
    let cuts = [
        2,
        5,
        11,
        gz.len() / 3,
        gz.len() / 2,
        gz.len() - 4,
        gz.len() - 1,
    ];
    cuts.iter()
        .map(|&n| {
            let name = format!("{stem}-{n}.gz");
            let p = dir.join(&name);
            std::fs::write(&p, &gz[..n]).unwrap();
            (p, name)
        })
        .collect()
}

#[test]
fn eval_4_1_2_3_truncated_gzip_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let set = common::list();
    let log = std::fs::read(common::fixture("logs/dns.log")).unwrap();
    for (file, name) in cut_copies(dir.path(), "dns.log", &gzip(&log.repeat(20))) {
        for format in log_formats() {
            let opts = zilv_ioc::ScanOptions {
                format: format.clone(),
                threads: 2,
                ..Default::default()
            };
            let err = zilv_ioc::scan(std::slice::from_ref(&file), &set, &opts, &mut |_| Ok(()))
                .expect_err("a truncated gzip cannot be read to its end")
                .to_string();
            assert!(err.contains(&name), "{format:?}: {err}");
        }
    }
    let feeds = [
        "feeds/list.txt",
        "feeds/misp-event.json",
        "feeds/stix-bundle.json",
    ];
    for feed in feeds {
        let text = std::fs::read(common::fixture(feed)).unwrap();
        let stem = feed.trim_start_matches("feeds/");
        for (file, name) in cut_copies(dir.path(), stem, &gzip(&text)) {
            for format in feed_formats() {
                let err = zilv_ioc::load_indicators(
                    std::slice::from_ref(&file),
                    format.as_ref(),
                    common::now(),
                )
                .expect_err("a truncated gzip cannot be read to its end")
                .to_string();
                assert!(err.contains(&name), "{format:?}: {err}");
            }
        }
    }
}
