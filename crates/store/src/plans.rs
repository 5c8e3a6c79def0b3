//! The `assessment_plans` and `plan_entries` tables: the assessment plan
//! (EVAL-2.1), its systems with their class, and its approval (EVAL-2.2).
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use zilv_domain::SystemClass;

use crate::{opt_day, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    pub title: String,
    pub approving_body: Option<String>,
    pub board_authorisation: Option<String>,
    pub approved_on: Option<NaiveDate>,
    pub resolution_ref: Option<String>,
    pub document_sha256: Option<String>,
    pub document_name: Option<String>,
    pub document_size: Option<i64>,
    pub reviewed_on: Option<NaiveDate>,
    pub created_at: String,
}

/// One system of a plan, by code, with its class in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub system: String,
    pub class: SystemClass,
}

/// The approval recorded on a plan.
#[derive(Debug, Clone)]
pub struct Approval<'a> {
    pub body: &'a str,
    pub board_authorisation: Option<&'a str>,
    pub approved_on: NaiveDate,
    pub resolution_ref: &'a str,
    pub document_sha256: &'a str,
    pub document_name: &'a str,
    pub document_size: i64,
}

const COLUMNS: &str = "id, org_id, title, approving_body, board_authorisation, approved_on, resolution_ref, document_sha256, document_name, document_size, reviewed_on, created_at";

fn from_row(r: &AnyRow) -> Result<Plan, StoreError> {
    Ok(Plan {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        title: r.try_get("title")?,
        approving_body: r.try_get("approving_body")?,
        board_authorisation: r.try_get("board_authorisation")?,
        approved_on: opt_day("assessment_plans.approved_on", r.try_get("approved_on")?)?,
        resolution_ref: r.try_get("resolution_ref")?,
        document_sha256: r.try_get("document_sha256")?,
        document_name: r.try_get("document_name")?,
        document_size: r.try_get("document_size")?,
        reviewed_on: opt_day("assessment_plans.reviewed_on", r.try_get("reviewed_on")?)?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    org_id: i64,
    title: &str,
    now: &str,
) -> Result<Plan, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO assessment_plans (org_id, title, created_at) VALUES ($1, $2, $3) RETURNING {COLUMNS}"
    ))
    .bind(org_id)
    .bind(title)
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

pub async fn add_entry(
    conn: &mut Conn,
    org_id: i64,
    plan_id: i64,
    system_id: i64,
    class: SystemClass,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO plan_entries (plan_id, org_id, system_id, class) VALUES ($1, $2, $3, $4)",
    )
    .bind(plan_id)
    .bind(org_id)
    .bind(system_id)
    .bind(i64::from(class.number()))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn entries(conn: &mut Conn, org_id: i64, plan_id: i64) -> Result<Vec<Entry>, StoreError> {
    let rows = sqlx::query(
        "SELECT s.code, e.class FROM plan_entries e JOIN systems s ON s.id = e.system_id AND s.org_id = e.org_id
         WHERE e.org_id = $1 AND e.plan_id = $2 ORDER BY s.code",
    )
    .bind(org_id)
    .bind(plan_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                system: r.try_get("code")?,
                class: SystemClass::new("plan_entries.class", r.try_get("class")?)?,
            })
        })
        .collect()
}

pub async fn by_id(conn: &mut Conn, org_id: i64, id: i64) -> Result<Option<Plan>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assessment_plans WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The newest approved plan, if any.
pub async fn current(conn: &mut Conn, org_id: i64) -> Result<Option<Plan>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assessment_plans WHERE org_id = $1 AND approved_on IS NOT NULL
         ORDER BY approved_on DESC, id DESC LIMIT 1"
    ))
    .bind(org_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<Plan>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assessment_plans WHERE org_id = $1 ORDER BY id"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn approve(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    a: &Approval<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE assessment_plans SET approving_body = $1, board_authorisation = $2, approved_on = $3,
         resolution_ref = $4, document_sha256 = $5, document_name = $6, document_size = $7, reviewed_on = $3
         WHERE org_id = $8 AND id = $9",
    )
    .bind(a.body)
    .bind(a.board_authorisation)
    .bind(a.approved_on.to_string())
    .bind(a.resolution_ref)
    .bind(a.document_sha256)
    .bind(a.document_name)
    .bind(a.document_size)
    .bind(org_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a review of the plan (EVAL-2.2) on `on`.
pub async fn reviewed(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    on: NaiveDate,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE assessment_plans SET reviewed_on = $1 WHERE org_id = $2 AND id = $3")
        .bind(on.to_string())
        .bind(org_id)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
