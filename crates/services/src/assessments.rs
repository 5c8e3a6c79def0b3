//! Security assessments (EVAL-4): scope, period, team with independence
//! declarations, item selection, the start gate (EVAL-4.2, EVAL-7.1-7.3),
//! results with evidence, EVAL-5 countermeasures and the completion gate.
//! An assessor sees and changes only the assessments whose team they are on.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use zilv_domain::{
    completion_gate, optional_text, parse_date, required_text, start_gate, AssessmentItem,
    AssessmentStatus, Code, InvalidInput, ItemDecision, ItemOutcome, ItemResult,
    QualificationPolicy, Role, StartInput, SystemClass, SystemUnits,
};
use zilv_store::assessments::{self, Assessment, EvidenceRow, ItemRow, Member, NewAssessment};
use zilv_store::{assessors, systems, Conn, Store, StoreError};

use crate::access::{scope, Permission};
use crate::audit::{record, record_change};
use crate::files::{self, FileRef, Upload};
use crate::{Ctx, Result, ServiceError};

/// A new assessment.
#[derive(Debug, Clone, Default)]
pub struct AssessmentInput {
    pub org: Option<String>,
    pub code: String,
    pub title: String,
    /// Codes of the systems in scope (at least one).
    pub systems: Vec<String>,
    /// `YYYY-MM-DD`.
    pub period_start: String,
    pub period_end: String,
    /// EVAL-5 reliability and security countermeasures, as text.
    pub countermeasures: String,
}

/// One item's decision: selected, or left out with the written reason.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    /// Clause ID, e.g. `EVAL-4.1.2.1`.
    pub item: String,
    pub selected: bool,
    pub reason: String,
}

/// One item's result.
#[derive(Debug, Clone, Default)]
pub struct ResultInput {
    pub org: Option<String>,
    pub code: String,
    pub item: String,
    /// `satisfied`, `not_satisfied` or `not_applicable`.
    pub result: String,
    /// Required for `not_applicable`.
    pub reason: String,
    pub notes: String,
}

/// A line of the assessment list.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentSummary {
    #[serde(flatten)]
    pub assessment: Assessment,
    pub systems: Vec<String>,
}

/// An assessment in full.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentView {
    pub org: String,
    #[serde(flatten)]
    pub assessment: Assessment,
    pub systems: Vec<String>,
    /// The class that sets the rules: the highest among the systems in scope.
    pub class: Option<SystemClass>,
    pub team: Vec<Member>,
    pub items: Vec<ItemRow>,
    pub evidence: Vec<EvidenceRow>,
}

fn not_found(code: &str) -> ServiceError {
    ServiceError::NotFound {
        what: "assessment",
        key: code.to_string(),
    }
}

/// The assessment, if the caller may see it: an assessor only when on its team.
pub(crate) async fn visible(
    conn: &mut Conn,
    ctx: &Ctx,
    org_id: i64,
    code: &str,
) -> Result<Assessment> {
    let a = assessments::by_code(conn, org_id, code)
        .await?
        .ok_or_else(|| not_found(code))?;
    if let Some(p) = &ctx.principal {
        if p.role == Role::Assessor
            && !assessments::has_member_user(conn, org_id, a.id, p.user_id).await?
        {
            return Err(not_found(code));
        }
    }
    Ok(a)
}

/// The user whose assessments an assessor caller is limited to.
pub(crate) fn assessor_user(ctx: &Ctx) -> Option<i64> {
    ctx.principal
        .as_ref()
        .filter(|p| p.role == Role::Assessor)
        .map(|p| p.user_id)
}

pub(crate) async fn scope_systems(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
) -> Result<Vec<systems::System>> {
    let ids = assessments::system_ids(conn, org_id, id).await?;
    Ok(systems::list(conn, org_id)
        .await?
        .into_iter()
        .filter(|s| ids.contains(&s.id))
        .collect())
}

