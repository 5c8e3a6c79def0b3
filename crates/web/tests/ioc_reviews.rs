//! Network-activity reviews in the web application (EVAL-4.1.2.3): a feed
//! and a log uploaded as multipart/form-data with the anti-forgery token in
//! the query, the result page, and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::NaiveDate;
use reqwest::Response;
use support::{start, Browser, Server};
use zilv_store::assessments::{self, NewAssessment};

const OFFICER: &str = "acme.security_officer@acme.tw";
const BOUNDARY: &str = "zilvTestBoundary7MA4YWxk";

const LOG: &str = "#separator \\x09
#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\tanswers
1764288000.5\tC1\t10.0.0.5\t5353\t10.0.0.1\t53\tcdn.evil.example\t203.0.113.7
1764288060.0\tC2\t10.0.0.5\t5353\t10.0.0.1\t53\twww.evil.example\t-
1764288120.0\tC3\t10.0.0.9\t5353\t10.0.0.1\t53\tgood.example\t203.0.113.7
";

/// Assessment A2026 of ACME with its system CORE in scope.
async fn assessment(s: &Server) {
    let mut tx = s.store.begin().await.unwrap();
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
    let sys = zilv_store::systems::by_code(&mut tx, org.id, "CORE")
        .await
        .unwrap()
        .unwrap();
    assessments::add_system(&mut tx, org.id, a.id, sys.id)
        .await
        .unwrap();
    zilv_store::commit(tx).await.unwrap();
}

