//! The EVAL-8 assessment report through the use cases, against a real
//! database (SQLite or PostgreSQL, per ZILV_TEST_DATABASE): the completeness
//! gate, finalising, byte-identical download, five-year retention in the
//! services and in the database's triggers, legal hold and verify.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use chrono::Days;
use sha2::{Digest, Sha256};
use zilv_catalog::{Catalog, Lang};
use zilv_domain::{RemediationPolicy, Role};
use zilv_report::ReportFont;
use zilv_services::drills::DrillInput;
use zilv_services::findings::TransitionInput;
use zilv_services::orgs::NewOrg;
use zilv_services::reports::{self, Kit, ReportFormat};
use zilv_services::{audit, drills, findings, orgs, Ctx, Principal, ServiceError};
use zilv_store::users::{self, NewUser};
use zilv_store::{Backend, Store};
use zilv_testkit::TestDb;

#[path = "common/report_fixture.rs"]
mod fixture;
use fixture::{assessed, catalog, ctx_on, day, pdf, setup, Setup, ON};

fn font() -> ReportFont {
    ReportFont::noto_sans_cjk_tc().expect(
        "the report tests need Noto Sans CJK TC: apt-get install -y fonts-noto-cjk poppler-utils",
    )
}

struct Env {
    db: TestDb,
    store: Store,
    catalog: Catalog,
    font: ReportFont,
}

impl Env {
    fn kit(&self) -> Kit<'_> {
        Kit {
            catalog: &self.catalog,
            font: &self.font,
        }
    }
}

async fn env() -> Env {
    let db = TestDb::new().await;
    let store = db.open().await;
    for code in ["ACME", "OTHER"] {
        orgs::add(
            &store,
            &ctx_on("2020-01-01"),
            &NewOrg {
                code: code.into(),
                name: format!("{code} 產物保險股份有限公司"),
                kind: "company".into(),
            },
        )
        .await
        .unwrap();
    }
    Env {
        db,
        store,
        catalog: catalog(),
        font: font(),
    }
}

async fn sql(store: &Store, q: &str) -> Result<u64, sqlx::Error> {
    sqlx::query(q)
        .execute(store.pool())
        .await
        .map(|r| r.rows_affected())
}

fn invalid(e: ServiceError) -> String {
    match e {
        ServiceError::Invalid(i) => i.to_string(),
        other => panic!("expected a refusal of the input, got {other:?}"),
    }
}

