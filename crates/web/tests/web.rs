//! The web application and the REST API, through a real server on port 0
//! over SQLite or PostgreSQL (ZILV_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::Duration;
use reqwest::Method;
use serde_json::json;
use support::{by_id, hidden_value, start, Browser, PASSWORD, USERS};
use zilv_store::audit;

const OFFICER: &str = "acme.security_officer@acme.tw";

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_opens_a_hardened_session_behind_security_headers() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    let r = b.get("/sign-in").await;
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().contains_key("referrer-policy"));
    let r = b.sign_in_with(OFFICER, PASSWORD, "").await;
    assert_eq!(r.status().as_u16(), 303);
    let set_cookie: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("zilv_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(
        !session.contains("Secure"),
        "plain HTTP must not mark cookies Secure"
    );
    let id = &session["zilv_session=".len()..session.find(';').unwrap()];
    assert!(
        id.len() >= 43,
        "session ID of {} characters has fewer than 256 bits",
        id.len()
    );
    let (status, body) = b.page("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("艾克米產物保險"));
    // The session is stored only hashed.
    let mut conn = s.store.pool().acquire().await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_ne!(stored, id);
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_passwords_lock_the_account_and_the_lock_is_audited() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    for i in 1..=4 {
        let r = b.sign_in_with(OFFICER, "Wrong-password-123", "").await;
        assert_eq!(r.status().as_u16(), 401, "attempt {i}");
    }
    let r = b.sign_in_with(OFFICER, "Wrong-password-123", "").await;
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.text().await.unwrap().contains("locked"));
    // While locked, even the right password is refused.
    let r = b.sign_in_with(OFFICER, PASSWORD, "").await;
    assert_eq!(r.status().as_u16(), 401);
    let mut conn = s.store.pool().acquire().await.unwrap();
    let events = audit::recent(&mut conn, None, 50).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.action == "auth.lock" && e.object_id == OFFICER));
    assert_eq!(
        events
            .iter()
            .filter(|e| e.action == "auth.sign_in_failed")
            .count(),
        4
    );
    s.clock.advance(Duration::minutes(16));
    b.sign_in(OFFICER).await;
    // Unknown e-mails get the same answer as wrong passwords.
    let mut other = Browser::new(&s.base);
    let r = other.sign_in_with("nobody@acme.tw", PASSWORD, "").await;
    assert_eq!(r.status().as_u16(), 401);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("e-mail, password or verification code is not correct"));
}

