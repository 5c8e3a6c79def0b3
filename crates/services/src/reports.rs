//! The EVAL-8 assessment report: rendering a completed assessment, the
//! completeness gate, finalising (exact bytes and SHA-256 of each format,
//! sent to the internal audit unit), download, retention with legal hold,
//! the audited deletion and the re-hash of every stored report.
use chrono::{Datelike, FixedOffset, NaiveDate};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use zilv_catalog::{Catalog, Lang};
use zilv_domain::{
    add_years, parse_date, report_gate, required_text, AssessmentStatus, Evidence, FindingStatus,
    InvalidInput, QualificationKind, QualificationPolicy, ReportAssessment, ReportDrill,
    ReportFinding, ReportInput, ReportProblem,
};
use zilv_report::{ReportFont, ReportModel};
use zilv_store::assessments::{self, Assessment};
use zilv_store::reports::{self as store_reports, NewReport, Report, ReportFile};
use zilv_store::{drills, findings, Conn, Store, StoreError};

mod oscal;
pub use oscal::{oscal, OscalDocument, OscalKind};

use crate::access::{scope, Permission};
use crate::assessments::{outcomes_of, scope_systems, team_of, visible};
use crate::audit::record;
use crate::{Ctx, Result, ServiceError};

/// A format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Pdf,
    Html,
    Xlsx,
}

impl ReportFormat {
    /// Every format, in the order they are stored and listed.
    pub const ALL: [ReportFormat; 3] = [ReportFormat::Pdf, ReportFormat::Html, ReportFormat::Xlsx];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Html => "html",
            ReportFormat::Xlsx => "xlsx",
        }
    }

    /// `pdf`, `html` or `xlsx`; `field` names the input in the error.
    pub fn parse(field: &str, value: &str) -> std::result::Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == value.trim())
            .ok_or_else(|| {
                InvalidInput::new(field, format!("{value:?} is not one of: pdf, html, xlsx"))
            })
    }

    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "application/pdf",
            ReportFormat::Html => "text/html; charset=utf-8",
            ReportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// `zh-TW` or `en`; `field` names the input in the error.
pub fn parse_lang(field: &str, value: &str) -> std::result::Result<Lang, InvalidInput> {
    match value.trim() {
        "zh-TW" => Ok(Lang::ZhTw),
        "en" => Ok(Lang::En),
        other => Err(InvalidInput::new(
            field,
            format!("{other:?} is not one of: zh-TW, en"),
        )),
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhTw => "zh-TW",
        Lang::En => "en",
    }
}

/// What rendering needs besides the database: the catalog (clause titles,
/// the retention period, the drill count) and the font the PDF embeds.
#[derive(Debug, Clone, Copy)]
pub struct Kit<'a> {
    pub catalog: &'a Catalog,
    pub font: &'a ReportFont,
}

/// A rendered (not stored) report.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub format: ReportFormat,
    pub bytes: Vec<u8>,
    /// A file name for the download, e.g. `A-2026-01-report.pdf`.
    pub file_name: String,
}

/// A finalised report with its stored formats and the state of its findings,
/// as the internal audit unit follows them (EVAL-8).
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub org: String,
    #[serde(flatten)]
    pub report: Report,
    pub files: Vec<ReportFile>,
    /// Findings of the assessment, in all.
    pub findings: i64,
    /// Findings not yet closed (open, in remediation, awaiting verification, reactivated).
    pub findings_outstanding: i64,
    /// Whether deletion is still refused on the caller's day (retention or legal hold).
    pub retained: bool,
}

/// A stored file whose bytes no longer match the recorded hash or size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub org: String,
    pub assessment: String,
    pub format: String,
    pub recorded_sha256: String,
    pub actual_sha256: String,
    pub recorded_size: i64,
    pub actual_size: i64,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Stored files re-hashed.
    pub checked: usize,
    pub mismatches: Vec<Mismatch>,
}

