//! The security-assessment lifecycle (EVAL-2 to EVAL-8) through the use
//! cases, against a real database (SQLite or PostgreSQL, per ZILV_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use zilv_catalog::{Parameters, Registry};
use zilv_domain::{DueStatus, RemediationPolicy, Role};
use zilv_services::assessments::{AssessmentInput, DecisionInput, ResultInput};
use zilv_services::assessors::{AssessorInput, QualificationInput};
use zilv_services::drills::DrillInput;
use zilv_services::files::Upload;
use zilv_services::findings::{FindingInput, ListQuery, TransitionInput};
use zilv_services::orgs::NewOrg;
use zilv_services::plans::{ApprovalInput, PlanInput};
use zilv_services::systems::SystemInput;
use zilv_services::{
    assessments, assessors, audit, dashboard, drills, files, findings, orgs, plans, systems, Ctx,
    Principal, ServiceError,
};
use zilv_store::users::{self, NewUser};
use zilv_store::Store;
use zilv_testkit::TestDb;

const TODAY: &str = "2026-11-28";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ctx_on(today: &str) -> Ctx {
    let d = day(today);
    Ctx::operator(
        "test",
        Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).unwrap()),
        d,
    )
}

fn ctx() -> Ctx {
    ctx_on(TODAY)
}

fn params() -> Parameters {
    Registry::builtin().unwrap().latest().unwrap().params
}

fn pdf(name: &str) -> Upload {
    Upload {
        name: name.into(),
        bytes: format!("%PDF-1.4 {name}").into_bytes(),
    }
}

fn policy() -> RemediationPolicy {
    RemediationPolicy::default()
}

async fn company(store: &Store, code: &str) {
    orgs::add(
        store,
        &ctx(),
        &NewOrg {
            code: code.into(),
            name: format!("{code} 產物保險"),
            kind: "company".into(),
        },
    )
    .await
    .unwrap();
}