#[tokio::test(flavor = "multi_thread")]
async fn state_changing_requests_without_the_csrf_token_are_refused() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let form = [
        ("code", "NEW"),
        ("name", "新系統"),
        ("class", "2"),
        ("sourcing", "in-house"),
        ("dev_unit", "開發"),
        ("maint_unit", "維運"),
    ];
    let r = b.request(Method::POST, "/systems", Some(&form)).await;
    assert_eq!(r.status().as_u16(), 403, "no token");
    let mut with_wrong = form.to_vec();
    with_wrong.push(("_csrf", "forged"));
    let r = b.request(Method::POST, "/systems", Some(&with_wrong)).await;
    assert_eq!(r.status().as_u16(), 403, "wrong token");
    let r = b.post("/systems", &form).await;
    assert_eq!(r.status().as_u16(), 303, "right token");
    // The sign-in form is protected too, by its pre-session token.
    let mut fresh = Browser::new(&s.base);
    let r = fresh
        .request(
            Method::POST,
            "/sign-in",
            Some(&[("email", OFFICER), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // A session-authenticated API write needs the header.
    let r = b
        .client
        .post(format!("{}/api/v1/assets", s.base))
        .header(
            "cookie",
            format!("zilv_session={}", b.cookies["zilv_session"]),
        )
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_end_after_idle_and_absolute_timeouts() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    s.clock.advance(Duration::minutes(29));
    assert_eq!(b.get("/").await.status().as_u16(), 200);
    s.clock.advance(Duration::minutes(31));
    let r = b.get("/systems").await;
    assert_eq!(r.status().as_u16(), 303, "idle session ended");
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/sign-in?next=%2Fsystems"));
    // Busy, but past the absolute limit of 12 hours.
    b.sign_in(OFFICER).await;
    for _ in 0..28 {
        s.clock.advance(Duration::minutes(25));
        assert_eq!(b.get("/").await.status().as_u16(), 200);
    }
    s.clock.advance(Duration::minutes(25));
    assert_eq!(b.get("/").await.status().as_u16(), 303, "absolute timeout");
    // An expired session on the API is a JSON 401.
    let r = b
        .client
        .get(format!("{}/api/v1/me", s.base))
        .header("cookie", "zilv_session=expired-or-forged")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert!(r.json::<serde_json::Value>().await.unwrap()["error"]["message"].is_string());
}

/// GET or POST of `path` as `email`: the status code.
async fn status_as(b: &mut Browser, path: &str, post: Option<&[(&str, &str)]>) -> u16 {
    match post {
        None => b.get(path).await.status().as_u16(),
        Some(f) => b.post(path, f).await.status().as_u16(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_role_is_allowed_and_refused_what_design_says() {
    let s = start().await;
    let system = |code: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("code", code),
            ("name", "測試系統"),
            ("class", "3"),
            ("sourcing", "outsourced"),
            ("dev_unit", "廠商"),
            ("maint_unit", "資訊部"),
        ]
    };
    // (role, view registers, edit registers, manage users, view audit, view members)
    let expected: &[(&str, bool, bool, bool, bool, bool)] = &[
        ("security_officer", true, true, true, true, false),
        ("system_owner", true, true, false, false, false),
        ("hr", true, false, false, false, false),
        ("internal_auditor", true, false, false, true, false),
        ("assessor", false, false, false, false, false),
        ("association_admin", false, false, true, true, true),
        ("committee_member", false, false, false, false, true),
        ("regulator_viewer", false, false, false, false, false),
    ];
    for (i, (role, view, edit, users, audit_ok, members)) in expected.iter().enumerate() {
        let email = USERS.iter().find(|(_, _, r)| r == role).unwrap().1;
        let mut b = Browser::new(&s.base);
        b.sign_in(email).await;
        let ok = |allowed: bool, got: u16, what: &str| {
            if allowed {
                assert!(got < 400, "{role} should be allowed to {what}, got {got}");
            } else {
                assert_eq!(got, 403, "{role} should be refused {what}");
            }
        };
        ok(
            *view,
            status_as(&mut b, "/systems", None).await,
            "list systems",
        );
        ok(
            *view,
            status_as(&mut b, "/assets", None).await,
            "list assets",
        );
        let code = format!("R{i}");
        let code: &'static str = Box::leak(code.into_boxed_str());
        ok(
            *edit,
            status_as(&mut b, "/systems", Some(&system(code))).await,
            "add a system",
        );
        ok(
            *users,
            status_as(&mut b, "/users", None).await,
            "list users",
        );
        ok(
            *audit_ok,
            status_as(&mut b, "/audit", None).await,
            "browse the audit trail",
        );
        ok(
            *audit_ok,
            status_as(&mut b, "/audit/export.csv", None).await,
            "export the audit trail",
        );
        let (st, body) = b.page("/").await;
        assert_eq!(st, 200, "{role} dashboard");
        assert_eq!(
            body.contains("id=\"members\""),
            *members,
            "{role} members list"
        );
        // Everyone reads the regulation and their own account.
        assert_eq!(status_as(&mut b, "/catalog/EVAL-3.1", None).await, 200);
        assert_eq!(status_as(&mut b, "/account", None).await, 200);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn another_companys_objects_answer_404_for_every_object_type() {
    let s = start().await;
    let mut beta = Browser::new(&s.base);
    beta.sign_in("beta.security_officer@beta.tw").await;
    // Its own objects are there …
    assert_eq!(beta.page("/systems/NETBUY").await.0, 200);
    assert_eq!(beta.page("/assets/NETBUY-DB").await.0, 200);
    assert_eq!(
        beta.page("/users/beta.security_officer@beta.tw").await.0,
        200
    );
    // … ACME's are not found, on pages, on the API, and for changes.
    for path in ["/systems/CORE", "/assets/CORE-DB", "/users/acme.hr@acme.tw"] {
        let (st, body) = beta.page(path).await;
        assert_eq!(st, 404, "{path}");
        assert!(!body.contains("核心保單系統"), "{path} leaks");
    }
    let r = beta
        .post(
            "/systems/CORE/incidents",
            &[
                ("occurred_on", "2026-11-01"),
                ("summary", "x"),
                ("harms_consumers", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = beta
        .post(
            "/users/acme.hr@acme.tw",
            &[("role", "assessor"), ("active", "yes")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    // Audit: ACME's events never appear in BETA's trail.
    let (_, csv) = beta.page("/audit/export.csv").await;
    assert!(csv.contains("NETBUY") && !csv.contains("CORE"), "{csv}");
    // API with a BETA token.
    let r = beta
        .post("/account/tokens", &[("name", "ci"), ("scope", "write")])
        .await;
    let token = by_id(&r.text().await.unwrap(), "new-token").unwrap();
    for path in [
        "/api/v1/systems/CORE",
        "/api/v1/assets/CORE-DB",
        "/api/v1/users/acme.hr@acme.tw",
    ] {
        let (st, body) = beta.api(Method::GET, path, &token, None).await;
        assert_eq!(st, 404, "{path}: {body}");
    }
    let (st, _) = beta
        .api(
            Method::POST,
            "/api/v1/systems/CORE/incidents",
            &token,
            Some(json!({ "occurred_on": "2026-11-01", "harms_consumers": true, "summary": "x" })),
        )
        .await;
    assert_eq!(st, 404);
    let (_, list) = beta.api(Method::GET, "/api/v1/systems", &token, None).await;
    let codes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["NETBUY"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_a_4xx_never_a_500() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let csrf = b.csrf().await;
    // Oversized form body.
    let big = "x".repeat(2 * 1024 * 1024);
    let r = b
        .request(
            Method::POST,
            "/assets",
            Some(&[("_csrf", &csrf), ("code", &big)]),
        )
        .await;
    assert_eq!(r.status().as_u16(), 413);
    // Malformed form: wrong class and a date that does not exist.
    let r = b
        .post(
            "/systems",
            &[
                ("code", "BAD"),
                ("name", "n"),
                ("class", "4"),
                ("sourcing", "in-house"),
                ("dev_unit", "d"),
                ("maint_unit", "m"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("class"));
    let r = b
        .post(
            "/systems/CORE/incidents",
            &[("occurred_on", "2026-02-30"), ("summary", "x")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    // A form body that is not a form.
    let r = b
        .client
        .post(format!("{}/systems", s.base))
        .header(
            "cookie",
            format!("zilv_session={}", b.cookies["zilv_session"]),
        )
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("%%%=%ZZ&&&")
        .send()
        .await
        .unwrap();
    assert!((400..500).contains(&r.status().as_u16()), "{}", r.status());
    // The API: malformed JSON, wrong types, unknown fields, wrong content type.
    let r = b
        .post("/account/tokens", &[("name", "t"), ("scope", "write")])
        .await;
    let token = by_id(&r.text().await.unwrap(), "new-token").unwrap();
    for (body, ctype) in [
        ("{\"code\": ", "application/json"),
        ("{\"code\": 1}", "application/json"),
        ("{\"code\":\"A\",\"name\":\"n\",\"kind\":\"data\",\"owner\":\"o\",\"confidentiality\":1,\"integrity\":1,\"availability\":1,\"extra\":1}", "application/json"),
        ("code=A", "text/plain"),
    ] {
        let r = b
            .client
            .post(format!("{}/api/v1/assets", s.base))
            .bearer_auth(&token)
            .header("content-type", ctype)
            .body(body)
            .send()
            .await
            .unwrap();
        let st = r.status().as_u16();
        assert!((400..500).contains(&st), "{body}: {st}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v["error"]["message"].as_str().unwrap().len() > 10, "{v}");
    }
    // Unknown routes: a page and JSON.
    let (st, body) = b.page("/no/such/page").await;
    assert_eq!(st, 404);
    assert!(body.contains("<html"));
    let (st, v) = b.api(Method::GET, "/api/v1/nothing", &token, None).await;
    assert_eq!(st, 404);
    assert_eq!(v["error"]["status"], 404);
    // A revoked or made-up token.
    let (st, _) = b.api(Method::GET, "/api/v1/me", "zilv_made_up", None).await;
    assert_eq!(st, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn api_tokens_are_scoped_and_revocable() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let page = b
        .post("/account/tokens", &[("name", "reader"), ("scope", "read")])
        .await
        .text()
        .await
        .unwrap();
    let read = by_id(&page, "new-token").unwrap();
    assert!(read.starts_with("zilv_"));
    let (st, me) = b.api(Method::GET, "/api/v1/me", &read, None).await;
    assert_eq!(st, 200);
    assert_eq!(me["role"], "security_officer");
    let asset = json!({ "code": "API-1", "name": "n", "kind": "data", "owner": "o", "confidentiality": 1, "integrity": 2, "availability": 3 });
    let (st, _) = b
        .api(Method::POST, "/api/v1/assets", &read, Some(asset.clone()))
        .await;
    assert_eq!(st, 403, "a read token cannot write");
    let page = b
        .post("/account/tokens", &[("name", "writer"), ("scope", "write")])
        .await
        .text()
        .await
        .unwrap();
    let write = by_id(&page, "new-token").unwrap();
    let (st, created) = b
        .api(Method::POST, "/api/v1/assets", &write, Some(asset))
        .await;
    assert_eq!(st, 201, "{created}");
    assert_eq!(created["availability"], 3);
    // The token is stored hashed only.
    let mut conn = s.store.pool().acquire().await.unwrap();
    let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(hashes.iter().all(|h| h != &read && h != &write));
    // Revoke the write token through the page.
    let (_, account) = b.page("/account").await;
    let id_start = account.find("/account/tokens/").unwrap() + "/account/tokens/".len();
    let first_id: String = account[id_start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let r = b
        .post(&format!("/account/tokens/{first_id}/revoke"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let (st, _) = b.api(Method::GET, "/api/v1/me", &read, None).await;
    assert_eq!(st, 401, "revoked token refused");
    let (st, _) = b.api(Method::GET, "/api/v1/me", &write, None).await;
    assert_eq!(st, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn totp_second_factor_is_required_once_enabled() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let page = b
        .post("/account/totp/start", &[])
        .await
        .text()
        .await
        .unwrap();
    let secret = by_id(&page, "totp-secret").unwrap();
    use zilv_web::Clock;
    let code = zilv_services::totp::code_at(&secret, s.clock.now()).unwrap();
    let enable = |current: &'static str, secret: String, code: String| {
        vec![
            ("current", current.to_string()),
            ("secret", secret),
            ("code", code),
        ]
    };
    for (form, want, why) in [
        (
            enable(PASSWORD, secret.clone(), "000000".into()),
            422,
            "wrong code",
        ),
        (
            enable("Wrong-password-1", secret.clone(), code.clone()),
            422,
            "the current password is required",
        ),
        (
            enable(PASSWORD, String::new(), code.clone()),
            422,
            "an empty secret is refused",
        ),
        (
            enable(PASSWORD, secret.clone(), code.clone()),
            200,
            "enabled",
        ),
        (
            enable(PASSWORD, secret.clone(), code.clone()),
            409,
            "an enabled factor is not silently replaced",
        ),
    ] {
        let f: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = b.post("/account/totp/enable", &f).await;
        assert_eq!(r.status().as_u16(), want, "{why}");
    }
    let mut other = Browser::new(&s.base);
    let r = other.sign_in_with(OFFICER, PASSWORD, "").await;
    assert_eq!(r.status().as_u16(), 401, "password alone is not enough");
    let code = zilv_services::totp::code_at(&secret, s.clock.now()).unwrap();
    let r = other.sign_in_with(OFFICER, PASSWORD, &code).await;
    assert_eq!(r.status().as_u16(), 303);
    // The same code a second time is a replay, refused (RFC 6238, 5.2).
    let mut replay = Browser::new(&s.base);
    let r = replay.sign_in_with(OFFICER, PASSWORD, &code).await;
    assert_eq!(r.status().as_u16(), 401);
    s.clock.advance(Duration::seconds(60));
    let code = zilv_services::totp::code_at(&secret, s.clock.now()).unwrap();
    assert_eq!(
        replay
            .sign_in_with(OFFICER, PASSWORD, &code)
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn passwords_follow_the_policy_and_one_time_passwords_must_be_changed() {
    let s = start().await;
    let mut admin = Browser::new(&s.base);
    admin.sign_in(OFFICER).await;
    let page = admin
        .post(
            "/users",
            &[
                ("email", "new.owner@acme.tw"),
                ("display_name", "新同仁"),
                ("role", "system_owner"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let otp = by_id(&page, "one-time-password").unwrap();
    let mut b = Browser::new(&s.base);
    let r = b.sign_in_with("new.owner@acme.tw", &otp, "").await;
    assert_eq!(r.headers()["location"], "/account");
    // Until changed, every page leads back to the account page.
    let r = b.get("/systems").await;
    assert_eq!(r.headers()["location"], "/account");
    let r = b
        .post("/account/password", &[("current", &otp), ("new", "short")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = b
        .post(
            "/account/password",
            &[("current", &otp), ("new", "alllowercaseletters")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = b
        .post("/account/password", &[("current", &otp), ("new", &otp)])
        .await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "the current password may not be reused"
    );
    let mut current = otp.clone();
    for i in 1..=5 {
        let next = format!("Brand-new-pass-{i}");
        let r = b
            .post(
                "/account/password",
                &[("current", &current), ("new", &next)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200, "change {i}");
        current = next;
    }
    assert_eq!(b.get("/systems").await.status().as_u16(), 200);
    // The last 5 may not be reused; the 6th back may.
    let r = b
        .post(
            "/account/password",
            &[("current", &current), ("new", "Brand-new-pass-1")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = b
        .post("/account/password", &[("current", &current), ("new", &otp)])
        .await;
    assert_eq!(r.status().as_u16(), 200, "the 6th password back may return");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_trail_is_browsed_filtered_and_exported_with_before_and_after() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let r = b
        .post(
            "/users/acme.hr@acme.tw",
            &[("role", "internal_auditor"), ("active", "yes")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (st, page) = b.page("/audit?action=user.update").await;
    assert_eq!(st, 200);
    assert!(page.contains("acme.hr@acme.tw"));
    let (_, json_text) = b.page("/audit/export.json?action=user.").await;
    let events: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    let update = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "user.update")
        .unwrap();
    assert!(update["before"].as_str().unwrap().contains("\"hr\""));
    assert!(update["after"]
        .as_str()
        .unwrap()
        .contains("internal_auditor"));
    assert_eq!(update["actor"], OFFICER);
    assert_eq!(update["source"], "127.0.0.1");
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["action"].as_str().unwrap().starts_with("user.")));
    let (_, csv) = b.page("/audit/export.csv?object_type=system").await;
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("seq,at,actor"));
    assert!(lines.all(|l| l.contains(",system,")));
    let (st, _) = b.page("/audit?from=2026-02-30").await;
    assert_eq!(st, 422);
    // The chain stays intact through the web.
    let mut conn = s.store.pool().acquire().await.unwrap();
    assert_eq!(audit::verify(&mut conn).await.unwrap().first_broken, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn language_and_roc_dates_switch_by_cookie() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let (_, zh) = b.page("/systems/CORE").await;
    assert!(zh.contains("下次評估期限") && zh.contains("lang=\"zh-TW\""));
    // Class 1 assessed 2026-01-15: due a year later (EVAL-3.1).
    assert!(by_id(&zh, "next-due").unwrap().starts_with("2027-01-15"));
    let r = b.get("/prefs/lang/en?next=/systems/CORE").await;
    assert_eq!(r.headers()["location"], "/systems/CORE");
    let (_, en) = b.page("/systems/CORE").await;
    assert!(en.contains("Next assessment due") && en.contains("lang=\"en\""));
    b.get("/prefs/dates/roc?next=/").await;
    let (_, roc) = b.page("/systems/CORE").await;
    assert!(by_id(&roc, "next-due")
        .unwrap()
        .starts_with("民國116年1月15日"));
    // Only local paths are followed.
    let r = b.get("/prefs/lang/zh-TW?next=//evil.example/").await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_lists_every_api_route_and_each_answers() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let page = b
        .post("/account/tokens", &[("name", "t"), ("scope", "read")])
        .await
        .text()
        .await
        .unwrap();
    let token = by_id(&page, "new-token").unwrap();
    let (st, doc) = b.api(Method::GET, "/api/openapi.json", &token, None).await;
    assert_eq!(st, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 12);
    for (path, ops) in paths {
        if ops.get("get").is_none() {
            continue;
        }
        let code = if path.contains("/assets/") {
            "CORE-DB"
        } else {
            "CORE"
        };
        let concrete = path
            .replace("{code}", code)
            .replace("{email}", OFFICER)
            .replace("{id}", "EVAL-3.1")
            .replace("{format}", "pdf")
            .replace("{file}", "poam.json");
        let (st, body) = b.api(Method::GET, &concrete, &token, None).await;
        let routed = st == 200
            || st == 403
            || (st == 404
                && !body["error"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("no page at"));
        assert!(routed, "{concrete}: {st} {body}");
    }
    assert_eq!(b.page("/healthz").await, (200, "ok".to_string()));
    let _ = hidden_value;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_calendar_feed_lists_deadlines_for_a_token_and_nothing_without_one() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let page = b
        .post(
            "/account/tokens",
            &[("name", "calendar"), ("scope", "read")],
        )
        .await
        .text()
        .await
        .unwrap();
    let path = by_id(&page, "calendar-path").unwrap();
    let mut anonymous = Browser::new(&s.base);
    let r = anonymous.get(&path).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let ics = r.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
    // CORE, class 1, assessed 2026-01-15: due 2027-01-15 (EVAL-3.1); BETA's system is absent.
    assert!(ics.contains("DTSTART;VALUE=DATE:20270115"));
    assert!(ics.contains("CORE") && !ics.contains("NETBUY"));
    let (st, _) = anonymous.page("/calendar/zilv_not_a_token.ics").await;
    assert_eq!(st, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_out_everywhere_ends_every_session_of_the_user() {
    let s = start().await;
    let mut laptop = Browser::new(&s.base);
    let mut phone = Browser::new(&s.base);
    laptop.sign_in(OFFICER).await;
    phone.sign_in(OFFICER).await;
    let mut colleague = Browser::new(&s.base);
    colleague.sign_in("acme.system_owner@acme.tw").await;
    let r = laptop.post("/account/sign-out-everywhere", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        phone.get("/").await.status().as_u16(),
        303,
        "the other device is signed out"
    );
    assert_eq!(laptop.get("/").await.status().as_u16(), 303);
    assert_eq!(
        colleague.get("/").await.status().as_u16(),
        200,
        "other users keep their sessions"
    );
    // Another user's API token cannot be revoked: it is not found.
    let page = colleague
        .post("/account/tokens", &[("name", "t"), ("scope", "read")])
        .await
        .text()
        .await
        .unwrap();
    assert!(by_id(&page, "new-token").is_some());
    laptop.sign_in(OFFICER).await;
    let (_, account) = colleague.page("/account").await;
    let at = account.find("/account/tokens/").unwrap() + "/account/tokens/".len();
    let id: String = account[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let r = laptop
        .post(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn open_redirects_bearer_pages_write_token_feeds_and_bad_parameters_are_refused() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    // Open redirects through control characters go home instead.
    for next in [
        "/%09/evil.example",
        "/%0a",
        "/%5Cevil.example",
        "//evil.example",
    ] {
        let r = b.get(&format!("/prefs/lang/en?next={next}")).await;
        assert_eq!(r.headers()["location"], "/", "{next}");
    }
    b.sign_in(OFFICER).await;
    let page = b
        .post("/account/tokens", &[("name", "read"), ("scope", "read")])
        .await
        .text()
        .await
        .unwrap();
    let read = by_id(&page, "new-token").unwrap();
    let page = b
        .post("/account/tokens", &[("name", "write"), ("scope", "write")])
        .await
        .text()
        .await
        .unwrap();
    let write = by_id(&page, "new-token").unwrap();
    assert!(
        by_id(&page, "calendar-path").is_none(),
        "no feed address for a write token"
    );
    // A bearer token does not open pages: it cannot mint tokens or touch the second factor.
    let r = b
        .client
        .post(format!("{}/account/tokens", s.base))
        .bearer_auth(&read)
        .form(&[("name", "stolen"), ("scope", "read")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "sent to sign in");
    // A write token does not open a calendar feed.
    let (st, _) = Browser::new(&s.base)
        .page(&format!("/calendar/{write}.ics"))
        .await;
    assert_eq!(st, 404);
    // Read tokens read users.
    let (st, users) = b.api(Method::GET, "/api/v1/users", &read, None).await;
    assert_eq!(st, 200, "{users}");
    // Malformed query and path parameters, wrong methods: proper 4xx pages and JSON.
    let (st, body) = b.page("/audit?before=x").await;
    assert_eq!(st, 400);
    assert!(body.contains("<html"));
    let (st, v) = b
        .api(Method::GET, "/api/v1/audit?limit=x", &read, None)
        .await;
    assert_eq!(st, 400);
    assert!(v["error"]["message"].is_string());
    let r = b.post("/account/tokens/abc/revoke", &[]).await;
    assert_eq!(r.status().as_u16(), 404);
    for path in [
        "/api/v1/plans/abc",
        "/api/v1/assessors/1x",
        "/api/v1/findings/%20",
    ] {
        let (st, v) = b.api(Method::GET, path, &read, None).await;
        assert_eq!(st, 404, "{path}");
        assert_eq!(v["error"]["status"], 404, "{path}: {v}");
    }
    let (st, v) = b.api(Method::PUT, "/api/v1/systems", &read, None).await;
    assert_eq!(st, 405);
    assert_eq!(v["error"]["status"], 405);
    // A user with a one-time password cannot use the API with the session either.
    let page = b
        .post("/users", &[("email", "fresh@acme.tw"), ("role", "hr")])
        .await
        .text()
        .await
        .unwrap();
    let otp = by_id(&page, "one-time-password").unwrap();
    let mut fresh = Browser::new(&s.base);
    fresh.sign_in_with("fresh@acme.tw", &otp, "").await;
    let csrf = hidden_value(&fresh.page("/account").await.1, "_csrf").unwrap();
    let r = fresh
        .client
        .get(format!("{}/api/v1/systems", s.base))
        .header(
            "cookie",
            format!("zilv_session={}", fresh.cookies["zilv_session"]),
        )
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(
        fresh
            .post("/account/tokens", &[("name", "t"), ("scope", "read")])
            .await
            .headers()["location"],
        "/account"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_wrong_passwords_still_lock_the_account() {
    let s = start().await;
    let base = s.base.clone();
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut b = Browser::new(&base);
            b.sign_in_with(OFFICER, "Wrong-password-123", "")
                .await
                .status()
                .as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 401);
    }
    let mut b = Browser::new(&s.base);
    let r = b.sign_in_with(OFFICER, PASSWORD, "").await;
    assert_eq!(r.status().as_u16(), 401, "locked after concurrent failures");
    let mut conn = s.store.pool().acquire().await.unwrap();
    let events = audit::recent(&mut conn, None, 100).await.unwrap();
    let failures = events
        .iter()
        .filter(|e| e.action == "auth.sign_in_failed")
        .count();
    let locks = events.iter().filter(|e| e.action == "auth.lock").count();
    // Attempts that arrive after the lock are refused without being counted.
    assert!(failures + locks <= 10, "{failures} failures, {locks} locks");
    assert!(locks >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_8_a_finding_is_remediated_by_its_owner_and_verified_by_internal_audit() {
    let s = start().await;
    let mut officer = Browser::new(&s.base);
    officer.sign_in(OFFICER).await;
    let r = officer
        .post(
            "/findings",
            &[
                ("system", "CORE"),
                ("title", "弱密碼原則"),
                ("severity", "high"),
                ("category", "EVAL-4.1.5.1"),
                ("risk_description", "帳號密碼原則未要求複雜度"),
                ("recommendation", "於 AD 設定密碼長度 12 碼以上"),
                ("owner", "acme.system_owner@acme.tw"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let path = r.headers()["location"].to_str().unwrap().to_string();
    let (_, list) = officer.page("/findings?severity=high").await;
    assert!(list.contains("弱密碼原則"));
    let (_, dash) = officer.page("/").await;
    assert_eq!(by_id(&dash, "overdue-findings").unwrap(), "0");
    // A high finding is due in 30 days: overdue after 31.
    s.clock.advance(Duration::days(31));
    officer.sign_in(OFFICER).await;
    let (_, dash) = officer.page("/").await;
    assert_eq!(by_id(&dash, "overdue-findings").unwrap(), "1");
    // The owner fixes it; the officer may not verify it; internal audit does.
    let mut owner = Browser::new(&s.base);
    owner.sign_in("acme.system_owner@acme.tw").await;
    let evidence: &[u8] = "GPO 設定匯出：MinimumPasswordLength = 12\n".as_bytes();
    for action in ["start_remediation", "resolve"] {
        let r = owner
            .post_multipart(
                &format!("{path}/transition"),
                &[("action", action), ("reason", "已調整 GPO")],
                Some(("gpo.txt", evidence)),
            )
            .await;
        let st = r.status().as_u16();
        assert_eq!(st, 303, "{action}: {}", r.text().await.unwrap());
    }
    let r = officer
        .post_multipart(
            &format!("{path}/transition"),
            &[("action", "verify_fix")],
            None,
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        403,
        "verification belongs to the internal audit unit"
    );
    let mut auditor = Browser::new(&s.base);
    auditor.sign_in("acme.internal_auditor@acme.tw").await;
    let r = auditor
        .post_multipart(
            &format!("{path}/transition"),
            &[("action", "verify_fix"), ("reason", "覆查通過")],
            None,
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // Without the anti-forgery token in the query string, a multipart post is refused.
    let r = auditor
        .client
        .post(format!("{}{path}/transition", s.base))
        .header(
            "cookie",
            format!("zilv_session={}", auditor.cookies["zilv_session"]),
        )
        .multipart(reqwest::multipart::Form::new().text("action", "reactivate"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let (_, page) = auditor.page(&path).await;
    assert_eq!(by_id(&page, "finding-status").unwrap(), "覆查結案");
    // Another company does not see it; an unknown assessment is not found.
    let mut beta = Browser::new(&s.base);
    beta.sign_in("beta.security_officer@beta.tw").await;
    assert_eq!(beta.page(&path).await.0, 404);
    assert_eq!(beta.page("/findings/export.csv").await.1.lines().count(), 1);
    assert_eq!(officer.page("/assessments").await.0, 200);
    assert_eq!(officer.page("/assessments/NOPE").await.0, 404);
    let (_, csv) = officer.page("/findings/export.csv").await;
    assert!(csv.contains("弱密碼原則") && csv.contains("closed_fixed"));
    // HR sees no findings.
    let mut hr = Browser::new(&s.base);
    hr.sign_in("acme.hr@acme.tw").await;
    assert_eq!(hr.page("/findings").await.0, 403);
}

/// A write token of `email`, made on the account page.
async fn token_of(s: &support::Server, email: &str) -> (Browser, String) {
    let mut b = Browser::new(&s.base);
    b.sign_in(email).await;
    let page = b
        .post("/account/tokens", &[("name", "api"), ("scope", "write")])
        .await
        .text()
        .await
        .unwrap();
    let token = by_id(&page, "new-token").unwrap();
    (b, token)
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_8_the_remediation_flow_through_the_rest_api() {
    let s = start().await;
    let (b, officer) = token_of(&s, OFFICER).await;
    let (_, owner) = token_of(&s, "acme.system_owner@acme.tw").await;
    let (_, auditor) = token_of(&s, "acme.internal_auditor@acme.tw").await;
    let (_, beta) = token_of(&s, "beta.security_officer@beta.tw").await;
    let finding = json!({
        "system": "CORE", "title": "未更新的 OpenSSL", "severity": "critical",
        "category": "EVAL-4.1.3.1", "risk_description": "已知弱點可遠端利用",
        "recommendation": "更新至 3.0.15 以上", "owner": "acme.system_owner@acme.tw"
    });
    let (st, created) = b
        .api(
            Method::POST,
            "/api/v1/findings",
            &officer,
            Some(finding.clone()),
        )
        .await;
    assert_eq!(st, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    // Critical: due in 7 days by default.
    assert_eq!(created["due_on"], "2026-12-05");
    let mut bad = finding.clone();
    bad["category"] = json!("not a clause");
    let (st, _) = b
        .api(Method::POST, "/api/v1/findings", &officer, Some(bad))
        .await;
    assert_eq!(st, 422);
    let (_, page) = b
        .api(
            Method::GET,
            "/api/v1/findings?severity=critical&limit=10",
            &officer,
            None,
        )
        .await;
    assert_eq!(page["total"], 1);
    let path = format!("/api/v1/findings/{id}/transitions");
    let (st, v) = b
        .api(
            Method::POST,
            &path,
            &owner,
            Some(json!({ "action": "start_remediation" })),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, _) = b
        .api(
            Method::POST,
            &path,
            &owner,
            Some(json!({ "action": "resolve" })),
        )
        .await;
    assert_eq!(st, 422, "a fix needs its evidence");
    let evidence = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        "openssl version: 3.0.15\n",
    );
    let (st, v) = b
        .api(
            Method::POST,
            &path,
            &owner,
            Some(json!({ "action": "resolve", "reason": "已更新", "evidence_name": "version.txt", "evidence_base64": evidence })),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, _) = b
        .api(
            Method::POST,
            &path,
            &officer,
            Some(json!({ "action": "verify_fix" })),
        )
        .await;
    assert_eq!(st, 403);
    let (st, v) = b
        .api(
            Method::POST,
            &path,
            &auditor,
            Some(json!({ "action": "verify_fix", "reason": "覆查通過" })),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["status"], "closed_fixed");
    assert_eq!(v["history"].as_array().unwrap().len(), 4);
    // Another company: not found, for reading and for changing.
    let (st, _) = b
        .api(Method::GET, &format!("/api/v1/findings/{id}"), &beta, None)
        .await;
    assert_eq!(st, 404);
    let (st, _) = b
        .api(
            Method::POST,
            &path,
            &beta,
            Some(json!({ "action": "reactivate", "reason": "x" })),
        )
        .await;
    assert_eq!(st, 404);
    let (_, dash) = b
        .api(Method::GET, "/api/v1/dashboard", &officer, None)
        .await;
    assert_eq!(dash["findings_by_status"]["closed_fixed"], 1);
    let (_, deadlines) = b
        .api(Method::GET, "/api/v1/deadlines", &officer, None)
        .await;
    assert!(deadlines
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["kind"] == "system_assessment"));
    let mut conn = s.store.pool().acquire().await.unwrap();
    assert_eq!(audit::verify(&mut conn).await.unwrap().first_broken, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_4_2_eval_7_2_eval_8_the_whole_assessment_flow_through_the_rest_api() {
    let s = start().await;
    let (b, t) = token_of(&s, OFFICER).await;
    let (_, owner) = token_of(&s, "acme.system_owner@acme.tw").await;
    let (_, auditor) = token_of(&s, "acme.internal_auditor@acme.tw").await;
    let file = |name: &str, text: &str| json!({ "name": name, "base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, text) });
    let pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let call = |m: Method, p: &str, body: serde_json::Value| {
        let (b, t, p) = (&b, t.clone(), p.to_string());
        async move { b.api(m, &p, &t, Some(body)).await }
    };
    let (st, plan) = call(
        Method::POST,
        "/api/v1/plans",
        json!({ "title": "2027 計畫", "systems": ["CORE"] }),
    )
    .await;
    assert_eq!(st, 201, "{plan}");
    let plan_id = plan["id"]
        .as_i64()
        .or_else(|| plan["plan"]["id"].as_i64())
        .unwrap();
    let (st, v) = call(
        Method::POST,
        &format!("/api/v1/plans/{plan_id}/approve"),
        json!({ "body": "board", "approved_on": "2026-11-20", "resolution_ref": "第 12 屆第 3 次董事會", "document": file("plan.pdf", pdf) }),
    )
    .await;
    assert_eq!(st, 200, "{v}");
    let (st, who) = call(
        Method::POST,
        "/api/v1/assessors",
        json!({ "name": "王評估", "affiliation": "outside_firm", "unit": "安永資安顧問" }),
    )
    .await;
    assert_eq!(st, 201, "{who}");
    let id = who["id"].as_i64().unwrap();
    let qualify = |kind: &'static str| {
        json!({ "kind": kind, "evidence": "certificate", "cert_name": "證照", "cert_number": kind, "cert_issuer": "BSI",
                "expires_on": "2028-06-30", "file": file("cert.pdf", pdf) })
    };
    for kind in [
        "security_management",
        "security_technical",
        "simulated_attack",
    ] {
        let (st, v) = call(
            Method::POST,
            &format!("/api/v1/assessors/{id}/qualifications"),
            qualify(kind),
        )
        .await;
        assert_eq!(st, 200, "{v}");
    }
    let (st, _) = call(
        Method::POST,
        &format!("/api/v1/assessors/{id}/nda"),
        json!({ "signed_on": "2026-11-01", "file": file("nda.pdf", pdf) }),
    )
    .await;
    assert_eq!(st, 200);
    let (st, v) = call(
        Method::POST,
        "/api/v1/assessments",
        json!({ "code": "A2026-01", "title": "年度評估", "systems": ["CORE"], "period_start": "2026-12-01", "period_end": "2026-12-20" }),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let a = "/api/v1/assessments/A2026-01";
    let (st, v) = call(Method::POST, &format!("{a}/team"), json!({ "assessor_id": id, "declared_on": "2026-11-25", "declaration": file("indep.pdf", pdf) })).await;
    assert_eq!(st, 200, "{v}");
    // Class 1: an item left out is refused (EVAL-4.2); all 17 are accepted.
    let items: Vec<serde_json::Value> = (1..=5)
        .flat_map(|g| {
            let n = [3, 3, 3, 3, 5][g - 1];
            (1..=n).map(move |i| json!({ "item": format!("EVAL-4.1.{g}.{i}"), "selected": true }))
        })
        .collect();
    assert_eq!(items.len(), 17);
    let mut short = items.clone();
    short[0] = json!({ "item": "EVAL-4.1.1.1", "selected": false, "reason": "不適用" });
    let (st, _) = call(Method::POST, &format!("{a}/items"), json!(short)).await;
    assert_eq!(st, 200);
    let (st, v) = call(Method::POST, &format!("{a}/start"), json!({})).await;
    assert_eq!(st, 422, "a class-1 item may not be left out");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("EVAL-4.1.1.1"),
        "{v}"
    );
    let (st, v) = call(Method::POST, &format!("{a}/items"), json!(items)).await;
    assert_eq!(st, 200, "{v}");
    // Start refused, naming the missing qualification (EVAL-7.2); then fixed.
    let (st, v) = call(Method::POST, &format!("{a}/start"), json!({})).await;
    assert_eq!(st, 422);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("financial"),
        "{v}"
    );
    let (st, _) = call(
        Method::POST,
        &format!("/api/v1/assessors/{id}/qualifications"),
        qualify("financial_domain"),
    )
    .await;
    assert_eq!(st, 200);
    let (st, v) = call(Method::POST, &format!("{a}/start"), json!({})).await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = call(
        Method::POST,
        &format!("{a}/evidence"),
        json!({ "item": "EVAL-4.1.5.1", "file": file("gpo.txt", "MinimumPasswordLength=8\n") }),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    let (st, _) = call(
        Method::POST,
        &format!("{a}/results"),
        json!({ "item": "EVAL-4.1.5.1", "result": "not_satisfied", "notes": "8 碼" }),
    )
    .await;
    assert_eq!(st, 200);
    let (st, f) = call(
        Method::POST,
        "/api/v1/findings",
        json!({ "system": "CORE", "assessment": "A2026-01", "title": "密碼原則不足", "severity": "medium", "category": "EVAL-4.1.5.1",
                "risk_description": "長度 8 碼", "recommendation": "改為 12 碼", "owner": "acme.system_owner@acme.tw" }),
    )
    .await;
    assert_eq!(st, 201, "{f}");
    let path = format!("/api/v1/findings/{}/transitions", f["id"]);
    let (st, _) = b
        .api(
            Method::POST,
            &path,
            &owner,
            Some(json!({ "action": "start_remediation" })),
        )
        .await;
    assert_eq!(st, 200);
    let evidence = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        "MinimumPasswordLength=12\n",
    );
    let (st, _) = b
        .api(Method::POST, &path, &owner, Some(json!({ "action": "resolve", "evidence_name": "gpo.txt", "evidence_base64": evidence })))
        .await;
    assert_eq!(st, 200);
    let (st, v) = b
        .api(
            Method::POST,
            &path,
            &auditor,
            Some(json!({ "action": "verify_fix" })),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, d) = call(Method::POST, "/api/v1/drills", json!({ "held_on": "2026-10-15", "population": 120, "sent": 120, "opened": 60, "clicked": 12, "submitted": 3, "reported": 30, "material": "年終獎金通知信" })).await;
    assert_eq!(st, 201, "{d}");
    let (_, dash) = b.api(Method::GET, "/api/v1/dashboard", &t, None).await;
    assert_eq!(dash["drill_this_year"], true);
    let mut conn = s.store.pool().acquire().await.unwrap();
    assert_eq!(audit::verify(&mut conn).await.unwrap().first_broken, None);
}
