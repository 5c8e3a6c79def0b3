//! `zilv ioc review` against a real database (SQLite or PostgreSQL, per
//! ZILV_TEST_DATABASE): the review is recorded with its findings, and a
//! second run adds none (EVAL-4.1.2.3).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use chrono::NaiveDate;
use serde_json::Value;
use zilv_store::assessments::{self, NewAssessment};
use zilv_testkit::{runtime, TestDb};

const ZILV: &str = env!("CARGO_BIN_EXE_zilv");

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

/// ACME with system NET in the scope of assessment A2026.
fn prepared() -> TestDb {
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
            "NET",
            "--name",
            "核心網路",
            "--class",
            "1",
            "--dev-unit",
            "資訊開發部",
            "--maint-unit",
            "資訊維運部",
        ],
    ));
    runtime().block_on(async {
        let store = db.open().await;
        let mut tx = store.begin().await.unwrap();
        let org = zilv_store::orgs::by_code(&mut tx, "ACME")
            .await
            .unwrap()
            .unwrap();
        let a = assessments::insert(
            &mut tx,
            &NewAssessment {
                org_id: org.id,
                code: "A2026",
                title: "2026 年度資安評估",
                period_start: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                period_end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
                countermeasures: "",
            },
            "2026-11-01T00:00:00.000000Z",
        )
        .await
        .unwrap();
        let sys = zilv_store::systems::by_code(&mut tx, org.id, "NET")
            .await
            .unwrap()
            .unwrap();
        assessments::add_system(&mut tx, org.id, a.id, sys.id)
            .await
            .unwrap();
        zilv_store::commit(tx).await.unwrap();
        store.close().await;
    });
    db
}

const LOG: &str = "#separator \\x09
#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\tanswers
1764288000.5\tC1\t10.0.0.5\t5353\t10.0.0.1\t53\tcdn.evil.example\t203.0.113.7
1764288060.0\tC2\t10.0.0.5\t5353\t10.0.0.1\t53\twww.evil.example\t-
1764288120.0\tC3\t10.0.0.9\t5353\t10.0.0.1\t53\tgood.example\t203.0.113.7
1764288180.0\tC4\t10.0.0.9\t5353\t10.0.0.1\t53\tnotevil.example\t-
";

#[test]
fn eval_4_1_2_3_ioc_review_json_records_findings_once() {
    let db = prepared();
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.txt");
    std::fs::write(&feed, "# test feed\nevil.example\n203.0.113.7\n192.0.2.1\n").unwrap();
    let log = dir.path().join("dns.log");
    std::fs::write(&log, LOG).unwrap();
    let (feed, log) = (feed.to_str().unwrap(), log.to_str().unwrap());
    let args = [
        "ioc",
        "review",
        "--assessment",
        "A2026",
        "--indicators",
        feed,
        "--json",
        log,
    ];
    let first: Value = serde_json::from_str(&ok(&zilv(&db, &args))).unwrap();
    assert_eq!(first["assessment"], "A2026");
    assert_eq!(first["item"], "EVAL-4.1.2.3");
    assert_eq!(first["system"], "NET");
    assert_eq!(first["summary"]["records"], 4);
    assert_eq!(first["summary"]["hits"], 4);
    let mut pairs: Vec<(String, String, u64)> = first["aggregates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["indicator"].as_str().unwrap().to_string(),
                a["internal_host"].as_str().unwrap().to_string(),
                a["count"].as_u64().unwrap(),
            )
        })
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        vec![
            ("203.0.113.7".into(), "10.0.0.5".into(), 1),
            ("203.0.113.7".into(), "10.0.0.9".into(), 1),
            ("evil.example".into(), "10.0.0.5".into(), 2),
        ]
    );
    assert_eq!(first["findings_created"], 3);
    assert_eq!(first["findings_existing"], 0);
    assert_eq!(
        first["indicator_files"][0]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );

    let second: Value = serde_json::from_str(&ok(&zilv(&db, &args))).unwrap();
    assert_eq!(second["findings_created"], 0);
    assert_eq!(second["findings_existing"], 3);
    assert_ne!(second["id"], first["id"]);

    let text = ok(&zilv(
        &db,
        &[
            "ioc",
            "review",
            "--assessment",
            "A2026",
            "--indicators",
            feed,
            log,
        ],
    ));
    assert!(
        text.contains("findings: 0 new, 3 already recorded"),
        "{text}"
    );

    let out = zilv(
        &db,
        &[
            "ioc",
            "review",
            "--assessment",
            "NOPE",
            "--indicators",
            feed,
            log,
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NOPE") && err.contains("not found"), "{err}");
}
