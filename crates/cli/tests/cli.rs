//! The `zilv` binary as a user runs it, against a real database (SQLite or
//! PostgreSQL, per ZILV_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use zilv_testkit::{lift_audit_guard, runtime, TestDb};

const ZILV: &str = env!("CARGO_BIN_EXE_zilv");
const TODAY: &str = "2026-11-28";

fn shared(file: &str) -> String {
    let path = format!(
        "{}/../../../shared/regulation/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn zilv(db: Option<&TestDb>, args: &[&str]) -> Output {
    let mut cmd = Command::new(ZILV);
    cmd.env_remove("ZILV_DATABASE_URL")
        .env_remove("ZILV_DATA")
        .env("ZILV_TODAY", TODAY);
    if let Some(db) = db {
        cmd.args(db.cli_args());
    }
    cmd.args(args).output().expect("run zilv")
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

/// A refusal: non-zero exit, nothing on stdout, exactly one line on stderr
/// that contains every one of `needles`.
fn refused(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "expected a refusal, got success: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "expected one line, got: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "{err:?} does not mention {n:?}");
    }
}

fn clause_ids() -> Vec<String> {
    shared("clause-ids.txt")
        .split_whitespace()
        .map(String::from)
        .collect()
}

fn init(db: &TestDb) -> Value {
    json(&zilv(
        Some(db),
        &[
            "init",
            "--org-code",
            "ACME",
            "--org-name",
            "艾克米產物保險",
            "--admin-email",
            "officer@acme.tw",
            "--json",
        ],
    ))
}

#[test]
fn catalog_list_json_lists_every_clause_id() {
    let list = json(&zilv(None, &["catalog", "list", "--json"]));
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, clause_ids());
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|c| !c["title"].as_str().unwrap().is_empty()));
    let text = ok(&zilv(None, &["catalog", "list", "--lang", "en"]));
    assert!(text.contains("EVAL-4.1.2.3"));
}

#[test]
fn catalog_show_prints_the_exact_original_text_of_every_clause() {
    let original: String = shared("selfreg-105.zh-TW.txt")
        .split('\n')
        .map(|l| l.strip_prefix("- ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    for id in clause_ids() {
        let shown = json(&zilv(None, &["catalog", "show", &id, "--json"]));
        assert_eq!(shown["id"], id.as_str());
        assert_eq!(shown["lang"], "zh-TW");
        let text = shown["text"].as_str().unwrap();
        assert!(
            text.chars().count() > 3 && original.contains(text),
            "{id}: {text:?}"
        );
        let plain = ok(&zilv(None, &["catalog", "show", &id]));
        assert!(
            plain.contains(text),
            "{id}: plain output lacks the original text"
        );
    }
    let en = json(&zilv(
        None,
        &["catalog", "show", "SR-12", "--lang", "en", "--json"],
    ));
    assert!(en["text"].as_str().unwrap().contains("200,000"), "{en}");
    assert_eq!(en["parameters"].as_array().unwrap().len(), 3);
}

#[test]
fn catalog_show_unknown_clause_is_one_clear_line() {
    refused(
        &zilv(None, &["catalog", "show", "SR-99"]),
        &["SR-99", "unknown clause"],
    );
    refused(
        &zilv(None, &["catalog", "list", "--version", "999.1.1"]),
        &["999.1.1", "105.12.2"],
    );
}

#[test]
fn catalog_oscal_export_passes_compliance_trestle() {
    let out = ok(&zilv(None, &["catalog", "export", "--format", "oscal"]));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["catalog"]["metadata"]["version"], "105.12.2");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("catalog.json");
    std::fs::write(&file, &out).unwrap();
    let python = std::env::var("ZILV_OSCAL_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/validate-oscal.py");
    let v = Command::new(&python).arg(script).arg("catalog").arg(&file).output().unwrap_or_else(|e| {
        panic!("cannot run {python} (set ZILV_OSCAL_PYTHON to a Python with compliance-trestle; scripts/test does): {e}")
    });
    let report =
        String::from_utf8_lossy(&v.stdout).to_string() + &String::from_utf8_lossy(&v.stderr);
    assert!(v.status.success(), "OSCAL validation failed: {report}");
    // The validator counted every clause as a control.
    assert!(report.contains("controls=75"), "{report}");
    // Deterministic: the same catalog exports the same bytes.
    assert_eq!(
        out,
        ok(&zilv(None, &["catalog", "export", "--format", "oscal"]))
    );
}