fn conflict(e: ServiceError) -> String {
    match e {
        ServiceError::Conflict(m) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn finalize(env: &Env, on: &str) -> Result<reports::ReportView, ServiceError> {
    reports::finalize(
        &env.store,
        &ctx_on(on),
        env.kit(),
        Some("ACME"),
        "A1",
        Lang::ZhTw,
    )
    .await
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test]
async fn eval_8_complete_report_is_finalised_with_hashes_audited_and_sent_to_internal_audit() {
    let env = env().await;
    assessed(&env.store, setup()).await;
    let v = finalize(&env, "2026-11-28").await.unwrap();
    assert_eq!(v.report.finalised_on, day("2026-11-28"));
    // The period comes from the catalog (five years).
    assert_eq!(env.catalog.params.report_retention_years, 5);
    assert_eq!(v.report.retention_until, day("2031-11-28"));
    assert!(v.retained);
    assert_eq!(v.findings, 1);
    assert_eq!(v.findings_outstanding, 1);
    let formats: Vec<&str> = v.files.iter().map(|f| f.format.as_str()).collect();
    assert_eq!(formats, ["html", "pdf", "xlsx"]);
    for f in &v.files {
        let format = ReportFormat::parse("format", &f.format).unwrap();
        let got = reports::download(&env.store, &ctx_on(ON), Some("ACME"), "A1", format)
            .await
            .unwrap();
        assert_eq!(sha256(&got.bytes), f.sha256);
        assert_eq!(got.bytes.len() as i64, f.size);
    }
    let events = audit::search(
        &env.store,
        &ctx_on(ON),
        Some("ACME"),
        &zilv_store::audit::Filter {
            action_prefix: Some("report.".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(events.len(), 1, "one audit event for the finalisation");
    let after = serde_json::to_string(&events[0].after).unwrap();
    for f in &v.files {
        assert!(after.contains(&f.sha256), "hash {} not audited", f.sha256);
    }
    assert!(after.contains("internal_audit"));
    // A second finalisation is refused: the report is immutable.
    assert!(conflict(finalize(&env, "2026-11-29").await.unwrap_err()).contains("immutable"));
    // The internal audit unit sees the report and its outstanding findings.
    let auditor = user_ctx(
        &env.store,
        "ACME",
        "audit@acme.example",
        Role::InternalAuditor,
    )
    .await;
    let list = reports::list(&env.store, &auditor, None).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].report.assessment, "A1");
    assert_eq!(list[0].findings_outstanding, 1);
    // … but may not finalise or delete.
    let e = reports::delete(&env.store, &auditor, None, "A1")
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Forbidden(_)), "{e:?}");
    assert!(audit::verify(&env.store)
        .await
        .unwrap()
        .first_broken
        .is_none());
}

#[tokio::test]
async fn eval_8_gate_refuses_a_team_not_qualified() {
    let env = env().await;
    assessed(&env.store, setup()).await;
    // The simulated-attack certificate turns out to have expired before the start.
    sql(
        &env.store,
        "UPDATE assessor_qualifications SET expires_on = '2020-01-01' WHERE kind = 'simulated_attack'",
    )
    .await
    .unwrap();
    let msg = invalid(finalize(&env, ON).await.unwrap_err());
    assert!(msg.contains("cannot finalise"), "{msg}");
    assert!(msg.contains("the assessor team is not qualified"), "{msg}");
    assert!(!msg.contains("drill"), "{msg}");
    let problems = reports::problems(&env.store, &ctx_on(ON), &env.catalog, Some("ACME"), "A1")
        .await
        .unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(matches!(
        problems[0],
        zilv_domain::ReportProblem::TeamNotQualified { .. }
    ));
    assert_no_report(&env).await;
}

/// Finalising is refused by the gate with a message naming `needle`, and no report is made.
async fn gate_refuses(env: &Env, needle: &str) {
    let msg = invalid(finalize(env, ON).await.unwrap_err());
    assert!(msg.contains(needle), "{msg}");
    assert_no_report(env).await;
}

async fn assert_no_report(env: &Env) {
    let e = reports::show(&env.store, &ctx_on(ON), Some("ACME"), "A1")
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound { .. }), "{e:?}");
}

#[tokio::test]
async fn eval_8_gate_refuses_a_class_1_item_not_done() {
    let env = env().await;
    // Assessed as class 2 with EVAL-4.1.5.5 left out; then reclassified as class 1.
    assessed(
        &env.store,
        Setup {
            class: "2",
            leave_one_out: true,
            ..setup()
        },
    )
    .await;
    assert!(
        reports::problems(&env.store, &ctx_on(ON), &env.catalog, Some("ACME"), "A1")
            .await
            .unwrap()
            .is_empty()
    );
    sql(
        &env.store,
        "UPDATE systems SET class = 1 WHERE code = 'CORE'",
    )
    .await
    .unwrap();
    gate_refuses(&env, "item EVAL-4.1.5.5 of a class-1 system is not done").await;
}

#[tokio::test]
async fn eval_8_gate_refuses_a_finding_without_category_risk_or_recommendation() {
    let env = env().await;
    assessed(&env.store, setup()).await;
    // As an import may leave them: empty risk and recommendation.
    sql(
        &env.store,
        "UPDATE findings SET risk_description = '', recommendation = ' '",
    )
    .await
    .unwrap();
    gate_refuses(&env, "lacks its risk description, recommendation (EVAL-8)").await;
}

