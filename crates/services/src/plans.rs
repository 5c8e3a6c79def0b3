//! The assessment plan: drawing it up over the company's systems (EVAL-2.1),
//! approving it with its document (EVAL-2.2) and reviewing it.
use serde::Serialize;
use zilv_catalog::Parameters;
use zilv_domain::{
    check_approval, parse_date, plan_coverage, plan_review_due, required_text, ApprovingBody,
    CompanySystem, CoverageProblem, Due, InvalidInput, PlanApproval, PlanEntry,
};
use zilv_store::plans::{self, Approval, Entry, Plan};
use zilv_store::{systems, Conn, Store, StoreError};

use crate::access::{scope, Permission};
use crate::audit::{record, record_change};
use crate::files::{self, Upload};
use crate::{Ctx, Result, ServiceError};

/// A new plan: its title and the systems it covers (all, when empty).
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub org: Option<String>,
    pub title: String,
    pub systems: Vec<String>,
}

/// The approval of a plan (EVAL-2.2).
#[derive(Debug, Clone, Default)]
pub struct ApprovalInput {
    pub org: Option<String>,
    pub plan_id: i64,
    /// `board`, `authorised_management` or `branch_responsible_person`.
    pub body: String,
    /// The board resolution authorising management, when management approves.
    pub board_authorisation: Option<String>,
    /// `YYYY-MM-DD`.
    pub approved_on: String,
    pub resolution_ref: String,
    pub document: Upload,
    /// The company is a foreign insurer's branch in Taiwan.
    pub foreign_branch: bool,
}

/// A plan with its systems, what it lacks and when it is due for review.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub org: String,
    #[serde(flatten)]
    pub plan: Plan,
    pub entries: Vec<Entry>,
    /// EVAL-2.1: systems missing from the plan, or at another class.
    pub coverage: Vec<CoverageProblem>,
    /// EVAL-2.2: when the plan must be reviewed again (approved plans).
    pub review_due: Option<Due>,
}

async fn view(
    conn: &mut Conn,
    org_code: &str,
    plan: Plan,
    params: &Parameters,
    ctx: &Ctx,
) -> Result<PlanView> {
    let entries = plans::entries(conn, plan.org_id, plan.id).await?;
    let company: Vec<CompanySystem> = systems::list(conn, plan.org_id)
        .await?
        .into_iter()
        .map(|s| CompanySystem {
            id: s.code,
            class: s.class,
        })
        .collect();
    let in_plan: Vec<PlanEntry> = entries
        .iter()
        .map(|e| PlanEntry {
            system_id: e.system.clone(),
            class: e.class,
        })
        .collect();
    let coverage = plan_coverage(&company, &in_plan);
    let review_due = plan
        .approved_on
        .map(|_| plan_review_due(plan.reviewed_on.or(plan.approved_on), params, ctx.today));
    Ok(PlanView {
        org: org_code.to_string(),
        plan,
        entries,
        coverage,
        review_due,
    })
}

async fn find(conn: &mut Conn, org_id: i64, id: i64) -> Result<Plan> {
    plans::by_id(conn, org_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "assessment plan",
            key: id.to_string(),
        })
}