async fn view(conn: &mut Conn, org_code: &str, a: Assessment) -> Result<AssessmentView> {
    let sys = scope_systems(conn, a.org_id, a.id).await?;
    let class = sys.iter().map(|s| s.class).min_by_key(|c| c.number());
    Ok(AssessmentView {
        org: org_code.to_string(),
        systems: sys.into_iter().map(|s| s.code).collect(),
        class,
        team: assessments::team(conn, a.org_id, a.id).await?,
        items: assessments::items(conn, a.org_id, a.id).await?,
        evidence: assessments::evidence(conn, a.org_id, a.id).await?,
        assessment: a,
    })
}

pub async fn create(store: &Store, ctx: &Ctx, input: &AssessmentInput) -> Result<AssessmentView> {
    let code = Code::parse("assessment code", &input.code)?;
    let title = required_text("assessment title", &input.title, 200)?;
    let start = parse_date("period start", &input.period_start)?;
    let end = parse_date("period end", &input.period_end)?;
    if end < start {
        return Err(
            InvalidInput::new("period end", format!("{end} is before the start {start}")).into(),
        );
    }
    let countermeasures = optional_text("countermeasures", &input.countermeasures, 20_000)?;
    if input.systems.is_empty() {
        return Err(
            InvalidInput::new("systems", "an assessment covers at least one system").into(),
        );
    }
    let mut tx = store.begin().await?;
    let org = scope(
        &mut tx,
        ctx,
        input.org.as_deref(),
        Permission::ManageAssessments,
    )
    .await?;
    if assessments::by_code(&mut tx, org.id, code.as_str())
        .await?
        .is_some()
    {
        return Err(ServiceError::Conflict(format!(
            "organisation {} already has an assessment with code {code}",
            org.code
        )));
    }
    let a = assessments::insert(
        &mut tx,
        &NewAssessment {
            org_id: org.id,
            code: code.as_str(),
            title: &title,
            period_start: start,
            period_end: end,
            countermeasures: &countermeasures,
        },
        &ctx.stamp(),
    )
    .await?;
    let mut seen = Vec::new();
    for c in &input.systems {
        if seen.contains(c) {
            continue;
        }
        seen.push(c.clone());
        let s =
            systems::by_code(&mut tx, org.id, c)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "system",
                    key: c.clone(),
                })?;
        assessments::add_system(&mut tx, org.id, a.id, s.id).await?;
    }
    let v = view(&mut tx, &org.code, a).await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "assessment.create",
        "assessment",
        &v.assessment.code,
        &v,
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

async fn planned(conn: &mut Conn, ctx: &Ctx, org_id: i64, code: &str) -> Result<Assessment> {
    let a = visible(conn, ctx, org_id, code).await?;
    if a.status != AssessmentStatus::Planned {
        return Err(ServiceError::Conflict(format!(
            "assessment {code} is {}; its team and items are fixed once it has started",
            a.status
        )));
    }
    Ok(a)
}

/// Adds an assessor to the team with their EVAL-7.1 independence
/// declaration (day signed and the signed file), if already made.
pub async fn add_member(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
    assessor_id: i64,
    declared_on: Option<&str>,
    declaration: Option<&Upload>,
) -> Result<AssessmentView> {
    let declared_on = declared_on
        .filter(|d| !d.trim().is_empty())
        .map(|d| parse_date("declared on", d))
        .transpose()?;
    if declared_on.is_some() != declaration.is_some() {
        return Err(InvalidInput::new(
            "declaration",
            "an independence declaration needs both its date and its signed file (EVAL-7.1)",
        )
        .into());
    }
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let a = planned(&mut tx, ctx, org.id, code).await?;
    let assessor = crate::assessors::find(&mut tx, org.id, assessor_id).await?;
    let file = match declaration {
        Some(f) => Some(files::put(&mut tx, ctx, org.id, "independence declaration", f).await?),
        None => None,
    };
    assessments::add_member(
        &mut tx,
        org.id,
        a.id,
        assessor.id,
        declared_on,
        file.as_ref().map(|f| (f.sha256.as_str(), f.name.as_str())),
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => ServiceError::Conflict(format!(
            "assessor {assessor_id} is already on the team of {code}"
        )),
        other => other.into(),
    })?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "assessment.team_add",
        "assessment",
        code,
        &json!({ "assessor_id": assessor.id, "name": assessor.name, "declared_on": declared_on, "declaration": file }),
    )
    .await?;
    let v = view(&mut tx, &org.code, a).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// Replaces the item decisions of a planned assessment (EVAL-4.2 is
