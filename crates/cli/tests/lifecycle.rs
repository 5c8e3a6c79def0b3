//! The assessment lifecycle through the `zilv` binary, against a real
//! database (SQLite or PostgreSQL, per ZILV_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use zilv_testkit::{runtime, TestDb};

const ZILV: &str = env!("CARGO_BIN_EXE_zilv");
const TODAY: &str = "2026-11-28";

fn zilv(db: &TestDb, args: &[&str]) -> Output {
    Command::new(ZILV)
        .env_remove("ZILV_DATABASE_URL")
        .env_remove("ZILV_DATA")
        .env("ZILV_TODAY", TODAY)
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

fn file(db: &TestDb, name: &str, content: &str) -> String {
    let p: PathBuf = db.data_dir().join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

#[test]
fn eval_lifecycle_plan_team_refused_start_fixed_finding_verified_through_the_cli() {
    let db = runtime().block_on(TestDb::new());
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
            "CORE",
            "--name",
            "核心系統",
            "--class",
            "1",
            "--dev-unit",
            "資訊開發部",
            "--maint-unit",
            "資訊維運部",
        ],
    ));
    let plan = json(&zilv(
        &db,
        &["plan", "add", "--title", "評估計畫", "--json"],
    ));
    let plan_id = plan["id"].as_i64().unwrap().to_string();
    let doc = file(&db, "plan.pdf", "%PDF-1.4 plan");
    let approved = json(&zilv(
        &db,
        &[
            "plan",
            "approve",
            &plan_id,
            "--body",
            "board",
            "--approved-on",
            "2026-11-01",
            "--resolution",
            "董事會第 5 次",
            "--document",
            &doc,
            "--json",
        ],
    ));
    assert_eq!(approved["approved_on"], "2026-11-01");
    assert_eq!(approved["entries"][0]["system"], "CORE");
    ok(&zilv(&db, &["assessor", "units", "--unit", "稽核室"]));
    let a = json(&zilv(
        &db,
        &[
            "assessor",
            "add",
            "--name",
            "王評估",
            "--affiliation",
            "inside",
            "--unit",
            "稽核室",
            "--json",
        ],
    ));
    let id = a["id"].as_i64().unwrap().to_string();
    let cert = file(&db, "cert.pdf", "%PDF-1.4 cert");
    for kind in ["security_management", "security_technical"] {
        ok(&zilv(
            &db,
            &[
                "assessor",
                "qualify",
                &id,
                "--kind",
                kind,
                "--evidence",
                "certificate",
                "--cert-name",
                "CISSP",
                "--cert-number",
                kind,
                "--cert-issuer",
                "ISC2",
                "--expires",
                "2028-01-01",
                "--file",
                &cert,
            ],
        ));
    }
    ok(&zilv(
        &db,
        &[
            "assessor",
            "qualify",
            &id,
            "--kind",
            "financial_domain",
            "--evidence",
            "financial_experience",
            "--years",
            "4",
        ],
    ));
    let nda = file(&db, "nda.pdf", "%PDF-1.4 nda");
    ok(&zilv(
        &db,
        &[
            "assessor",
            "nda",
            &id,
            "--signed-on",
            "2026-11-02",
            "--file",
            &nda,
        ],
    ));
    ok(&zilv(
        &db,
        &[
            "assessment",
            "create",
            "--code",
            "A1",
            "--title",
            "年度評估",
            "--system",
            "CORE",
            "--from",
            "2026-11-28",
            "--to",
            "2026-12-31",
        ],
    ));
    let decl = file(&db, "decl.pdf", "%PDF-1.4 declaration");
    ok(&zilv(
        &db,
        &[
            "assessment",
            "team-add",
            "A1",
            "--assessor",
            &id,
            "--declared-on",
            "2026-11-20",
            "--declaration",
            &decl,
        ],
    ));
    ok(&zilv(&db, &["assessment", "items", "A1", "--all"]));
    // EVAL-7.2: the start is refused, naming the missing qualification.
    refused(
        &zilv(&db, &["assessment", "start", "A1"]),
        &["cannot start", "simulated_attack", "EVAL-7.2"],
    );
    ok(&zilv(
        &db,
        &[
            "assessor",
            "qualify",
            &id,
            "--kind",
            "simulated_attack",
            "--evidence",
            "certificate",
            "--cert-name",
            "OSCP",
            "--cert-number",
            "OS-1",
            "--cert-issuer",
            "OffSec",
            "--file",
            &cert,
        ],
    ));
    let started = json(&zilv(&db, &["assessment", "start", "A1", "--json"]));
    assert_eq!(started["status"], "in_progress");
    let items = json(&zilv(&db, &["assessment", "show", "A1", "--json"]))["items"].clone();
    let items: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["item"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(items.len(), 17);
    for item in &items {
        ok(&zilv(
            &db,
            &[
                "assessment",
                "result",
                "A1",
                "--item",
                item,
                "--result",
                "satisfied",
            ],
        ));
    }
    let evidence = file(&db, "scan.txt", "scan report\n");
    ok(&zilv(
        &db,
        &[
            "assessment",
            "evidence",
            "A1",
            "--item",
            "EVAL-4.1.3.1",
            "--file",
            &evidence,
        ],
    ));
    let f = json(&zilv(
        &db,
        &[
            "finding",
            "add",
            "--assessment",
            "A1",
            "--system",
            "CORE",
            "--title",
            "弱密碼",
            "--severity",
            "critical",
            "--category",
            "EVAL-4.1.3.3",
            "--risk",
            "可被暴力破解",
            "--recommendation",
            "啟用 MFA",
            "--owner",
            "it@acme.tw",
            "--json",
        ],
    ));
    assert_eq!(f["due_on"], "2026-12-05");
    let fid = f["id"].as_i64().unwrap().to_string();
    ok(&zilv(
        &db,
        &[
            "finding",
            "transition",
            &fid,
            "--action",
            "start_remediation",
        ],
    ));
    refused(
        &zilv(&db, &["finding", "transition", &fid, "--action", "resolve"]),
        &["evidence"],
    );
    let fix = file(&db, "fix.txt", "MFA enabled\n");
    ok(&zilv(
        &db,
        &[
            "finding",
            "transition",
            &fid,
            "--action",
            "resolve",
            "--evidence",
            &fix,
        ],
    ));
    let verified = json(&zilv(
        &db,
        &[
            "finding",
            "transition",
            &fid,
            "--action",
            "verify_fix",
            "--json",
        ],
    ));
    assert_eq!(verified["status"], "closed_fixed");
    assert_eq!(verified["history"].as_array().unwrap().len(), 4);
    let done = json(&zilv(&db, &["assessment", "complete", "A1", "--json"]));
    assert_eq!(done["status"], "completed");
    let shown = json(&zilv(&db, &["assessment", "show", "A1", "--json"]));
    assert_eq!(shown["evidence"][0]["name"], "scan.txt");
    let page = json(&zilv(
        &db,
        &["finding", "list", "--status", "closed_fixed", "--json"],
    ));
    assert_eq!(page["total"], 1);
    let csv = ok(&zilv(&db, &["finding", "export"]));
    assert!(csv.lines().count() == 2 && csv.contains("弱密碼"), "{csv}");
    let xlsx = db.data_dir().join("findings.xlsx").display().to_string();
    ok(&zilv(
        &db,
        &["finding", "export", "--format", "xlsx", "--output", &xlsx],
    ));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK\x03\x04"));
    let system = json(&zilv(&db, &["system", "show", "CORE", "--json"]));
    assert_eq!(system["next_due"]["on"], "2027-11-28");
    let verify = zilv(&db, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", ok(&verify));
}

#[test]
fn demo_fills_a_fresh_data_directory_in_every_state() {
    let db = runtime().block_on(TestDb::new());
    let demo = json(&zilv(&db, &["demo", "--json"]));
    assert_eq!(demo["users"].as_array().unwrap().len(), 5);
    let list = json(&zilv(
        &db,
        &["assessment", "list", "--org", "DEMO-INS", "--json"],
    ));
    let statuses: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"completed") && statuses.contains(&"in_progress"));
    let page = json(&zilv(
        &db,
        &["finding", "list", "--org", "DEMO-INS", "--json"],
    ));
    let mut seen: Vec<&str> = page["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["status"].as_str().unwrap())
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7, "{seen:?}");
    let systems = json(&zilv(
        &db,
        &["system", "list", "--org", "DEMO-INS", "--json"],
    ));
    assert_eq!(systems.as_array().unwrap().len(), 20);
    let dash = json(&zilv(&db, &["dashboard", "--org", "DEMO-INS", "--json"]));
    assert_eq!(dash["drill_this_year"], true);
    assert!(dash["overdue_findings"].as_i64().unwrap() >= 1);
    refused(&zilv(&db, &["demo"]), &["fresh data directory"]);
    assert_eq!(zilv(&db, &["audit", "verify"]).status.code(), Some(0));
}