fn not_finalised(code: &str) -> ServiceError {
    ServiceError::NotFound {
        what: "finalised report of assessment",
        key: code.to_string(),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Refuses an assessment that is not completed: a report is made of results.
fn require_completed(a: &Assessment) -> Result<()> {
    if a.status == AssessmentStatus::Completed {
        return Ok(());
    }
    Err(ServiceError::Conflict(format!(
        "assessment {} is {}: a report is made only for a completed assessment (EVAL-8); complete it first",
        a.code, a.status
    )))
}

/// The EVAL-5 countermeasures text split into reliability and security: a
/// paragraph starting with 安全性 or "Security" begins the security part;
/// without one the whole text is shown under both headings' first.
fn split_countermeasures(text: &str) -> zilv_report::Countermeasures {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| {
        let t = l.trim_start();
        t.starts_with("安全性") || t.to_lowercase().starts_with("security")
    });
    match at {
        Some(i) if i > 0 => zilv_report::Countermeasures {
            reliability: lines[..i].join("\n").trim().to_string(),
            security: lines[i..].join("\n").trim().to_string(),
        },
        Some(_) => zilv_report::Countermeasures {
            reliability: String::new(),
            security: text.trim().to_string(),
        },
        None => zilv_report::Countermeasures {
            reliability: text.trim().to_string(),
            security: String::new(),
        },
    }
}

fn remediation(s: FindingStatus) -> Option<zilv_report::RemediationStatus> {
    use zilv_report::RemediationStatus as R;
    Some(match s {
        FindingStatus::Open | FindingStatus::Reactivated => R::Open,
        // Fixed but not yet verified by the internal audit unit.
        FindingStatus::InRemediation | FindingStatus::Resolved => R::InProgress,
        FindingStatus::ClosedFixed => R::Resolved,
        FindingStatus::RiskAccepted => R::RiskAccepted,
        FindingStatus::FalsePositive => return None,
    })
}

fn severity(s: zilv_domain::Severity) -> zilv_report::Severity {
    use zilv_domain::Severity as D;
    use zilv_report::Severity as R;
    match s {
        D::Critical => R::Critical,
        D::High => R::High,
        D::Medium => R::Medium,
        D::Low => R::Low,
        D::Info => R::Info,
    }
}

fn qualification(q: &zilv_domain::Qualification, lang: Lang) -> zilv_report::Qualification {
    use zilv_report::{QualificationArea as A, QualificationBasis as B};
    let area = match q.kind {
        QualificationKind::SecurityManagement => A::SecurityManagement,
        QualificationKind::SecurityTechnical => A::SecurityTechnical,
        QualificationKind::SimulatedAttack => A::SimulatedAttack,
        QualificationKind::FinancialDomain => A::FinancialApplications,
    };
    let basis = match &q.evidence {
        Evidence::Certificate {
            name,
            number,
            issuer,
            expires_on,
        } => B::Certificate {
            name: name.clone(),
            number: number.clone(),
            issuer: issuer.clone(),
            expires: *expires_on,
        },
        Evidence::Training { hours, proof } => B::Training {
            hours: *hours,
            description: proof.clone(),
        },
        Evidence::FinancialExperience { years } => B::Experience {
            years: *years,
            description: match lang {
                Lang::ZhTw => "金融業相關工作年資".to_string(),
                Lang::En => "related work in the financial sector".to_string(),
            },
        },
    };
    zilv_report::Qualification { area, basis }
}

/// The year a report covers: the year its assessment period ends.
fn report_year(a: &Assessment) -> i32 {
    a.period_end.year()
}

/// Everything the report and its gate read, loaded once.
struct Loaded {
    org_name: String,
    assessment: Assessment,
    systems: Vec<zilv_store::systems::System>,
    team: Vec<zilv_domain::Assessor>,
    items: Vec<assessments::ItemRow>,
    findings: Vec<findings::Finding>,
    drills: Vec<drills::Drill>,
}

/// What a report of the completed assessment `code` is made of, for a
/// reader who may see it (another organisation's is not found; one not
/// yet completed is refused).
async fn load_completed(store: &Store, ctx: &Ctx, org: Option<&str>, code: &str) -> Result<Loaded> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    let a = visible(&mut conn, ctx, org.id, code).await?;
    require_completed(&a)?;
    load(&mut conn, &org.name, a).await
}

async fn load(conn: &mut Conn, org_name: &str, a: Assessment) -> Result<Loaded> {
    let systems = scope_systems(conn, a.org_id, a.id).await?;
    let team = team_of(conn, &a).await?;
    let items = assessments::items(conn, a.org_id, a.id).await?;
    let filter = findings::Filter {
        assessment_id: Some(a.id),
        ..Default::default()
    };
    let (mut found, _) = findings::list(conn, a.org_id, &filter, i64::MAX, 0).await?;
    found.sort_by_key(|f| f.id);
    let year = report_year(&a);
    let drills = drills::list(conn, a.org_id)
        .await?
        .into_iter()
        .filter(|d| d.held_on.year() == year)
        .collect();
    Ok(Loaded {
        org_name: org_name.to_string(),
        assessment: a,
        systems,
        team,
        items,
        findings: found,
        drills,
    })
}