/// A multipart body of (field, file name, content) parts.
fn multipart(parts: &[(&str, Option<&str>, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(b: &Browser, path: &str, body: Vec<u8>) -> Response {
    let cookies = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    b.client
        .post(format!("{}{path}", b.base))
        .header("cookie", cookies)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_4_1_2_3_uploaded_feed_and_log_give_a_review_with_hits_per_host() {
    let s = start().await;
    assessment(&s).await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let (status, form) = b.page("/ioc-reviews/A2026/new").await;
    assert_eq!(status, 200, "{form}");
    assert!(form.contains("enctype=\"multipart/form-data\""));
    let token = b.csrf().await;
    assert!(
        form.contains(&format!("/ioc-reviews/A2026?_csrf={token}")),
        "{form}"
    );
    let feed = "# feed\nevil.example\n203.0.113.7\n";
    let body = || {
        multipart(&[
            ("indicators", Some("feed.txt"), feed),
            ("server_indicators", None, ""),
            ("indicator_format", None, ""),
            ("logs", Some("dns.log"), LOG),
            ("logs", Some(""), ""),
            ("log_format", None, ""),
        ])
    };

    // Without the token in the query the upload is refused and nothing is recorded.
    let r = upload(&b, "/ioc-reviews/A2026", body()).await;
    assert_eq!(r.status().as_u16(), 403);
    let r = upload(&b, "/ioc-reviews/A2026?_csrf=wrong", body()).await;
    assert_eq!(r.status().as_u16(), 403);
    let (_, list) = b.page("/ioc-reviews/A2026").await;
    assert!(!list.contains("/ioc-reviews/A2026/1\""), "{list}");

    let r = upload(&b, &format!("/ioc-reviews/A2026?_csrf={token}"), body()).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/ioc-reviews/A2026/"), "{to}");
    let (status, page) = b.page(&to).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(support::by_id(&page, "records").unwrap(), "3");
    assert_eq!(support::by_id(&page, "hits").unwrap(), "4");
    assert_eq!(support::by_id(&page, "pairs").unwrap(), "3");
    assert_eq!(support::by_id(&page, "findings-created").unwrap(), "3");
    let table = &page[page.find("id=\"aggregates\"").unwrap()..];
    for needle in [
        "evil.example",
        "203.0.113.7",
        "10.0.0.5",
        "10.0.0.9",
        "2025-11-28 00:00:00",
        "feed.txt",
    ] {
        assert!(table.contains(needle), "{needle} missing from {table}");
    }
    let files = &page[page.find("id=\"files\"").unwrap()..];
    assert!(
        files.contains("dns.log") && files.contains("feed.txt"),
        "{files}"
    );

    // A second upload of the same files records no new finding.
    let r = upload(&b, &format!("/ioc-reviews/A2026?_csrf={token}"), body()).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = b.page(r.headers()["location"].to_str().unwrap()).await;
    assert_eq!(support::by_id(&page, "findings-created").unwrap(), "0");
    assert_eq!(support::by_id(&page, "findings-existing").unwrap(), "3");

    // A file that is no log is named in the refusal, and the form is shown again.
    let bad = multipart(&[
        ("indicators", Some("feed.txt"), feed),
        ("logs", Some("notes.txt"), "just some notes\n"),
    ]);
    let r = upload(&b, &format!("/ioc-reviews/A2026?_csrf={token}"), bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("notes.txt:1:") && text.contains("multipart/form-data"),
        "{text}"
    );

    // Server-side files are refused when the server names no directory.
    let named = multipart(&[
        ("indicators", Some("feed.txt"), feed),
        ("server_logs", None, "dns.log"),
    ]);
    let r = upload(&b, &format!("/ioc-reviews/A2026?_csrf={token}"), named).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("--ioc-dir"));

    // Another company's officer does not see the assessment.
    let mut beta = Browser::new(&s.base);
    beta.sign_in("beta.security_officer@beta.tw").await;
    let (status, _) = beta.page("/ioc-reviews/A2026").await;
    assert_eq!(status, 404);
    let (status, _) = beta.page(&to).await;
    assert_eq!(status, 404);
    let beta_token = beta.csrf().await;
    let r = upload(
        &beta,
        &format!("/ioc-reviews/A2026?_csrf={beta_token}"),
        body(),
    )
    .await;
    assert_eq!(r.status().as_u16(), 404);
    let (_, list) = b.page("/ioc-reviews/A2026").await;
    assert_eq!(
        list.matches("<tr>").count(),
        3,
        "two reviews and the header: {list}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_4_1_2_3_server_side_logs_are_read_from_the_configured_directory_only() {
    use std::sync::Arc;
    let s = start().await;
    assessment(&s).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dns.log"), LOG).unwrap();
    std::fs::write(dir.path().join("feed.txt"), "evil.example\n").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.log"), LOG).unwrap();
    let catalog = zilv_catalog::Registry::builtin()
        .unwrap()
        .latest()
        .unwrap()
        .clone();
    let state = zilv_web::AppState::new(
        s.store.clone(),
        catalog,
        Arc::new(s.clock.clone()),
        zilv_web::Config {
            auth: zilv_services::auth::AuthPolicy::default(),
            secure_cookies: false,
        },
    )
    .with_ioc_dir(dir.path().to_path_buf());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { zilv_web::serve(listener, state).await.unwrap() });

    let mut b = Browser::new(&base);
    b.sign_in(OFFICER).await;
    let token = b.csrf().await;
    let path = format!("/ioc-reviews/A2026?_csrf={token}");
    let escape = format!(
        "../{}/secret.log",
        outside.path().file_name().unwrap().to_str().unwrap()
    );
    let r = upload(
        &b,
        &path,
        multipart(&[
            ("server_indicators", None, "feed.txt"),
            ("server_logs", None, &escape),
        ]),
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("without .."));

    let r = upload(
        &b,
        &path,
        multipart(&[
            ("server_indicators", None, "feed.txt"),
            ("server_logs", None, "dns.log\n"),
        ]),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let (_, page) = b.page(r.headers()["location"].to_str().unwrap()).await;
    assert_eq!(support::by_id(&page, "pairs").unwrap(), "1");
    assert_eq!(support::by_id(&page, "hits").unwrap(), "2");
}
