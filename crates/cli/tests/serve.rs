//! `zilv user add` and `zilv serve` as an operator runs them: a user added
//! from a script signs in to the real server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

use zilv_testkit::TestDb;

const ZILV: &str = env!("CARGO_BIN_EXE_zilv");

fn zilv(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(ZILV)
        .env_remove("ZILV_DATABASE_URL")
        .env_remove("ZILV_DATA")
        .args(db.cli_args())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn init(db: &TestDb) {
    let out = zilv(
        db,
        &[
            "init",
            "--org-code",
            "ACME",
            "--org-name",
            "艾克米產險",
            "--admin-email",
            "admin@acme.tw",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn user_add_reads_the_password_from_stdin_and_checks_the_policy() {
    let db = TestDb::blocking_new();
    init(&db);
    let out = zilv(
        &db,
        &[
            "user",
            "add",
            "--email",
            "Owner@Acme.tw",
            "--role",
            "system_owner",
            "--password-stdin",
            "--json",
        ],
        Some("Scripted-Passw0rd\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["user"]["email"], "owner@acme.tw");
    assert_eq!(v["user"]["must_change_password"], false);
    assert!(v.get("one_time_password").is_none());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Scripted-Passw0rd"));
    // Refusals: a weak password, a role of another kind of organisation, a duplicate.
    for (args, stdin, needle) in [
        (
            vec![
                "--email",
                "weak@acme.tw",
                "--role",
                "hr",
                "--password-stdin",
            ],
            Some("short\n"),
            "at least 12",
        ),
        (
            vec![
                "--email",
                "x@acme.tw",
                "--role",
                "committee_member",
                "--password-stdin",
            ],
            Some("Scripted-Passw0rd\n"),
            "association",
        ),
        (
            vec![
                "--email",
                "owner@acme.tw",
                "--role",
                "hr",
                "--password-stdin",
            ],
            Some("Scripted-Passw0rd\n"),
            "already exists",
        ),
        (
            vec![
                "--email",
                "empty@acme.tw",
                "--role",
                "hr",
                "--password-stdin",
            ],
            Some(""),
            "empty",
        ),
    ] {
        let mut full = vec!["user", "add"];
        full.extend(args);
        let out = zilv(&db, &full, stdin);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{full:?} succeeded");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{full:?}: {err}");
    }
    let out = zilv(&db, &["user", "list", "--json"], None);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}

#[test]
fn serve_listens_on_port_0_and_a_scripted_user_signs_in() {
    let db = TestDb::blocking_new();
    init(&db);
    let out = zilv(
        &db,
        &[
            "user",
            "add",
            "--email",
            "so@acme.tw",
            "--role",
            "security_officer",
            "--password-stdin",
        ],
        Some("Scripted-Passw0rd\n"),
    );
    assert!(out.status.success());
    let mut child = Command::new(ZILV)
        .env_remove("ZILV_DATABASE_URL")
        .env_remove("ZILV_DATA")
        .args(db.cli_args())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    let rt = zilv_testkit::runtime();
    let result = rt.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let health = http.get(format!("{base}/healthz")).send().await.unwrap();
        assert_eq!(health.text().await.unwrap(), "ok");
        let page = http.get(format!("{base}/sign-in")).send().await.unwrap();
        let cookie = page.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let html = page.text().await.unwrap();
        let start = html.find("name=\"_csrf\" value=\"").unwrap() + 20;
        let token = &html[start..start + html[start..].find('"').unwrap()];
        let r = http
            .post(format!("{base}/sign-in"))
            .header("cookie", cookie)
            .form(&[
                ("_csrf", token),
                ("email", "so@acme.tw"),
                ("password", "Scripted-Passw0rd"),
            ])
            .send()
            .await
            .unwrap();
        r.status().as_u16()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(result, 303);
}
