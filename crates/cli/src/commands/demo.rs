//! `zilv demo`: fills a fresh data directory with the association and a
//! fictional member company in every stage of the assessment lifecycle, and
//! users of each role with a printed demonstration password.
use std::process::ExitCode;

use anyhow::{anyhow, Result};
use chrono::{Datelike, Days, NaiveDate};
use serde_json::json;
use zilv_catalog::Lang;
use zilv_domain::{AssessmentItem, RemediationPolicy};
use zilv_services::assessments::{self, AssessmentInput, DecisionInput, ResultInput};
use zilv_services::assessors::{self, AssessorInput, QualificationInput};
use zilv_services::drills::{self, DrillInput};
use zilv_services::files::Upload;
use zilv_services::findings::{self, FindingInput, TransitionInput};
use zilv_services::orgs::{self, NewOrg};
use zilv_services::password::PasswordPolicy;
use zilv_services::plans::{self, ApprovalInput, PlanInput};
use zilv_services::reports;
use zilv_services::systems::{self, SystemInput};
use zilv_services::users::{self, UserInput};
use zilv_services::Ctx;
use zilv_store::Store;

use super::print_json;
use crate::args::Cli;
use crate::env;
use crate::lifecycle_args::DemoArgs;

/// The password of every demonstration user (printed; change it for real use).
pub const DEMO_PASSWORD: &str = "Zilv-Demo-2026!";
const COMPANY: &str = "DEMO-INS";
const ASSOCIATION: &str = "TNLIA";

fn days_before(today: NaiveDate, n: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(n)).unwrap_or(today)
}

fn doc(name: &str, text: &str) -> Upload {
    Upload {
        name: name.into(),
        bytes: format!("%PDF-1.4\n% {text}\n").into_bytes(),
    }
}

fn some(s: &str) -> Option<String> {
    Some(s.to_string())
}

/// Code, name, class, development unit, maintenance unit, and how many
/// days ago it was assessed before Zilv.
type DemoSystem = (
    &'static str,
    &'static str,
    u8,
    &'static str,
    &'static str,
    Option<u64>,
);

const SYSTEMS: [DemoSystem; 20] = [
    (
        "CORE-01",
        "核心保單系統",
        1,
        "資訊開發部",
        "資訊維運部",
        Some(400),
    ),
    (
        "CLAIM-01",
        "理賠作業系統",
        1,
        "資訊開發部",
        "資訊維運部",
        Some(200),
    ),
    (
        "NETINS-01",
        "網路投保平台",
        1,
        "數位金融部",
        "資訊維運部",
        None,
    ),
    (
        "PAY-01",
        "收付款系統",
        1,
        "資訊開發部",
        "資訊維運部",
        Some(300),
    ),
    (
        "WEB-01",
        "官方網站",
        2,
        "數位金融部",
        "網站委外商",
        Some(900),
    ),
    (
        "CLAIM-02",
        "行動理賠 App",
        2,
        "數位金融部",
        "資訊維運部",
        Some(500),
    ),
    (
        "AGENT-01",
        "業務員招攬系統",
        2,
        "資訊開發部",
        "資訊維運部",
        Some(1200),
    ),
    (
        "REINS-01",
        "再保系統",
        2,
        "資訊開發部",
        "資訊維運部",
        Some(700),
    ),
    (
        "CRM-01",
        "客戶關係管理",
        2,
        "資訊開發部",
        "CRM 委外商",
        Some(100),
    ),
    (
        "ACC-01",
        "會計總帳系統",
        2,
        "資訊開發部",
        "資訊維運部",
        Some(1000),
    ),
    (
        "MAIL-01",
        "電子郵件系統",
        2,
        "資訊維運部",
        "資訊維運部",
        Some(600),
    ),
    (
        "AD-01",
        "目錄服務",
        2,
        "資訊維運部",
        "資訊維運部",
        Some(1050),
    ),
    (
        "HR-01",
        "人事薪資系統",
        3,
        "人資系統委外商",
        "資訊維運部",
        Some(1500),
    ),
    (
        "DOC-01",
        "公文系統",
        3,
        "資訊開發部",
        "資訊維運部",
        Some(800),
    ),
    (
        "BI-01",
        "經營分析平台",
        3,
        "資訊開發部",
        "資訊維運部",
        Some(1700),
    ),
    (
        "LMS-01",
        "教育訓練平台",
        3,
        "人資系統委外商",
        "人資系統委外商",
        Some(200),
    ),
    (
        "ASSET-01",
        "財產管理系統",
        3,
        "資訊開發部",
        "資訊維運部",
        Some(1900),
    ),
    (
        "PRINT-01",
        "保單列印系統",
        3,
        "資訊開發部",
        "資訊維運部",
        Some(400),
    ),
    (
        "FAX-01",
        "傳真伺服器",
        3,
        "資訊維運部",
        "資訊維運部",
        Some(1000),
    ),
    (
        "INTRA-01",
        "員工入口網站",
        3,
        "資訊開發部",
        "資訊維運部",
        Some(1300),
    ),
];