#[tokio::test]
async fn eval_6_eval_8_gate_refuses_a_report_without_a_drill_this_year() {
    let env = env().await;
    assessed(
        &env.store,
        Setup {
            drill: false,
            ..setup()
        },
    )
    .await;
    // A drill of the year before does not count.
    drills::add(
        &env.store,
        &ctx_on(ON),
        &DrillInput {
            org: Some("ACME".into()),
            held_on: "2025-12-31".into(),
            population: 10,
            sent: 10,
            material: "前一年度".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    gate_refuses(
        &env,
        "0 social-engineering drill(s) in 2026, at least 1 required",
    )
    .await;
}

#[tokio::test]
async fn eval_8_gate_lists_every_problem_at_once() {
    let env = env().await;
    assessed(
        &env.store,
        Setup {
            class: "2",
            leave_one_out: true,
            drill: false,
            ..setup()
        },
    )
    .await;
    sql(
        &env.store,
        "UPDATE systems SET class = 1 WHERE code = 'CORE'",
    )
    .await
    .unwrap();
    sql(
        &env.store,
        "UPDATE assessor_qualifications SET expires_on = '2020-01-01' WHERE kind = 'security_technical'",
    )
    .await
    .unwrap();
    sql(&env.store, "UPDATE findings SET category = ''")
        .await
        .unwrap();
    let msg = invalid(finalize(&env, ON).await.unwrap_err());
    for want in [
        "the assessor team is not qualified",
        "EVAL-4.1.5.5 of a class-1 system is not done",
        "lacks its category",
        "social-engineering drill(s) in 2026",
    ] {
        assert!(msg.contains(want), "{want:?} missing from {msg}");
    }
}

#[tokio::test]
async fn eval_8_finalised_report_downloads_byte_identical_after_reopening_the_store() {
    let env = env().await;
    assessed(&env.store, setup()).await;
    let hashes = finalize(&env, ON).await.unwrap().files;
    let mut first = Vec::new();
    for format in ReportFormat::ALL {
        first.push(
            reports::download(&env.store, &ctx_on(ON), Some("ACME"), "A1", format)
                .await
                .unwrap()
                .bytes,
        );
    }
    env.store.close().await;
    let store = env.db.open().await;
    // Years later, through a new connection, the same bytes.
    let later = ctx_on("2030-06-01");
    for (i, format) in ReportFormat::ALL.into_iter().enumerate() {
        let again = reports::download(&store, &later, Some("ACME"), "A1", format)
            .await
            .unwrap();
        assert_eq!(again.bytes, first[i], "{format:?} bytes differ");
        let recorded = hashes.iter().find(|f| f.format == format.as_str()).unwrap();
        assert_eq!(sha256(&again.bytes), recorded.sha256);
    }
    // A fresh rendering of a PDF is a draft with a new date; the stored one stays.
    let v = reports::verify(&store).await.unwrap();
    assert_eq!(v.checked, 3);
    assert!(v.mismatches.is_empty());
}

#[tokio::test]
async fn eval_8_deletion_is_refused_before_five_years_and_allowed_after() {
    let env = env().await;
    let on = "2020-03-02";
    assessed(&env.store, Setup { on, ..setup() }).await;
    let v = finalize(&env, on).await.unwrap();
    assert_eq!(v.report.retention_until, day("2025-03-02"));
    for before in ["2020-03-02", "2024-12-31", "2025-03-01"] {
        let e = reports::delete(&env.store, &ctx_on(before), Some("ACME"), "A1")
            .await
            .unwrap_err();
        let msg = conflict(e);
        assert!(msg.contains("kept until 2025-03-02"), "{msg}");
    }
    // Nothing changed.
    let kept = reports::download(
        &env.store,
        &ctx_on("2025-03-01"),
        Some("ACME"),
        "A1",
        ReportFormat::Pdf,
    )
    .await
    .unwrap();
    assert!(kept.bytes.starts_with(b"%PDF-"));
    let done = reports::delete(&env.store, &ctx_on("2025-03-02"), Some("ACME"), "A1")
        .await
        .unwrap();
    assert!(done.files.is_empty());
    assert_eq!(done.report.deleted_by.as_deref(), Some("operator:test"));
    let e = reports::download(
        &env.store,
        &ctx_on("2025-03-03"),
        Some("ACME"),
        "A1",
        ReportFormat::Pdf,
    )
    .await
    .unwrap_err();
    assert!(conflict(e).contains("deleted"));
    let events = audit::search(
        &env.store,
        &ctx_on(on),
        Some("ACME"),
        &zilv_store::audit::Filter {
            action_prefix: Some("report.delete".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(events.len(), 1);
    assert!(audit::verify(&env.store)
        .await
        .unwrap()
        .first_broken
        .is_none());
}

#[tokio::test]
async fn eval_8_database_refuses_deleting_or_changing_a_retained_report() {
    let env = env().await;
    // Far enough ahead that the database's own clock is inside the retention.
    let on = "2096-01-15";
    assessed(&env.store, Setup { on, ..setup() }).await;
    finalize(&env, on).await.unwrap();
    let refusals = [
        "DELETE FROM report_files",
        "UPDATE report_files SET sha256 = 'x'",
        "UPDATE report_files SET size = size + 1",
        "DELETE FROM reports",
        "UPDATE reports SET retention_until = '2000-01-01'",
        "UPDATE reports SET finalised_on = '2096-01-16'",
        // The application's day is past the retention; the database's is not.
        "UPDATE reports SET deleted_at = '2102-01-01T00:00:00Z', deleted_on = '2102-01-01', deleted_by = 'x'",
        "UPDATE reports SET deleted_at = '2096-02-01T00:00:00Z', deleted_on = '2096-02-01', deleted_by = 'x'",
    ];
    for q in refusals {
        let e = sql(&env.store, q).await.unwrap_err().to_string();
        assert!(e.contains("EVAL-8"), "{q}: {e}");
    }
    let v = reports::verify(&env.store).await.unwrap();
    assert_eq!(v.checked, 3);
    assert!(v.mismatches.is_empty());
    // A legal hold may be placed (the retention only grows).
    reports::set_legal_hold(
        &env.store,
        &ctx_on(on),
        Some("ACME"),
        "A1",
        "訴訟保全",
        None,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn eval_8_legal_hold_blocks_deletion_after_five_years_until_released() {
    let env = env().await;
    let on = "2020-03-02";
    assessed(&env.store, Setup { on, ..setup() }).await;
    finalize(&env, on).await.unwrap();
    let e = reports::set_legal_hold(
        &env.store,
        &ctx_on("2024-06-01"),
        Some("ACME"),
        "A1",
        " ",
        None,
    )
    .await
    .unwrap_err();
    assert!(invalid(e).starts_with("reason"));
    let held = reports::set_legal_hold(
        &env.store,
        &ctx_on("2024-06-01"),
        Some("ACME"),
        "A1",
        "訴訟中，法院命保全證據",
        None,
    )
    .await
    .unwrap();
    assert!(held.report.legal_hold);
    let after = ctx_on("2025-06-01");
    let msg = conflict(
        reports::delete(&env.store, &after, Some("ACME"), "A1")
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("legal hold"), "{msg}");
    // The database refuses it too.
    let e = sql(
        &env.store,
        "UPDATE reports SET deleted_at = '2025-06-01T00:00:00Z', deleted_on = '2025-06-01', deleted_by = 'x'",
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(e.contains("legal hold"), "{e}");
    // A hold with an end date lasts until that day.
    reports::set_legal_hold(
        &env.store,
        &after,
        Some("ACME"),
        "A1",
        "稽核調閱",
        Some("2025-09-01"),
    )
    .await
    .unwrap();
    let msg = conflict(
        reports::delete(&env.store, &ctx_on("2025-08-31"), Some("ACME"), "A1")
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("until 2025-09-01"), "{msg}");
    reports::release_legal_hold(&env.store, &ctx_on("2025-08-31"), Some("ACME"), "A1")
        .await
        .unwrap();
    reports::delete(&env.store, &ctx_on("2025-08-31"), Some("ACME"), "A1")
        .await
        .unwrap();
}

#[tokio::test]
async fn eval_8_verify_names_a_report_whose_stored_bytes_were_tampered_with() {
    let env = env().await;
    assessed(&env.store, setup()).await;
    finalize(&env, ON).await.unwrap();
    // The trigger refuses changing the bytes …
    let e = sql(&env.store, "UPDATE report_files SET content = content")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("immutable"), "{e}");
    // … so the tampering here goes around it, as someone with the database
    // owner's rights could: the trigger is switched off first.
    match env.store.backend() {
        Backend::Sqlite => sql(&env.store, "DROP TRIGGER report_files_frozen").await,
        Backend::Postgres => {
            sql(
                &env.store,
                "ALTER TABLE report_files DISABLE TRIGGER report_files_guard",
            )
            .await
        }
    }
    .unwrap();
    let (_, mut bytes): (String, Vec<u8>) =
        sqlx::query_as("SELECT format, content FROM report_files WHERE format = 'pdf'")
            .fetch_one(env.store.pool())
            .await
            .unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    sqlx::query("UPDATE report_files SET content = $1 WHERE format = 'pdf'")
        .bind(bytes)
        .execute(env.store.pool())
        .await
        .unwrap();
    let v = reports::verify(&env.store).await.unwrap();
    assert_eq!(v.checked, 3);
    assert_eq!(v.mismatches.len(), 1, "{:?}", v.mismatches);
    let m = &v.mismatches[0];
    assert_eq!(
        (m.org.as_str(), m.assessment.as_str(), m.format.as_str()),
        ("ACME", "A1", "pdf")
    );
    assert_ne!(m.actual_sha256, m.recorded_sha256);
    assert_eq!(m.actual_size, m.recorded_size);
    // The download refuses to hand out the altered bytes.
    let e = reports::download(
        &env.store,
        &ctx_on(ON),
        Some("ACME"),
        "A1",
        ReportFormat::Pdf,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("not the recorded"), "{e}");
}

/// A user of `org` with `role`, signed in.
async fn user_ctx(store: &Store, org: &str, email: &str, role: Role) -> Ctx {
    let mut conn = store.pool().acquire().await.unwrap();
    let o = zilv_store::orgs::by_code(&mut conn, org)
        .await
        .unwrap()
        .unwrap();
    let u = users::insert(
        &mut conn,
        &NewUser {
            org_id: o.id,
            email,
            display_name: email,
            role,
            password_hash: "not-a-hash",
            must_change_password: false,
        },
        "2026-11-28T00:00:00.000000Z",
    )
    .await
    .unwrap();
    let c = ctx_on(ON);
    Ctx::user(
        Principal {
            user_id: u.id,
            org_id: o.id,
            org_code: o.code,
            org_name: o.name,
            org_kind: o.kind,
            email: u.email,
            display_name: u.display_name,
            role,
            may_write: true,
        },
        "127.0.0.1",
        c.now,
        c.today,
    )
}

#[tokio::test]
async fn eval_8_another_companys_assessment_is_not_found() {
    let env = env().await;
    assessed(&env.store, setup()).await;
    let other = user_ctx(
        &env.store,
        "OTHER",
        "so@other.example",
        Role::SecurityOfficer,
    )
    .await;
    let e = reports::render(
        &env.store,
        &other,
        env.kit(),
        None,
        "A1",
        ReportFormat::Pdf,
        Lang::ZhTw,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound { .. }), "{e:?}");
    let e = reports::render(
        &env.store,
        &other,
        env.kit(),
        Some("ACME"),
        "A1",
        ReportFormat::Html,
        Lang::ZhTw,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound { .. }), "{e:?}");
    let e = reports::finalize(&env.store, &other, env.kit(), None, "A1", Lang::ZhTw)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound { .. }), "{e:?}");
    finalize(&env, ON).await.unwrap();
    for format in ReportFormat::ALL {
        let e = reports::download(&env.store, &other, None, "A1", format)
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::NotFound { .. }), "{e:?}");
    }
    assert!(reports::list(&env.store, &other, None)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn eval_8_report_of_an_assessment_still_open_is_refused() {
    let env = env().await;
    assessed(
        &env.store,
        Setup {
            complete: false,
            ..setup()
        },
    )
    .await;
    let e = reports::render(
        &env.store,
        &ctx_on(ON),
        env.kit(),
        Some("ACME"),
        "A1",
        ReportFormat::Pdf,
        Lang::ZhTw,
    )
    .await
    .unwrap_err();
    let msg = conflict(e);
    assert!(
        msg.contains(
            "assessment A1 is in_progress: a report is made only for a completed assessment"
        ),
        "{msg}"
    );
    let msg = conflict(finalize(&env, ON).await.unwrap_err());
    assert!(msg.contains("completed assessment"), "{msg}");
}

/// Runs a poppler-utils program; a missing program fails the test, naming the package.
fn poppler(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program}: {e}. apt-get install -y poppler-utils fonts-noto-cjk")
        });
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    poppler("pdftotext", &[path.to_str().unwrap(), "-"])
}

