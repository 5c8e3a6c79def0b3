//! `zilv import` as a user runs it, against a real database (SQLite or
//! PostgreSQL, per ZILV_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use zilv_testkit::TestDb;

const ZILV: &str = env!("CARGO_BIN_EXE_zilv");

fn sample(rel: &str) -> String {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/samples/scans/"
    ))
    .join(rel)
    .display()
    .to_string()
}

fn zilv(db: &TestDb, args: &[&str]) -> Output {
    Command::new(ZILV)
        .env_remove("ZILV_DATABASE_URL")
        .env_remove("ZILV_DATA")
        .env("ZILV_TODAY", "2026-11-28")
        .args(db.cli_args())
        .args(args)
        .output()
        .expect("run zilv")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "zilv failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

fn fingerprints(rel: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    zilv_scans::parse_path(std::path::Path::new(&sample(rel)), None, |f| {
        out.insert(f.fingerprint);
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap();
    out
}

fn setup() -> TestDb {
    let db = TestDb::blocking_new();
    ok(&zilv(
        &db,
        &[
            "init",
            "--org-code",
            "ACME",
            "--org-name",
            "艾克米產物保險",
            "--admin-email",
            "officer@acme.tw",
        ],
    ));
    ok(&zilv(
        &db,
        &[
            "system",
            "add",
            "--code",
            "WEB",
            "--name",
            "網路投保系統",
            "--class",
            "1",
            "--dev-unit",
            "開發部",
            "--maint-unit",
            "維運部",
        ],
    ));
    db
}

fn audit_imports(db: &TestDb) -> usize {
    zilv_testkit::runtime().block_on(async {
        let store = db.open().await;
        let mut conn = store.pool().acquire().await.unwrap();
        let events = zilv_store::audit::recent(&mut conn, None, 10_000)
            .await
            .unwrap();
        drop(conn);
        store.close().await;
        events.iter().filter(|e| e.action == "import.apply").count()
    })
}

#[test]
fn eval_4_1_4_1_import_json_dry_run_and_rescan() {
    let db = setup();
    let first_rel = "zap/zap-results-first-scan.xml";
    let second_rel = "zap/zap-results-second-scan.xml";
    let first = fingerprints(first_rel);
    let second = fingerprints(second_rel);

    let dry = json(&zilv(
        &db,
        &[
            "import",
            &sample(first_rel),
            "--system",
            "WEB",
            "--dry-run",
            "--json",
        ],
    ));
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["total"]["new"], first.len() as u64);
    assert_eq!(audit_imports(&db), 0);

    let real = json(&zilv(
        &db,
        &["import", &sample(first_rel), "--system", "WEB", "--json"],
    ));
    assert_eq!(real["dry_run"], false);
    // The dry run changed nothing: everything is still new.
    assert_eq!(real["total"]["new"], first.len() as u64);
    assert_eq!(real["files"][0]["format"], "zap-xml");
    assert_eq!(real["files"][0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(audit_imports(&db), 1);

    let text = ok(&zilv(
        &db,
        &["import", &sample(second_rel), "--system", "WEB"],
    ));
    let total = text
        .lines()
        .find(|l| l.starts_with("total"))
        .unwrap_or_else(|| panic!("no total row in {text}"));
    let cells: Vec<&str> = total.split_whitespace().collect();
    // total, scanned, new, unchanged, closed, reactivated, kept
    assert_eq!(cells[1], second.len().to_string(), "{text}");
    assert_eq!(
        cells[2],
        second.difference(&first).count().to_string(),
        "{text}"
    );
    assert_eq!(
        cells[3],
        second.intersection(&first).count().to_string(),
        "{text}"
    );
    assert_eq!(
        cells[4],
        first.difference(&second).count().to_string(),
        "{text}"
    );
    assert_eq!(cells[5], "0", "{text}");
    assert!(
        text.contains("SEVERITY") && text.contains("REACTIVATED"),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("critical")), "{text}");
    assert_eq!(audit_imports(&db), 2);
}

#[test]
fn eval_4_1_3_1_import_refusals_are_one_line_and_change_nothing() {
    let db = setup();
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.nessus");
    let bytes = std::fs::read(sample("nessus/nessus_many_vuln.xml")).unwrap();
    std::fs::write(&broken, &bytes[..bytes.len() / 3]).unwrap();
    let out = zilv(
        &db,
        &[
            "import",
            &sample("nmap/nmap_multiple_port.xml"),
            broken.to_str().unwrap(),
            "--system",
            "WEB",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("broken.nessus"), "{err}");
    assert!(err.contains("line") || err.contains("byte"), "{err}");
    assert_eq!(audit_imports(&db), 0);

    let out = zilv(
        &db,
        &[
            "import",
            &sample("nmap/nmap_multiple_port.xml"),
            "--system",
            "NOPE",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("NOPE"));
    let out = zilv(
        &db,
        &[
            "import",
            &sample("nmap/nmap_multiple_port.xml"),
            "--system",
            "WEB",
            "--format",
            "qualys",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("qualys"));
    assert_eq!(audit_imports(&db), 0);
}