pub async fn run(cli: &Cli, args: &DemoArgs) -> Result<ExitCode> {
    let reg = env::registry(cli)?;
    let catalog = reg.latest()?;
    let font = env::report_font(cli)?;
    let mut ctx = env::ctx(cli)?;
    // The demonstration's timeline is --today's: its records, and the
    // report it finalises, are dated as if made that day (10:00 in Taiwan).
    if cli.today.is_some() {
        if let Some(at) = ctx.today.and_hms_opt(2, 0, 0) {
            ctx.now = at.and_utc();
        }
    }
    let (store, created) = env::open(cli, true).await?;
    if !orgs::list(&store).await?.is_empty() {
        store.close().await;
        return Err(anyhow!(
            "zilv demo needs a fresh data directory; {} already holds data",
            cli.data_dir.display()
        ));
    }
    let kit = reports::Kit {
        catalog,
        font: &font,
    };
    match fill(&store, &ctx, kit).await {
        Ok(users) => {
            if args.json.json {
                print_json(&json!({
                    "association": ASSOCIATION,
                    "company": COMPANY,
                    "password": DEMO_PASSWORD,
                    "users": users,
                }))?;
            } else {
                println!(
                    "demo data in {}: association {ASSOCIATION}, member company {COMPANY}",
                    cli.data_dir.display()
                );
                println!("sign in with password {DEMO_PASSWORD} as:");
                for (email, role) in &users {
                    println!("  {email:<28} {role}");
                }
            }
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            store.close().await;
            created.undo();
            Err(e)
        }
    }
}