/// `target/test-artifacts/report/`, under CARGO_TARGET_DIR or the target
/// directory that holds this test binary.
fn artifacts_dir() -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            exe.ancestors().nth(3).unwrap().to_path_buf()
        });
    let dir = target.join("test-artifacts").join("report");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn eval_8_finalised_pdf_shows_the_sections_and_the_findings_traditional_chinese() {
    let env = env().await;
    assessed(&env.store, setup()).await;
    finalize(&env, ON).await.unwrap();
    let pdf = reports::download(
        &env.store,
        &ctx_on(ON),
        Some("ACME"),
        "A1",
        ReportFormat::Pdf,
    )
    .await
    .unwrap();
    assert_eq!(pdf.file_name, "A1-report.pdf");
    let text = pdftotext(&pdf.bytes);
    for h in [
        "電腦系統資訊安全評估報告",
        "評估人員及資格",
        "評估範圍",
        "發現事項",
        "社交工程演練結果",
        "可靠性與安全性侵害對策",
        "總結",
    ] {
        assert!(text.contains(h), "heading {h} missing from:\n{text}");
    }
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for want in [
        "ACME產物保險股份有限公司",
        "網站伺服器使用過時的TLS版本",
        "停用TLS1.0與1.1，僅允許TLS1.2以上。",
        "王評估",
        "核心系統雙機備援",
    ] {
        assert!(flat.contains(want), "{want} missing from:\n{text}");
    }
    // The font is embedded (a subset); the pages are saved as pictures for
    // a person to look at.
    let dir = artifacts_dir();
    let path = dir.join("finalised-A1.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let fonts = poppler("pdffonts", &[path.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts:\n{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "font not embedded: {row}");
    }
    let prefix = dir.join("finalised-A1");
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "3",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    // In English on request (a draft).
    let en = reports::render(
        &env.store,
        &ctx_on(ON),
        env.kit(),
        Some("ACME"),
        "A1",
        ReportFormat::Pdf,
        Lang::En,
    )
    .await
    .unwrap();
    assert!(pdftotext(&en.bytes).contains("Findings"));
}