#[test]
fn init_then_registers_and_deadlines() {
    let db = TestDb::blocking_new();
    let done = init(&db);
    assert_eq!(done["admin"]["role"], "security_officer");
    assert_eq!(done["one_time_password"].as_str().unwrap().len(), 20);
    refused(
        &zilv(
            Some(&db),
            &[
                "init",
                "--org-code",
                "B",
                "--org-name",
                "B",
                "--admin-email",
                "b@b.tw",
            ],
        ),
        &["already initialised"],
    );
    ok(&zilv(
        Some(&db),
        &[
            "org",
            "add",
            "--code",
            "NLIA",
            "--name",
            "產險公會",
            "--kind",
            "association",
        ],
    ));
    ok(&zilv(
        Some(&db),
        &[
            "asset",
            "add",
            "--code",
            "DB1",
            "--name",
            "保戶資料庫",
            "--kind",
            "data",
            "--owner",
            "資訊部",
            "-c",
            "3",
            "-i",
            "3",
            "-a",
            "2",
        ],
    ));
    ok(&zilv(
        Some(&db),
        &[
            "system",
            "add",
            "--code",
            "NETBUY",
            "--name",
            "網路投保系統",
            "--class",
            "1",
            "--dev-unit",
            "開發部",
            "--maint-unit",
            "維運部",
            "--last-assessed",
            "2025-12-31",
            "--asset",
            "DB1",
        ],
    ));
    ok(&zilv(
        Some(&db),
        &[
            "system",
            "add",
            "--code",
            "HR",
            "--name",
            "人資系統",
            "--class",
            "3",
            "--sourcing",
            "outsourced",
            "--dev-unit",
            "廠商",
            "--maint-unit",
            "廠商",
        ],
    ));
    let list = json(&zilv(Some(&db), &["system", "list", "--json"]));
    let rows: Vec<(String, u64, Value, String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap().to_string(),
                s["class"].as_u64().unwrap(),
                s["last_assessed_on"].clone(),
                s["next_due"]["on"].as_str().unwrap().to_string(),
                s["due_status"]["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("HR".into(), 3, Value::Null, TODAY.into(), "due_soon".into()),
            (
                "NETBUY".into(),
                1,
                Value::from("2025-12-31"),
                "2026-12-31".into(),
                "due_soon".into()
            ),
        ]
    );
    let text = ok(&zilv(Some(&db), &["system", "list"]));
    assert!(
        text.contains("NETBUY") && text.contains("2026-12-31") && text.contains("never"),
        "{text}"
    );
    // EVAL-3.2 through the command line.
    ok(&zilv(
        Some(&db),
        &[
            "system",
            "incident",
            "HR",
            "--on",
            "2026-11-01",
            "--harms-consumers",
            "--summary",
            "個資外洩",
        ],
    ));
    let hr = json(&zilv(Some(&db), &["system", "show", "HR", "--json"]));
    assert_eq!(
        hr["next_due"]["on"], TODAY,
        "never assessed stays due today"
    );
    let net = json(&zilv(
        Some(&db),
        &[
            "--today",
            "2026-01-10",
            "system",
            "show",
            "NETBUY",
            "--json",
        ],
    ));
    assert_eq!(net["due_status"]["days_left"], 355);
    assert_eq!(net["assets"], serde_json::json!(["DB1"]));
    let orgs = json(&zilv(Some(&db), &["org", "list", "--json"]));
    assert_eq!(orgs.as_array().unwrap().len(), 2);
    let assets = json(&zilv(
        Some(&db),
        &["asset", "list", "--org", "ACME", "--json"],
    ));
    assert_eq!(assets[0]["confidentiality"], 3);
    let verified = ok(&zilv(Some(&db), &["audit", "verify"]));
    assert!(verified.contains("7 events verified"), "{verified}");
}

#[test]
fn bad_input_gets_one_clear_line_and_changes_nothing() {
    let db = TestDb::blocking_new();
    init(&db);
    let add = |extra: &[&str]| {
        let mut args = vec![
            "system",
            "add",
            "--code",
            "X1",
            "--name",
            "n",
            "--dev-unit",
            "d",
            "--maint-unit",
            "m",
        ];
        args.extend_from_slice(extra);
        zilv(Some(&db), &args)
    };
    refused(&add(&["--class", "4"]), &["class", "4", "1, 2 and 3"]);
    refused(&add(&["--class", "one"]), &["class", "\"one\""]);
    refused(
        &add(&["--class", "1", "--last-assessed", "2025-02-30"]),
        &["last assessed", "2025-02-30"],
    );
    refused(
        &add(&["--class", "1", "--last-assessed", "31/12/2025"]),
        &["last assessed", "31/12/2025"],
    );
    refused(
        &add(&["--class", "1", "--asset", "NOPE"]),
        &["asset", "NOPE", "not found"],
    );
    refused(
        &zilv(Some(&db), &["--today", "2026-02-29", "system", "list"]),
        &["--today", "2026-02-29"],
    );
    refused(
        &zilv(Some(&db), &["system", "show", "NOPE"]),
        &["system", "NOPE", "not found"],
    );
    refused(
        &zilv(
            Some(&db),
            &[
                "asset", "add", "--code", "A", "--name", "n", "--kind", "data", "--owner", "o",
                "-c", "0", "-i", "1", "-a", "1",
            ],
        ),
        &["confidentiality", "0"],
    );
    let list = json(&zilv(Some(&db), &["system", "list", "--json"]));
    assert_eq!(
        list.as_array().unwrap().len(),
        0,
        "a refused command wrote a system"
    );
    assert!(ok(&zilv(Some(&db), &["audit", "verify"])).contains("2 events verified"));
}

