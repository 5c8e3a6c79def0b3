//! Helpers shared by the integration tests: fixture paths, a fixed clock,
//! and a scan that collects its hits.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use zilv_ioc::{IndicatorFormat, IndicatorSet, LogFormat, ScanOptions, ScanOutcome};

pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(rel)
}

/// The clock of every test.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap()
}

pub fn load(files: &[&str], format: Option<&str>) -> IndicatorSet {
    let paths: Vec<PathBuf> = files.iter().map(|f| fixture(f)).collect();
    let fmt: Option<IndicatorFormat> = format.map(|f| f.parse().unwrap());
    zilv_ioc::load_indicators(&paths, fmt.as_ref(), now()).unwrap()
}

/// A hit reduced to what tests compare: (internal host, field, observed,
/// indicator, line).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seen {
    pub host: String,
    pub field: String,
    pub observed: String,
    pub indicator: String,
    pub line: u64,
}

pub fn scan_paths(
    set: &IndicatorSet,
    paths: &[PathBuf],
    format: Option<LogFormat>,
) -> (Vec<Seen>, ScanOutcome) {
    let mut seen = Vec::new();
    let opts = ScanOptions {
        format,
        threads: 2,
        batch_bytes: 256,
        ..ScanOptions::default()
    };
    let outcome = zilv_ioc::scan(paths, set, &opts, &mut |h| {
        seen.push(Seen {
            host: h.internal_host.map(|a| a.to_string()).unwrap_or_default(),
            field: h.field.to_string(),
            observed: h.observed.to_string(),
            indicator: h.indicator.to_string(),
            line: h.log_line,
        });
        Ok(())
    })
    .unwrap();
    (seen, outcome)
}

pub fn scan(set: &IndicatorSet, log: &str) -> (Vec<Seen>, ScanOutcome) {
    scan_paths(set, &[fixture(log)], None)
}

/// The standard indicator list used by the log tests.
pub fn list() -> IndicatorSet {
    load(&["feeds/list.txt"], None)
}

pub fn pairs(seen: &[Seen]) -> Vec<(String, String)> {
    seen.iter()
        .map(|s| (s.observed.clone(), s.indicator.clone()))
        .collect()
}
