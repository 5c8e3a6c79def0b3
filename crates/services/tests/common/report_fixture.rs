//! A completed assessment that passes the EVAL-8 report gate (or misses one
//! requirement on request), set up through the use cases; shared by the
//! services' and the web application's report tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use zilv_catalog::{Catalog, Registry};
use zilv_domain::{AssessmentItem, RemediationPolicy};
use zilv_services::assessments::{AssessmentInput, DecisionInput, ResultInput};
use zilv_services::assessors::{AssessorInput, QualificationInput};
use zilv_services::drills::DrillInput;
use zilv_services::files::Upload;
use zilv_services::findings::FindingInput;
use zilv_services::systems::SystemInput;
use zilv_services::{assessments, assessors, drills, findings, systems, Ctx};
use zilv_store::Store;

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn ctx_on(today: &str) -> Ctx {
    let d = day(today);
    Ctx::operator(
        "test",
        Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap()),
        d,
    )
}

pub fn catalog() -> Catalog {
    Registry::builtin().unwrap().latest().unwrap().clone()
}

pub fn pdf(name: &str) -> Upload {
    Upload {
        name: name.into(),
        bytes: format!("%PDF-1.4 {name}").into_bytes(),
    }
}

/// How the assessment of [`assessed`] is set up.
#[derive(Clone, Copy)]
pub struct Setup {
    /// The day everything happens (and the report year).
    pub on: &'static str,
    pub class: &'static str,
    /// Leave EVAL-4.1.5.5 out (with a reason).
    pub leave_one_out: bool,
    pub drill: bool,
    /// Complete the assessment.
    pub complete: bool,
    /// Register the system `CORE` first (a caller that has not).
    pub add_system: bool,
}

pub const ON: &str = "2026-11-20";

pub fn setup() -> Setup {
    Setup {
        on: ON,
        class: "1",
        leave_one_out: false,
        drill: true,
        complete: true,
        add_system: true,
    }
}

/// A system `CORE` of ACME with assessment `A1` by a fully qualified
/// assessor, every item satisfied except that one finding with Traditional
/// Chinese text is recorded; a drill in the year; completed on `s.on`.
pub async fn assessed(store: &Store, s: Setup) {
    let c = ctx_on(s.on);
    let org = Some("ACME".to_string());
    if s.add_system {
        systems::add(
            store,
            &c,
            &catalog().params,
            &SystemInput {
                org: org.clone(),
                code: "CORE".into(),
                name: "網路投保系統".into(),
                class: s.class.into(),
                sourcing: "in-house".into(),
                dev_unit: "資訊開發部".into(),
                maint_unit: "資訊維運部".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    assessors::set_independent_units(store, &c, Some("ACME"), &["稽核室".into()])
        .await
        .unwrap();
    let a = assessors::add(
        store,
        &c,
        &AssessorInput {
            org: org.clone(),
            name: "王評估".into(),
            affiliation: "inside".into(),
            unit: "稽核室".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .assessor
    .id;
    for kind in [
        "security_management",
        "security_technical",
        "simulated_attack",
    ] {
        assessors::qualify(
            store,
            &c,
            &QualificationInput {
                org: org.clone(),
                assessor_id: a,
                kind: kind.into(),
                evidence: "certificate".into(),
                cert_name: format!("{kind} 證照"),
                cert_number: format!("N-{kind}"),
                cert_issuer: "發證機構".into(),
                expires_on: None,
                file: Some(pdf("cert.pdf")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    assessors::qualify(
        store,
        &c,
        &QualificationInput {
            org: org.clone(),
            assessor_id: a,
            kind: "financial_domain".into(),
            evidence: "financial_experience".into(),
            years: Some(6),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assessors::record_nda(store, &c, Some("ACME"), a, s.on, &pdf("nda.pdf"))
        .await
        .unwrap();
    assessments::create(
        store,
        &c,
        &AssessmentInput {
            org: org.clone(),
            code: "A1".into(),
            title: "年度第一類系統資訊安全評估".into(),
            systems: vec!["CORE".into()],
            period_start: s.on.into(),
            period_end: s.on.into(),
            countermeasures: "可靠性：核心系統雙機備援。\n安全性：導入端點偵測與回應。".into(),
        },
    )
    .await
    .unwrap();
    assessments::add_member(
        store,
        &c,
        Some("ACME"),
        "A1",
        a,
        Some(s.on),
        Some(&pdf("declaration.pdf")),
    )
    .await
    .unwrap();
    let left_out = AssessmentItem::ALL[16];
    let decisions: Vec<DecisionInput> = AssessmentItem::ALL
        .iter()
        .map(|i| {
            let out = s.leave_one_out && *i == left_out;
            DecisionInput {
                item: i.clause().into(),
                selected: !out,
                reason: if out {
                    "受評系統未使用金鑰儲存設備。".into()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    assessments::set_items(store, &c, Some("ACME"), "A1", &decisions)
        .await
        .unwrap();
    assessments::start(store, &c, Some("ACME"), "A1")
        .await
        .unwrap();
    for i in AssessmentItem::ALL {
        if s.leave_one_out && i == left_out {
            continue;
        }
        assessments::record_result(
            store,
            &c,
            &ResultInput {
                org: org.clone(),
                code: "A1".into(),
                item: i.clause().into(),
                result: "satisfied".into(),
                notes: "抽查防火牆規則".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    findings::add(
        store,
        &c,
        &RemediationPolicy::default(),
        &FindingInput {
            org: org.clone(),
            assessment: Some("A1".into()),
            system: "CORE".into(),
            title: "網站伺服器使用過時的 TLS 版本".into(),
            severity: "high".into(),
            category: "EVAL-4.1.3.1".into(),
            risk_description: "攻擊者可降級加密協定並竊取保戶個人資料。".into(),
            recommendation: "停用 TLS 1.0 與 1.1，僅允許 TLS 1.2 以上。".into(),
            owner: "資訊維運部".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    if s.drill {
        drills::add(
            store,
            &c,
            &DrillInput {
                org: org.clone(),
                held_on: s.on.into(),
                population: 200,
                sent: 200,
                opened: 58,
                clicked: 17,
                submitted: 5,
                reported: 33,
                material: "保單續約通知".into(),
            },
        )
        .await
        .unwrap();
    }
    if s.complete {
        assessments::complete(store, &c, Some("ACME"), "A1")
            .await
            .unwrap();
    }
}
