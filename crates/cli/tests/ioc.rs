//! `zilv ioc scan` as a user runs it: standalone, on the shared Zeek sample
//! and the ioc crate's fixtures (EVAL-4.1.2.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ZILV: &str = env!("CARGO_BIN_EXE_zilv");
const NOW: &str = "2026-11-28T00:00:00Z";

fn sample() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/samples/zeek/dns.log.gz"
    ))
}

fn fixture(rel: &str) -> String {
    format!("{}/../ioc/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs zilv in `dir` with no database or data directory configured.
fn zilv(dir: &Path, args: &[&str]) -> Output {
    Command::new(ZILV)
        .current_dir(dir)
        .env_remove("ZILV_DATABASE_URL")
        .env_remove("ZILV_DATA")
        .args(args)
        .output()
        .expect("run zilv")
}

fn refused(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected a refusal: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
}

/// Records of the sample whose query is `domain` or below it, counted here
/// by reading the log's query column.
fn naive_query_count(domain: &str) -> u64 {
    let r = zilv_ioc::input::open(&sample(), None).unwrap();
    let mut q = None;
    let mut n = 0;
    for line in r.lines() {
        let line = line.unwrap();
        if let Some(f) = line.strip_prefix("#fields\t") {
            q = f.split('\t').position(|x| x == "query");
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let v = line
            .split('\t')
            .nth(q.unwrap())
            .unwrap()
            .to_ascii_lowercase();
        if v == domain || v.ends_with(&format!(".{domain}")) {
            n += 1;
        }
    }
    n
}

#[test]
fn eval_4_1_2_3_cli_scans_the_sample_standalone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("iocs.txt"),
        "# watch list\noompa.loompa\n0.0.0.0 never-seen.example\n",
    )
    .unwrap();
    let sample = sample();
    let out = zilv(
        dir.path(),
        &[
            "ioc",
            "scan",
            "--indicators",
            "iocs.txt",
            "--now",
            NOW,
            "--output",
            "hits.jsonl",
            "--summary",
            "pairs.json",
            "--json",
            sample.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "no progress bar when stderr is not a terminal"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["summary"];
    let want = naive_query_count("oompa.loompa");
    assert!(want > 1000, "{want}");
    assert_eq!(s["hits"], want);
    assert_eq!(s["records"], 53_615);
    assert_eq!(s["malformed"], 0);
    assert_eq!(s["indicators"]["loaded"], 2);

    let hits = std::fs::read_to_string(dir.path().join("hits.jsonl")).unwrap();
    assert_eq!(hits.lines().count() as u64, want);
    let first: Value = serde_json::from_str(hits.lines().next().unwrap()).unwrap();
    assert_eq!(first["indicator"], "oompa.loompa");
    assert_eq!(first["field"], "query");
    assert!(first["internal_host"].is_string() && first["time"].is_string());

    let pairs: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("pairs.json")).unwrap())
            .unwrap();
    let sum: u64 = pairs
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["count"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, want);
    assert_eq!(v["aggregates"], pairs);
    assert!(!dir.path().join("zilv-data").exists(), "no data directory");
}

#[test]
fn eval_4_1_2_3_cli_text_summary_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = zilv(
        dir.path(),
        &[
            "ioc",
            "scan",
            "--indicators",
            &fixture("feeds/list.txt"),
            "--indicators",
            &fixture("feeds/stix-bundle.json"),
            "--now",
            NOW,
            "--format",
            "csv",
            "--output",
            "hits.csv",
            "--summary",
            "pairs.csv",
            &fixture("logs/dns.log"),
            &fixture("logs/eve.json"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1 expired"), "{text}");
    assert!(text.contains("hits: 15 "), "{text}");
    assert!(
        text.contains("malformed") && text.contains("dns.log:15"),
        "{text}"
    );
    let csv = std::fs::read_to_string(dir.path().join("hits.csv")).unwrap();
    assert!(csv.starts_with(
        "time,internal_host,field,observed,indicator,kind,source,description,log_file,log_line\n"
    ));
    assert_eq!(csv.lines().count(), 16);
    let pairs = std::fs::read_to_string(dir.path().join("pairs.csv")).unwrap();
    assert!(pairs.starts_with(
        "indicator,kind,source,description,internal_host,first_seen,last_seen,count\n"
    ));
}

#[test]
fn eval_4_1_2_3_cli_bad_input_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let list = fixture("feeds/list.txt");
    let log = fixture("logs/dns.log");
    refused(
        &zilv(
            dir.path(),
            &["ioc", "scan", "--indicators", "missing.txt", &log],
        ),
        &["missing.txt"],
    );
    refused(
        &zilv(
            dir.path(),
            &["ioc", "scan", "--indicators", &list, "missing.log"],
        ),
        &["missing.log"],
    );
    refused(
        &zilv(
            dir.path(),
            &["ioc", "scan", "--indicators", &list, "--now", "soon", &log],
        ),
        &["--now", "RFC 3339"],
    );
    refused(
        &zilv(
            dir.path(),
            &[
                "ioc",
                "scan",
                "--indicators",
                &list,
                "--log-format",
                "syslog",
                &log,
            ],
        ),
        &["syslog"],
    );
    refused(
        &zilv(dir.path(), &["ioc", "scan", "--indicators", &list, &list]),
        &["list.txt:1", "log format"],
    );
    std::fs::write(dir.path().join("broken.json"), "{\"type\": \"bundle\",").unwrap();
    refused(
        &zilv(
            dir.path(),
            &["ioc", "scan", "--indicators", "broken.json", &log],
        ),
        &["broken.json:1", "not JSON"],
    );
    // A failed scan leaves no output file behind.
    let out = zilv(
        dir.path(),
        &[
            "ioc",
            "scan",
            "--indicators",
            &list,
            "--output",
            "hits.jsonl",
            &log,
            "missing.log",
        ],
    );
    assert!(!out.status.success());
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains("hits")));
}

#[test]
fn eval_4_1_2_3_cli_json_scan_warns_of_malformed_records_and_rejected_indicators() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("iocs.txt"),
        "bad.example.com\nnot a domain at all\n",
    )
    .unwrap();
    let out = zilv(
        dir.path(),
        &[
            "ioc",
            "scan",
            "--indicators",
            "iocs.txt",
            "--now",
            NOW,
            "--json",
            &fixture("logs/dns.log"),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let malformed = v["summary"]["malformed"].as_u64().unwrap();
    assert!(malformed > 0, "{v}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{malformed} malformed log record(s)")) && err.contains("dns.log:15"),
        "{err}"
    );
    assert!(
        err.contains("1 indicator(s) rejected") && err.contains("iocs.txt:2"),
        "{err}"
    );
    // The scan went on past the bad line: the record after it is matched.
    assert!(v["summary"]["hits"].as_u64().unwrap() > 0, "{v}");
}