fn finding_id(id: i64) -> String {
    format!("F-{id}")
}

impl Loaded {
    fn gate_input(&self) -> ReportInput {
        let a = &self.assessment;
        let assessments = match self
            .systems
            .iter()
            .map(|s| s.class)
            .min_by_key(|c| c.number())
        {
            None => Vec::new(),
            Some(class) => vec![ReportAssessment {
                system: self
                    .systems
                    .iter()
                    .map(|s| s.code.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
                class,
                // Qualifications are judged on the first day of the
                // assessment period: never stricter than the start gate,
                // which judged them on the (later) day of the start.
                starts_on: a.period_start,
                selected: self
                    .items
                    .iter()
                    .filter(|i| i.choice == "selected")
                    .map(|i| i.item)
                    .collect(),
                outcomes: outcomes_of(&self.items),
                team: self.team.clone(),
            }],
        };
        ReportInput {
            year: report_year(a),
            assessments,
            findings: self
                .findings
                .iter()
                .filter(|f| f.status != FindingStatus::FalsePositive)
                .map(|f| ReportFinding {
                    id: finding_id(f.id),
                    severity: Some(f.severity),
                    category: f.category.clone(),
                    risk_description: f.risk_description.clone(),
                    recommendation: f.recommendation.clone(),
                })
                .collect(),
            drills: self
                .drills
                .iter()
                .map(|d| ReportDrill {
                    held_on: d.held_on,
                    results_recorded: d.sent > 0,
                })
                .collect(),
        }
    }

    fn model(&self, ctx: &Ctx, catalog: &Catalog, lang: Lang) -> ReportModel {
        let a = &self.assessment;
        let assessors = self
            .team
            .iter()
            .map(|m| {
                let (kind, organisation) = match &m.affiliation {
                    zilv_domain::Affiliation::Inside { unit } => {
                        (zilv_report::AssessorKind::Internal, unit.clone())
                    }
                    zilv_domain::Affiliation::OutsideFirm { firm } => {
                        (zilv_report::AssessorKind::External, firm.clone())
                    }
                };
                zilv_report::Assessor {
                    name: m.name.clone(),
                    organisation,
                    kind,
                    qualifications: m
                        .qualifications
                        .iter()
                        .map(|q| qualification(q, lang))
                        .collect(),
                }
            })
            .collect();
        let items_done: Vec<String> = self
            .items
            .iter()
            .filter(|i| i.choice == "selected" && i.result.is_some())
            .map(|i| i.item.to_string())
            .collect();
        let items_left_out = self
            .items
            .iter()
            .filter(|i| i.choice == "left_out")
            .map(|i| zilv_report::LeftOutItem {
                item: i.item.to_string(),
                reason: i.reason.clone(),
            })
            .collect();
        let item_results = self
            .items
            .iter()
            .filter_map(|i| {
                let outcome = match i.result.as_deref()? {
                    "satisfied" => zilv_report::Outcome::Satisfied,
                    "not_satisfied" => zilv_report::Outcome::NotSatisfied,
                    _ => zilv_report::Outcome::NotApplicable,
                };
                let notes = [i.result_reason.trim(), i.notes.trim()]
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                Some(zilv_report::ItemResult {
                    item: i.item.to_string(),
                    outcome,
                    notes,
                })
            })
            .collect();
        let found: Vec<zilv_report::Finding> = self
            .findings
            .iter()
            .filter_map(|f| {
                let status = remediation(f.status)?;
                let title = zilv_report::labels::clause_title(catalog, lang, &f.category);
                Some(zilv_report::Finding {
                    id: finding_id(f.id),
                    title: f.title.clone(),
                    severity: severity(f.severity),
                    category: if title.is_empty() {
                        f.category.clone()
                    } else {
                        format!("{} {title}", f.category)
                    },
                    clause: f.category.clone(),
                    target: match &f.asset {
                        Some(asset) => format!("{} / {asset}", f.system),
                        None => f.system.clone(),
                    },
                    risk: f.risk_description.clone(),
                    recommendation: f.recommendation.clone(),
                    status,
                    due: f.due_on,
                })
            })
            .collect();
        let summary = summary(lang, &found, self.drills.len());
        ReportModel {
            company: self.org_name.clone(),
            title: match lang {
                Lang::ZhTw => "電腦系統資訊安全評估報告".to_string(),
                Lang::En => "Computer System Information Security Assessment Report".to_string(),
            },
            language: lang,
            assessment: zilv_report::Assessment {
                id: a.code.clone(),
                name: a.title.clone(),
                period_start: a.period_start,
                period_end: a.period_end,
            },
            generated_at: match FixedOffset::east_opt(8 * 3600) {
                Some(taiwan) => ctx.now.with_timezone(&taiwan),
                None => ctx.now.fixed_offset(),
            },
            assessors,
            scope: zilv_report::Scope {
                systems: self
                    .systems
                    .iter()
                    .map(|s| zilv_report::ScopedSystem {
                        name: format!("{} {}", s.code, s.name),
                        class: s.class.number(),
                        description: s.description.clone(),
                    })
                    .collect(),
                items_done,
                items_left_out,
            },
            item_results,
            findings: found,
            drills: self
                .drills
                .iter()
                .map(|d| zilv_report::Drill {
                    date: d.held_on,
                    recipients: u32::try_from(d.sent).unwrap_or(u32::MAX),
                    opened: u32::try_from(d.opened).unwrap_or(u32::MAX),
                    clicked: u32::try_from(d.clicked).unwrap_or(u32::MAX),
                    reported: u32::try_from(d.reported).unwrap_or(u32::MAX),
                    notes: d.material.clone(),
                })
                .collect(),
            countermeasures: split_countermeasures(&a.countermeasures),
            summary,
        }
    }
}

/// The summary paragraph: how many findings of each severity, how many
/// outstanding, and the drills of the year.
fn summary(lang: Lang, found: &[zilv_report::Finding], drills: usize) -> String {
    use zilv_report::{RemediationStatus as R, Severity as S};
    let count = |s: S| found.iter().filter(|f| f.severity == s).count();
    let open = found
        .iter()
        .filter(|f| matches!(f.status, R::Open | R::InProgress))
        .count();
    match lang {
        Lang::ZhTw => format!(
            "本次評估共發現 {} 項缺失（重大 {}、高 {}、中 {}、低 {}、資訊 {}），其中 {} 項尚待改善；本年度辦理社交工程演練 {} 次。本報告送交稽核單位，由其追蹤缺失改善至結案。",
            found.len(),
            count(S::Critical),
            count(S::High),
            count(S::Medium),
            count(S::Low),
            count(S::Info),
            open,
            drills
        ),
        Lang::En => format!(
            "The assessment found {} deficiencies ({} critical, {} high, {} medium, {} low, {} informational), {} of them still to be remedied; {} social-engineering drill(s) were held this year. The report goes to the internal audit unit, which tracks remediation to closure.",
            found.len(),
            count(S::Critical),
            count(S::High),
            count(S::Medium),
            count(S::Low),
            count(S::Info),
            open,
            drills
        ),
    }
}

fn render_format(model: &ReportModel, kit: Kit<'_>, format: ReportFormat) -> Result<Vec<u8>> {
    let out = match format {
        ReportFormat::Pdf => zilv_report::render_pdf(model, kit.catalog, kit.font),
        ReportFormat::Html => zilv_report::render_html(model, kit.catalog).map(String::into_bytes),
        ReportFormat::Xlsx => zilv_report::render_xlsx(model),
    };
    out.map_err(|e| {
        InvalidInput::new(
            format!("report of assessment {}", model.assessment.id),
            e.to_string(),
        )
        .into()
    })
}

/// The calendar day in Taiwan (UTC+8) of `now`.
fn taiwan_day(now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    match FixedOffset::east_opt(8 * 3600) {
        Some(tz) => now.with_timezone(&tz).date_naive(),
        None => now.date_naive(),
    }
}

fn file_name(code: &str, format: ReportFormat) -> String {
    format!("{code}-report.{}", format.as_str())
}

/// Renders the report of a completed assessment in `format` and `lang`,
/// without storing it (a draft; finalising stores the exact bytes).
/// Another organisation's assessment is not found; an assessment not yet
/// completed is refused.
pub async fn render(
    store: &Store,
    ctx: &Ctx,
    kit: Kit<'_>,
    org: Option<&str>,
    code: &str,
    format: ReportFormat,
    lang: Lang,
) -> Result<Rendered> {
    let model = load_completed(store, ctx, org, code)
        .await?
        .model(ctx, kit.catalog, lang);
    Ok(Rendered {
        format,
        bytes: render_format(&model, kit, format)?,
        file_name: format!("{code}-draft-report.{}", format.as_str()),
    })
}

/// What the completeness gate finds missing today (empty: the report may be
/// finalised). Refuses an assessment not yet completed.
pub async fn problems(
    store: &Store,
    ctx: &Ctx,
    catalog: &Catalog,
    org: Option<&str>,
    code: &str,
) -> Result<Vec<ReportProblem>> {
    let loaded = load_completed(store, ctx, org, code).await?;
    Ok(report_gate(
        &loaded.gate_input(),
        &QualificationPolicy::default(),
        &catalog.params,
    )
    .err()
    .unwrap_or_default())
}

async fn view(conn: &mut Conn, ctx: &Ctx, org_code: &str, report: Report) -> Result<ReportView> {
    let files = store_reports::files(conn, report.org_id, report.id).await?;
    let filter = findings::Filter {
        assessment_id: Some(report.assessment_id),
        ..Default::default()
    };
    let (_, total) = findings::list(conn, report.org_id, &filter, 0, 0).await?;
    let mut outstanding = 0;
    for status in FindingStatus::ALL
        .into_iter()
        .filter(|s| s.is_outstanding())
    {
        let f = findings::Filter {
            status: Some(status),
            ..filter.clone()
        };
        outstanding += findings::list(conn, report.org_id, &f, 0, 0).await?.1;
    }
    let retained = report.deleted_at.is_none() && refusal(&report, ctx.today).is_some();
    Ok(ReportView {
        org: org_code.to_string(),
        files,
        findings: total,
        findings_outstanding: outstanding,
        retained,
        report,
    })
}

/// Finalises the report of a completed assessment on `ctx.today`: refused,
/// listing everything missing at once, unless the EVAL-8 completeness gate
/// passes; then renders PDF (in `lang`), HTML and XLSX, stores their exact
/// bytes with SHA-256, keeps them until the catalog's retention period has
/// passed, records one `report.finalise` audit event with the hashes and
/// sends the report to the internal audit unit, in one transaction.
pub async fn finalize(
    store: &Store,
    ctx: &Ctx,
    kit: Kit<'_>,
    org: Option<&str>,
    code: &str,
    lang: Lang,
) -> Result<ReportView> {
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let a = visible(&mut tx, ctx, org.id, code).await?;
    require_completed(&a)?;
    if let Some(r) = store_reports::by_assessment(&mut tx, org.id, a.id).await? {
        return Err(ServiceError::Conflict(format!(
            "the report of assessment {code} was finalised on {} by {}; a finalised report is immutable (EVAL-8)",
            r.finalised_on, r.finalised_by
        )));
    }
    // Retention is counted from the finalisation day: it cannot be set
    // before the clock's own day (`--today` in the past would shorten it).
    let clock_day = taiwan_day(ctx.now);
    if ctx.today < clock_day {
        return Err(ServiceError::Conflict(format!(
            "the report of assessment {code} cannot be finalised as of {}: that is before today ({clock_day}), and its retention is counted from the day it is finalised (EVAL-8)",
            ctx.today
        )));
    }
    let loaded = load(&mut tx, &org.name, a).await?;
    if let Err(problems) = report_gate(
        &loaded.gate_input(),
        &QualificationPolicy::default(),
        &kit.catalog.params,
    ) {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(InvalidInput::new(
            format!("report of assessment {code}"),
            format!("cannot finalise: {}", list.join("; ")),
        )
        .into());
    }
    let model = loaded.model(ctx, kit.catalog, lang);
    let mut rendered = Vec::new();
    for format in ReportFormat::ALL {
        let bytes = render_format(&model, kit, format)?;
        let file = ReportFile {
            format: format.as_str().to_string(),
            media_type: format.media_type().to_string(),
            sha256: sha256_hex(&bytes),
            size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        };
        rendered.push((file, bytes));
    }
    let years = kit.catalog.params.report_retention_years;
    let retention_until = add_years(ctx.today, years);
    let report_id = store_reports::insert(
        &mut tx,
        &NewReport {
            org_id: org.id,
            assessment_id: loaded.assessment.id,
            language: lang_code(lang),
            finalised_at: &ctx.stamp(),
            finalised_on: ctx.today,
            finalised_by: &ctx.actor,
            retention_until,
        },
    )
    .await?;
    for (file, bytes) in &rendered {
        store_reports::insert_file(&mut tx, org.id, report_id, file, bytes).await?;
    }
    let files: Vec<&ReportFile> = rendered.iter().map(|(f, _)| f).collect();
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "report.finalise",
        "report",
        code,
        &json!({
            "assessment": code,
            "language": lang_code(lang),
            "finalised_on": ctx.today,
            "retention_years": years,
            "retention_until": retention_until,
            "sent_to": "internal_audit",
            "files": files,
        }),
    )
    .await?;
    let report = store_reports::by_assessment(&mut tx, org.id, loaded.assessment.id)
        .await?
        .ok_or_else(|| not_finalised(code))?;
    let v = view(&mut tx, ctx, &org.code, report).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

async fn finalised(conn: &mut Conn, ctx: &Ctx, org_id: i64, code: &str) -> Result<Report> {
    let a = visible(conn, ctx, org_id, code).await?;
    store_reports::by_assessment(conn, org_id, a.id)
        .await?
        .ok_or_else(|| not_finalised(code))
}

/// The finalised report of an assessment with its stored formats.
pub async fn show(store: &Store, ctx: &Ctx, org: Option<&str>, code: &str) -> Result<ReportView> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    let r = finalised(&mut conn, ctx, org.id, code).await?;
    view(&mut conn, ctx, &org.code, r).await
}

