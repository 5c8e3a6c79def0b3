//! Line numbers in hits, malformed-record examples and header errors stay
//! those of the file whatever the batch size and thread count, with header
//! blocks in the middle of a Zeek log (EVAL-4.1.2.3): the workers count
//! each batch's lines and the results are numbered in file order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;

const HEADER: &str = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tanswers\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring\tvector[string]\n";

/// A log of `n` records with a second header block after record `n / 2`;
/// answers the text, the lines (1-based) that hit `evil.example` and the
/// lines that are malformed.
fn log(n: usize) -> (String, Vec<u64>, Vec<u64>) {
    let mut text = String::from(HEADER);
    let (mut hits, mut bad) = (Vec::new(), Vec::new());
    let mut line = HEADER.lines().count() as u64;
    for i in 0..n {
        if i == n / 2 {
            text.push_str("#close\t2024-01-01-00-00-00\n");
            text.push_str(HEADER);
            line += 1 + HEADER.lines().count() as u64;
        }
        line += 1;
        if i % 97 == 40 {
            text.push_str("not a record\n");
            bad.push(line);
            continue;
        }
        let query = if i % 7 == 3 {
            hits.push(line);
            format!("x{i}.evil.example")
        } else {
            format!("ok{i}.fine.example")
        };
        writeln!(
            text,
            "1700000000.{i:06}\tC{i}\t10.0.{}.{}\t5{i}\t10.9.9.9\t53\tudp\t{i}\t{query}\t192.0.2.{}",
            i / 250,
            i % 250 + 1,
            i % 200 + 1
        )
        .unwrap();
    }
    (text, hits, bad)
}

fn indicators(dir: &std::path::Path) -> zilv_ioc::IndicatorSet {
    let feed = dir.join("feed.txt");
    std::fs::write(&feed, "evil.example\n").unwrap();
    zilv_ioc::load_indicators(&[feed], None, common::now()).unwrap()
}

#[test]
fn eval_4_1_2_3_hit_and_malformed_lines_are_file_lines_in_any_batch_size() {
    let dir = tempfile::tempdir().unwrap();
    let set = indicators(dir.path());
    let (text, want_hits, want_bad) = log(1000);
    assert!(want_bad.len() <= 10 && !want_bad.is_empty());
    let path = dir.path().join("dns.log");
    std::fs::write(&path, &text).unwrap();
    let name = path.display().to_string();
    for threads in [1, 2] {
        for batch in [64, 300, 4096, 1 << 20] {
            let opts = zilv_ioc::ScanOptions {
                threads,
                batch_bytes: batch,
                ..Default::default()
            };
            let mut lines = Vec::new();
            let out = zilv_ioc::scan(std::slice::from_ref(&path), &set, &opts, &mut |h| {
                lines.push(h.log_line);
                Ok(())
            })
            .unwrap();
            assert_eq!(lines, want_hits, "threads {threads}, batch {batch}");
            let examples: Vec<String> = want_bad.iter().map(|l| format!("{name}:{l}:")).collect();
            let got = &out.summary.malformed_examples;
            assert_eq!(got.len(), examples.len(), "{got:?}");
            for (g, w) in got.iter().zip(&examples) {
                assert!(g.starts_with(w.as_str()), "{g} should start with {w}");
            }
        }
    }
}

#[test]
fn eval_4_1_2_3_a_bad_header_line_in_the_middle_is_reported_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let set = indicators(dir.path());
    let (mut text, _, _) = log(400);
    let line = text.lines().count() + 1;
    text.push_str("#separator abc\n");
    text.push_str(&log(10).0);
    let path: PathBuf = dir.path().join("dns.log");
    std::fs::write(&path, &text).unwrap();
    for batch in [64, 4096, 1 << 20] {
        let opts = zilv_ioc::ScanOptions {
            threads: 2,
            batch_bytes: batch,
            ..Default::default()
        };
        let err =
            zilv_ioc::scan(std::slice::from_ref(&path), &set, &opts, &mut |_| Ok(())).unwrap_err();
        let want = format!("{}:{line}:", path.display());
        assert!(err.to_string().starts_with(&want), "{err} (want {want})");
    }
}

#[test]
fn eval_4_1_2_3_a_long_run_of_header_lines_is_read_once() {
    // 300,000 comment lines between two halves of a log (2.7 MB of `#`
    // lines): each is applied once and the buffer moved once per run, not
    // once per line; the hits after them keep their file lines.
    let dir = tempfile::tempdir().unwrap();
    let set = indicators(dir.path());
    let (first, hits, _) = log(100);
    let (second, later, _) = log(100);
    let skip = first.lines().count() as u64 + 300_000;
    let mut text = first;
    text.push_str(&"#comment\tx\n".repeat(300_000));
    text.push_str(&second);
    let want: Vec<u64> = hits
        .iter()
        .copied()
        .chain(later.iter().map(|l| l + skip))
        .collect();
    let path = dir.path().join("dns.log");
    std::fs::write(&path, &text).unwrap();
    for batch in [4096, 1 << 20] {
        let opts = zilv_ioc::ScanOptions {
            threads: 2,
            batch_bytes: batch,
            ..Default::default()
        };
        let mut lines = Vec::new();
        zilv_ioc::scan(std::slice::from_ref(&path), &set, &opts, &mut |h| {
            lines.push(h.log_line);
            Ok(())
        })
        .unwrap();
        assert_eq!(lines, want, "batch {batch}");
    }
}
