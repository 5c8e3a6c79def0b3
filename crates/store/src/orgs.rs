//! The `organisations` table: the association, member companies, the regulator.
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use zilv_domain::OrgKind;

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub created_at: String,
}

const COLUMNS: &str = "id, code, name, kind, created_at";

fn from_row(r: &AnyRow) -> Result<Org, StoreError> {
    Ok(Org {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: OrgKind::parse("organisations.kind", &r.try_get::<String, _>("kind")?)?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    code: &str,
    name: &str,
    kind: OrgKind,
    now: &str,
) -> Result<Org, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO organisations (code, name, kind, created_at) VALUES ($1, $2, $3, $4) RETURNING {COLUMNS}"
    ))
    .bind(code)
    .bind(name)
    .bind(kind.as_str())
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

pub async fn by_code(conn: &mut Conn, code: &str) -> Result<Option<Org>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM organisations WHERE code = $1"
    ))
    .bind(code)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<Org>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM organisations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(conn: &mut Conn) -> Result<Vec<Org>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM organisations ORDER BY kind, code"
    ))
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}
