//! The dashboard summary and the list of every deadline the product knows
//! (for the calendar feed): each computed with a few indexed queries.
use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use zilv_catalog::Parameters;
use zilv_domain::{
    next_assessment_due, plan_review_due, Due, DueStatus, Evidence, MajorIncident, DUE_SOON_DAYS,
};
use zilv_store::{assessors, drills, findings, incidents, plans, systems, Conn, Store, StoreError};

use crate::access::{scope, Permission};
use crate::assessments::last_completed;
use crate::{Ctx, Result};

/// A system whose assessment is overdue or due soon.
#[derive(Debug, Clone, Serialize)]
pub struct SystemDue {
    pub system: String,
    pub name: String,
    pub class: u8,
    pub due: Due,
    pub status: DueStatus,
}

/// What the dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub org: String,
    pub today: NaiveDate,
    /// EVAL-8: outstanding findings past their due date.
    pub overdue_findings: i64,
    pub findings_by_status: BTreeMap<String, i64>,
    /// EVAL-6: a drill was recorded this calendar year.
    pub drill_this_year: bool,
    /// The approved plan in force, if any.
    pub plan_id: Option<i64>,
    /// EVAL-2.2: when the plan must be reviewed (today when there is none).
    pub plan_review_due: Due,
    pub plan_review_status: DueStatus,
    /// EVAL-2.1: systems the approved plan does not cover.
    pub systems_missing_from_plan: Vec<String>,
    /// EVAL-3.1, EVAL-3.2: systems overdue for assessment.
    pub systems_overdue: Vec<SystemDue>,
    /// Systems due within the coming days.
    pub systems_due_soon: Vec<SystemDue>,
    pub due_soon_days: i64,
}

/// One deadline, for a calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub date: NaiveDate,
    /// `system_assessment`, `plan_review`, `finding_due`,
    /// `risk_acceptance_expires` or `certificate_expires`.
    pub kind: &'static str,
    pub title: String,
    /// Where the object is in the web application.
    pub url_path: String,
}

/// Every system's next assessment due date (EVAL-3.1, EVAL-3.2), using the
/// later of the recorded "assessed before Zilv" day and the last completed
/// assessment.
pub(crate) async fn system_dues(
    conn: &mut Conn,
    org_id: i64,
    params: &Parameters,
    today: NaiveDate,
) -> Result<Vec<(systems::System, Due)>> {
    let last = last_completed(conn, org_id).await?;
    let all_incidents = incidents::list(conn, org_id).await?;
    let mut by_system: BTreeMap<i64, Vec<MajorIncident>> = BTreeMap::new();
    for i in all_incidents {
        by_system.entry(i.system_id).or_default().push(i.incident);
    }
    let mut out = Vec::new();
    for s in systems::list(conn, org_id).await? {
        let completed = last.get(&s.id).copied();
        let latest = match (s.last_assessed_on, completed) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let due = next_assessment_due(
            s.class,
            latest,
            by_system.get(&s.id).map_or(&[][..], |v| v.as_slice()),
            params,
            today,
        );
        out.push((s, due));
    }
    Ok(out)
}

