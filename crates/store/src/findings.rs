//! The `findings` and `finding_history` tables: weaknesses found and their
//! remediation (EVAL-8), filtered and paginated by indexed queries.
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use zilv_domain::{FindingStatus, Severity};

use crate::{opt_day, parse_day, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    pub assessment: Option<String>,
    pub system: String,
    #[serde(skip)]
    pub system_id: i64,
    pub asset: Option<String>,
    pub title: String,
    pub severity: Severity,
    pub category: String,
    pub risk_description: String,
    pub recommendation: String,
    pub source: String,
    pub fingerprint: Option<String>,
    pub owner: String,
    pub found_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub status: FindingStatus,
    pub accepted_by: Option<String>,
    pub accepted_reason: Option<String>,
    pub accepted_until: Option<NaiveDate>,
    pub false_positive_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One status change of a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub at: String,
    pub actor: String,
    pub from: Option<FindingStatus>,
    pub to: FindingStatus,
    pub note: String,
    pub evidence_sha256: Option<String>,
    pub evidence_name: Option<String>,
}

/// What a new finding row holds.
#[derive(Debug, Clone)]
pub struct NewFinding<'a> {
    pub org_id: i64,
    pub assessment_id: Option<i64>,
    pub system_id: i64,
    pub asset_id: Option<i64>,
    pub title: &'a str,
    pub severity: Severity,
    pub category: &'a str,
    pub risk_description: &'a str,
    pub recommendation: &'a str,
    pub source: &'a str,
    pub fingerprint: Option<&'a str>,
    pub owner: &'a str,
    pub found_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
}

/// Which findings a list shows; every condition is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<FindingStatus>,
    pub severity: Option<Severity>,
    pub system_id: Option<i64>,
    pub assessment_id: Option<i64>,
    /// Only outstanding findings past their due date on this day.
    pub overdue_on: Option<NaiveDate>,
    /// Only findings of assessments whose team includes this user's assessor.
    pub assessor_user: Option<i64>,
}

/// Sort rank of a severity: critical first.
pub fn severity_rank(s: Severity) -> i64 {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    }
}

const SELECT: &str = "SELECT f.id, f.org_id, a.code AS assessment_code, s.code AS system_code, f.system_id,
    x.code AS asset_code, f.title, f.severity, f.category, f.risk_description, f.recommendation, f.source,
    f.fingerprint, f.owner, f.found_on, f.due_on, f.status, f.accepted_by, f.accepted_reason, f.accepted_until,
    f.false_positive_reason, f.created_at, f.updated_at
    FROM findings f
    JOIN systems s ON s.id = f.system_id AND s.org_id = f.org_id
    LEFT JOIN assessments a ON a.id = f.assessment_id AND a.org_id = f.org_id
    LEFT JOIN assets x ON x.id = f.asset_id AND x.org_id = f.org_id";

