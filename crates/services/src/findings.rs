//! Findings and their remediation (EVAL-8): adding them with a due date from
//! the severity policy, the workflow of the domain's `finding::transition`
//! with its history, the filtered and paginated list, and the CSV export.
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use zilv_domain::{
    is_overdue, optional_text, parse_date, required_text, transition, FindingAction, FindingStatus,
    InvalidInput, RemediationPolicy, Role, Severity,
};
use zilv_store::findings::{self, Change, Filter, Finding, NewFinding, NewState};
use zilv_store::{assessments as assessment_store, assets, systems, Conn, Store, StoreError};

use crate::access::{scope, Permission};
use crate::assessments::{assessor_user, visible};
use crate::audit::{record, record_change};
use crate::files::{self, Upload};
use crate::{Ctx, Result, ServiceError};

/// The largest page of the findings list.
pub const MAX_PAGE: i64 = 1000;

/// A new finding.
#[derive(Debug, Clone, Default)]
pub struct FindingInput {
    pub org: Option<String>,
    /// Code of the assessment that found it, if any.
    pub assessment: Option<String>,
    pub system: String,
    pub asset: Option<String>,
    pub title: String,
    /// `critical`, `high`, `medium`, `low` or `info`.
    pub severity: String,
    /// The clause it falls under, e.g. `EVAL-4.1.3.3` or `SR-5.2`.
    pub category: String,
    pub risk_description: String,
    pub recommendation: String,
    /// `manual` (the default) or `import:<tool>`.
    pub source: Option<String>,
    /// A scanner's stable identity of the weakness, for de-duplication.
    pub fingerprint: Option<String>,
    /// Who remediates it (an e-mail address or a unit).
    pub owner: String,
    /// `YYYY-MM-DD`; default today.
    pub found_on: Option<String>,
    /// `YYYY-MM-DD`; default from the severity policy.
    pub due_on: Option<String>,
}

/// A change asked for on a finding.
#[derive(Debug, Clone, Default)]
pub struct TransitionInput {
    pub org: Option<String>,
    pub id: i64,
    /// `start_remediation`, `resolve`, `verify_fix`, `reject_fix`,
    /// `accept_risk`, `mark_false_positive` or `reactivate`.
    pub action: String,
    pub reason: String,
    /// Who approved a risk acceptance.
    pub approver: String,
    /// `YYYY-MM-DD`: when a risk acceptance ends (required for it).
    pub accepted_until: Option<String>,
    pub note: String,
    /// The evidence of a fix (required to resolve).
    pub evidence: Option<Upload>,
}

/// Which findings to list, and which page.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub org: Option<String>,
    pub status: Option<String>,
    pub severity: Option<String>,
    pub system: Option<String>,
    pub assessment: Option<String>,
    /// Only outstanding findings past their due date.
    pub overdue: bool,
    /// Page size (1 to [`MAX_PAGE`]; default 50).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// A finding with what follows from it today.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    #[serde(flatten)]
    pub finding: Finding,
    pub overdue: bool,
}

/// One page of findings.
#[derive(Debug, Clone, Serialize)]
pub struct FindingPage {
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub findings: Vec<FindingRow>,
}

/// A finding in full, with its status history.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    pub org: String,
    #[serde(flatten)]
    pub finding: Finding,
    pub overdue: bool,
    pub history: Vec<Change>,
}

fn check_category(value: &str) -> Result<String> {
    let v = value.trim();
    let ok = ["EVAL-", "SR-", "APP-"].iter().any(|p| {
        v.strip_prefix(p).is_some_and(|rest| {
            !rest.is_empty()
                && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
                && !rest.starts_with('.')
                && !rest.ends_with('.')
        })
    });
    if ok {
        Ok(v.to_string())
    } else {
        Err(InvalidInput::new(
            "category",
            format!("{value:?} is not a clause ID such as EVAL-4.1.3.3, SR-5.2 or APP-1.2"),
        )
        .into())
    }
}