/// checked at the start, with everything else).
pub async fn set_items(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
    decisions: &[DecisionInput],
) -> Result<AssessmentView> {
    let mut parsed = Vec::new();
    for (i, d) in decisions.iter().enumerate() {
        let item = AssessmentItem::parse(&format!("item {}", i + 1), &d.item)?;
        let reason = optional_text(&format!("reason for {item}"), &d.reason, 2000)?;
        parsed.push((
            item,
            if d.selected { "selected" } else { "left_out" },
            reason,
        ));
    }
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let a = planned(&mut tx, ctx, org.id, code).await?;
    let before = assessments::items(&mut tx, org.id, a.id).await?;
    let rows: Vec<(AssessmentItem, &str, &str)> = parsed
        .iter()
        .map(|(i, c, r)| (*i, *c, r.as_str()))
        .collect();
    assessments::set_decisions(&mut tx, org.id, a.id, &rows).await?;
    let v = view(&mut tx, &org.code, a).await?;
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "assessment.items",
        ("assessment", code),
        json!(before),
        json!(v.items),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

fn decisions_of(items: &[ItemRow]) -> Vec<ItemDecision> {
    items
        .iter()
        .map(|i| {
            if i.choice == "selected" {
                ItemDecision::selected(i.item)
            } else {
                ItemDecision::left_out(i.item, i.reason.clone())
            }
        })
        .collect()
}

/// The assessment's team as the domain's gates see it.
pub(crate) async fn team_of(conn: &mut Conn, a: &Assessment) -> Result<Vec<zilv_domain::Assessor>> {
    let quals = assessors::qualifications(conn, a.org_id, None).await?;
    let mut team = Vec::new();
    for m in assessments::team(conn, a.org_id, a.id).await? {
        let row = crate::assessors::find(conn, a.org_id, m.assessor_id).await?;
        team.push(zilv_domain::Assessor {
            name: row.name.clone(),
            affiliation: row.affiliation.clone(),
            qualifications: quals
                .iter()
                .filter(|q| q.assessor_id == row.id)
                .map(|q| q.qualification.clone())
                .collect(),
            nda_signed_on: row.nda_signed_on,
            independence_declared_on: m.declared_on,
        });
    }
    Ok(team)
}

/// The recorded results of the items, as the domain's gates see them.
pub(crate) fn outcomes_of(items: &[ItemRow]) -> Vec<ItemOutcome> {
    items
        .iter()
        .filter_map(|i| {
            let result = match i.result.as_deref()? {
                "satisfied" => ItemResult::Satisfied,
                "not_satisfied" => ItemResult::NotSatisfied,
                _ => ItemResult::NotApplicable {
                    reason: i.result_reason.clone(),
                },
            };
            Some(ItemOutcome {
                item: i.item,
                result,
            })
        })
        .collect()
}

/// Every reason the assessment may not start on `ctx.today`, in words.
async fn gate(
    conn: &mut Conn,
    ctx: &Ctx,
    a: &Assessment,
) -> Result<std::result::Result<Vec<AssessmentItem>, Vec<String>>> {
    let sys = scope_systems(conn, a.org_id, a.id).await?;
    let Some(class) = sys.iter().map(|s| s.class).min_by_key(|c| c.number()) else {
        return Ok(Err(vec!["the assessment covers no system".into()]));
    };
    let units = SystemUnits {
        development: sys.iter().map(|s| s.dev_unit.clone()).collect(),
        maintenance: sys.iter().map(|s| s.maint_unit.clone()).collect(),
    };
    let independent = assessors::independent_units(conn, a.org_id).await?;
    let team = team_of(conn, a).await?;
    let items = assessments::items(conn, a.org_id, a.id).await?;
    let decisions = decisions_of(&items);
    let policy = QualificationPolicy::default();
    let input = StartInput {
        status: a.status,
        class,
        decisions: &decisions,
        team: &team,
        starts_on: ctx.today,
        system_units: &units,
        independent_units: &independent,
        policy: &policy,
    };
    Ok(start_gate(&input).map_err(|problems| problems.iter().map(ToString::to_string).collect()))
}

/// What stands in the way of starting the assessment today (empty: it may start).
pub async fn start_problems(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
) -> Result<Vec<String>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    let a = visible(&mut conn, ctx, org.id, code).await?;
    Ok(gate(&mut conn, ctx, &a).await?.err().unwrap_or_default())
}