/// The organisation's finalised reports, newest first, each with how many of
/// its findings are still outstanding: the internal audit unit's list of
/// reports sent to it (EVAL-8). An assessor sees only their assessments'.
pub async fn list(store: &Store, ctx: &Ctx, org: Option<&str>) -> Result<Vec<ReportView>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    let mut out = Vec::new();
    for r in store_reports::list(&mut conn, org.id).await? {
        // Not visible (an assessor not on its team) is skipped; a failure is not.
        match visible(&mut conn, ctx, org.id, &r.assessment).await {
            Ok(_) => {}
            Err(ServiceError::NotFound { .. } | ServiceError::Forbidden(_)) => continue,
            Err(e) => return Err(e),
        }
        out.push(view(&mut conn, ctx, &org.code, r).await?);
    }
    Ok(out)
}

/// The stored bytes of one format of a finalised report, exactly as
/// finalised (their SHA-256 is checked before they are handed out).
pub async fn download(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
    format: ReportFormat,
) -> Result<Rendered> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    let r = finalised(&mut conn, ctx, org.id, code).await?;
    if let Some(at) = &r.deleted_at {
        return Err(ServiceError::Conflict(format!(
            "the report of assessment {code} was deleted at {at} after its retention ended"
        )));
    }
    let (file, bytes) = store_reports::file(&mut conn, org.id, r.id, format.as_str())
        .await?
        .ok_or_else(|| not_finalised(code))?;
    let actual = sha256_hex(&bytes);
    if actual != file.sha256 {
        return Err(ServiceError::Store(StoreError::Corrupt(format!(
            "the stored {} of the report of assessment {code} has SHA-256 {actual}, not the recorded {}",
            file.format, file.sha256
        ))));
    }
    Ok(Rendered {
        format,
        bytes,
        file_name: file_name(code, format),
    })
}