#[tokio::test]
async fn eval_8_remediation_documents_of_a_retained_report_cannot_be_deleted() {
    let env = env().await;
    assessed(&env.store, setup()).await;
    let c = ctx_on(ON);
    let id = findings::list(
        &env.store,
        &c,
        &zilv_services::findings::ListQuery {
            org: Some("ACME".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .findings[0]
        .finding
        .id;
    for action in ["start_remediation", "resolve"] {
        findings::transition_finding(
            &env.store,
            &c,
            &RemediationPolicy::default(),
            &TransitionInput {
                org: Some("ACME".into()),
                id,
                action: action.into(),
                evidence: (action == "resolve").then(|| pdf("tls-fixed.pdf")),
                note: "已停用 TLS 1.0".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let sha = sha256(&pdf("tls-fixed.pdf").bytes);
    assert!(
        !reports::document_retained(&env.store, &c, Some("ACME"), &sha)
            .await
            .unwrap()
    );
    finalize(&env, ON).await.unwrap();
    assert!(
        reports::document_retained(&env.store, &c, Some("ACME"), &sha)
            .await
            .unwrap()
    );
    let e = sql(
        &env.store,
        &format!("DELETE FROM stored_files WHERE sha256 = '{sha}'"),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(e.contains("remediation document"), "{e}");
    // Other files are not held by the report.
    let other = sha256(&pdf("nda.pdf").bytes);
    assert!(
        !reports::document_retained(&env.store, &c, Some("ACME"), &other)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn eval_8_unused_draft_day_after_completion_still_renders_every_format() {
    let env = env().await;
    assessed(&env.store, setup()).await;
    let later = ctx_on(&day(ON).checked_add_days(Days::new(3)).unwrap().to_string());
    for format in ReportFormat::ALL {
        let r = reports::render(
            &env.store,
            &later,
            env.kit(),
            Some("ACME"),
            "A1",
            format,
            Lang::ZhTw,
        )
        .await
        .unwrap();
        assert!(!r.bytes.is_empty());
        assert_eq!(r.file_name, format!("A1-draft-report.{}", format.as_str()));
    }
}

#[tokio::test]
async fn eval_8_finalising_as_of_a_past_day_is_refused_so_retention_cannot_be_shortened() {
    let env = env().await;
    assessed(
        &env.store,
        Setup {
            on: "2020-11-20",
            ..setup()
        },
    )
    .await;
    // The clock says 2026-11-28 while the day asked for is in 2020.
    let mut backdated = ctx_on("2026-11-28");
    backdated.today = day("2020-11-28");
    let e = reports::finalize(
        &env.store,
        &backdated,
        env.kit(),
        Some("ACME"),
        "A1",
        Lang::ZhTw,
    )
    .await
    .unwrap_err();
    let m = conflict(e);
    assert!(m.contains("before today (2026-11-28)"), "{m}");
    assert_no_report(&env).await;
    // As of the clock's own day it is finalised, kept five years from then.
    let v = finalize(&env, "2026-11-28").await.unwrap();
    assert_eq!(v.report.retention_until, day("2031-11-28"));
}

#[tokio::test]
async fn eval_8_database_refuses_an_insert_over_a_finalised_report_or_its_bytes() {
    let env = env().await;
    let on = "2096-01-15";
    assessed(&env.store, Setup { on, ..setup() }).await;
    finalize(&env, on).await.unwrap();
    let verb = match env.store.backend() {
        Backend::Sqlite => "INSERT OR REPLACE",
        Backend::Postgres => "INSERT",
    };
    let r = sql(
        &env.store,
        &format!(
            "{verb} INTO report_files (report_id, org_id, format, media_type, sha256, size, content) \
             SELECT report_id, org_id, format, media_type, sha256, size, content FROM report_files WHERE format = 'pdf'"
        ),
    )
    .await;
    assert!(r.is_err(), "replacing stored bytes must be refused");
    assert_eq!(
        reports::verify(&env.store).await.unwrap().mismatches.len(),
        0
    );
}