async fn fill(store: &Store, ctx: &Ctx, kit: reports::Kit<'_>) -> Result<Vec<(String, String)>> {
    let params = &kit.catalog.params;
    let today = ctx.today;
    let org = some(COMPANY);
    for (code, name, kind) in [
        (ASSOCIATION, "中華民國產物保險商業同業公會", "association"),
        (COMPANY, "示範產物保險股份有限公司", "company"),
    ] {
        orgs::add(
            store,
            ctx,
            &NewOrg {
                code: code.into(),
                name: name.into(),
                kind: kind.into(),
            },
        )
        .await?;
    }
    let people = [
        (
            ASSOCIATION,
            "admin@tnlia.example",
            "公會管理者",
            "association_admin",
        ),
        (
            COMPANY,
            "officer@demo-ins.example",
            "資安長 陳安全",
            "security_officer",
        ),
        (
            COMPANY,
            "owner@demo-ins.example",
            "系統負責人 黃維運",
            "system_owner",
        ),
        (
            COMPANY,
            "audit@demo-ins.example",
            "稽核室 劉稽核",
            "internal_auditor",
        ),
        (
            COMPANY,
            "assessor@demo-ins.example",
            "評估人員 林評估",
            "assessor",
        ),
    ];
    let mut users_out = Vec::new();
    for (o, email, name, role) in people {
        users::add(
            store,
            ctx,
            &PasswordPolicy::default(),
            &UserInput {
                org: some(o),
                email: email.into(),
                display_name: name.into(),
                role: role.into(),
                password: some(DEMO_PASSWORD),
            },
        )
        .await?;
        users_out.push((email.to_string(), role.to_string()));
    }
    for (code, name, class, dev, maint, last) in SYSTEMS {
        systems::add(
            store,
            ctx,
            params,
            &SystemInput {
                org: org.clone(),
                code: code.into(),
                name: name.into(),
                class: class.to_string(),
                sourcing: if maint.contains("委外") {
                    "outsourced"
                } else {
                    "in-house"
                }
                .into(),
                dev_unit: dev.into(),
                maint_unit: maint.into(),
                description: String::new(),
                last_assessed: last.map(|d| days_before(today, d).to_string()),
                assets: vec![],
            },
        )
        .await?;
    }
    systems::record_incident(
        store,
        ctx,
        org.as_deref(),
        "CLAIM-02",
        &days_before(today, 20).to_string(),
        true,
        "行動理賠 App 遭撞庫攻擊，部分保戶資料外洩",
    )
    .await?;
    // EVAL-2: the plan, approved by the board.
    let plan = plans::create(
        store,
        ctx,
        params,
        &PlanInput {
            org: org.clone(),
            title: "資訊安全評估計畫".into(),
            systems: vec![],
        },
    )
    .await?;
    plans::approve(
        store,
        ctx,
        params,
        &ApprovalInput {
            org: org.clone(),
            plan_id: plan.plan.id,
            body: "board".into(),
            board_authorisation: None,
            approved_on: days_before(today, 250).to_string(),
            resolution_ref: "第 18 屆第 7 次董事會".into(),
            document: doc("assessment-plan.pdf", "assessment plan"),
            foreign_branch: false,
        },
    )
    .await?;
    // EVAL-7: assessors, qualified and not.
    assessors::set_independent_units(
        store,
        ctx,
        org.as_deref(),
        &["稽核室".into(), "資安室".into()],
    )
    .await?;
    let lin = assessor(
        store,
        ctx,
        "林評估",
        "inside",
        "稽核室",
        some("assessor@demo-ins.example"),
    )
    .await?;
    for (kind, cert) in [
        ("security_management", "ISO/IEC 27001 Lead Auditor"),
        ("security_technical", "CISSP"),
    ] {
        certificate(
            store,
            ctx,
            lin,
            kind,
            cert,
            Some(days_before(today, 0) + Days::new(700)),
        )
        .await?;
    }
    qualify(
        store,
        ctx,
        lin,
        "financial_domain",
        "financial_experience",
        None,
        Some(6),
    )
    .await?;
    assessors::record_nda(
        store,
        ctx,
        org.as_deref(),
        lin,
        &days_before(today, 100).to_string(),
        &doc("nda-lin.pdf", "NDA"),
    )
    .await?;
    let firm = assessor(
        store,
        ctx,
        "安信資安顧問 王滲透",
        "outside_firm",
        "安信資安顧問股份有限公司",
        None,
    )
    .await?;
    certificate(store, ctx, firm, "simulated_attack", "OSCP", None).await?;
    certificate(
        store,
        ctx,
        firm,
        "security_technical",
        "CEH",
        Some(today + Days::new(400)),
    )
    .await?;
    assessors::record_nda(
        store,
        ctx,
        org.as_deref(),
        firm,
        &days_before(today, 90).to_string(),
        &doc("nda-firm.pdf", "NDA"),
    )
    .await?;
    let junior = assessor(store, ctx, "張新進", "inside", "資安室", None).await?;
    qualify(
        store,
        ctx,
        junior,
        "security_management",
        "training",
        Some(6),
        None,
    )
    .await?;
    certificate(
        store,
        ctx,
        junior,
        "security_technical",
        "Security+",
        Some(days_before(today, 30)),
    )
    .await?;
    // EVAL-4: one finished assessment and one under way.
    let finished = "ASM-CORE";
    assessment(
        store,
        ctx,
        finished,
        "核心保單系統年度評估",
        &["CORE-01"],
        days_before(today, 60),
        days_before(today, 5),
    )
    .await?;
    for a in [lin, firm] {
        assessments::add_member(
            store,
            ctx,
            org.as_deref(),
            finished,
            a,
            Some(&days_before(today, 70).to_string()),
            Some(&doc("declaration.pdf", "independence")),
        )
        .await?;
    }
    let all: Vec<DecisionInput> = AssessmentItem::ALL
        .iter()
        .map(|i| DecisionInput {
            item: i.clause().into(),
            selected: true,
            reason: String::new(),
        })
        .collect();
    assessments::set_items(store, ctx, org.as_deref(), finished, &all).await?;
    assessments::start(store, ctx, org.as_deref(), finished).await?;
    for (n, i) in AssessmentItem::ALL.iter().enumerate() {
        let result = if n == 8 { "not_satisfied" } else { "satisfied" };
        assessments::record_result(
            store,
            ctx,
            &ResultInput {
                org: org.clone(),
                code: finished.into(),
                item: i.clause().into(),
                result: result.into(),
                reason: String::new(),
                notes: "檢視設定與紀錄".into(),
            },
        )
        .await?;
    }
    assessments::complete(store, ctx, org.as_deref(), finished).await?;
    let ongoing = "ASM-WEB";
    assessment(
        store,
        ctx,
        ongoing,
        "官方網站評估",
        &["WEB-01"],
        days_before(today, 3),
        today + Days::new(30),
    )
    .await?;
    assessments::add_member(
        store,
        ctx,
        org.as_deref(),
        ongoing,
        lin,
        Some(&days_before(today, 4).to_string()),
        Some(&doc("declaration-web.pdf", "independence")),
    )
    .await?;
    assessments::add_member(
        store,
        ctx,
        org.as_deref(),
        ongoing,
        firm,
        Some(&days_before(today, 4).to_string()),
        Some(&doc("declaration-web-firm.pdf", "independence")),
    )
    .await?;
    let decisions: Vec<DecisionInput> = AssessmentItem::ALL
        .iter()
        .map(|i| {
            let left_out = i.clause().starts_with("EVAL-4.1.1.");
            DecisionInput {
                item: i.clause().into(),
                selected: !left_out,
                reason: if left_out {
                    "網站架構由主機代管商負責，另案評估".into()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    assessments::set_items(store, ctx, org.as_deref(), ongoing, &decisions).await?;
    assessments::start(store, ctx, org.as_deref(), ongoing).await?;
    for i in ["EVAL-4.1.2.1", "EVAL-4.1.3.1"] {
        assessments::record_result(
            store,
            ctx,
            &ResultInput {
                org: org.clone(),
                code: ongoing.into(),
                item: i.into(),
                result: "satisfied".into(),
                reason: String::new(),
                notes: String::new(),
            },
        )
        .await?;
    }
    // EVAL-8: findings in every state.
    let policy = RemediationPolicy::default();
    let states: [(&str, &str, &[&str], u64); 8] = [
        ("網站未啟用 HSTS", "medium", &[], 2),
        (
            "後台管理介面對外開放",
            "critical",
            &["start_remediation"],
            10,
        ),
        ("弱密碼帳號", "high", &["start_remediation", "resolve"], 20),
        (
            "未更新之 OpenSSL",
            "high",
            &["start_remediation", "resolve", "verify_fix"],
            50,
        ),
        ("舊版報表元件", "low", &["accept_risk"], 40),
        ("誤判之 SQL 隱碼", "medium", &["mark_false_positive"], 15),
        (
            "重新出現之目錄列舉",
            "low",
            &["start_remediation", "resolve", "verify_fix", "reactivate"],
            90,
        ),
        ("防火牆規則過寬（逾期）", "high", &[], 60),
    ];
    for (title, severity, steps, age) in states {
        let system = if age > 45 { "CORE-01" } else { "WEB-01" };
        let f = findings::add(
            store,
            ctx,
            &policy,
            &FindingInput {
                org: org.clone(),
                assessment: Some(
                    if system == "CORE-01" {
                        finished
                    } else {
                        ongoing
                    }
                    .into(),
                ),
                system: system.into(),
                asset: None,
                title: title.into(),
                severity: severity.into(),
                category: "EVAL-4.1.3.2".into(),
                risk_description: format!("{title}，可能遭未授權存取"),
                recommendation: "依廠商建議修補並複測".into(),
                source: None,
                fingerprint: None,
                owner: "owner@demo-ins.example".into(),
                found_on: Some(days_before(today, age).to_string()),
                due_on: None,
            },
        )
        .await?;
        for action in steps {
            findings::transition_finding(
                store,
                ctx,
                &policy,
                &TransitionInput {
                    org: org.clone(),
                    id: f.finding.id,
                    action: (*action).into(),
                    reason: "經資安長評估".into(),
                    approver: "總經理".into(),
                    accepted_until: Some((today + Days::new(180)).to_string()),
                    note: String::new(),
                    evidence: (*action == "resolve").then(|| Upload {
                        name: "fix-evidence.txt".into(),
                        bytes: "修補紀錄與複測結果\n".as_bytes().to_vec(),
                    }),
                },
            )
            .await?;
        }
    }
    // EVAL-6: this year's drill (in the year the finished assessment's
    // period ends, which its report covers).
    let report_end = days_before(today, 5);
    let jan = NaiveDate::from_ymd_opt(report_end.year(), 1, 10).unwrap_or(report_end);
    let held = days_before(today, 45).max(jan).min(report_end);
    drills::add(
        store,
        ctx,
        &DrillInput {
            org: org.clone(),
            held_on: held.to_string(),
            population: 420,
            sent: 420,
            opened: 188,
            clicked: 37,
            submitted: 9,
            reported: 61,
            material: "假冒物流包裹招領通知".into(),
        },
    )
    .await?;
    // EVAL-8: the finished assessment's report, finalised and sent to the
    // internal audit unit.
    reports::finalize(store, ctx, kit, org.as_deref(), finished, Lang::ZhTw).await?;
    Ok(users_out)
}

async fn assessor(
    store: &Store,
    ctx: &Ctx,
    name: &str,
    affiliation: &str,
    unit: &str,
    user: Option<String>,
) -> Result<i64> {
    Ok(assessors::add(
        store,
        ctx,
        &AssessorInput {
            org: some(COMPANY),
            name: name.into(),
            email: None,
            affiliation: affiliation.into(),
            unit: unit.into(),
            user_email: user,
        },
    )
    .await?
    .assessor
    .id)
}

async fn certificate(
    store: &Store,
    ctx: &Ctx,
    id: i64,
    kind: &str,
    name: &str,
    expires: Option<NaiveDate>,
) -> Result<()> {
    assessors::qualify(
        store,
        ctx,
        &QualificationInput {
            org: some(COMPANY),
            assessor_id: id,
            kind: kind.into(),
            evidence: "certificate".into(),
            cert_name: name.into(),
            cert_number: format!("{}-{id:04}", name.len()),
            cert_issuer: "Issuing body".into(),
            expires_on: expires.map(|d| d.to_string()),
            file: Some(doc("certificate.pdf", name)),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

async fn qualify(
    store: &Store,
    ctx: &Ctx,
    id: i64,
    kind: &str,
    evidence: &str,
    hours: Option<u32>,
    years: Option<u32>,
) -> Result<()> {
    assessors::qualify(
        store,
        ctx,
        &QualificationInput {
            org: some(COMPANY),
            assessor_id: id,
            kind: kind.into(),
            evidence: evidence.into(),
            hours,
            years,
            file: hours.map(|_| doc("training.pdf", "training")),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

async fn assessment(
    store: &Store,
    ctx: &Ctx,
    code: &str,
    title: &str,
    systems: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<()> {
    assessments::create(
        store,
        ctx,
        &AssessmentInput {
            org: some(COMPANY),
            code: code.into(),
            title: title.into(),
            systems: systems.iter().map(|s| s.to_string()).collect(),
            period_start: from.to_string(),
            period_end: to.to_string(),
            countermeasures: "EVAL-5：雙機備援、異地備份、每年演練營運持續計畫；WAF 與端點防護"
                .into(),
        },
    )
    .await?;
    Ok(())
}