#[test]
fn unreachable_database_is_one_line_without_the_password() {
    let out = zilv(
        None,
        &[
            "--database-url",
            "postgres://zilv:s3cret@127.0.0.1:1/zilv",
            "org",
            "list",
        ],
    );
    refused(&out, &["cannot open database", "127.0.0.1:1", "refused"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("s3cret"));
    refused(
        &zilv(None, &["--database-url", "mysql://h/db", "org", "list"]),
        &["unsupported database URL"],
    );
}

#[test]
fn commands_before_init_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("none");
    let out = zilv(None, &["--data-dir", d.to_str().unwrap(), "system", "list"]);
    refused(&out, &["no Zilv database", "zilv init"]);
    assert!(!d.exists(), "a read created the data directory");
}

#[test]
fn failed_init_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("data");
    let out = zilv(
        None,
        &[
            "--data-dir",
            d.to_str().unwrap(),
            "init",
            "--org-code",
            "ACME",
            "--org-name",
            "A",
            "--admin-email",
            "not-an-email",
        ],
    );
    refused(&out, &["admin email", "not-an-email"]);
    assert!(!d.exists(), "failed init left {}", d.display());
    let out = zilv(
        None,
        &[
            "--data-dir",
            d.to_str().unwrap(),
            "init",
            "--org-code",
            "bad code",
            "--org-name",
            "A",
            "--admin-email",
            "a@b.tw",
        ],
    );
    refused(&out, &["org code", "bad code"]);
    assert!(!d.exists(), "failed init left {}", d.display());
}

/// Runs as an unprivileged user when the tests run as root, since root
/// writes anywhere.
#[test]
fn data_directory_without_write_permission_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let data = locked.join("data");
    let bin = dir.path().join("zilv");
    std::fs::copy(ZILV, &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let args = [
        "--data-dir",
        data.to_str().unwrap(),
        "init",
        "--org-code",
        "A",
        "--org-name",
        "A",
        "--admin-email",
        "a@b.tw",
    ];
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let run = |extra_dir: &Path| {
        let a: Vec<&str> = ["--data-dir", extra_dir.to_str().unwrap()]
            .into_iter()
            .chain(args[2..].iter().copied())
            .collect();
        if is_root {
            Command::new("setpriv")
                .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&bin)
                .args(&a)
                .output()
                .unwrap()
        } else {
            Command::new(&bin).args(&a).output().unwrap()
        }
    };
    refused(
        &run(&data),
        &[
            "cannot create data directory",
            "locked/data",
            "ermission denied",
        ],
    );
    assert!(!data.exists());
    // An existing directory that may not be written.
    refused(&run(&locked), &["data directory", "not writable"]);
    assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 0);
}

#[test]
fn audit_verify_exits_non_zero_naming_the_tampered_event() {
    let db = TestDb::blocking_new();
    init(&db);
    ok(&zilv(
        Some(&db),
        &[
            "system",
            "add",
            "--code",
            "S1",
            "--name",
            "n",
            "--class",
            "2",
            "--dev-unit",
            "d",
            "--maint-unit",
            "m",
        ],
    ));
    assert!(ok(&zilv(Some(&db), &["audit", "verify"])).contains("3 events verified"));
    runtime().block_on(async {
        let store = db.open().await;
        lift_audit_guard(&store).await;
        sqlx_exec(
            &store,
            "UPDATE audit_events SET actor = 'someone-else' WHERE seq = 2",
        )
        .await;
        store.close().await;
    });
    refused(
        &zilv(Some(&db), &["audit", "verify"]),
        &["audit trail broken at event 2", "edited"],
    );
}

async fn sqlx_exec(store: &zilv_store::Store, sql: &str) {
    use sqlx::Executor;
    store.pool().execute(sql).await.unwrap();
}