pub async fn summary(
    store: &Store,
    ctx: &Ctx,
    params: &Parameters,
    org: Option<&str>,
) -> Result<Dashboard> {
    let today = ctx.today;
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewRegisters).await?;
    let overdue_findings = findings::count_overdue(&mut conn, org.id, today).await?;
    let findings_by_status = findings::count_by_status(&mut conn, org.id)
        .await?
        .into_iter()
        .map(|(s, n)| (s.as_str().to_string(), n))
        .collect();
    let drill_this_year = drills::list(&mut conn, org.id)
        .await?
        .iter()
        .any(|d| d.year == i64::from(today.year()));
    let plan = plans::current(&mut conn, org.id).await?;
    let plan_review_due = plan_review_due(
        plan.as_ref().and_then(|p| p.reviewed_on.or(p.approved_on)),
        params,
        today,
    );
    let dues = system_dues(&mut conn, org.id, params, today).await?;
    let systems_missing_from_plan = match &plan {
        None => dues.iter().map(|(s, _)| s.code.clone()).collect(),
        Some(p) => {
            let entries = plans::entries(&mut conn, org.id, p.id).await?;
            dues.iter()
                .filter(|(s, _)| !entries.iter().any(|e| e.system == s.code))
                .map(|(s, _)| s.code.clone())
                .collect()
        }
    };
    let mut systems_overdue = Vec::new();
    let mut systems_due_soon = Vec::new();
    for (s, due) in dues {
        let status = due.status(today);
        let row = SystemDue {
            system: s.code,
            name: s.name,
            class: s.class.number(),
            due,
            status,
        };
        match status {
            DueStatus::Overdue { .. } => systems_overdue.push(row),
            DueStatus::DueSoon { .. } => systems_due_soon.push(row),
            DueStatus::OnTrack { .. } => {}
        }
    }
    systems_overdue.sort_by_key(|r| r.due.on);
    systems_due_soon.sort_by_key(|r| r.due.on);
    Ok(Dashboard {
        org: org.code,
        today,
        overdue_findings,
        findings_by_status,
        drill_this_year,
        plan_id: plan.map(|p| p.id),
        plan_review_status: plan_review_due.status(today),
        plan_review_due,
        systems_missing_from_plan,
        systems_overdue,
        systems_due_soon,
        due_soon_days: DUE_SOON_DAYS,
    })
}

/// Every deadline of the organisation, earliest first: system assessments
/// due, the plan review, finding due dates, risk-acceptance expiries and
/// assessor certificate expiries.
pub async fn deadlines(
    store: &Store,
    ctx: &Ctx,
    params: &Parameters,
    org: Option<&str>,
) -> Result<Vec<Deadline>> {
    let today = ctx.today;
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewRegisters).await?;
    let mut out = Vec::new();
    for (s, due) in system_dues(&mut conn, org.id, params, today).await? {
        out.push(Deadline {
            date: due.on,
            kind: "system_assessment",
            title: format!(
                "Assessment due: {} {} ({})",
                s.code,
                s.name,
                due.basis.clause()
            ),
            url_path: format!("/systems/{}", s.code),
        });
    }
    let plan = plans::current(&mut conn, org.id).await?;
    let review = plan_review_due(
        plan.as_ref().and_then(|p| p.reviewed_on.or(p.approved_on)),
        params,
        today,
    );
    out.push(Deadline {
        date: review.on,
        kind: "plan_review",
        title: "Assessment plan review (EVAL-2.2)".into(),
        url_path: plan.map_or("/plans".into(), |p| format!("/plans/{}", p.id)),
    });
    for (id, title, kind, date) in findings::deadlines(&mut conn, org.id).await? {
        out.push(Deadline {
            date,
            kind,
            title: if kind == "finding_due" {
                format!("Finding {id} due: {title}")
            } else {
                format!("Risk acceptance of finding {id} expires: {title}")
            },
            url_path: format!("/findings/{id}"),
        });
    }
    let names: BTreeMap<i64, String> = assessors::list(&mut conn, org.id)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    for q in assessors::qualifications(&mut conn, org.id, None).await? {
        if let Evidence::Certificate {
            name,
            number,
            expires_on: Some(on),
            ..
        } = &q.qualification.evidence
        {
            out.push(Deadline {
                date: *on,
                kind: "certificate_expires",
                title: format!(
                    "Certificate {name} no. {number} of {} expires",
                    names.get(&q.assessor_id).cloned().unwrap_or_default()
                ),
                url_path: format!("/assessors/{}", q.assessor_id),
            });
        }
    }
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| a.kind.cmp(b.kind))
            .then_with(|| a.url_path.cmp(&b.url_path))
    });
    Ok(out)
}