fn from_row(r: &AnyRow) -> Result<Finding, StoreError> {
    Ok(Finding {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        assessment: r.try_get("assessment_code")?,
        system: r.try_get("system_code")?,
        system_id: r.try_get("system_id")?,
        asset: r.try_get("asset_code")?,
        title: r.try_get("title")?,
        severity: Severity::parse("findings.severity", &r.try_get::<String, _>("severity")?)?,
        category: r.try_get("category")?,
        risk_description: r.try_get("risk_description")?,
        recommendation: r.try_get("recommendation")?,
        source: r.try_get("source")?,
        fingerprint: r.try_get("fingerprint")?,
        owner: r.try_get("owner")?,
        found_on: parse_day("findings.found_on", &r.try_get::<String, _>("found_on")?)?,
        due_on: opt_day("findings.due_on", r.try_get("due_on")?)?,
        status: FindingStatus::parse("findings.status", &r.try_get::<String, _>("status")?)?,
        accepted_by: r.try_get("accepted_by")?,
        accepted_reason: r.try_get("accepted_reason")?,
        accepted_until: opt_day("findings.accepted_until", r.try_get("accepted_until")?)?,
        false_positive_reason: r.try_get("false_positive_reason")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn insert(conn: &mut Conn, f: &NewFinding<'_>, now: &str) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO findings (org_id, assessment_id, system_id, asset_id, title, severity, severity_rank, category,
         risk_description, recommendation, source, fingerprint, owner, found_on, due_on, status, outstanding,
         created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'open', 1, $16, $16) RETURNING id",
    )
    .bind(f.org_id)
    .bind(f.assessment_id)
    .bind(f.system_id)
    .bind(f.asset_id)
    .bind(f.title)
    .bind(f.severity.as_str())
    .bind(severity_rank(f.severity))
    .bind(f.category)
    .bind(f.risk_description)
    .bind(f.recommendation)
    .bind(f.source)
    .bind(f.fingerprint)
    .bind(f.owner)
    .bind(f.found_on.to_string())
    .bind(f.due_on.map(|d| d.to_string()))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn by_id(conn: &mut Conn, org_id: i64, id: i64) -> Result<Option<Finding>, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE f.org_id = $1 AND f.id = $2"))
        .bind(org_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

enum Bind {
    I(i64),
    S(String),
}

fn conditions(org_id: i64, filter: &Filter) -> (String, Vec<Bind>) {
    let mut sql = String::from("f.org_id = $1");
    let mut binds = vec![Bind::I(org_id)];
    let mut add = |cond: &str, b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        sql.push_str(&cond.replace('?', &format!("${}", binds.len())));
    };
    if let Some(s) = filter.status {
        add(" AND f.status = ?", Bind::S(s.as_str().into()), &mut binds);
    }
    if let Some(s) = filter.severity {
        add(
            " AND f.severity = ?",
            Bind::S(s.as_str().into()),
            &mut binds,
        );
    }
    if let Some(id) = filter.system_id {
        add(" AND f.system_id = ?", Bind::I(id), &mut binds);
    }
    if let Some(id) = filter.assessment_id {
        add(" AND f.assessment_id = ?", Bind::I(id), &mut binds);
    }
    if let Some(day) = filter.overdue_on {
        add(
            " AND f.outstanding = 1 AND f.due_on < ?",
            Bind::S(day.to_string()),
            &mut binds,
        );
    }
    if let Some(user) = filter.assessor_user {
        add(
            " AND f.assessment_id IN (SELECT t.assessment_id FROM assessment_team t JOIN assessors p ON p.id = t.assessor_id
              WHERE t.org_id = $1 AND p.org_id = $1 AND p.user_id = ?)",
            Bind::I(user),
            &mut binds,
        );
    }
    (sql, binds)
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::I(i) => q.bind(*i),
            Bind::S(s) => q.bind(s.as_str()),
        };
    }
    q
}

/// One page of the findings matching `filter` and how many match in all:
/// newest first, or, for overdue findings, the longest overdue first (the
/// order of the `findings_org_overdue` index, so a page reads only its rows).
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Finding>, i64), StoreError> {
    let (cond, binds) = conditions(org_id, filter);
    let count_sql = format!("SELECT COUNT(*) FROM findings f WHERE {cond}");
    let total: i64 = {
        let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
        for b in &binds {
            q = match b {
                Bind::I(i) => q.bind(*i),
                Bind::S(s) => q.bind(s.as_str()),
            };
        }
        q.fetch_one(&mut *conn).await?
    };
    let n = binds.len();
    let order = if filter.overdue_on.is_some() {
        "f.due_on, f.id"
    } else {
        "f.id DESC"
    };
    let sql = format!(
        "{SELECT} WHERE {cond} ORDER BY {order} LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let rows = bind_all(sqlx::query(&sql), &binds)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    let page = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok((page, total))
}

/// The state a transition leaves a finding in.
#[derive(Debug, Clone)]
pub struct NewState<'a> {
    pub status: FindingStatus,
    pub due_on: Option<NaiveDate>,
    pub accepted_by: Option<&'a str>,
    pub accepted_reason: Option<&'a str>,
    pub accepted_until: Option<NaiveDate>,
    pub false_positive_reason: Option<&'a str>,
}

