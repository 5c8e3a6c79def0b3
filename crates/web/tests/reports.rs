//! The EVAL-8 report in the web application and the REST API: the gate's
//! list on the assessment page, previews, finalising, byte-identical
//! downloads, five-year retention with the server's clock moved forward,
//! legal hold, the internal audit unit's list, OSCAL documents, roles and
//! tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../services/tests/common/report_fixture.rs"]
mod fixture;
mod support;

use chrono::{Duration, TimeZone, Utc};
use reqwest::Method;
use sha2::{Digest, Sha256};
use support::{by_id, start, start_at, Browser, Server};
use zilv_services::drills::{self, DrillInput};

const OFFICER: &str = "acme.security_officer@acme.tw";
const AUDITOR: &str = "acme.internal_auditor@acme.tw";
const BETA_OFFICER: &str = "beta.security_officer@beta.tw";

/// The markup inside the element with `id`, up to the first `close` tag after it.
fn inner(html: &str, id: &str, close: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let end = html[start..].find(close)? + start;
    Some(html[start..end].to_string())
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The seeded ACME system CORE with assessment A1 set up to pass the gate
/// (but for the drill when `drill` is false), completed when `complete`.
async fn assessed(s: &Server, drill: bool, complete: bool) {
    let mut setup = fixture::setup();
    setup.add_system = false;
    setup.drill = drill;
    setup.complete = complete;
    fixture::assessed(&s.store, setup).await;
}

async fn signed_in(s: &Server, email: &str) -> Browser {
    let mut b = Browser::new(&s.base);
    b.sign_in(email).await;
    b
}

async fn token(b: &mut Browser, scope: &str) -> String {
    let page = b
        .post("/account/tokens", &[("name", "reports"), ("scope", scope)])
        .await
        .text()
        .await
        .unwrap();
    by_id(&page, "new-token").unwrap()
}

/// A GET whose body is bytes: (status, content type, bytes).
async fn bytes(b: &Browser, path: &str, token: Option<&str>) -> (u16, String, Vec<u8>) {
    let mut req = b.client.get(format!("{}{path}", b.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    } else {
        let cookies: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        req = req.header("cookie", cookies.join("; "));
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, kind, r.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_8_report_is_finalised_in_the_pages_and_downloads_byte_identical() {
    let s = start().await;
    assessed(&s, false, true).await;
    let mut b = signed_in(&s, OFFICER).await;

    // The gate lists what is missing, and finalising is refused with it.
    let (st, page) = b.page("/assessments/A1").await;
    assert_eq!(st, 200);
    let problems = inner(&page, "report-problems", "</ul>").expect("the gate's list is shown");
    assert!(problems.contains("EVAL-6"), "{problems}");
    let r = b
        .post("/assessments/A1/report/finalize", &[("lang", "zh-TW")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("EVAL-6"));

    // With the year's drill recorded the report is ready.
    drills::add(
        &s.store,
        &fixture::ctx_on(fixture::ON),
        &DrillInput {
            org: Some("ACME".into()),
            held_on: fixture::ON.into(),
            population: 100,
            sent: 100,
            opened: 40,
            clicked: 9,
            submitted: 2,
            reported: 20,
            material: "理賠通知".into(),
        },
    )
    .await
    .unwrap();
    let (_, page) = b.page("/assessments/A1").await;
    assert!(by_id(&page, "report-ready").is_some(), "{page}");
    let (st, kind, preview) = bytes(&b, "/assessments/A1/report/preview/pdf", None).await;
    assert_eq!((st, kind.as_str()), (200, "application/pdf"));
    assert!(preview.starts_with(b"%PDF-"));

    let r = b
        .post("/assessments/A1/report/finalize", &[("lang", "zh-TW")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = b.page("/assessments/A1").await;
    let files = inner(&page, "report-files", "</table>").expect("the stored files are listed");
    let retention = by_id(&page, "report-retention").unwrap();
    assert!(retention.contains("2031"), "{retention}");
    for format in ["pdf", "html", "xlsx"] {
        let (st, _, first) = bytes(&b, &format!("/assessments/A1/report/{format}"), None).await;
        assert_eq!(st, 200, "{format}");
        assert!(
            files.contains(&sha256(&first)),
            "{format}: the page shows the SHA-256 of what is downloaded"
        );
        let (_, _, again) = bytes(&b, &format!("/assessments/A1/report/{format}"), None).await;
        assert_eq!(first, again, "{format} downloads byte-identical");
    }

    // Finalised means immutable: a second finalisation is refused.
    let r = b
        .post("/assessments/A1/report/finalize", &[("lang", "en")])
        .await;
    assert_eq!(r.status().as_u16(), 409);

    // The internal audit unit sees it in its list, with the open finding.
    let mut auditor = signed_in(&s, AUDITOR).await;
    let (st, list) = auditor.page("/reports").await;
    assert_eq!(st, 200);
    let rows = inner(&list, "reports", "</table>").unwrap();
    assert!(rows.contains("A1") && rows.contains("1 / 1"), "{rows}");
    // It may read, not finalise or delete.
    let r = auditor.post("/assessments/A1/report/delete", &[]).await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_8_deletion_is_refused_for_five_years_through_pages_and_api_and_audited_after() {
    // Finalised in 2020, so that its five years have passed by the
    // database's own clock too (its triggers compare with the real date).
    let s = start_at(Utc.with_ymd_and_hms(2020, 11, 28, 2, 0, 0).unwrap()).await;
    let mut setup = fixture::setup();
    setup.add_system = false;
    setup.on = "2020-11-20";
    fixture::assessed(&s.store, setup).await;
    let mut b = signed_in(&s, OFFICER).await;
    let t = token(&mut b, "write").await;
    let (st, v) = b
        .api(
            Method::POST,
            "/api/v1/assessments/A1/report/finalize",
            &t,
            Some(serde_json::json!({ "lang": "en" })),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["retention_until"], "2025-11-28");
    let recorded = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["format"] == "pdf")
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let (st, _, pdf) = bytes(&b, "/api/v1/assessments/A1/report/files/pdf", Some(&t)).await;
    assert_eq!(st, 200);
    assert_eq!(sha256(&pdf), recorded);

    // Refused on the last day of retention, through the page and the API
    // (signed in again: the session has long expired).
    s.clock.advance(Duration::days(365 * 5));
    b.sign_in(OFFICER).await;
    let r = b.post("/assessments/A1/report/delete", &[]).await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().await.unwrap().contains("2025-11-28"));
    let (st, v) = b
        .api(Method::DELETE, "/api/v1/assessments/A1/report", &t, None)
        .await;
    assert_eq!(st, 409, "{v}");

    // After it: a legal hold still keeps it, until released.
    s.clock.advance(Duration::days(2));
    b.sign_in(OFFICER).await;
    let (st, v) = b
        .api(
            Method::POST,
            "/api/v1/assessments/A1/report/legal-hold",
            &t,
            Some(serde_json::json!({ "reason": "訴訟保全：保戶資料外洩案" })),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = b
        .api(Method::DELETE, "/api/v1/assessments/A1/report", &t, None)
        .await;
    assert_eq!(st, 409, "{v}");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("legal hold"));
    let (st, _) = b
        .api(
            Method::DELETE,
            "/api/v1/assessments/A1/report/legal-hold",
            &t,
            None,
        )
        .await;
    assert_eq!(st, 200);
    let r = b.post("/assessments/A1/report/delete", &[]).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let (_, page) = b.page("/assessments/A1").await;
    assert!(by_id(&page, "report-deleted").unwrap().contains(OFFICER));
    let (st, _, _) = bytes(&b, "/api/v1/assessments/A1/report/files/pdf", Some(&t)).await;
    assert_eq!(st, 409, "the bytes are gone");
    let (_, audit) = b
        .api(Method::GET, "/api/v1/audit?action=report.delete", &t, None)
        .await;
    assert!(audit.to_string().contains("report.delete"), "{audit}");
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_8_report_of_another_company_is_not_found_and_of_an_open_assessment_refused() {
    let s = start().await;
    assessed(&s, true, false).await;
    let mut b = signed_in(&s, OFFICER).await;
    let (st, _, body) = bytes(&b, "/assessments/A1/report/preview/pdf", None).await;
    assert_eq!(st, 409);
    assert!(String::from_utf8_lossy(&body).contains("complete it first"));
    let t = token(&mut b, "read").await;
    let (st, v) = b
        .api(
            Method::GET,
            "/api/v1/assessments/A1/report/problems",
            &t,
            None,
        )
        .await;
    assert_eq!(st, 409, "{v}");

    let mut beta = signed_in(&s, BETA_OFFICER).await;
    let bt = token(&mut beta, "read").await;
    for path in [
        "/assessments/A1/report/preview/pdf",
        "/assessments/A1/report/pdf",
        "/assessments/A1/report/oscal/poam.json",
    ] {
        let (st, _, _) = bytes(&beta, path, None).await;
        assert_eq!(st, 404, "{path}");
    }
    for path in [
        "/api/v1/assessments/A1/report",
        "/api/v1/assessments/A1/report/problems",
        "/api/v1/assessments/A1/report/render/pdf",
        "/api/v1/assessments/A1/report/files/pdf",
    ] {
        let (st, _, _) = bytes(&beta, path, Some(&bt)).await;
        assert_eq!(st, 404, "{path}");
    }
    // An unknown format is named.
    let (st, _, body) = bytes(&b, "/assessments/A1/report/preview/docx", None).await;
    assert_eq!(st, 422);
    assert!(String::from_utf8_lossy(&body).contains("docx"));
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_8_oscal_documents_of_a_completed_assessment_over_the_api() {
    let s = start().await;
    assessed(&s, true, true).await;
    let mut b = signed_in(&s, OFFICER).await;
    let t = token(&mut b, "read").await;
    let (st, kind, body) = bytes(
        &b,
        "/api/v1/assessments/A1/report/oscal/assessment-results.json",
        Some(&t),
    )
    .await;
    assert_eq!((st, kind.as_str()), (200, "application/json"));
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let findings = doc["assessment-results"]["results"][0]["findings"]
        .as_array()
        .unwrap();
    assert_eq!(findings.len(), 1);
    let (st, _, body) = bytes(
        &b,
        "/api/v1/assessments/A1/report/oscal/poam.json",
        Some(&t),
    )
    .await;
    assert_eq!(st, 200);
    let poam: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let items = poam["plan-of-action-and-milestones"]["poam-items"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0].to_string().contains("TLS"));
    let (st, _, _) = bytes(&b, "/api/v1/assessments/A1/report/oscal/ssp.json", Some(&t)).await;
    assert_eq!(st, 404);
}