/// Why the report may not be deleted on `today`, if it may not.
fn refusal(r: &Report, today: NaiveDate) -> Option<String> {
    if today < r.retention_until {
        return Some(format!(
            "the report of assessment {} is kept until {} (finalised on {}; EVAL-8 retention) and cannot be deleted before",
            r.assessment, r.retention_until, r.finalised_on
        ));
    }
    if r.legal_hold && r.legal_hold_until.is_none_or(|u| today < u) {
        return Some(format!(
            "the report of assessment {} is under a legal hold{} ({}); release it first",
            r.assessment,
            r.legal_hold_until
                .map(|u| format!(" until {u}"))
                .unwrap_or_default(),
            r.legal_hold_reason.as_deref().unwrap_or_default()
        ));
    }
    None
}

/// Deletes the stored bytes of a finalised report on `ctx.today`: refused
/// before its retention ends and under a legal hold (the database refuses
/// too); afterwards an explicit act recorded in the audit trail, the report's
/// record staying with who deleted it and when.
pub async fn delete(store: &Store, ctx: &Ctx, org: Option<&str>, code: &str) -> Result<ReportView> {
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let r = finalised(&mut tx, ctx, org.id, code).await?;
    if let Some(at) = &r.deleted_at {
        return Err(ServiceError::Conflict(format!(
            "the report of assessment {code} was already deleted at {at}"
        )));
    }
    if let Some(why) = refusal(&r, ctx.today) {
        return Err(ServiceError::Conflict(why));
    }
    let files = store_reports::files(&mut tx, org.id, r.id).await?;
    store_reports::delete(&mut tx, org.id, r.id, &ctx.stamp(), ctx.today, &ctx.actor).await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "report.delete",
        "report",
        code,
        &json!({
            "assessment": code,
            "finalised_on": r.finalised_on,
            "retention_until": r.retention_until,
            "deleted_on": ctx.today,
            "files": files,
        }),
    )
    .await?;
    let after = finalised(&mut tx, ctx, org.id, code).await?;
    let v = view(&mut tx, ctx, &org.code, after).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// Places a legal hold on a finalised report (or changes it): no deletion
