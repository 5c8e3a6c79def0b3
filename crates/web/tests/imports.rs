//! Scanner report imports through the REST API and the upload page, on a
//! real server on port 0 over SQLite or PostgreSQL (ZILV_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;
use std::io::Write;

use reqwest::Method;
use serde_json::Value;
use support::{by_id, start, Browser, Server};

const OFFICER: &str = "acme.security_officer@acme.tw";

fn sample(rel: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../../shared/samples/scans/{rel}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fingerprints(rel: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    zilv_scans::parse(&sample(rel)[..], rel, None, |f| {
        out.insert(f.fingerprint);
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap();
    out
}

async fn token(b: &mut Browser, who: &str, scope: &str) -> String {
    b.sign_in(who).await;
    let page = b
        .post("/account/tokens", &[("name", "import"), ("scope", scope)])
        .await
        .text()
        .await
        .unwrap();
    by_id(&page, "new-token").unwrap()
}

async fn post_raw(b: &Browser, path: &str, token: &str, body: Vec<u8>) -> (u16, Value) {
    let res = b
        .client
        .post(format!("{}{path}", b.base))
        .bearer_auth(token)
        .header("content-type", "application/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn import_events(s: &Server) -> usize {
    let mut conn = s.store.pool().acquire().await.unwrap();
    zilv_store::audit::recent(&mut conn, None, 10_000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "import.apply")
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_4_1_4_1_api_import_with_a_bearer_token_dry_run_gzip_and_rescan() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    let t = token(&mut b, OFFICER, "write").await;
    let first = fingerprints("zap/zap-results-first-scan.xml");
    let second = fingerprints("zap/zap-results-second-scan.xml");

    let (st, dry) = post_raw(
        &b,
        "/api/v1/imports?system=CORE&dry_run=true",
        &t,
        sample("zap/zap-results-first-scan.xml"),
    )
    .await;
    assert_eq!(st, 200, "{dry}");
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["total"]["new"], first.len() as u64);
    assert_eq!(import_events(&s).await, 0);

    let (st, r) = post_raw(
        &b,
        "/api/v1/imports?system=CORE&name=first.xml",
        &t,
        sample("zap/zap-results-first-scan.xml"),
    )
    .await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["total"]["new"], first.len() as u64);
    assert_eq!(r["files"][0]["name"], "first.xml");
    assert_eq!(r["files"][0]["format"], "zap-xml");
    assert_eq!(import_events(&s).await, 1);

    // The second scan, gzipped.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&sample("zap/zap-results-second-scan.xml"))
        .unwrap();
    let (st, r) = post_raw(&b, "/api/v1/imports?system=CORE", &t, gz.finish().unwrap()).await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["total"]["new"], second.difference(&first).count() as u64);
    assert_eq!(
        r["total"]["unchanged"],
        second.intersection(&first).count() as u64
    );
    assert_eq!(
        r["total"]["closed"],
        first.difference(&second).count() as u64
    );
    assert_eq!(r["total"]["reactivated"], 0);
    assert_eq!(import_events(&s).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn api_import_refusals_another_organisation_is_not_found() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    let t = token(&mut b, OFFICER, "write").await;
    let body = || sample("nmap/nmap_multiple_port.xml");
    // BETA's system, seen from ACME: not found.
    let (st, r) = post_raw(&b, "/api/v1/imports?system=NETBUY", &t, body()).await;
    assert_eq!(st, 404, "{r}");
    let (st, _) = post_raw(&b, "/api/v1/imports?system=NOPE", &t, body()).await;
    assert_eq!(st, 404);
    let (st, _) = post_raw(&b, "/api/v1/imports", &t, body()).await;
    assert_eq!(st, 400);
    let (st, r) = post_raw(
        &b,
        "/api/v1/imports?system=CORE&name=half.xml",
        &t,
        body()[..500].to_vec(),
    )
    .await;
    assert_eq!(st, 422, "{r}");
    let msg = r["error"]["message"].as_str().unwrap();
    assert!(msg.starts_with("half.xml: "), "{msg}");
    let (st, _) = post_raw(&b, "/api/v1/imports?system=CORE&format=qualys", &t, body()).await;
    assert_eq!(st, 422);
    // A read-only token, and a role that may not import.
    let mut reader = Browser::new(&s.base);
    let ro = token(&mut reader, OFFICER, "read").await;
    let (st, _) = post_raw(&reader, "/api/v1/imports?system=CORE", &ro, body()).await;
    assert_eq!(st, 403);
    let mut hr = Browser::new(&s.base);
    let hr_token = token(&mut hr, "acme.hr@acme.tw", "write").await;
    let (st, _) = post_raw(&hr, "/api/v1/imports?system=CORE", &hr_token, body()).await;
    assert_eq!(st, 403);
    assert_eq!(import_events(&s).await, 0);
    // Without a token: 401.
    let res = b
        .client
        .post(format!("{}/api/v1/imports?system=CORE", b.base))
        .body(body())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    // The operation is documented.
    let (_, doc) = b.api(Method::GET, "/api/openapi.json", &t, None).await;
    let op = &doc["paths"]["/api/v1/imports"]["post"];
    assert!(op["requestBody"]["content"]["*/*"].is_object(), "{op}");
    assert_eq!(op["parameters"][0]["name"], "system");
}

/// A multipart body with text fields and one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----zilv-test-boundary-7d1f";
    let mut out = Vec::new();
    for (k, v) in fields {
        write!(
            out,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        )
        .unwrap();
    }
    write!(
        out,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
        file.0
    )
    .unwrap();
    out.extend_from_slice(file.1);
    write!(out, "\r\n--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), out)
}

async fn upload(
    b: &Browser,
    action: &str,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> (u16, String) {
    let (ct, body) = multipart(fields, file);
    let cookie: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    // A fresh connection each time: a refused upload's connection is closed
    // by the server before the body is read.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let res = client
        .post(format!("{}{action}", b.base))
        .header("cookie", cookie.join("; "))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let st = res.status().as_u16();
    (st, res.text().await.unwrap())
}

fn form_action(html: &str) -> String {
    let at = html.find("id=\"import-form\"").expect("the import form");
    let rest = &html[at..];
    let start = rest.find("action=\"").unwrap() + 8;
    let end = rest[start..].find('"').unwrap();
    rest[start..start + end].replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_4_1_3_1_upload_page_imports_a_report_and_shows_the_summary() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    let (_, systems) = b.page("/systems").await;
    assert!(systems.contains("href=\"/imports/new\""), "no import link");
    let (st, page) = b.page("/imports/new").await;
    assert_eq!(st, 200);
    let action = form_action(&page);
    assert!(action.starts_with("/imports?_csrf="), "{action}");
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let report = sample("nessus/nessus_many_vuln.xml");
    let expected = fingerprints("nessus/nessus_many_vuln.xml");

    // Without the token in the query string: refused, nothing imported.
    let small = sample("nmap/nmap_multiple_port.xml");
    let (st, _) = upload(&b, "/imports", &[("system", "CORE")], ("scan.xml", &small)).await;
    assert_eq!(st, 403);
    let (st, _) = upload(
        &b,
        "/imports?_csrf=not-the-token",
        &[("system", "CORE")],
        ("scan.xml", &small),
    )
    .await;
    assert_eq!(st, 403);
    assert_eq!(import_events(&s).await, 0);

    // A dry run, then the import.
    let (st, html) = upload(
        &b,
        &action,
        &[("system", "CORE"), ("format", ""), ("dry_run", "true")],
        ("scan.nessus", &report),
    )
    .await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains("id=\"dry-run\""));
    assert_eq!(import_events(&s).await, 0);
    let (st, html) = upload(
        &b,
        &action,
        &[("system", "CORE"), ("format", "nessus")],
        ("scan.nessus", &report),
    )
    .await;
    assert_eq!(st, 200, "{html}");
    assert!(!html.contains("id=\"dry-run\""));
    let total = &html[html.find("id=\"import-total\"").unwrap()..];
    let cells: Vec<&str> = total
        .split("<td>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap())
        .collect();
    assert_eq!(cells[1], expected.len().to_string(), "{cells:?}");
    assert_eq!(cells[2], expected.len().to_string(), "{cells:?}");
    assert!(html.contains("scan.nessus"));
    assert_eq!(import_events(&s).await, 1);

    // A broken report: the form again with the reason, nothing imported.
    let (st, html) = upload(
        &b,
        &action,
        &[("system", "CORE")],
        ("broken.nessus", &report[..report.len() / 2]),
    )
    .await;
    assert_eq!(st, 422);
    assert!(html.contains("broken.nessus: "), "{html}");
    assert_eq!(import_events(&s).await, 1);

    // Who may not import sees no link and gets 403.
    let mut hr = Browser::new(&s.base);
    hr.sign_in("acme.hr@acme.tw").await;
    let (_, systems) = hr.page("/systems").await;
    assert!(!systems.contains("href=\"/imports/new\""));
    let (st, _) = hr.page("/imports/new").await;
    assert_eq!(st, 403);
}