fn check_source(value: Option<&str>) -> Result<String> {
    let v = value.map_or("manual", str::trim);
    if v == "manual"
        || v.strip_prefix("import:").is_some_and(|t| {
            !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    {
        Ok(v.to_string())
    } else {
        Err(InvalidInput::new(
            "source",
            format!("{v:?} is neither manual nor import:<tool>"),
        )
        .into())
    }
}

async fn find(conn: &mut Conn, ctx: &Ctx, org_id: i64, id: i64) -> Result<Finding> {
    let not_found = || ServiceError::NotFound {
        what: "finding",
        key: id.to_string(),
    };
    let f = findings::by_id(conn, org_id, id)
        .await?
        .ok_or_else(not_found)?;
    if let Some(user) = assessor_user(ctx) {
        let member = match &f.assessment {
            Some(code) => match assessment_store::by_code(conn, org_id, code).await? {
                Some(a) => assessment_store::has_member_user(conn, org_id, a.id, user).await?,
                None => false,
            },
            None => false,
        };
        if !member {
            return Err(not_found());
        }
    }
    Ok(f)
}

async fn view(
    conn: &mut Conn,
    org_code: &str,
    f: Finding,
    today: NaiveDate,
) -> Result<FindingView> {
    let history = findings::history(conn, f.org_id, f.id).await?;
    Ok(FindingView {
        org: org_code.to_string(),
        overdue: is_overdue(f.status, f.due_on, today),
        finding: f,
        history,
    })
}

/// Records a finding; its due date follows from `policy` unless given.
pub async fn add(
    store: &Store,
    ctx: &Ctx,
    policy: &RemediationPolicy,
    input: &FindingInput,
) -> Result<FindingView> {
    policy.check()?;
    let title = required_text("title", &input.title, 300)?;
    let severity = Severity::parse("severity", &input.severity)?;
    let category = check_category(&input.category)?;
    let risk = required_text("risk description", &input.risk_description, 20_000)?;
    let recommendation = required_text("recommendation", &input.recommendation, 20_000)?;
    let source = check_source(input.source.as_deref())?;
    let fingerprint = input
        .fingerprint
        .as_deref()
        .map(|f| required_text("fingerprint", f, 200))
        .transpose()?;
    let owner = required_text("owner", &input.owner, 200)?;
    let found_on = match input.found_on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => parse_date("found on", d)?,
        None => ctx.today,
    };
    if found_on > ctx.today {
        return Err(InvalidInput::new(
            "found on",
            format!("{found_on} is in the future (today is {})", ctx.today),
        )
        .into());
    }
    let due_on = match input.due_on.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(parse_date("due on", d)?),
        None => policy.target_date(severity, found_on),
    };
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, input.org.as_deref(), Permission::EditFindings).await?;
    if ctx
        .principal
        .as_ref()
        .is_some_and(|p| p.role == Role::SystemOwner)
    {
        return Err(ServiceError::Forbidden(
            "a system owner remediates findings; the security officer or an assessor records them"
                .into(),
        ));
    }
    let assessment = match input.assessment.as_deref().filter(|a| !a.trim().is_empty()) {
        Some(code) => Some(visible(&mut tx, ctx, org.id, code).await?),
        None if assessor_user(ctx).is_some() => {
            return Err(InvalidInput::new(
                "assessment",
                "an assessor records findings of an assessment they are on",
            )
            .into())
        }
        None => None,
    };
    let system = systems::by_code(&mut tx, org.id, &input.system)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "system",
            key: input.system.clone(),
        })?;
    if let Some(a) = &assessment {
        let ids = assessment_store::system_ids(&mut tx, org.id, a.id).await?;
        if !ids.contains(&system.id) {
            return Err(InvalidInput::new(
                "system",
                format!(
                    "{} is not in the scope of assessment {}",
                    system.code, a.code
                ),
            )
            .into());
        }
    }
    let asset_id = match input.asset.as_deref().filter(|a| !a.trim().is_empty()) {
        Some(code) => Some(
            assets::by_code(&mut tx, org.id, code)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "asset",
                    key: code.to_string(),
                })?
                .id,
        ),
        None => None,
    };
    let id = findings::insert(
        &mut tx,
        &NewFinding {
            org_id: org.id,
            assessment_id: assessment.as_ref().map(|a| a.id),
            system_id: system.id,
            asset_id,
            title: &title,
            severity,
            category: &category,
            risk_description: &risk,
            recommendation: &recommendation,
            source: &source,
            fingerprint: fingerprint.as_deref(),
            owner: &owner,
            found_on,
            due_on,
        },
        &ctx.stamp(),
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => ServiceError::Conflict(format!(
            "system {} already has a finding with fingerprint {:?}",
            system.code,
            fingerprint.clone().unwrap_or_default()
        )),
        other => other.into(),
    })?;
    findings::add_change(
        &mut tx,
        org.id,
        id,
        &Change {
            at: ctx.stamp(),
            actor: ctx.actor.clone(),
            from: None,
            to: FindingStatus::Open,
            note: String::new(),
            evidence_sha256: None,
            evidence_name: None,
        },
    )
    .await?;
    let f = find(&mut tx, ctx, org.id, id).await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "finding.create",
        "finding",
        &id.to_string(),
        &f,
    )
    .await?;
    let v = view(&mut tx, &org.code, f, ctx.today).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

