//! End-to-end import throughput of a generated Nessus report, against the
//! parse alone measured in the same run as the baseline.
//!
//! Times: parsing the report to findings (the baseline), a first import into
//! a fresh database (every finding new), and a re-import of the same report
//! (every finding unchanged); prints findings/s and the ratio of each import
//! to the parse, and the process's peak memory. The database is SQLite, or
//! PostgreSQL when ZILV_TEST_DATABASE names a server.
//!
//! `cargo bench -p zilv-services --bench import`; `ZILV_BENCH_FINDINGS` sets
//! the number of findings (default 100,000).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use zilv_domain::RemediationPolicy;
use zilv_services::imports::{self, ImportInput, ReportFile, ReportSource, Target};
use zilv_services::orgs::NewOrg;
use zilv_services::setup::{self, InitInput};
use zilv_services::systems::{self, SystemInput};
use zilv_services::Ctx;
use zilv_testkit::TestDb;

#[path = "../../scans/benches/generate.rs"]
#[allow(dead_code)]
mod generate;
use generate::{generate, Size};

/// The allocator of the `zilv` program, so that imports are measured as
/// they run there.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The process's peak resident memory in MB (Linux VmHWM), if known.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// End-to-end import rate the issue asks for (findings/s, first import).
const TARGET: f64 = 20_000.0;

fn main() {
    let findings: u64 = std::env::var("ZILV_BENCH_FINDINGS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.nessus");
    let bytes = generate(&path, Size::Findings(findings)).unwrap().bytes;
    let mb = bytes as f64 / (1024.0 * 1024.0);
    println!("generated a {mb:.1} MB Nessus report of {findings} findings");

    let t = Instant::now();
    let mut parsed = 0u64;
    zilv_scans::parse_path(&path, None, |_| {
        parsed += 1;
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap();
    let parse_s = t.elapsed().as_secs_f64();
    assert_eq!(parsed, findings);
    println!(
        "baseline  parse only:          {:9.0} findings/s ({:.1} MB/s)",
        findings as f64 / parse_s,
        mb / parse_s
    );

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = TestDb::new().await;
        let store = db.open().await;
        let ctx = Ctx::operator(
            "bench",
            Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        );
        setup::init(
            &store,
            &ctx,
            &InitInput {
                org: NewOrg {
                    code: "ACME".into(),
                    name: "ACME".into(),
                    kind: "company".into(),
                },
                admin_email: "officer@acme.tw".into(),
                admin_name: "Officer".into(),
            },
        )
        .await
        .unwrap();
        let params = zilv_catalog::Registry::builtin()
            .unwrap()
            .latest()
            .unwrap()
            .params;
        systems::add(
            &store,
            &ctx,
            &params,
            &SystemInput {
                code: "WEB".into(),
                name: "Web".into(),
                class: "1".into(),
                sourcing: "in-house".into(),
                dev_unit: "Dev".into(),
                maint_unit: "Ops".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let input = ImportInput {
            target: Target {
                org: None,
                system: "WEB".into(),
                assessment: None,
            },
            files: vec![ReportFile {
                name: "bench.nessus".into(),
                source: ReportSource::Path(path.clone()),
            }],
            format: None,
            dry_run: false,
        };
        let policy = RemediationPolicy::default();
        for (label, field) in [
            ("first import (all new):    ", "new"),
            ("re-import (all unchanged): ", "unchanged"),
        ] {
            let t = Instant::now();
            imports::authorize(&store, &ctx, &input.target).await.unwrap();
            let scan = imports::read_reports(&input.files, None, &mut |_| {}).unwrap();
            let read_s = t.elapsed().as_secs_f64();
            let report = imports::apply(&store, &ctx, &policy, &input.target, scan, false)
                .await
                .unwrap();
            let s = t.elapsed().as_secs_f64();
            let n = if field == "new" {
                report.total.new
            } else {
                report.total.unchanged
            };
            assert_eq!(n, findings);
            let rate = findings as f64 / s;
            println!(
                "{label}    {rate:9.0} findings/s ({s:.2} s: read {read_s:.2} s, apply {:.2} s; import/parse time ratio {:.1})",
                s - read_s,
                s / parse_s
            );
            if field == "new" {
                println!(
                    "first import against the {TARGET:.0} findings/s target: ratio {:.2} ({})",
                    rate / TARGET,
                    if rate >= TARGET { "met" } else { "NOT MET" }
                );
            }
        }
        println!(
            "database: {}; peak memory (VmHWM): {}",
            store.backend().name(),
            peak_mb().map_or("unknown".into(), |m| format!("{m:.0} MB"))
        );
        store.close().await;
    });
}
