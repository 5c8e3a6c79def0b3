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

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use zilv_domain::RemediationPolicy;
use zilv_services::imports::{self, ImportInput, ReportFile, ReportSource, Target};
use zilv_services::orgs::NewOrg;
use zilv_services::setup::{self, InitInput};
use zilv_services::systems::{self, SystemInput};
use zilv_services::Ctx;
use zilv_testkit::TestDb;

const ITEMS_PER_HOST: u64 = 200;

/// Writes a Nessus v2 report of `findings` items (200 per host), each with
/// the elements a real report item carries; returns its size in bytes.
fn generate(path: &Path, findings: u64) -> u64 {
    let mut w = BufWriter::new(File::create(path).unwrap());
    let mut size = 0u64;
    let mut put = |s: &str| {
        w.write_all(s.as_bytes()).unwrap();
        size += s.len() as u64;
    };
    put("<?xml version=\"1.0\" ?>\n<NessusClientData_v2>\n<Report name=\"bench\">\n");
    let hosts = findings.div_ceil(ITEMS_PER_HOST);
    let mut left = findings;
    for host in 0..hosts {
        put(&format!(
            "<ReportHost name=\"host{host}.example.tw\"><HostProperties>\n<tag name=\"host-ip\">10.{}.{}.{}</tag>\n</HostProperties>\n",
            host >> 16 & 255, host >> 8 & 255, host & 255
        ));
        for i in 0..ITEMS_PER_HOST.min(left) {
            let plugin = 10000 + i;
            put(&format!(
                "<ReportItem port=\"{}\" svc_name=\"www\" protocol=\"tcp\" severity=\"{}\" pluginID=\"{plugin}\" pluginName=\"Example plugin {plugin}\" pluginFamily=\"Web Servers\">\n\
<cve>CVE-2013-{plugin}</cve>\n<cvss3_base_score>7.5</cvss3_base_score>\n<cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N</cvss3_vector>\n\
<description>The remote web server is affected by an information disclosure vulnerability. An unauthenticated, remote attacker can exploit this, via a crafted request, to disclose sensitive information.</description>\n\
<risk_factor>Medium</risk_factor>\n<see_also>https://www.example.org/advisory/{plugin}</see_also>\n\
<solution>Upgrade to the latest version or apply the vendor patch.</solution>\n<synopsis>The remote web server discloses information.</synopsis>\n\
<plugin_output>URL : http://host{host}.example.tw/cgi-bin/test-{i}.cgi</plugin_output>\n<xref>CWE:200</xref>\n</ReportItem>\n",
                80 + i % 20,
                i % 5
            ));
        }
        left -= ITEMS_PER_HOST.min(left);
        put("</ReportHost>\n");
    }
    put("</Report>\n</NessusClientData_v2>\n");
    w.flush().unwrap();
    size
}

/// The process's peak resident memory in MB (Linux VmHWM), if known.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let findings: u64 = std::env::var("ZILV_BENCH_FINDINGS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.nessus");
    let bytes = generate(&path, findings);
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
            let report = imports::import(&store, &ctx, &policy, &input)
                .await
                .unwrap();
            let s = t.elapsed().as_secs_f64();
            let n = if field == "new" {
                report.total.new
            } else {
                report.total.unchanged
            };
            assert_eq!(n, findings);
            println!(
                "{label}    {:9.0} findings/s ({s:.2} s; import/parse time ratio {:.1})",
                findings as f64 / s,
                s / parse_s
            );
        }
        println!(
            "database: {}; peak memory (VmHWM): {}",
            store.backend().name(),
            peak_mb().map_or("unknown".into(), |m| format!("{m:.0} MB"))
        );
        store.close().await;
    });
}
