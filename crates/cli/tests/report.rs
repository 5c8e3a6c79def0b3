//! `zilv report` as an operator runs it, on the demonstration data, against
//! a real database (SQLite or PostgreSQL, per ZILV_TEST_DATABASE): the
//! finalised report of `zilv demo`, five-year retention, legal hold, verify
//! and the report font's start-up check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sha2::{Digest, Sha256};
use zilv_store::Backend;
use zilv_testkit::{runtime, TestDb};

const ZILV: &str = env!("CARGO_BIN_EXE_zilv");
const ORG: &str = "DEMO-INS";
const FINISHED: &str = "ASM-CORE";

fn zilv_on(db: &TestDb, today: &str, args: &[&str]) -> Output {
    Command::new(ZILV)
        .env_remove("ZILV_DATABASE_URL")
        .env_remove("ZILV_DATA")
        .env_remove("ZILV_REPORT_FONT")
        .env("ZILV_TODAY", today)
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

/// A refusal: non-zero exit and one line on stderr naming every needle.
fn refused(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a refusal");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "expected one line: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "{err:?} does not mention {n:?}");
    }
}

/// `zilv demo` on `today`: one finalised report, of ASM-CORE.
fn demo(today: &str) -> TestDb {
    let db = runtime().block_on(TestDb::new());
    ok(&zilv_on(&db, today, &["demo"]));
    db
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn eval_8_demo_ends_with_a_finalised_report_downloadable_byte_identical() {
    let today = "2026-11-28";
    let db = demo(today);
    let list = json(&zilv_on(
        &db,
        today,
        &["report", "list", "--org", ORG, "--json"],
    ));
    let reports = list.as_array().unwrap();
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert_eq!(r["assessment"], FINISHED);
    assert_eq!(r["retention_until"], "2031-11-28");
    assert!(r["findings_outstanding"].as_i64().unwrap() >= 1);
    let pdf = db.data_dir().join("report.pdf");
    for f in r["files"].as_array().unwrap() {
        let format = f["format"].as_str().unwrap();
        let out = db.data_dir().join(format!("report.{format}"));
        ok(&zilv_on(
            &db,
            "2030-01-01",
            &[
                "report",
                "download",
                "--org",
                ORG,
                "--assessment",
                FINISHED,
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
            ],
        ));
        assert_eq!(sha256(&std::fs::read(&out).unwrap()), f["sha256"]);
    }
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let v = zilv_on(&db, today, &["report", "verify"]);
    assert!(ok(&v).contains("3 stored files verified"));
    // Finalising twice is refused.
    refused(
        &zilv_on(
            &db,
            today,
            &["report", "finalize", "--org", ORG, "--assessment", FINISHED],
        ),
        &["immutable"],
    );
    // A draft renders; an assessment under way does not.
    let html = db.data_dir().join("draft.html");
    ok(&zilv_on(
        &db,
        today,
        &[
            "report",
            "render",
            "--org",
            ORG,
            "--assessment",
            FINISHED,
            "--format",
            "html",
            "--lang",
            "en",
            "-o",
            html.to_str().unwrap(),
        ],
    ));
    assert!(std::fs::read_to_string(&html).unwrap().contains("<html"));
    refused(
        &zilv_on(
            &db,
            today,
            &[
                "report",
                "render",
                "--org",
                ORG,
                "--assessment",
                "ASM-WEB",
                "--format",
                "pdf",
                "-o",
                pdf.to_str().unwrap(),
            ],
        ),
        &["ASM-WEB is in_progress", "completed assessment"],
    );
    refused(
        &zilv_on(
            &db,
            today,
            &[
                "report",
                "render",
                "--org",
                "NOPE",
                "--assessment",
                FINISHED,
                "--format",
                "pdf",
                "-o",
                "x.pdf",
            ],
        ),
        &["NOPE"],
    );
}

#[test]
fn eval_8_cli_deletion_is_refused_before_five_years_and_under_legal_hold_allowed_after() {
    let on = "2020-03-02";
    let db = demo(on);
    let delete = |today: &str| {
        zilv_on(
            &db,
            today,
            &["report", "delete", "--org", ORG, "--assessment", FINISHED],
        )
    };
    for before in [on, "2025-03-01"] {
        refused(&delete(before), &["kept until 2025-03-02", FINISHED]);
    }
    ok(&zilv_on(
        &db,
        "2025-02-01",
        &[
            "report",
            "hold",
            "--org",
            ORG,
            "--assessment",
            FINISHED,
            "--reason",
            "訴訟保全",
        ],
    ));
    refused(&delete("2025-03-02"), &["legal hold", "訴訟保全"]);
    ok(&zilv_on(
        &db,
        "2025-03-02",
        &["report", "release", "--org", ORG, "--assessment", FINISHED],
    ));
    let done = json(&zilv_on(
        &db,
        "2025-03-02",
        &[
            "report",
            "delete",
            "--org",
            ORG,
            "--assessment",
            FINISHED,
            "--json",
        ],
    ));
    assert!(done["deleted_at"].is_string());
    assert!(done["files"].as_array().unwrap().is_empty());
    let v = zilv_on(&db, "2025-03-02", &["audit", "verify"]);
    assert_eq!(v.status.code(), Some(0));
}

#[test]
fn eval_8_cli_verify_fails_naming_the_tampered_report_and_format() {
    let today = "2026-11-28";
    let db = demo(today);
    runtime().block_on(async {
        let store = db.open().await;
        // The trigger refuses changing a finalised report's bytes, so the
        // tampering goes around it as a database owner could.
        let guard = match store.backend() {
            Backend::Sqlite => "DROP TRIGGER report_files_frozen",
            Backend::Postgres => "ALTER TABLE report_files DISABLE TRIGGER report_files_guard",
        };
        sqlx::query(guard).execute(store.pool()).await.unwrap();
        let (mut bytes,): (Vec<u8>,) =
            sqlx::query_as("SELECT content FROM report_files WHERE format = 'xlsx'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x20;
        sqlx::query("UPDATE report_files SET content = $1 WHERE format = 'xlsx'")
            .bind(bytes)
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
    });
    refused(
        &zilv_on(&db, today, &["report", "verify"]),
        &["report of assessment ASM-CORE (DEMO-INS), xlsx", "recorded"],
    );
}

#[test]
fn eval_8_missing_or_non_cjk_report_font_is_a_clear_startup_error() {
    let today = "2026-11-28";
    let db = runtime().block_on(TestDb::new());
    ok(&zilv_on(
        &db,
        today,
        &[
            "init",
            "--org-code",
            "ACME",
            "--org-name",
            "ACME",
            "--admin-email",
            "admin@acme.example",
        ],
    ));
    let missing = db.data_dir().join("no-such-font.ttc");
    let not_cjk = db.data_dir().join("not-a-font.ttf");
    std::fs::write(&not_cjk, b"\0\x01\0\0 not really a font").unwrap();
    for (font, why) in [
        (missing.display().to_string(), "cannot read it"),
        (format!("{}:0", not_cjk.display()), "no font at index 0"),
        (
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:99".to_string(),
            "no font at index 99",
        ),
    ] {
        for args in [
            vec!["report", "list"],
            vec!["serve", "--listen", "127.0.0.1:0"],
        ] {
            let out = Command::new(ZILV)
                .env_remove("ZILV_DATABASE_URL")
                .env_remove("ZILV_DATA")
                .env("ZILV_REPORT_FONT", &font)
                .args(db.cli_args())
                .args(&args)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            refused(&out, &["--report-font", &font, why]);
        }
    }
    // A real font without Traditional Chinese glyphs.
    let latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    assert!(
        std::path::Path::new(latin).exists(),
        "this test needs {latin}: apt-get install -y fonts-dejavu-core"
    );
    let out = zilv_on(&db, today, &["--report-font", latin, "report", "list"]);
    refused(&out, &["has no glyph", "Traditional Chinese"]);
}

#[test]
fn eval_8_cli_exports_the_demo_assessment_as_oscal_that_trestle_accepts() {
    let today = "2026-11-28";
    let db = demo(today);
    let python = std::env::var("ZILV_OSCAL_PYTHON").unwrap_or_else(|_| "python3".into());
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../report/tests/oscal_validate.py");
    for (kind, model) in [("results", "assessment-results"), ("poam", "poam")] {
        let file = db.data_dir().join(format!("{kind}.json"));
        let said = ok(&zilv_on(
            &db,
            today,
            &[
                "report",
                "oscal",
                "--org",
                ORG,
                "--assessment",
                FINISHED,
                "--kind",
                kind,
                "-o",
                file.to_str().unwrap(),
            ],
        ));
        assert!(said.contains(FINISHED), "{said}");
        let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert!(doc
            .get(model)
            .or(doc.get("plan-of-action-and-milestones"))
            .is_some());
        let out = Command::new(&python)
            .arg(&script)
            .arg(model)
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run {python} (set ZILV_OSCAL_PYTHON to a Python with compliance-trestle; scripts/test does): {e}")
            });
        assert!(
            out.status.success(),
            "trestle refused the {model} of {FINISHED}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // An assessment still under way has no OSCAL results.
    let file = db.data_dir().join("open.json");
    let out = zilv_on(
        &db,
        today,
        &[
            "report",
            "oscal",
            "--org",
            ORG,
            "--assessment",
            "ASM-WEB",
            "--kind",
            "results",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    refused(&out, &["ASM-WEB"]);
    assert!(!file.exists(), "nothing is written for a refusal");
}