fn action_of(input: &TransitionInput) -> Result<FindingAction> {
    let reason = input.reason.clone();
    Ok(match input.action.trim() {
        "start_remediation" => FindingAction::StartRemediation,
        "resolve" => FindingAction::Resolve,
        "verify_fix" => FindingAction::VerifyFix,
        "reject_fix" => FindingAction::RejectFix { reason },
        "accept_risk" => FindingAction::AcceptRisk {
            approved_by: input.approver.clone(),
            reason,
        },
        "mark_false_positive" => FindingAction::MarkFalsePositive { reason },
        "reactivate" => FindingAction::Reactivate { reason },
        other => {
            return Err(InvalidInput::new(
                "action",
                format!(
                    "{other:?} is not one of: start_remediation, resolve, verify_fix, reject_fix, accept_risk, mark_false_positive, reactivate"
                ),
            )
            .into())
        }
    })
}

/// The permission an action needs: the owner's remediation, the internal
/// audit unit's follow-up review (EVAL-8), or the security officer's decision.
fn permission_of(action: &FindingAction) -> Permission {
    match action {
        FindingAction::StartRemediation | FindingAction::Resolve => Permission::EditFindings,
        FindingAction::VerifyFix | FindingAction::RejectFix { .. } => Permission::VerifyFindings,
        FindingAction::AcceptRisk { .. }
        | FindingAction::MarkFalsePositive { .. }
        | FindingAction::Reactivate { .. } => Permission::ManageAssessments,
    }
}