async fn system(store: &Store, org: &str, code: &str, class: &str, last: Option<&str>) {
    systems::add(
        store,
        &ctx(),
        &params(),
        &SystemInput {
            org: Some(org.into()),
            code: code.into(),
            name: format!("系統 {code}"),
            class: class.into(),
            sourcing: "in-house".into(),
            dev_unit: "資訊開發部".into(),
            maint_unit: "資訊維運部".into(),
            last_assessed: last.map(Into::into),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

async fn setup() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.open().await;
    company(&store, "ACME").await;
    company(&store, "OTHER").await;
    (db, store)
}

/// A user of `org` with `role`, signed in.
async fn user_ctx(store: &Store, org: &str, email: &str, role: Role) -> Ctx {
    let mut conn = store.pool().acquire().await.unwrap();
    let o = zilv_store::orgs::by_code(&mut conn, org)
        .await
        .unwrap()
        .unwrap();
    let u = users::insert(
        &mut conn,
        &NewUser {
            org_id: o.id,
            email,
            display_name: email,
            role,
            password_hash: "not-a-hash",
            must_change_password: false,
        },
        "2026-11-28T00:00:00.000000Z",
    )
    .await
    .unwrap();
    let p = Principal {
        user_id: u.id,
        org_id: o.id,
        org_code: o.code,
        org_name: o.name,
        org_kind: o.kind,
        email: u.email,
        display_name: u.display_name,
        role,
        may_write: true,
    };
    let c = ctx();
    Ctx::user(p, "127.0.0.1", c.now, c.today)
}

fn invalid(e: ServiceError) -> String {
    match e {
        ServiceError::Invalid(i) => i.to_string(),
        other => panic!("expected a refusal of the input, got {other:?}"),
    }
}

/// An assessor with all four qualifications, a signed NDA.
async fn qualified(store: &Store, org: &str, name: &str, unit: &str, user: Option<&str>) -> i64 {
    let a = assessors::add(
        store,
        &ctx(),
        &AssessorInput {
            org: Some(org.into()),
            name: name.into(),
            affiliation: "inside".into(),
            unit: unit.into(),
            user_email: user.map(Into::into),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for kind in [
        "security_management",
        "security_technical",
        "simulated_attack",
    ] {
        certificate(store, org, a.assessor.id, kind, Some("2028-01-01")).await;
    }
    assessors::qualify(
        store,
        &ctx(),
        &QualificationInput {
            org: Some(org.into()),
            assessor_id: a.assessor.id,
            kind: "financial_domain".into(),
            evidence: "financial_experience".into(),
            years: Some(5),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assessors::record_nda(
        store,
        &ctx(),
        Some(org),
        a.assessor.id,
        "2026-11-01",
        &pdf("nda.pdf"),
    )
    .await
    .unwrap();
    a.assessor.id
}

async fn certificate(store: &Store, org: &str, id: i64, kind: &str, expires: Option<&str>) {
    assessors::qualify(
        store,
        &ctx(),
        &QualificationInput {
            org: Some(org.into()),
            assessor_id: id,
            kind: kind.into(),
            evidence: "certificate".into(),
            cert_name: format!("{kind} cert"),
            cert_number: format!("N-{id}-{kind}"),
            cert_issuer: "Issuer".into(),
            expires_on: expires.map(Into::into),
            file: Some(pdf("cert.pdf")),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

async fn assessment(store: &Store, org: &str, code: &str, systems: &[&str]) {
    assessments::create(
        store,
        &ctx(),
        &AssessmentInput {
            org: Some(org.into()),
            code: code.into(),
            title: format!("Assessment {code}"),
            systems: systems.iter().map(|s| s.to_string()).collect(),
            period_start: "2026-11-28".into(),
            period_end: "2026-12-31".into(),
            countermeasures: "EVAL-5: redundancy and backups".into(),
        },
    )
    .await
    .unwrap();
}

async fn join(store: &Store, org: &str, code: &str, assessor: i64) {
    assessments::add_member(
        store,
        &ctx(),
        Some(org),
        code,
        assessor,
        Some("2026-11-20"),
        Some(&pdf("declaration.pdf")),
    )
    .await
    .unwrap();
}

fn all_items() -> Vec<DecisionInput> {
    zilv_domain::AssessmentItem::ALL
        .iter()
        .map(|i| DecisionInput {
            item: i.clause().into(),
            selected: true,
            reason: String::new(),
        })
        .collect()
}

async fn units(store: &Store, org: &str) {
    assessors::set_independent_units(store, &ctx(), Some(org), &["稽核室".into()])
        .await
        .unwrap();
}

/// A class-1 system with a ready assessment `A1` (team, items), not started.
async fn ready(store: &Store) -> i64 {
    system(store, "ACME", "CORE", "1", None).await;
    units(store, "ACME").await;
    let id = qualified(store, "ACME", "王評估", "稽核室", None).await;
    assessment(store, "ACME", "A1", &["CORE"]).await;
    join(store, "ACME", "A1", id).await;
    assessments::set_items(store, &ctx(), Some("ACME"), "A1", &all_items())
        .await
        .unwrap();
    id
}

async fn complete_all(store: &Store, code: &str) {
    for i in zilv_domain::AssessmentItem::ALL {
        assessments::record_result(
            store,
            &ctx(),
            &ResultInput {
                org: Some("ACME".into()),
                code: code.into(),
                item: i.clause().into(),
                result: "satisfied".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    assessments::complete(store, &ctx(), Some("ACME"), code)
        .await
        .unwrap();
}

#[tokio::test]
async fn eval_2_2_plan_approved_by_the_board_and_management_needs_the_boards_authorisation() {
    let (_db, store) = setup().await;
    system(&store, "ACME", "WEB", "2", None).await;
    let plan = plans::create(
        &store,
        &ctx(),
        &params(),
        &PlanInput {
            org: Some("ACME".into()),
            title: "115 年度資安評估計畫".into(),
            systems: vec![],
        },
    )
    .await
    .unwrap();
    let mut approval = ApprovalInput {
        org: Some("ACME".into()),
        plan_id: plan.plan.id,
        body: "authorised_management".into(),
        approved_on: "2026-11-01".into(),
        resolution_ref: "總經理核定 115-07".into(),
        document: pdf("plan.pdf"),
        ..Default::default()
    };
    let e = plans::approve(&store, &ctx(), &params(), &approval)
        .await
        .unwrap_err();
    assert!(invalid(e).contains("board's authorisation"));
    approval.body = "board".into();
    approval.resolution_ref = "第 12 屆第 5 次董事會".into();
    let v = plans::approve(&store, &ctx(), &params(), &approval)
        .await
        .unwrap();
    assert_eq!(v.plan.approved_on, Some(day("2026-11-01")));
    assert_eq!(v.plan.approving_body.as_deref(), Some("board"));
    assert_eq!(v.review_due.unwrap().on, day("2029-11-01"));
    let sha = v.plan.document_sha256.clone().unwrap();
    let (info, bytes) = files::get(&store, &ctx(), Some("ACME"), &sha)
        .await
        .unwrap();
    assert_eq!(info.media_type, "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    // EVAL-2.2: three years on, the review is due.
    let later = dashboard::summary(&store, &ctx_on("2029-11-02"), &params(), Some("ACME"))
        .await
        .unwrap();
    assert!(matches!(
        later.plan_review_status,
        DueStatus::Overdue { .. }
    ));
    let now = dashboard::summary(&store, &ctx(), &params(), Some("ACME"))
        .await
        .unwrap();
    assert!(matches!(now.plan_review_status, DueStatus::OnTrack { .. }));
    assert!(audit::verify(&store).await.unwrap().first_broken.is_none());
}

#[tokio::test]
async fn eval_2_1_a_plan_missing_a_system_is_not_approved_and_the_dashboard_names_it() {
    let (_db, store) = setup().await;
    system(&store, "ACME", "WEB", "2", None).await;
    system(&store, "ACME", "HR", "3", None).await;
    let plan = plans::create(
        &store,
        &ctx(),
        &params(),
        &PlanInput {
            org: Some("ACME".into()),
            title: "plan".into(),
            systems: vec!["WEB".into()],
        },
    )
    .await
    .unwrap();
    let approval = ApprovalInput {
        org: Some("ACME".into()),
        plan_id: plan.plan.id,
        body: "board".into(),
        approved_on: "2026-11-01".into(),
        resolution_ref: "board 5".into(),
        document: pdf("plan.pdf"),
        ..Default::default()
    };
    let e = plans::approve(&store, &ctx(), &params(), &approval)
        .await
        .unwrap_err();
    assert!(invalid(e).contains("system HR is not in the plan"));
    let d = dashboard::summary(&store, &ctx(), &params(), Some("ACME"))
        .await
        .unwrap();
    assert_eq!(d.systems_missing_from_plan, vec!["HR", "WEB"]);
    let full = plans::create(
        &store,
        &ctx(),
        &params(),
        &PlanInput {
            org: Some("ACME".into()),
            title: "plan".into(),
            systems: vec![],
        },
    )
    .await
    .unwrap();
    plans::approve(
        &store,
        &ctx(),
        &params(),
        &ApprovalInput {
            plan_id: full.plan.id,
            ..approval
        },
    )
    .await
    .unwrap();
    let d = dashboard::summary(&store, &ctx(), &params(), Some("ACME"))
        .await
        .unwrap();
    assert!(d.systems_missing_from_plan.is_empty());
}

#[tokio::test]
async fn eval_3_1_a_completed_assessment_restarts_the_class_cycle() {
    let (_db, store) = setup().await;
    ready(&store).await;
    // Refused case: never assessed, the class-1 system is due at once.
    let before = systems::show(&store, &ctx(), &params(), Some("ACME"), "CORE")
        .await
        .unwrap();
    assert_eq!(before.next_due.on, day(TODAY));
    assessments::start(&store, &ctx(), Some("ACME"), "A1")
        .await
        .unwrap();
    complete_all(&store, "A1").await;
    let after = systems::show(&store, &ctx(), &params(), Some("ACME"), "CORE")
        .await
        .unwrap();
    assert_eq!(after.next_due.on, day("2027-11-28"));
    let d = dashboard::summary(&store, &ctx_on("2027-12-01"), &params(), Some("ACME"))
        .await
        .unwrap();
    assert_eq!(d.systems_overdue.len(), 1);
    assert_eq!(d.systems_overdue[0].system, "CORE");
}

#[tokio::test]
async fn eval_3_2_a_major_incident_harming_consumers_brings_the_assessment_forward() {
    let (_db, store) = setup().await;
    system(&store, "ACME", "WEB", "3", Some("2026-01-10")).await;
    system(&store, "ACME", "HR", "3", Some("2026-01-10")).await;
    systems::record_incident(
        &store,
        &ctx(),
        Some("ACME"),
        "WEB",
        "2026-11-01",
        true,
        "個資外洩",
    )
    .await
    .unwrap();
    systems::record_incident(
        &store,
        &ctx(),
        Some("ACME"),
        "HR",
        "2026-11-01",
        false,
        "停機",
    )
    .await
    .unwrap();
    let deadlines = dashboard::deadlines(&store, &ctx(), &params(), Some("ACME"))
        .await
        .unwrap();
    let web = deadlines
        .iter()
        .find(|d| d.url_path == "/systems/WEB")
        .unwrap();
    assert_eq!(web.date, day("2027-02-01"));
    assert!(web.title.contains("EVAL-3.2"));
    let hr = deadlines
        .iter()
        .find(|d| d.url_path == "/systems/HR")
        .unwrap();
    assert_eq!(hr.date, day("2031-01-10"));
}

#[tokio::test]
async fn eval_4_2_an_item_left_out_without_a_reason_is_refused_with_one_it_starts() {
    let (_db, store) = setup().await;
    system(&store, "ACME", "WEB", "2", None).await;
    units(&store, "ACME").await;
    let id = qualified(&store, "ACME", "李評估", "稽核室", None).await;
    assessment(&store, "ACME", "A2", &["WEB"]).await;
    join(&store, "ACME", "A2", id).await;
    let mut items = all_items();
    items[16].selected = false;
    assessments::set_items(&store, &ctx(), Some("ACME"), "A2", &items)
        .await
        .unwrap();
    let e = assessments::start(&store, &ctx(), Some("ACME"), "A2")
        .await
        .unwrap_err();
    let m = invalid(e);
    assert!(
        m.contains("EVAL-4.1.5.5: left out without a written reason"),
        "{m}"
    );
    items[16].reason = "No key material on this system".into();
    assessments::set_items(&store, &ctx(), Some("ACME"), "A2", &items)
        .await
        .unwrap();
    let v = assessments::start(&store, &ctx(), Some("ACME"), "A2")
        .await
        .unwrap();
    assert_eq!(v.assessment.status.as_str(), "in_progress");
    // Completion needs a result for every selected item (EVAL-4.2).
    let e = assessments::complete(&store, &ctx(), Some("ACME"), "A2")
        .await
        .unwrap_err();
    assert!(invalid(e).contains("selected but has no result"));
}

#[tokio::test]
async fn eval_7_1_an_assessor_from_the_development_unit_is_refused_an_independent_one_passes() {
    let (_db, store) = setup().await;
    system(&store, "ACME", "CORE", "1", None).await;
    units(&store, "ACME").await;
    let dev = qualified(&store, "ACME", "開發者", "資訊開發部", None).await;
    assessment(&store, "ACME", "A1", &["CORE"]).await;
    join(&store, "ACME", "A1", dev).await;
    assessments::set_items(&store, &ctx(), Some("ACME"), "A1", &all_items())
        .await
        .unwrap();
    let m = invalid(
        assessments::start(&store, &ctx(), Some("ACME"), "A1")
            .await
            .unwrap_err(),
    );
    assert!(m.contains("develops the system (EVAL-7.1)"), "{m}");
    // Without a declaration, refused too.
    let ok = qualified(&store, "ACME", "稽核員", "稽核室", None).await;
    assessment(&store, "ACME", "A3", &["CORE"]).await;
    assessments::add_member(&store, &ctx(), Some("ACME"), "A3", ok, None, None)
        .await
        .unwrap();
    assessments::set_items(&store, &ctx(), Some("ACME"), "A3", &all_items())
        .await
        .unwrap();
    let m = invalid(
        assessments::start(&store, &ctx(), Some("ACME"), "A3")
            .await
            .unwrap_err(),
    );
    assert!(m.contains("no independence declaration"), "{m}");
    assessment(&store, "ACME", "A4", &["CORE"]).await;
    join(&store, "ACME", "A4", ok).await;
    assessments::set_items(&store, &ctx(), Some("ACME"), "A4", &all_items())
        .await
        .unwrap();
    assessments::start(&store, &ctx(), Some("ACME"), "A4")
        .await
        .unwrap();
}

#[tokio::test]
async fn eval_7_2_a_missing_or_expired_qualification_is_refused_by_name() {
    let (_db, store) = setup().await;
    system(&store, "ACME", "CORE", "1", None).await;
    units(&store, "ACME").await;
    let a = assessors::add(
        &store,
        &ctx(),
        &AssessorInput {
            org: Some("ACME".into()),
            name: "陳評估".into(),
            affiliation: "inside".into(),
            unit: "稽核室".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .assessor
    .id;
    certificate(&store, "ACME", a, "security_management", Some("2028-01-01")).await;
    certificate(&store, "ACME", a, "security_technical", Some("2026-06-30")).await;
    assessors::record_nda(
        &store,
        &ctx(),
        Some("ACME"),
        a,
        "2026-11-01",
        &pdf("nda.pdf"),
    )
    .await
    .unwrap();
    assessment(&store, "ACME", "A1", &["CORE"]).await;
    join(&store, "ACME", "A1", a).await;
    assessments::set_items(&store, &ctx(), Some("ACME"), "A1", &all_items())
        .await
        .unwrap();
    let problems = assessments::start_problems(&store, &ctx(), Some("ACME"), "A1")
        .await
        .unwrap();
    let all = problems.join("\n");
    assert!(all.contains("simulated_attack"), "{all}");
    assert!(all.contains("financial_domain"), "{all}");
    assert!(all.contains("expired on 2026-06-30"), "{all}");
    assert!(!all.contains("no assessor holds a qualification in security_management"));
    let m = invalid(
        assessments::start(&store, &ctx(), Some("ACME"), "A1")
            .await
            .unwrap_err(),
    );
    assert!(
        m.contains("simulated_attack") && m.contains("expired"),
        "{m}"
    );
    // Fixed: the missing qualifications are added.
    certificate(&store, "ACME", a, "security_technical", None).await;
    certificate(&store, "ACME", a, "simulated_attack", Some("2027-12-31")).await;
    assessors::qualify(
        &store,
        &ctx(),
        &QualificationInput {
            org: Some("ACME".into()),
            assessor_id: a,
            kind: "financial_domain".into(),
            evidence: "training".into(),
            hours: Some(24),
            file: Some(pdf("training.pdf")),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assessments::start(&store, &ctx(), Some("ACME"), "A1")
        .await
        .unwrap();
}

#[tokio::test]
async fn eval_7_3_an_assessor_without_a_confidentiality_agreement_is_refused() {
    let (_db, store) = setup().await;
    system(&store, "ACME", "CORE", "1", None).await;
    units(&store, "ACME").await;
    let ok = qualified(&store, "ACME", "有保密", "稽核室", None).await;
    let a = assessors::add(
        &store,
        &ctx(),
        &AssessorInput {
            org: Some("ACME".into()),
            name: "外部顧問".into(),
            affiliation: "outside_firm".into(),
            unit: "安全顧問公司".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .assessor
    .id;
    assessment(&store, "ACME", "A1", &["CORE"]).await;
    join(&store, "ACME", "A1", ok).await;
    join(&store, "ACME", "A1", a).await;
    assessments::set_items(&store, &ctx(), Some("ACME"), "A1", &all_items())
        .await
        .unwrap();
    let m = invalid(
        assessments::start(&store, &ctx(), Some("ACME"), "A1")
            .await
            .unwrap_err(),
    );
    assert!(m.contains("外部顧問: no confidentiality agreement"), "{m}");
    assessors::record_nda(
        &store,
        &ctx(),
        Some("ACME"),
        a,
        "2026-11-27",
        &pdf("nda.pdf"),
    )
    .await
    .unwrap();
    assessments::start(&store, &ctx(), Some("ACME"), "A1")
        .await
        .unwrap();
}

#[tokio::test]
async fn eval_6_a_drill_is_recorded_and_impossible_counts_are_refused() {
    let (_db, store) = setup().await;
    let list = drills::list(&store, &ctx(), Some("ACME")).await.unwrap();
    assert!(!list.drill_this_year);
    let mut input = DrillInput {
        org: Some("ACME".into()),
        held_on: "2026-10-15".into(),
        population: 300,
        sent: 300,
        opened: 120,
        clicked: 400,
        submitted: 10,
        reported: 30,
        material: "包裹招領通知".into(),
    };
    let m = invalid(drills::add(&store, &ctx(), &input).await.unwrap_err());
    assert!(m.contains("clicked: 400 is more than sent (300)"), "{m}");
    input.clicked = 40;
    drills::add(&store, &ctx(), &input).await.unwrap();
    let list = drills::list(&store, &ctx(), Some("ACME")).await.unwrap();
    assert!(list.drill_this_year);
    assert_eq!(list.drills[0].clicked, 40);
    let d = dashboard::summary(&store, &ctx(), &params(), Some("ACME"))
        .await
        .unwrap();
    assert!(d.drill_this_year);
    let next_year = dashboard::summary(&store, &ctx_on("2027-01-05"), &params(), Some("ACME"))
        .await
        .unwrap();
    assert!(!next_year.drill_this_year);
}

async fn finding(store: &Store, ctx: &Ctx, severity: &str, owner: &str) -> i64 {
    findings::add(
        store,
        ctx,
        &policy(),
        &FindingInput {
            org: Some("ACME".into()),
            system: "CORE".into(),
            title: format!("{severity} weakness"),
            severity: severity.into(),
            category: "EVAL-4.1.3.3".into(),
            risk_description: "弱密碼可被暴力破解".into(),
            recommendation: "啟用多因子驗證".into(),
            owner: owner.into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .finding
    .id
}

fn step(id: i64, action: &str) -> TransitionInput {
    TransitionInput {
        org: Some("ACME".into()),
        id,
        action: action.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn eval_8_remediation_is_verified_by_the_internal_audit_unit_only() {
    let (_db, store) = setup().await;
    system(&store, "ACME", "CORE", "1", None).await;
    let officer = user_ctx(&store, "ACME", "officer@acme.tw", Role::SecurityOfficer).await;
    let owner = user_ctx(&store, "ACME", "owner@acme.tw", Role::SystemOwner).await;
    let auditor = user_ctx(&store, "ACME", "audit@acme.tw", Role::InternalAuditor).await;
    let id = finding(&store, &officer, "critical", "owner@acme.tw").await;
    let v = findings::show(&store, &owner, None, id).await.unwrap();
    assert_eq!(v.finding.due_on, Some(day("2026-12-05")));
    let p = policy();
    findings::transition_finding(&store, &owner, &p, &step(id, "start_remediation"))
        .await
        .unwrap();
    let e = findings::transition_finding(&store, &owner, &p, &step(id, "resolve"))
        .await
        .unwrap_err();
    assert!(invalid(e).contains("evidence"));
    let mut resolve = step(id, "resolve");
    resolve.evidence = Some(Upload {
        name: "patch.txt".into(),
        bytes: b"patched on 2026-11-28\n".to_vec(),
    });
    findings::transition_finding(&store, &owner, &p, &resolve)
        .await
        .unwrap();
    // Refused: the security officer is not the internal audit unit.
    let e = findings::transition_finding(&store, &officer, &p, &step(id, "verify_fix"))
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Forbidden(_)), "{e:?}");
    let v = findings::transition_finding(&store, &auditor, &p, &step(id, "verify_fix"))
        .await
        .unwrap();
    assert_eq!(v.finding.status.as_str(), "closed_fixed");
    let tos: Vec<&str> = v.history.iter().map(|c| c.to.as_str()).collect();
    assert_eq!(tos, ["open", "in_remediation", "resolved", "closed_fixed"]);
    assert!(v.history[2].evidence_sha256.is_some());
    // An illegal step is refused by the domain's workflow.
    let e = findings::transition_finding(&store, &owner, &p, &resolve)
        .await
        .unwrap_err();
    assert!(invalid(e).contains("cannot resolve"));
    // A system owner changes only the findings they own.
    let other = finding(&store, &officer, "low", "someone@acme.tw").await;
    let e = findings::transition_finding(&store, &owner, &p, &step(other, "start_remediation"))
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Forbidden(_)));
    // Risk acceptance needs approver, reason and expiry.
    let mut accept = step(other, "accept_risk");
    accept.reason = "legacy system retiring".into();
    let e = findings::transition_finding(&store, &officer, &p, &accept)
        .await
        .unwrap_err();
    assert!(invalid(e).contains("expiry"));
    accept.accepted_until = Some("2027-06-30".into());
    accept.approver = "總經理".into();
    let v = findings::transition_finding(&store, &officer, &p, &accept)
        .await
        .unwrap();
    assert_eq!(v.finding.accepted_until, Some(day("2027-06-30")));
    let deadlines = dashboard::deadlines(&store, &ctx(), &params(), Some("ACME"))
        .await
        .unwrap();
    assert!(deadlines
        .iter()
        .any(|d| d.kind == "risk_acceptance_expires" && d.date == day("2027-06-30")));
    // Overdue on the dashboard.
    let third = finding(&store, &officer, "high", "owner@acme.tw").await;
    let later = ctx_on("2027-01-15");
    let d = dashboard::summary(&store, &later, &params(), Some("ACME"))
        .await
        .unwrap();
    assert_eq!(d.overdue_findings, 1);
    let page = findings::list(
        &store,
        &later,
        &ListQuery {
            org: Some("ACME".into()),
            overdue: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.findings[0].finding.id, third);
    assert!(audit::verify(&store).await.unwrap().first_broken.is_none());
}

#[tokio::test]
async fn findings_list_filters_pages_and_exports() {
    let (_db, store) = setup().await;
    system(&store, "ACME", "CORE", "1", None).await;
    system(&store, "ACME", "WEB", "2", None).await;
    for i in 0..7 {
        findings::add(
            &store,
            &ctx(),
            &policy(),
            &FindingInput {
                org: Some("ACME".into()),
                system: if i % 2 == 0 { "CORE" } else { "WEB" }.into(),
                title: format!("=cmd|{i}"),
                severity: if i < 3 { "high" } else { "low" }.into(),
                category: "SR-5.2".into(),
                risk_description: "risk, with \"quotes\"".into(),
                recommendation: "fix".into(),
                owner: "it@acme.tw".into(),
                source: Some("import:nessus".into()),
                fingerprint: Some(format!("fp-{i}")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let dup = findings::add(
        &store,
        &ctx(),
        &policy(),
        &FindingInput {
            org: Some("ACME".into()),
            system: "CORE".into(),
            title: "again".into(),
            severity: "low".into(),
            category: "SR-5.2".into(),
            risk_description: "r".into(),
            recommendation: "f".into(),
            owner: "it@acme.tw".into(),
            fingerprint: Some("fp-0".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(dup, ServiceError::Conflict(_)));
    let q = |severity: Option<&str>, system: Option<&str>, limit, offset| ListQuery {
        org: Some("ACME".into()),
        severity: severity.map(Into::into),
        system: system.map(Into::into),
        limit: Some(limit),
        offset: Some(offset),
        ..Default::default()
    };
    let page = findings::list(&store, &ctx(), &q(None, None, 3, 0))
        .await
        .unwrap();
    assert_eq!((page.total, page.findings.len()), (7, 3));
    let ids: Vec<i64> = page.findings.iter().map(|f| f.finding.id).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let last = findings::list(&store, &ctx(), &q(None, None, 3, 6))
        .await
        .unwrap();
    assert_eq!(last.findings.len(), 1);
    let high = findings::list(&store, &ctx(), &q(Some("high"), Some("CORE"), 50, 0))
        .await
        .unwrap();
    assert_eq!(high.total, 2);
    let e = findings::list(&store, &ctx(), &q(None, None, 0, 0))
        .await
        .unwrap_err();
    assert!(invalid(e).contains("limit"));
    let rows = findings::export_rows(&store, &ctx(), &q(None, None, 1, 0))
        .await
        .unwrap();
    assert_eq!(rows.len(), 7);
    let csv = findings::to_csv(&findings::CSV_HEADER, &rows);
    assert!(csv.starts_with("id,system,assessment"));
    assert!(csv.contains("'=cmd|"), "formula not neutralised: {csv}");
    assert!(csv.contains("\"risk, with \"\"quotes\"\"\""));
}

#[tokio::test]
async fn assessors_see_only_their_assessments_and_other_orgs_objects_are_not_found() {
    let (_db, store) = setup().await;
    let mine = user_ctx(&store, "ACME", "assessor@acme.tw", Role::Assessor).await;
    system(&store, "ACME", "CORE", "1", None).await;
    units(&store, "ACME").await;
    let a = qualified(&store, "ACME", "指派者", "稽核室", Some("assessor@acme.tw")).await;
    assessment(&store, "ACME", "MINE", &["CORE"]).await;
    assessment(&store, "ACME", "NOTMINE", &["CORE"]).await;
    join(&store, "ACME", "MINE", a).await;
    assessments::set_items(&store, &ctx(), Some("ACME"), "MINE", &all_items())
        .await
        .unwrap();
    let list = assessments::list(&store, &mine, None).await.unwrap();
    let codes: Vec<&str> = list.iter().map(|a| a.assessment.code.as_str()).collect();
    assert_eq!(codes, ["MINE"]);
    assessments::show(&store, &mine, None, "MINE")
        .await
        .unwrap();
    let e = assessments::show(&store, &mine, None, "NOTMINE")
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound { .. }), "{e:?}");
    // Starting is the security officer's; the assessor records results.
    let e = assessments::start(&store, &mine, None, "MINE")
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Forbidden(_)));
    assessments::start(&store, &ctx(), Some("ACME"), "MINE")
        .await
        .unwrap();
    let result = |code: &str| ResultInput {
        code: code.into(),
        item: "EVAL-4.1.1.1".into(),
        result: "not_satisfied".into(),
        notes: "single uplink".into(),
        ..Default::default()
    };
    assessments::record_result(&store, &mine, &result("MINE"))
        .await
        .unwrap();
    let e = assessments::record_result(&store, &mine, &result("NOTMINE"))
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound { .. }));
    // Findings: the assessor sees those of their assessments only.
    let input = |assessment: Option<&str>| FindingInput {
        assessment: assessment.map(Into::into),
        system: "CORE".into(),
        title: "single point of failure".into(),
        severity: "medium".into(),
        category: "EVAL-4.1.1.2".into(),
        risk_description: "one uplink".into(),
        recommendation: "add a second".into(),
        owner: "it@acme.tw".into(),
        ..Default::default()
    };
    let f = findings::add(&store, &mine, &policy(), &input(Some("MINE")))
        .await
        .unwrap();
    let hidden = findings::add(
        &store,
        &ctx(),
        &policy(),
        &FindingInput {
            org: Some("ACME".into()),
            ..input(None)
        },
    )
    .await
    .unwrap();
    let page = findings::list(&store, &mine, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.findings[0].finding.id, f.finding.id);
    let e = findings::show(&store, &mine, None, hidden.finding.id)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::NotFound { .. }));
    assert!(matches!(
        plans::list(&store, &mine, None).await.unwrap_err(),
        ServiceError::Forbidden(_)
    ));
    assert!(matches!(
        assessors::list(&store, &mine, None).await.unwrap_err(),
        ServiceError::Forbidden(_)
    ));
    // Another organisation's objects are not found.
    let other = user_ctx(&store, "OTHER", "officer@other.tw", Role::SecurityOfficer).await;
    let plan = plans::create(
        &store,
        &ctx(),
        &params(),
        &PlanInput {
            org: Some("ACME".into()),
            title: "plan".into(),
            systems: vec![],
        },
    )
    .await
    .unwrap();
    let nf = |e: ServiceError| assert!(matches!(e, ServiceError::NotFound { .. }), "{e:?}");
    nf(assessments::show(&store, &other, None, "MINE")
        .await
        .unwrap_err());
    nf(assessments::show(&store, &other, Some("ACME"), "MINE")
        .await
        .unwrap_err());
    nf(findings::show(&store, &other, None, f.finding.id)
        .await
        .unwrap_err());
    nf(
        plans::show(&store, &other, &params(), None, Some(plan.plan.id))
            .await
            .unwrap_err(),
    );
    nf(assessors::show(&store, &other, None, a).await.unwrap_err());
    nf(findings::transition_finding(
        &store,
        &other,
        &policy(),
        &step(f.finding.id, "start_remediation"),
    )
    .await
    .unwrap_err());
    assert_eq!(
        assessments::list(&store, &other, None).await.unwrap().len(),
        0
    );
    // The regulator and the association see nothing here.
    let viewer = user_ctx(&store, "OTHER", "auditor@other.tw", Role::Hr).await;
    assert!(matches!(
        findings::list(&store, &viewer, &ListQuery::default())
            .await
            .unwrap_err(),
        ServiceError::Forbidden(_)
    ));
}

#[tokio::test]
async fn files_are_type_checked_by_their_first_bytes() {
    assert_eq!(
        files::media_type("evidence", "a.png", b"\x89PNG\r\n\x1a\nrest").unwrap(),
        "image/png"
    );
    assert_eq!(
        files::media_type("evidence", "r.xlsx", b"PK\x03\x04rest").unwrap(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        files::media_type("evidence", "r.csv", b"a,b\n1,2\n").unwrap(),
        "text/csv"
    );
    let e = files::media_type("evidence", "x.exe", b"MZ\x90\x00\x03\x00").unwrap_err();
    assert!(e.to_string().contains("x.exe"), "{e}");
    assert!(e.to_string().contains("byte 2"), "{e}");
    assert!(files::media_type("evidence", "empty.txt", b"").is_err());
    let big = vec![b'a'; files::MAX_FILE_BYTES + 1];
    assert!(files::media_type("evidence", "big.txt", &big)
        .unwrap_err()
        .to_string()
        .contains("more than"));
}
