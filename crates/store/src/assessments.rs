//! The `assessments` table and its parts: systems in scope, team with
//! independence declarations (EVAL-7.1), item decisions and results
//! (EVAL-4.1, EVAL-4.2) and evidence files.
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use zilv_domain::{AssessmentItem, AssessmentStatus};

use crate::{opt_day, parse_day, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    pub code: String,
    pub title: String,
    pub status: AssessmentStatus,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// EVAL-5: the reliability and security countermeasures, as text.
    pub countermeasures: String,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub completed_on: Option<NaiveDate>,
    pub created_at: String,
}

/// One team member with their EVAL-7.1 declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub assessor_id: i64,
    pub name: String,
    pub user_id: Option<i64>,
    pub declared_on: Option<NaiveDate>,
    pub declaration_sha256: Option<String>,
    pub declaration_name: Option<String>,
}

/// One item's decision and result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRow {
    pub item: AssessmentItem,
    /// `selected` or `left_out`.
    pub choice: String,
    pub reason: String,
    /// `satisfied`, `not_satisfied`, `not_applicable`, or none yet.
    pub result: Option<String>,
    pub result_reason: String,
    pub notes: String,
}

/// One evidence file linked to an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRow {
    pub item: AssessmentItem,
    pub sha256: String,
    pub name: String,
    pub created_at: String,
}

const COLUMNS: &str = "id, org_id, code, title, status, period_start, period_end, countermeasures, started_at, completed_at, completed_on, created_at";

fn from_row(r: &AnyRow) -> Result<Assessment, StoreError> {
    Ok(Assessment {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        code: r.try_get("code")?,
        title: r.try_get("title")?,
        status: AssessmentStatus::parse("assessments.status", &r.try_get::<String, _>("status")?)?,
        period_start: parse_day(
            "assessments.period_start",
            &r.try_get::<String, _>("period_start")?,
        )?,
        period_end: parse_day(
            "assessments.period_end",
            &r.try_get::<String, _>("period_end")?,
        )?,
        countermeasures: r.try_get("countermeasures")?,
        started_at: r.try_get("started_at")?,
        completed_at: r.try_get("completed_at")?,
        completed_on: opt_day("assessments.completed_on", r.try_get("completed_on")?)?,
        created_at: r.try_get("created_at")?,
    })
}

/// What a new assessment row holds.
#[derive(Debug, Clone)]
pub struct NewAssessment<'a> {
    pub org_id: i64,
    pub code: &'a str,
    pub title: &'a str,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub countermeasures: &'a str,
}

pub async fn insert(
    conn: &mut Conn,
    a: &NewAssessment<'_>,
    now: &str,
) -> Result<Assessment, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO assessments (org_id, code, title, status, period_start, period_end, countermeasures, created_at)
         VALUES ($1, $2, $3, 'planned', $4, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(a.org_id)
    .bind(a.code)
    .bind(a.title)
    .bind(a.period_start.to_string())
    .bind(a.period_end.to_string())
    .bind(a.countermeasures)
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

pub async fn add_system(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
    system_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO assessment_systems (assessment_id, org_id, system_id) VALUES ($1, $2, $3)",
    )
    .bind(assessment_id)
    .bind(org_id)
    .bind(system_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The IDs of the systems in scope.
pub async fn system_ids(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT system_id FROM assessment_systems WHERE org_id = $1 AND assessment_id = $2 ORDER BY system_id",
    )
    .bind(org_id)
    .bind(assessment_id)
    .fetch_all(conn)
    .await?)
}

pub async fn by_code(
    conn: &mut Conn,
    org_id: i64,
    code: &str,
) -> Result<Option<Assessment>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assessments WHERE org_id = $1 AND code = $2"
    ))
    .bind(org_id)
    .bind(code)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
) -> Result<Option<Assessment>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assessments WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The organisation's assessments, newest period first; with `member_user`,
/// only those whose team includes the assessor linked to that user.
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    member_user: Option<i64>,
) -> Result<Vec<Assessment>, StoreError> {
    let only = if member_user.is_some() {
        "AND id IN (SELECT t.assessment_id FROM assessment_team t JOIN assessors a ON a.id = t.assessor_id
         WHERE t.org_id = $1 AND a.org_id = $1 AND a.user_id = $2)"
    } else {
        ""
    };
    let sql = format!("SELECT {COLUMNS} FROM assessments WHERE org_id = $1 {only} ORDER BY period_start DESC, code");
    let mut q = sqlx::query(&sql).bind(org_id);
    if let Some(u) = member_user {
        q = q.bind(u);
    }
    let rows = q.fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// Whether the user is linked to an assessor on the assessment's team.
pub async fn has_member_user(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
    user_id: i64,
) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM assessment_team t JOIN assessors a ON a.id = t.assessor_id
         WHERE t.org_id = $1 AND a.org_id = $1 AND t.assessment_id = $2 AND a.user_id = $3",
    )
    .bind(org_id)
    .bind(assessment_id)
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