pub async fn update_state(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    s: &NewState<'_>,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE findings SET status = $1, outstanding = $2, due_on = $3, accepted_by = $4, accepted_reason = $5,
         accepted_until = $6, false_positive_reason = $7, updated_at = $8 WHERE org_id = $9 AND id = $10",
    )
    .bind(s.status.as_str())
    .bind(i64::from(s.status.is_outstanding()))
    .bind(s.due_on.map(|d| d.to_string()))
    .bind(s.accepted_by)
    .bind(s.accepted_reason)
    .bind(s.accepted_until.map(|d| d.to_string()))
    .bind(s.false_positive_reason)
    .bind(now)
    .bind(org_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_change(
    conn: &mut Conn,
    org_id: i64,
    finding_id: i64,
    c: &Change,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO finding_history (org_id, finding_id, at, actor, from_status, to_status, note, evidence_sha256, evidence_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(org_id)
    .bind(finding_id)
    .bind(&c.at)
    .bind(&c.actor)
    .bind(c.from.map(|s| s.as_str()))
    .bind(c.to.as_str())
    .bind(&c.note)
    .bind(c.evidence_sha256.as_deref())
    .bind(c.evidence_name.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn history(
    conn: &mut Conn,
    org_id: i64,
    finding_id: i64,
) -> Result<Vec<Change>, StoreError> {
    let rows = sqlx::query(
        "SELECT at, actor, from_status, to_status, note, evidence_sha256, evidence_name FROM finding_history
         WHERE org_id = $1 AND finding_id = $2 ORDER BY id",
    )
    .bind(org_id)
    .bind(finding_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let from: Option<String> = r.try_get("from_status")?;
            Ok(Change {
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                from: from
                    .as_deref()
                    .map(|f| FindingStatus::parse("finding_history.from_status", f))
                    .transpose()?,
                to: FindingStatus::parse(
                    "finding_history.to_status",
                    &r.try_get::<String, _>("to_status")?,
                )?,
                note: r.try_get("note")?,
                evidence_sha256: r.try_get("evidence_sha256")?,
                evidence_name: r.try_get("evidence_name")?,
            })
        })
        .collect()
}

/// How many findings of the organisation are in each status (statuses
/// with none left out). One indexed count per status: each reads only the
/// `findings_org_status` index, never the table.
pub async fn count_by_status(
    conn: &mut Conn,
    org_id: i64,
) -> Result<Vec<(FindingStatus, i64)>, StoreError> {
    let mut out = Vec::new();
    for status in FindingStatus::ALL {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM findings WHERE org_id = $1 AND status = $2")
                .bind(org_id)
                .bind(status.as_str())
                .fetch_one(&mut *conn)
                .await?;
        if n > 0 {
            out.push((status, n));
        }
    }
    Ok(out)
}

/// Outstanding findings past their due date on `today`.
pub async fn count_overdue(
    conn: &mut Conn,
    org_id: i64,
    today: NaiveDate,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM findings WHERE org_id = $1 AND outstanding = 1 AND due_on < $2",
    )
    .bind(org_id)
    .bind(today.to_string())
    .fetch_one(conn)
    .await?)
}

/// Due dates of outstanding findings and expiries of risk acceptances
/// (finding ID, title, kind `finding_due` or `risk_acceptance_expires`, date).
pub async fn deadlines(
    conn: &mut Conn,
    org_id: i64,
) -> Result<Vec<(i64, String, &'static str, NaiveDate)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, title, due_on AS day, 'finding_due' AS kind FROM findings
         WHERE org_id = $1 AND outstanding = 1 AND due_on IS NOT NULL
         UNION ALL
         SELECT id, title, accepted_until AS day, 'risk_acceptance_expires' AS kind FROM findings
         WHERE org_id = $1 AND status = 'risk_accepted' AND accepted_until IS NOT NULL",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok((
                r.try_get("id")?,
                r.try_get("title")?,
                if kind == "finding_due" {
                    "finding_due"
                } else {
                    "risk_acceptance_expires"
                },
                parse_day("findings.due_on", &r.try_get::<String, _>("day")?)?,
            ))
        })
        .collect()
}