/// until it is released or, with `until` (`YYYY-MM-DD`), until that day.
pub async fn set_legal_hold(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
    reason: &str,
    until: Option<&str>,
) -> Result<ReportView> {
    let reason = required_text("reason", reason, 2000)?;
    let until = until
        .filter(|u| !u.trim().is_empty())
        .map(|u| parse_date("until", u))
        .transpose()?;
    if let Some(u) = until {
        if u <= ctx.today {
            return Err(InvalidInput::new(
                "until",
                format!("{u} is not after today ({})", ctx.today),
            )
            .into());
        }
    }
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let r = finalised(&mut tx, ctx, org.id, code).await?;
    if r.deleted_at.is_some() {
        return Err(ServiceError::Conflict(format!(
            "the report of assessment {code} is deleted; there is nothing to hold"
        )));
    }
    store_reports::set_hold(&mut tx, org.id, r.id, Some((&reason, until, &ctx.actor))).await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "report.legal_hold",
        "report",
        code,
        &json!({ "assessment": code, "reason": reason, "until": until }),
    )
    .await?;
    let after = finalised(&mut tx, ctx, org.id, code).await?;
    let v = view(&mut tx, ctx, &org.code, after).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// Releases the legal hold of a finalised report.
pub async fn release_legal_hold(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
) -> Result<ReportView> {
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let r = finalised(&mut tx, ctx, org.id, code).await?;
    if let Some(at) = &r.deleted_at {
        return Err(ServiceError::Conflict(format!(
            "the report of assessment {code} was deleted at {at}; its record no longer changes"
        )));
    }
    if !r.legal_hold {
        return Err(ServiceError::Conflict(format!(
            "the report of assessment {code} is not under a legal hold"
        )));
    }
    store_reports::set_hold(&mut tx, org.id, r.id, None).await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "report.legal_hold_release",
        "report",
        code,
        &json!({ "assessment": code, "reason": r.legal_hold_reason, "until": r.legal_hold_until }),
    )
    .await?;
    let after = finalised(&mut tx, ctx, org.id, code).await?;
    let v = view(&mut tx, ctx, &org.code, after).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// Whether a stored file is a remediation document of a finding whose
/// report is still kept: such a file may not be deleted or replaced (the
/// database refuses too).
pub async fn document_retained(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    sha256: &str,
) -> Result<bool> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewFindings).await?;
    Ok(store_reports::file_retained(&mut conn, org.id, sha256).await?)
}

/// Re-hashes every stored report file of every organisation and lists those
/// whose bytes no longer match the recorded SHA-256 or size (the operator's
/// check, like the audit trail's).
pub async fn verify(store: &Store) -> Result<Verification> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let mut checked = 0;
    let mut mismatches = Vec::new();
    store_reports::for_each_file(&mut conn, |f| {
        checked += 1;
        let actual = sha256_hex(&f.content);
        let size = i64::try_from(f.content.len()).unwrap_or(i64::MAX);
        if actual != f.file.sha256 || size != f.file.size {
            mismatches.push(Mismatch {
                org: f.org_code,
                assessment: f.assessment,
                format: f.file.format,
                recorded_sha256: f.file.sha256,
                actual_sha256: actual,
                recorded_size: f.file.size,
                actual_size: size,
            });
        }
    })
    .await?;
    Ok(Verification {
        checked,
        mismatches,
    })
}
