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

/// Adds a certificate-backed qualification of `kind` to the assessor at `path`.
async fn qualify(b: &mut Browser, path: &str, kind: &str, number: &str) {
    let r = b
        .post_multipart(
            &format!("{path}/qualifications"),
            &[
                ("kind", kind),
                ("evidence_kind", "certificate"),
                ("cert_name", "資安證照"),
                ("cert_number", number),
                ("cert_issuer", "BSI"),
                ("expires_on", "2028-06-30"),
            ],
            Some(("cert.pdf", PDF)),
        )
        .await;
    assert_eq!(location(&r), path);
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_4_2_eval_7_2_eval_8_the_whole_assessment_flow_in_the_web_application() {
    let s = start().await;
    let mut b = officer(&s).await;
    // Plan, approved with its document (EVAL-2.1, EVAL-2.2).
    let plan_path = plan(&mut b).await;
    let r = b
        .post_multipart(
            &format!("{plan_path}/approve"),
            &[
                ("body", "board"),
                ("approved_on", "2026-11-20"),
                ("resolution_ref", "第 12 屆第 3 次董事會"),
            ],
            Some(("plan.pdf", PDF)),
        )
        .await;
    assert_eq!(location(&r), plan_path);
    // An outside assessor with three of the four qualifications and an NDA.
    let who = assessor(&mut b).await;
    let assessor_id = who.rsplit('/').next().unwrap().to_string();
    for (kind, n) in [
        ("security_management", "M-1"),
        ("security_technical", "T-1"),
        ("simulated_attack", "A-1"),
    ] {
        qualify(&mut b, &who, kind, n).await;
    }
    let r = b
        .post_multipart(
            &format!("{who}/nda"),
            &[("signed_on", "2026-11-01")],
            Some(("nda.pdf", PDF)),
        )
        .await;
    assert_eq!(location(&r), who);
    // The assessment of CORE (class 1): created, team added, all items chosen.
    let (st, form) = b.page("/assessments/new").await;
    assert_eq!(st, 200);
    assert!(form.contains("value=\"CORE\""));
    let r = b
        .post(
            "/assessments",
            &[
                ("code", "A2026-01"),
                ("title", "核心系統年度評估"),
                ("systems", "CORE"),
                ("period_start", "2026-12-01"),
                ("period_end", "2026-12-20"),
                ("countermeasures", "雙機備援；異地備份"),
            ],
        )
        .await;
    let a = location(&r);
    assert_eq!(a, "/assessments/A2026-01");
    let r = b
        .post_multipart(
            &format!("{a}/team"),
            &[("assessor", &assessor_id), ("declared_on", "2026-11-25")],
            Some(("independence.pdf", PDF)),
        )
        .await;
    assert_eq!(location(&r), a);
    let mut items: Vec<(String, String)> = Vec::new();
    let (_, page) = b.page(&a).await;
    for part in page.split("name=\"choice:").skip(1) {
        let id = &part[..part.find('"').unwrap()];
        items.push((format!("choice:{id}"), "selected".into()));
    }
    assert_eq!(items.len(), 17, "the 17 items of EVAL-4.1 are offered");
    let form: Vec<(&str, &str)> = items
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(location(&b.post(&format!("{a}/items"), &form).await), a);
    // Class 1 needs all four qualifications (EVAL-7.2): starting is refused, naming the missing one.
    let (_, page) = b.page(&a).await;
    let problems = page.split("id=\"start-problems\"").nth(1).unwrap();
    assert!(problems.contains("financial"), "{problems}");
    let r = b.post(&format!("{a}/start"), &[]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("financial"));
    // Fixed: the fourth qualification; now it starts.
    qualify(&mut b, &who, "financial_domain", "F-1").await;
    assert_eq!(location(&b.post(&format!("{a}/start"), &[]).await), a);
    let (_, page) = b.page(&a).await;
    assert_eq!(by_id(&page, "assessment-status").unwrap(), "進行中");
    // Evidence of an item, stored content-addressed.
    let r = b
        .post_multipart(
            &format!("{a}/evidence"),
            &[("item", "EVAL-4.1.5.1")],
            Some(("gpo.txt", b"MinimumPasswordLength=8\n")),
        )
        .await;
    assert_eq!(location(&r), a);
    let (_, page) = b.page(&a).await;
    assert!(page
        .split("id=\"evidence\"")
        .nth(1)
        .unwrap()
        .contains("gpo.txt"));
    // Results, then a finding of the assessment, remediated and verified (EVAL-8).
    let r = b
        .post(
            &format!("{a}/results"),
            &[
                ("item", "EVAL-4.1.5.1"),
                ("result", "not_satisfied"),
                ("notes", "密碼長度 8 碼"),
            ],
        )
        .await;
    assert_eq!(location(&r), a);
    let r = b
        .post(
            "/findings",
            &[
                ("system", "CORE"),
                ("assessment", "A2026-01"),
                ("title", "密碼原則不足"),
                ("severity", "medium"),
                ("category", "EVAL-4.1.5.1"),
                ("risk_description", "密碼長度僅 8 碼"),
                ("recommendation", "調整為 12 碼以上並啟用鎖定"),
                ("owner", "acme.system_owner@acme.tw"),
            ],
        )
        .await;
    let finding = location(&r);
    let mut owner = Browser::new(&s.base);
    owner.sign_in("acme.system_owner@acme.tw").await;
    let r = owner
        .post_multipart(
            &format!("{finding}/transition"),
            &[("action", "start_remediation")],
            None,
        )
        .await;
    assert_eq!(location(&r), finding);
    let r = owner
        .post_multipart(
            &format!("{finding}/transition"),
            &[("action", "resolve"), ("reason", "已調整")],
            Some(("gpo.txt", b"MinimumPasswordLength=12\n")),
        )
        .await;
    assert_eq!(location(&r), finding);
    let mut auditor = Browser::new(&s.base);
    auditor.sign_in("acme.internal_auditor@acme.tw").await;
    let r = auditor
        .post_multipart(
            &format!("{finding}/transition"),
            &[("action", "verify_fix"), ("reason", "覆查通過")],
            None,
        )
        .await;
    assert_eq!(location(&r), finding);
    let (_, list) = b.page("/findings?assessment=A2026-01").await;
    assert!(list.contains("密碼原則不足"));
    let r = b.get("/findings/export.xlsx?assessment=A2026-01").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(
        r.bytes().await.unwrap().starts_with(b"PK"),
        "an XLSX is a zip"
    );
    // The audit trail holds it all and is intact.
    let (_, csv) = b.page("/audit/export.csv?object_type=assessment").await;
    assert!(csv.lines().count() > 3, "{csv}");
    let mut conn = s.store.pool().acquire().await.unwrap();
    assert_eq!(
        zilv_store::audit::verify(&mut conn)
            .await
            .unwrap()
            .first_broken,
        None
    );
}