/// Moves a finding through its workflow (the domain's `transition`),
/// writing its history row and audit event.
pub async fn transition_finding(
    store: &Store,
    ctx: &Ctx,
    policy: &RemediationPolicy,
    input: &TransitionInput,
) -> Result<FindingView> {
    let action = action_of(input)?;
    let note = optional_text("note", &input.note, 4000)?;
    let accepted_until = input
        .accepted_until
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(|d| parse_date("accepted until", d))
        .transpose()?;
    if matches!(action, FindingAction::AcceptRisk { .. }) {
        match accepted_until {
            None => {
                return Err(InvalidInput::new(
                    "accepted until",
                    "a risk acceptance needs its expiry date",
                )
                .into())
            }
            Some(d) if d <= ctx.today => {
                return Err(InvalidInput::new(
                    "accepted until",
                    format!("{d} is not after today ({})", ctx.today),
                )
                .into())
            }
            Some(_) => {}
        }
    }
    if matches!(action, FindingAction::Resolve) && input.evidence.is_none() {
        return Err(
            InvalidInput::new("evidence", "a fix is resolved with its evidence (EVAL-8)").into(),
        );
    }
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, input.org.as_deref(), permission_of(&action)).await?;
    let before = find(&mut tx, ctx, org.id, input.id).await?;
    if let Some(p) = &ctx.principal {
        if p.role == Role::Assessor {
            return Err(ServiceError::Forbidden(
                "an assessor records findings; their owners remediate them".into(),
            ));
        }
        if p.role == Role::SystemOwner && !before.owner.eq_ignore_ascii_case(&p.email) {
            return Err(ServiceError::Forbidden(format!(
                "finding {} is owned by {}, not by {}",
                before.id, before.owner, p.email
            )));
        }
    }
    let to = transition(before.status, &action)
        .map_err(|e| InvalidInput::new(format!("finding {}", before.id), e.to_string()))?;
    let evidence = match &input.evidence {
        Some(f) => Some(files::put(&mut tx, ctx, org.id, "evidence", f).await?),
        None => None,
    };
    let mut state = NewState {
        status: to,
        due_on: before.due_on,
        accepted_by: before.accepted_by.as_deref(),
        accepted_reason: before.accepted_reason.as_deref(),
        accepted_until: before.accepted_until,
        false_positive_reason: before.false_positive_reason.as_deref(),
    };
    match &action {
        FindingAction::AcceptRisk {
            approved_by,
            reason,
        } => {
            state.accepted_by = Some(approved_by.as_str());
            state.accepted_reason = Some(reason.as_str());
            state.accepted_until = accepted_until;
        }
        FindingAction::MarkFalsePositive { reason } => {
            state.false_positive_reason = Some(reason.as_str())
        }
        FindingAction::Reactivate { .. } => {
            state.due_on = policy.target_date(before.severity, ctx.today);
            state.accepted_by = None;
            state.accepted_reason = None;
            state.accepted_until = None;
            state.false_positive_reason = None;
        }
        _ => {}
    }
    findings::update_state(&mut tx, org.id, before.id, &state, &ctx.stamp()).await?;
    let reason = match &action {
        FindingAction::RejectFix { reason }
        | FindingAction::AcceptRisk { reason, .. }
        | FindingAction::MarkFalsePositive { reason }
        | FindingAction::Reactivate { reason } => reason.trim().to_string(),
        _ => String::new(),
    };
    let note = match (reason.is_empty(), note.is_empty()) {
        (false, false) => format!("{reason} — {note}"),
        (false, true) => reason,
        _ => note,
    };
    findings::add_change(
        &mut tx,
        org.id,
        before.id,
        &Change {
            at: ctx.stamp(),
            actor: ctx.actor.clone(),
            from: Some(before.status),
            to,
            note,
            evidence_sha256: evidence.as_ref().map(|e| e.sha256.clone()),
            evidence_name: evidence.as_ref().map(|e| e.name.clone()),
        },
    )
    .await?;
    let after = find(&mut tx, ctx, org.id, before.id).await?;
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        &format!("finding.{}", action.name()),
        ("finding", &before.id.to_string()),
        json!(before),
        json!({ "finding": after, "evidence": evidence }),
    )
    .await?;
    let v = view(&mut tx, &org.code, after, ctx.today).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

async fn filter_of(conn: &mut Conn, ctx: &Ctx, org_id: i64, q: &ListQuery) -> Result<Filter> {
    let status = q
        .status
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| FindingStatus::parse("status", s))
        .transpose()?;
    let severity = q
        .severity
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Severity::parse("severity", s))
        .transpose()?;
    let system_id = match q.system.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(code) => Some(
            systems::by_code(conn, org_id, code)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "system",
                    key: code.to_string(),
                })?
                .id,
        ),
        None => None,
    };
    let assessment_id = match q.assessment.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(code) => Some(visible(conn, ctx, org_id, code).await?.id),
        None => None,
    };
    Ok(Filter {
        status,
        severity,
        system_id,
        assessment_id,
        overdue_on: q.overdue.then_some(ctx.today),
        assessor_user: assessor_user(ctx),
    })
}