/// Starts the assessment: refused, listing every problem, unless the item
/// selection (EVAL-4.2), the team's qualifications (EVAL-7.2, expired
/// certificates not counting), confidentiality agreements (EVAL-7.3) and
/// independence (EVAL-7.1) all pass the domain's start gate.
pub async fn start(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
) -> Result<AssessmentView> {
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let a = visible(&mut tx, ctx, org.id, code).await?;
    if let Err(problems) = gate(&mut tx, ctx, &a).await? {
        return Err(InvalidInput::new(
            format!("assessment {code}"),
            format!("cannot start: {}", problems.join("; ")),
        )
        .into());
    }
    assessments::mark_started(&mut tx, org.id, a.id, &ctx.stamp()).await?;
    let after = visible(&mut tx, ctx, org.id, code).await?;
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "assessment.start",
        ("assessment", code),
        json!(a),
        json!(after),
    )
    .await?;
    let v = view(&mut tx, &org.code, after).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

async fn in_progress(conn: &mut Conn, ctx: &Ctx, org_id: i64, code: &str) -> Result<Assessment> {
    let a = visible(conn, ctx, org_id, code).await?;
    if a.status != AssessmentStatus::InProgress {
        return Err(ServiceError::Conflict(format!(
            "assessment {code} is {}, not in progress",
            a.status
        )));
    }
    Ok(a)
}

/// Records one item's result.
pub async fn record_result(
    store: &Store,
    ctx: &Ctx,
    input: &ResultInput,
) -> Result<AssessmentView> {
    let item = AssessmentItem::parse("item", &input.item)?;
    let reason = optional_text("reason", &input.reason, 2000)?;
    let notes = optional_text("notes", &input.notes, 20_000)?;
    let result = match input.result.trim() {
        r @ ("satisfied" | "not_satisfied") => r,
        "not_applicable" => {
            if reason.is_empty() {
                return Err(InvalidInput::new(
                    "reason",
                    format!("{item}: not applicable needs a written reason (EVAL-4.2)"),
                )
                .into());
            }
            "not_applicable"
        }
        other => {
            return Err(InvalidInput::new(
                "result",
                format!("{other:?} is not one of: satisfied, not_satisfied, not_applicable"),
            )
            .into())
        }
    };
    let mut tx = store.begin().await?;
    let org = scope(
        &mut tx,
        ctx,
        input.org.as_deref(),
        Permission::RecordResults,
    )
    .await?;
    let a = in_progress(&mut tx, ctx, org.id, &input.code).await?;
    let items = assessments::items(&mut tx, org.id, a.id).await?;
    let before = items
        .iter()
        .find(|i| i.item == item && i.choice == "selected")
        .cloned();
    let Some(before) = before else {
        return Err(InvalidInput::new(
            "item",
            format!("{item} is not selected for assessment {}", input.code),
        )
        .into());
    };
    assessments::set_result(&mut tx, org.id, a.id, item, result, &reason, &notes).await?;
    let v = view(&mut tx, &org.code, a).await?;
    let after = v.items.iter().find(|i| i.item == item);
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "assessment.result",
        ("assessment", &input.code),
        json!(before),
        json!(after),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// Links an evidence file to an item of an assessment under way.
pub async fn add_evidence(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
    item: &str,
    file: &Upload,
) -> Result<FileRef> {
    let item = AssessmentItem::parse("item", item)?;
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::RecordResults).await?;
    let a = in_progress(&mut tx, ctx, org.id, code).await?;
    let f = files::put(&mut tx, ctx, org.id, "evidence", file).await?;
    assessments::add_evidence(
        &mut tx,
        org.id,
        a.id,
        item,
        &f.sha256,
        &f.name,
        &ctx.stamp(),
    )
    .await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "assessment.evidence",
        "assessment",
        code,
        &json!({ "item": item, "file": f }),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(f)
}