pub async fn add_member(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
    assessor_id: i64,
    declared_on: Option<NaiveDate>,
    declaration: Option<(&str, &str)>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO assessment_team (assessment_id, org_id, assessor_id, declared_on, declaration_sha256, declaration_name)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(assessment_id)
    .bind(org_id)
    .bind(assessor_id)
    .bind(declared_on.map(|d| d.to_string()))
    .bind(declaration.map(|d| d.0))
    .bind(declaration.map(|d| d.1))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn team(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
) -> Result<Vec<Member>, StoreError> {
    let rows = sqlx::query(
        "SELECT t.assessor_id, a.name, a.user_id, t.declared_on, t.declaration_sha256, t.declaration_name
         FROM assessment_team t JOIN assessors a ON a.id = t.assessor_id AND a.org_id = t.org_id
         WHERE t.org_id = $1 AND t.assessment_id = $2 ORDER BY t.assessor_id",
    )
    .bind(org_id)
    .bind(assessment_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Member {
                assessor_id: r.try_get("assessor_id")?,
                name: r.try_get("name")?,
                user_id: r.try_get("user_id")?,
                declared_on: opt_day("assessment_team.declared_on", r.try_get("declared_on")?)?,
                declaration_sha256: r.try_get("declaration_sha256")?,
                declaration_name: r.try_get("declaration_name")?,
            })
        })
        .collect()
}

/// Replaces the item decisions (clearing results).
pub async fn set_decisions(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
    decisions: &[(AssessmentItem, &str, &str)],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM assessment_items WHERE org_id = $1 AND assessment_id = $2")
        .bind(org_id)
        .bind(assessment_id)
        .execute(&mut *conn)
        .await?;
    for (item, choice, reason) in decisions {
        sqlx::query(
            "INSERT INTO assessment_items (assessment_id, org_id, item, choice, reason, result_reason, notes)
             VALUES ($1, $2, $3, $4, $5, '', '')",
        )
        .bind(assessment_id)
        .bind(org_id)
        .bind(item.clause())
        .bind(*choice)
        .bind(*reason)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn items(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
) -> Result<Vec<ItemRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT item, choice, reason, result, result_reason, notes FROM assessment_items
         WHERE org_id = $1 AND assessment_id = $2",
    )
    .bind(org_id)
    .bind(assessment_id)
    .fetch_all(conn)
    .await?;
    let mut items = rows
        .iter()
        .map(|r| {
            Ok(ItemRow {
                item: AssessmentItem::parse(
                    "assessment_items.item",
                    &r.try_get::<String, _>("item")?,
                )?,
                choice: r.try_get("choice")?,
                reason: r.try_get("reason")?,
                result: r.try_get("result")?,
                result_reason: r.try_get("result_reason")?,
                notes: r.try_get("notes")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    items.sort_by_key(|i| i.item);
    Ok(items)
}

/// Records an item's result; false when the item is not in the assessment.
pub async fn set_result(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
    item: AssessmentItem,
    result: &str,
    reason: &str,
    notes: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE assessment_items SET result = $1, result_reason = $2, notes = $3
         WHERE org_id = $4 AND assessment_id = $5 AND item = $6",
    )
    .bind(result)
    .bind(reason)
    .bind(notes)
    .bind(org_id)
    .bind(assessment_id)
    .bind(item.clause())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn add_evidence(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
    item: AssessmentItem,
    sha256: &str,
    name: &str,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO assessment_evidence (org_id, assessment_id, item, file_sha256, file_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org_id)
    .bind(assessment_id)
    .bind(item.clause())
    .bind(sha256)
    .bind(name)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn evidence(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
) -> Result<Vec<EvidenceRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT item, file_sha256, file_name, created_at FROM assessment_evidence
         WHERE org_id = $1 AND assessment_id = $2 ORDER BY id",
    )
    .bind(org_id)
    .bind(assessment_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EvidenceRow {
                item: AssessmentItem::parse(
                    "assessment_evidence.item",
                    &r.try_get::<String, _>("item")?,
                )?,
                sha256: r.try_get("file_sha256")?,
                name: r.try_get("file_name")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

pub async fn set_countermeasures(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    text: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE assessments SET countermeasures = $1 WHERE org_id = $2 AND id = $3")
        .bind(text)
        .bind(org_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn mark_started(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE assessments SET status = 'in_progress', started_at = $1 WHERE org_id = $2 AND id = $3")
        .bind(now)
        .bind(org_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn mark_completed(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    now: &str,
    on: NaiveDate,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE assessments SET status = 'completed', completed_at = $1, completed_on = $2 WHERE org_id = $3 AND id = $4",
    )
    .bind(now)
    .bind(on.to_string())
    .bind(org_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Each system's last completed assessment (system ID, day of completion).
pub async fn last_completed(
    conn: &mut Conn,
    org_id: i64,
) -> Result<Vec<(i64, NaiveDate)>, StoreError> {
    let rows = sqlx::query(
        "SELECT s.system_id, MAX(a.completed_on) AS last FROM assessment_systems s
         JOIN assessments a ON a.id = s.assessment_id AND a.org_id = s.org_id
         WHERE s.org_id = $1 AND a.status = 'completed' GROUP BY s.system_id",
    )
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .filter_map(|r| {
            let id: Result<i64, _> = r.try_get("system_id");
            let last: Result<Option<String>, _> = r.try_get("last");
            match (id, last) {
                (Ok(id), Ok(Some(l))) => {
                    Some(parse_day("assessments.completed_on", &l).map(|d| (id, d)))
                }
                (Ok(_), Ok(None)) => None,
                (Err(e), _) | (_, Err(e)) => Some(Err(e.into())),
            }
        })
        .collect()
}
