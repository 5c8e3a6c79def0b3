//! Finalising an EVAL-8 report of an assessment with 1,000 findings on
//! SQLite: loading it, the gate, rendering PDF, HTML and XLSX, storing the
//! bytes with their hashes and the audit event (issue 5; target 3 s).
//!
//! The baseline, measured in the same run, is rendering the same three
//! formats as drafts (`reports::render`, nothing stored); the ratio shows
//! what finalising adds on top of rendering.
//!
//! `cargo bench -p zilv-services --bench report`; `ZILV_BENCH_FINDINGS`
//! sets the number of findings per assessment (default 1000).

use std::error::Error;
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use zilv_catalog::{Lang, Registry};
use zilv_domain::AssessmentItem;
use zilv_report::ReportFont;
use zilv_services::assessments::{AssessmentInput, DecisionInput, ResultInput};
use zilv_services::assessors::{AssessorInput, QualificationInput};
use zilv_services::drills::DrillInput;
use zilv_services::files::Upload;
use zilv_services::orgs::NewOrg;
use zilv_services::reports::{self, Kit, ReportFormat};
use zilv_services::systems::SystemInput;
use zilv_services::{assessments, assessors, drills, orgs, systems, Ctx};
use zilv_store::{sqlite_url, Store};

type Res<T> = Result<T, Box<dyn Error>>;

/// Assessments finalised (each once); drafts rendered as many times.
const RUNS: usize = 3;
const TARGET_S: f64 = 3.0;
const ORG: &str = "BENCH";
const DAY: &str = "2026-11-20";

fn ctx() -> Ctx {
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default();
    Ctx::operator(
        "bench",
        Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0)
            .single()
            .unwrap_or_default(),
        today,
    )
}

fn upload(name: &str) -> Upload {
    Upload {
        name: name.into(),
        bytes: format!("%PDF-1.4 {name}").into_bytes(),
    }
}

/// The system, a fully qualified assessor and the year's drill.
async fn company(store: &Store) -> Res<i64> {
    let c = ctx();
    let org = Some(ORG.to_string());
    orgs::add(
        store,
        &c,
        &NewOrg {
            code: ORG.into(),
            name: "效能測試產物保險股份有限公司".into(),
            kind: "company".into(),
        },
    )
    .await?;
    let params = Registry::builtin()?.latest()?.params;
    systems::add(
        store,
        &c,
        &params,
        &SystemInput {
            org: org.clone(),
            code: "CORE".into(),
            name: "核心保單系統".into(),
            class: "1".into(),
            sourcing: "in-house".into(),
            dev_unit: "資訊開發部".into(),
            maint_unit: "資訊維運部".into(),
            ..Default::default()
        },
    )
    .await?;
    assessors::set_independent_units(store, &c, Some(ORG), &["稽核室".into()]).await?;
    let id = assessors::add(
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
    .await?
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
                assessor_id: id,
                kind: kind.into(),
                evidence: "certificate".into(),
                cert_name: format!("{kind} 證照"),
                cert_number: format!("N-{kind}"),
                cert_issuer: "發證機構".into(),
                file: Some(upload("cert.pdf")),
                ..Default::default()
            },
        )
        .await?;
    }
    assessors::qualify(
        store,
        &c,
        &QualificationInput {
            org: org.clone(),
            assessor_id: id,
            kind: "financial_domain".into(),
            evidence: "financial_experience".into(),
            years: Some(6),
            ..Default::default()
        },
    )
    .await?;
    assessors::record_nda(store, &c, Some(ORG), id, DAY, &upload("nda.pdf")).await?;
    drills::add(
        store,
        &c,
        &DrillInput {
            org,
            held_on: DAY.into(),
            population: 300,
            sent: 300,
            opened: 90,
            clicked: 20,
            submitted: 4,
            reported: 50,
            material: "保單續約通知".into(),
        },
    )
    .await?;
    Ok(id)
}