/// Draws up a plan over the named systems (or all) at their current class.
pub async fn create(
    store: &Store,
    ctx: &Ctx,
    params: &Parameters,
    input: &PlanInput,
) -> Result<PlanView> {
    let title = required_text("plan title", &input.title, 200)?;
    let mut tx = store.begin().await?;
    let org = scope(
        &mut tx,
        ctx,
        input.org.as_deref(),
        Permission::ManageAssessments,
    )
    .await?;
    let all = systems::list(&mut tx, org.id).await?;
    let plan = plans::insert(&mut tx, org.id, &title, &ctx.stamp()).await?;
    let mut seen = std::collections::BTreeSet::new();
    for s in &all {
        if input.systems.is_empty() || input.systems.iter().any(|c| c == &s.code) {
            plans::add_entry(&mut tx, org.id, plan.id, s.id, s.class).await?;
            seen.insert(s.code.clone());
        }
    }
    if let Some(unknown) = input.systems.iter().find(|c| !seen.contains(*c)) {
        return Err(ServiceError::NotFound {
            what: "system",
            key: unknown.clone(),
        });
    }
    let v = view(&mut tx, &org.code, plan, params, ctx).await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "plan.create",
        "assessment_plan",
        &v.plan.id.to_string(),
        &v,
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// Records the plan's approval (EVAL-2.2) with its document; refused when
/// the plan misses a system or has one at another class (EVAL-2.1), or the
/// approving body may not approve it.
pub async fn approve(
    store: &Store,
    ctx: &Ctx,
    params: &Parameters,
    input: &ApprovalInput,
) -> Result<PlanView> {
    let body = ApprovingBody::parse("approving body", &input.body)?;
    let approval = PlanApproval {
        body,
        board_authorisation: input.board_authorisation.clone(),
    };
    check_approval(&approval, input.foreign_branch)?;
    let approved_on = parse_date("approved on", &input.approved_on)?;
    if approved_on > ctx.today {
        return Err(InvalidInput::new(
            "approved on",
            format!("{approved_on} is in the future (today is {})", ctx.today),
        )
        .into());
    }
    let resolution_ref = required_text("resolution reference", &input.resolution_ref, 200)?;
    let mut tx = store.begin().await?;
    let org = scope(
        &mut tx,
        ctx,
        input.org.as_deref(),
        Permission::ManageAssessments,
    )
    .await?;
    let plan = find(&mut tx, org.id, input.plan_id).await?;
    if plan.approved_on.is_some() {
        return Err(ServiceError::Conflict(format!(
            "plan {} was already approved on {}",
            plan.id,
            plan.approved_on.map(|d| d.to_string()).unwrap_or_default()
        )));
    }
    let before = view(&mut tx, &org.code, plan, params, ctx).await?;
    if !before.coverage.is_empty() {
        let list: Vec<String> = before.coverage.iter().map(ToString::to_string).collect();
        return Err(InvalidInput::new(
            format!("plan {}", before.plan.id),
            format!("cannot be approved: {}", list.join("; ")),
        )
        .into());
    }
    let doc = files::put(&mut tx, ctx, org.id, "plan document", &input.document).await?;
    plans::approve(
        &mut tx,
        org.id,
        before.plan.id,
        &Approval {
            body: body.as_str(),
            board_authorisation: input.board_authorisation.as_deref(),
            approved_on,
            resolution_ref: &resolution_ref,
            document_sha256: &doc.sha256,
            document_name: &doc.name,
            document_size: doc.size,
        },
    )
    .await?;
    let plan = find(&mut tx, org.id, before.plan.id).await?;
    let after = view(&mut tx, &org.code, plan, params, ctx).await?;
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "plan.approve",
        ("assessment_plan", &after.plan.id.to_string()),
        serde_json::to_value(&before.plan).unwrap_or_default(),
        serde_json::to_value(&after.plan).unwrap_or_default(),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(after)
}

/// Records a review of an approved plan (EVAL-2.2) on `on` (`YYYY-MM-DD`).
pub async fn review(
    store: &Store,
    ctx: &Ctx,
    params: &Parameters,
    org: Option<&str>,
    plan_id: i64,
    on: &str,
) -> Result<PlanView> {
    let on = parse_date("reviewed on", on)?;
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let plan = find(&mut tx, org.id, plan_id).await?;
    if plan.approved_on.is_none_or(|a| on < a) || on > ctx.today {
        return Err(InvalidInput::new(
            "reviewed on",
            format!("{on} must fall between the plan's approval and today"),
        )
        .into());
    }
    plans::reviewed(&mut tx, org.id, plan.id, on).await?;
    let after = find(&mut tx, org.id, plan_id).await?;
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "plan.review",
        ("assessment_plan", &plan_id.to_string()),
        serde_json::to_value(&plan).unwrap_or_default(),
        serde_json::to_value(&after).unwrap_or_default(),
    )
    .await?;
    let v = view(&mut tx, &org.code, after, params, ctx).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// One plan, or (without an ID) the current approved plan, else the newest.
pub async fn show(
    store: &Store,
    ctx: &Ctx,
    params: &Parameters,
    org: Option<&str>,
    id: Option<i64>,
) -> Result<PlanView> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    require_not_assessor(ctx)?;
    let plan = match id {
        Some(id) => find(&mut conn, org.id, id).await?,
        None => match plans::current(&mut conn, org.id).await? {
            Some(p) => p,
            None => plans::list(&mut conn, org.id).await?.pop().ok_or_else(|| {
                ServiceError::NotFound {
                    what: "assessment plan",
                    key: org.code.clone(),
                }
            })?,
        },
    };
    view(&mut conn, &org.code, plan, params, ctx).await
}

/// Every plan of the organisation, oldest first.
pub async fn list(store: &Store, ctx: &Ctx, org: Option<&str>) -> Result<Vec<Plan>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    require_not_assessor(ctx)?;
    Ok(plans::list(&mut conn, org.id).await?)
}

/// An assessor sees their assessments only, not the company's plan.
pub(crate) fn require_not_assessor(ctx: &Ctx) -> Result<()> {
    match &ctx.principal {
        Some(p) if p.role == zilv_domain::Role::Assessor => Err(ServiceError::Forbidden(
            "an assessor sees only the assessments assigned to them".into(),
        )),
        _ => Ok(()),
    }
}
