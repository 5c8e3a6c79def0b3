//! The `api_tokens` table: REST API tokens, stored only as SHA-256 hashes.
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    #[serde(skip)]
    pub user_id: i64,
    pub name: String,
    #[serde(skip)]
    pub token_hash: String,
    pub scope: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

const COLUMNS: &str =
    "id, org_id, user_id, name, token_hash, scope, created_at, last_used_at, revoked_at";

fn from_row(r: &AnyRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        user_id: r.try_get("user_id")?,
        name: r.try_get("name")?,
        token_hash: r.try_get("token_hash")?,
        scope: r.try_get("scope")?,
        created_at: r.try_get("created_at")?,
        last_used_at: r.try_get("last_used_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    org_id: i64,
    user_id: i64,
    name: &str,
    token_hash: &str,
    scope: &str,
    now: &str,
) -> Result<ApiToken, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO api_tokens (org_id, user_id, name, token_hash, scope, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    ))
    .bind(org_id)
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(scope)
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

/// The token with this hash, revoked or not.
pub async fn by_hash(conn: &mut Conn, token_hash: &str) -> Result<Option<ApiToken>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list_for_user(conn: &mut Conn, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id"
    ))
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn mark_used(conn: &mut Conn, id: i64, now: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes one of the user's own tokens; false when there is no such live token.
pub async fn revoke(conn: &mut Conn, user_id: i64, id: i64, now: &str) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}