/// A completed class-1 assessment `code` with `n` findings in Traditional Chinese.
async fn assessment(store: &Store, assessor: i64, code: &str, n: i64) -> Res<()> {
    let c = ctx();
    let org = Some(ORG.to_string());
    assessments::create(
        store,
        &c,
        &AssessmentInput {
            org: org.clone(),
            code: code.into(),
            title: "年度第一類系統資訊安全評估".into(),
            systems: vec!["CORE".into()],
            period_start: DAY.into(),
            period_end: DAY.into(),
            countermeasures: "可靠性：雙機備援。\n安全性：端點偵測與回應。".into(),
        },
    )
    .await?;
    assessments::add_member(
        store,
        &c,
        Some(ORG),
        code,
        assessor,
        Some(DAY),
        Some(&upload("declaration.pdf")),
    )
    .await?;
    let all: Vec<DecisionInput> = AssessmentItem::ALL
        .iter()
        .map(|i| DecisionInput {
            item: i.clause().into(),
            selected: true,
            reason: String::new(),
        })
        .collect();
    assessments::set_items(store, &c, Some(ORG), code, &all).await?;
    assessments::start(store, &c, Some(ORG), code).await?;
    for i in AssessmentItem::ALL {
        assessments::record_result(
            store,
            &c,
            &ResultInput {
                org: org.clone(),
                code: code.into(),
                item: i.clause().into(),
                result: "satisfied".into(),
                ..Default::default()
            },
        )
        .await?;
    }
    assessments::complete(store, &c, Some(ORG), code).await?;
    sqlx::query(
        "INSERT INTO findings (org_id, assessment_id, system_id, title, severity, severity_rank, category, risk_description,
            recommendation, source, fingerprint, owner, found_on, due_on, status, outstanding, created_at, updated_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
         SELECT a.org_id, a.id, s.id, '網站伺服器使用過時的 TLS 版本（第' || i || '項）',
                CASE i % 5 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'medium' WHEN 3 THEN 'low' ELSE 'info' END,
                i % 5, 'EVAL-4.1.3.1',
                '攻擊者可於中間人位置降級加密協定並竊取保戶個人資料，導致個資外洩與商譽損失。',
                '停用 TLS 1.0 與 1.1，僅允許 TLS 1.2 以上及 AEAD 加密套件；完成後重新掃描確認。',
                'manual', NULL, 'it@example.tw', '2026-11-20', '2027-02-20',
                CASE i % 4 WHEN 0 THEN 'open' WHEN 1 THEN 'in_remediation' WHEN 2 THEN 'closed_fixed' ELSE 'risk_accepted' END,
                CASE WHEN i % 4 IN (2, 3) THEN 0 ELSE 1 END, '2026-11-20T00:00:00.000000Z', '2026-11-20T00:00:00.000000Z'
         FROM n, assessments a, systems s
         WHERE a.code = $2 AND s.code = 'CORE' AND s.org_id = a.org_id",
    )
    .bind(n)
    .bind(code)
    .execute(store.pool())
    .await?;
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Res<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run())
}

async fn run() -> Res<()> {
    let n: i64 = std::env::var("ZILV_BENCH_FINDINGS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir()?;
    let store = Store::open(&sqlite_url(&dir.path().join("bench.sqlite3"))).await?;
    let catalog = Registry::builtin()?.latest()?.clone();
    let font = ReportFont::noto_sans_cjk_tc()?;
    let kit = Kit {
        catalog: &catalog,
        font: &font,
    };
    let assessor = company(&store).await?;
    let codes: Vec<String> = (1..=RUNS).map(|i| format!("A{i}")).collect();
    for code in &codes {
        assessment(&store, assessor, code, n).await?;
    }
    let c = ctx();
    let mut drafts = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        for format in ReportFormat::ALL {
            reports::render(&store, &c, kit, Some(ORG), "A1", format, Lang::ZhTw).await?;
        }
        drafts.push(t.elapsed().as_secs_f64());
    }
    let mut finals = Vec::new();
    let mut bytes = 0;
    for code in &codes {
        let t = Instant::now();
        let v = reports::finalize(&store, &c, kit, Some(ORG), code, Lang::ZhTw).await?;
        finals.push(t.elapsed().as_secs_f64());
        bytes = v.files.iter().map(|f| f.size).sum::<i64>();
    }
    let t = Instant::now();
    let verified = reports::verify(&store).await?;
    let verify_s = t.elapsed().as_secs_f64();
    let (draft, fin) = (median(drafts), median(finals));
    println!("report of an assessment with {n} findings ({bytes} bytes in three formats), median of {RUNS}:");
    println!("  render PDF+HTML+XLSX as drafts (baseline) {draft:>8.3} s");
    println!(
        "  finalise (gate, render, store, audit)     {fin:>8.3} s  ratio {:.2}",
        fin / draft.max(1e-9)
    );
    println!(
        "  verify {} stored files                    {verify_s:>8.3} s",
        verified.checked
    );
    println!(
        "finalise: {} the {TARGET_S} s target",
        if fin <= TARGET_S { "within" } else { "OVER" }
    );
    store.close().await;
    Ok(())
}