/// Records the EVAL-5 reliability and security countermeasures.
pub async fn set_countermeasures(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
    text: &str,
) -> Result<AssessmentView> {
    let text = optional_text("countermeasures", text, 20_000)?;
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::RecordResults).await?;
    let a = visible(&mut tx, ctx, org.id, code).await?;
    if a.status == AssessmentStatus::Completed {
        return Err(ServiceError::Conflict(format!(
            "assessment {code} is completed"
        )));
    }
    assessments::set_countermeasures(&mut tx, org.id, a.id, &text).await?;
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "assessment.countermeasures",
        ("assessment", code),
        json!(a.countermeasures),
        json!(text),
    )
    .await?;
    let after = visible(&mut tx, ctx, org.id, code).await?;
    let v = view(&mut tx, &org.code, after).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// Completes the assessment on `ctx.today`: refused, listing every
/// problem, unless every selected item has a result (EVAL-4.2).
pub async fn complete(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
) -> Result<AssessmentView> {
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let a = visible(&mut tx, ctx, org.id, code).await?;
    let items = assessments::items(&mut tx, org.id, a.id).await?;
    let selected: Vec<AssessmentItem> = items
        .iter()
        .filter(|i| i.choice == "selected")
        .map(|i| i.item)
        .collect();
    let outcomes = outcomes_of(&items);
    if let Err(problems) = completion_gate(a.status, &selected, &outcomes) {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(InvalidInput::new(
            format!("assessment {code}"),
            format!("cannot complete: {}", list.join("; ")),
        )
        .into());
    }
    assessments::mark_completed(&mut tx, org.id, a.id, &ctx.stamp(), ctx.today).await?;
    let after = visible(&mut tx, ctx, org.id, code).await?;
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "assessment.complete",
        ("assessment", code),
        json!(a),
        json!(after),
    )
    .await?;
    let v = view(&mut tx, &org.code, after).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// The assessments the caller may see, newest period first.
pub async fn list(store: &Store, ctx: &Ctx, org: Option<&str>) -> Result<Vec<AssessmentSummary>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    let list = assessments::list(&mut conn, org.id, assessor_user(ctx)).await?;
    let codes: BTreeMap<i64, String> = systems::list(&mut conn, org.id)
        .await?
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect();
    let mut out = Vec::new();
    for a in list {
        let systems = assessments::system_ids(&mut conn, org.id, a.id)
            .await?
            .iter()
            .filter_map(|id| codes.get(id).cloned())
            .collect();
        out.push(AssessmentSummary {
            assessment: a,
            systems,
        });
    }
    Ok(out)
}

pub async fn show(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
) -> Result<AssessmentView> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    let a = visible(&mut conn, ctx, org.id, code).await?;
    view(&mut conn, &org.code, a).await
}

/// Each system's last completed assessment day, by system ID.
pub(crate) async fn last_completed(
    conn: &mut Conn,
    org_id: i64,
) -> Result<BTreeMap<i64, NaiveDate>> {
    Ok(assessments::last_completed(conn, org_id)
        .await?
        .into_iter()
        .collect())
}
