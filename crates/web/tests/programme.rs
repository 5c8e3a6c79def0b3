//! The assessment programme's registers in the web application: the plan
//! (EVAL-2.1, EVAL-2.2), assessors (EVAL-7.2, EVAL-7.3) and drills (EVAL-6),
//! with permissions and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{by_id, start, Browser, Server};

const OFFICER: &str = "acme.security_officer@acme.tw";
const BETA_OFFICER: &str = "beta.security_officer@beta.tw";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The path a 303 answer sends the browser to.
fn location(r: &reqwest::Response) -> String {
    assert_eq!(r.status().as_u16(), 303, "expected a redirect");
    r.headers()["location"].to_str().unwrap().to_string()
}

async fn officer(s: &Server) -> Browser {
    let mut b = Browser::new(&s.base);
    b.sign_in(OFFICER).await;
    b
}

/// Creates a plan over the seeded system CORE; returns its path.
async fn plan(b: &mut Browser) -> String {
    let (status, form) = b.page("/plans/new").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("value=\"CORE\""),
        "the form offers the registered system"
    );
    let r = b
        .post(
            "/plans",
            &[("title", "2027 年度資安評估計畫"), ("systems", "CORE")],
        )
        .await;
    location(&r)
}

/// Adds an assessor from an outside firm; returns its path.
async fn assessor(b: &mut Browser) -> String {
    let r = b
        .post(
            "/assessors",
            &[
                ("name", "王評估"),
                ("email", "wang@audit.example"),
                ("affiliation", "outside_firm"),
                ("unit", "安永資安顧問"),
            ],
        )
        .await;
    location(&r)
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_2_1_eval_2_2_officer_draws_up_and_approves_the_plan_with_its_document() {
    let s = start().await;
    let mut b = officer(&s).await;
    let (_, list) = b.page("/plans").await;
    assert!(
        list.contains("href=\"/plans\""),
        "the navigation links the plans"
    );
    assert!(list.contains("role=\"alert\""), "no plan yet is a warning");
    let path = plan(&mut b).await;
    let (status, page) = b.page(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"plan-systems\"") && page.contains(">CORE<"));
    assert!(page.contains("class=\"ok\" id=\"plan-coverage\""), "{page}");
    assert!(page.contains("id=\"approve-plan\""));

    // Missing document: refused, the plan page shown again with why.
    let approve = format!("{path}/approve");
    let fields = [
        ("body", "board"),
        ("approved_on", "2026-11-20"),
        ("resolution_ref", "第 12 屆第 3 次董事會"),
    ];
    let r = b.post_multipart(&approve, &fields, None).await;
    assert_eq!(r.status().as_u16(), 422);
    let text = r.text().await.unwrap();
    assert!(text.contains("role=\"alert\"") && text.contains("id=\"approve-plan\""));

    let r = b
        .post_multipart(&approve, &fields, Some(("plan.pdf", PDF)))
        .await;
    assert_eq!(location(&r), path);
    let (_, page) = b.page(&path).await;
    assert_eq!(
        by_id(&page, "plan-approved-on").unwrap().trim(),
        "2026-11-20",
        "{page}"
    );
    assert!(by_id(&page, "plan-document").unwrap().contains("plan.pdf"));
    let due = by_id(&page, "plan-review-due").unwrap();
    assert!(
        due.starts_with("20"),
        "an approved plan has a review date: {due:?}"
    );
    assert!(!page.contains("id=\"approve-plan\""), "approved only once");

    // The list shows it as the plan in force.
    let (_, list) = b.page("/plans").await;
    assert!(list.contains("id=\"plan-in-force\"") && list.contains("plan.pdf"));

    // Approving again is a conflict.
    let r = b
        .post_multipart(&approve, &fields, Some(("plan.pdf", PDF)))
        .await;
    assert_eq!(r.status().as_u16(), 409);
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_2_1_a_plan_missing_a_system_cannot_be_approved() {
    let s = start().await;
    let mut b = officer(&s).await;
    let r = b
        .post(
            "/systems",
            &[
                ("code", "CLAIMS"),
                ("name", "理賠系統"),
                ("class", "2"),
                ("sourcing", "in-house"),
                ("dev_unit", "資訊開發部"),
                ("maint_unit", "資訊維運部"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let path = plan(&mut b).await;
    let (_, page) = b.page(&path).await;
    let problems = page.split("id=\"plan-coverage\"").nth(1).unwrap();
    assert!(problems.contains("CLAIMS"), "{page}");
    let r = b
        .post_multipart(
            &format!("{path}/approve"),
            &[
                ("body", "board"),
                ("approved_on", "2026-11-20"),
                ("resolution_ref", "R-1"),
            ],
            Some(("plan.pdf", PDF)),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("CLAIMS"));
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_2_1_a_system_owner_may_not_create_a_plan() {
    let s = start().await;
    let mut b = Browser::new(&s.base);
    b.sign_in("acme.system_owner@acme.tw").await;
    let (_, home) = b.page("/").await;
    assert!(
        !home.contains("href=\"/plans\""),
        "no link without the permission"
    );
    let r = b
        .post("/plans", &[("title", "越權計畫"), ("systems", "CORE")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_7_2_eval_7_3_officer_adds_an_assessor_with_a_qualification_and_an_nda() {
    let s = start().await;
    let mut b = officer(&s).await;
    let path = assessor(&mut b).await;
    let (status, page) = b.page(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("安永資安顧問"));

    // A certificate without its file is refused (EVAL-7.2).
    let qualify = format!("{path}/qualifications");
    let cert = [
        ("kind", "security_management"),
        ("evidence_kind", "certificate"),
        ("cert_name", "ISO 27001 LA"),
        ("cert_number", "LA-2025-0042"),
        ("cert_issuer", "BSI"),
        ("expires_on", "2028-06-30"),
    ];
    let r = b.post_multipart(&qualify, &cert, None).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("EVAL-7.2"));

    let r = b
        .post_multipart(&qualify, &cert, Some(("cert.pdf", PDF)))
        .await;
    assert_eq!(location(&r), path);
    let r = b
        .post_multipart(
            &qualify,
            &[
                ("kind", "financial_domain"),
                ("evidence_kind", "financial_experience"),
                ("years", "abc"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "a non-number is refused");
    assert!(r.text().await.unwrap().contains("years"));

    let r = b
        .post_multipart(
            &format!("{path}/nda"),
            &[("signed_on", "2026-11-01")],
            Some(("nda.pdf", PDF)),
        )
        .await;
    assert_eq!(location(&r), path);

    let (_, page) = b.page(&path).await;
    let quals = page.split("id=\"assessor-qualifications\"").nth(1).unwrap();
    assert!(
        quals.contains("LA-2025-0042") && quals.contains("cert.pdf"),
        "{page}"
    );
    assert!(
        by_id(&page, "assessor-nda").unwrap().contains("2026-11-01"),
        "{page}"
    );
    let (_, list) = b.page("/assessors").await;
    assert!(list.contains("王評估") && list.contains("LA-2025-0042") && list.contains("nda.pdf"));
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_6_recording_a_drill_clears_the_warning_and_the_dashboard_shows_it() {
    let s = start().await;
    let mut b = officer(&s).await;
    let (_, home) = b.page("/").await;
    let before = by_id(&home, "drill-this-year").unwrap();
    let (_, list) = b.page("/drills").await;
    assert!(list.contains("id=\"no-drill-this-year\""));

    let drill = |held_on: &'static str, clicked: &'static str| {
        [
            ("held_on", held_on),
            ("population", "120"),
            ("sent", "120"),
            ("opened", "60"),
            ("clicked", clicked),
            ("submitted", "5"),
            ("reported", "30"),
            ("material", "年終獎金通知釣魚信"),
        ]
    };
    let r = b.post("/drills", &drill("2026-10-15", "130")).await;
    assert_eq!(r.status().as_u16(), 422, "more clicks than e-mails sent");
    assert!(r.text().await.unwrap().contains("clicked"));

    let r = b.post("/drills", &drill("2026-10-15", "20")).await;
    assert_eq!(location(&r), "/drills");
    let (_, list) = b.page("/drills").await;
    assert!(!list.contains("id=\"no-drill-this-year\""));
    assert!(list.contains("年終獎金通知釣魚信"));
    let (_, home) = b.page("/").await;
    let after = by_id(&home, "drill-this-year").unwrap();
    assert_ne!(before, after);
    assert!(after == "是" || after == "yes", "{after:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_2_1_eval_7_2_another_company_sees_neither_the_plan_nor_the_assessor() {
    let s = start().await;
    let mut b = officer(&s).await;
    let plan_path = plan(&mut b).await;
    let assessor_path = assessor(&mut b).await;
    let mut beta = Browser::new(&s.base);
    beta.sign_in(BETA_OFFICER).await;
    for path in [&plan_path, &assessor_path] {
        let (status, _) = beta.page(path).await;
        assert_eq!(status, 404, "{path}");
    }
    let r = beta
        .post_multipart(
            &format!("{assessor_path}/nda"),
            &[("signed_on", "2026-11-01")],
            Some(("nda.pdf", PDF)),
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let (_, list) = beta.page("/assessors").await;
    assert!(!list.contains("王評估"));
}