/// One page of the findings matching the query, newest first, with the total.
pub async fn list(store: &Store, ctx: &Ctx, q: &ListQuery) -> Result<FindingPage> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(
            InvalidInput::new("limit", format!("{limit} is not between 1 and {MAX_PAGE}")).into(),
        );
    }
    let offset = q.offset.unwrap_or(0);
    if offset < 0 {
        return Err(InvalidInput::new("offset", format!("{offset} is negative")).into());
    }
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, q.org.as_deref(), Permission::ViewFindings).await?;
    let filter = filter_of(&mut conn, ctx, org.id, q).await?;
    let (page, total) = findings::list(&mut conn, org.id, &filter, limit, offset).await?;
    Ok(FindingPage {
        total,
        limit,
        offset,
        findings: page
            .into_iter()
            .map(|f| FindingRow {
                overdue: is_overdue(f.status, f.due_on, ctx.today),
                finding: f,
            })
            .collect(),
    })
}

pub async fn show(store: &Store, ctx: &Ctx, org: Option<&str>, id: i64) -> Result<FindingView> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewFindings).await?;
    let f = find(&mut conn, ctx, org.id, id).await?;
    view(&mut conn, &org.code, f, ctx.today).await
}

/// The columns of the CSV export.
pub const CSV_HEADER: [&str; 16] = [
    "id",
    "system",
    "assessment",
    "asset",
    "title",
    "severity",
    "category",
    "status",
    "owner",
    "found_on",
    "due_on",
    "overdue",
    "source",
    "risk_description",
    "recommendation",
    "updated_at",
];

/// Every finding matching the query (paging ignored), as CSV rows in the
/// order of [`CSV_HEADER`].
pub async fn export_rows(store: &Store, ctx: &Ctx, q: &ListQuery) -> Result<Vec<Vec<String>>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, q.org.as_deref(), Permission::ViewFindings).await?;
    let filter = filter_of(&mut conn, ctx, org.id, q).await?;
    let mut rows = Vec::new();
    let mut offset = 0;
    loop {
        let (page, total) = findings::list(&mut conn, org.id, &filter, MAX_PAGE, offset).await?;
        let n = i64::try_from(page.len()).unwrap_or(MAX_PAGE);
        for f in page {
            rows.push(vec![
                f.id.to_string(),
                f.system.clone(),
                f.assessment.clone().unwrap_or_default(),
                f.asset.clone().unwrap_or_default(),
                f.title.clone(),
                f.severity.as_str().to_string(),
                f.category.clone(),
                f.status.as_str().to_string(),
                f.owner.clone(),
                f.found_on.to_string(),
                f.due_on.map(|d| d.to_string()).unwrap_or_default(),
                is_overdue(f.status, f.due_on, ctx.today).to_string(),
                f.source.clone(),
                f.risk_description.clone(),
                f.recommendation.clone(),
                f.updated_at.clone(),
            ]);
        }
        offset += n;
        if n == 0 || offset >= total {
            break;
        }
    }
    Ok(rows)
}

/// CSV text (RFC 4180, CRLF line ends) of a header and rows.
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> String {
    fn field(s: &str) -> String {
        // A leading =, +, - or @ would be a formula in a spreadsheet.
        let s = if s.starts_with(['=', '+', '-', '@']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::new();
    out.push_str(
        &header
            .iter()
            .map(|h| field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// An XLSX workbook of a header and rows: one worksheet with a bold, frozen
/// header row and an autofilter. Its creation time is fixed, so the bytes
/// depend on the rows only.
pub fn to_xlsx(
    header: &[&str],
    rows: &[Vec<String>],
) -> std::result::Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("Findings")
            .set_creation_datetime(&created),
    );
    let ws = wb.add_worksheet();
    ws.set_name("Findings")?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(c).unwrap_or(u16::MAX), *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r, u16::try_from(c).unwrap_or(u16::MAX), cell)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let last_col = u16::try_from(header.len().saturating_sub(1)).unwrap_or(u16::MAX);
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last_row, last_col)?;
    wb.save_to_buffer()
}
