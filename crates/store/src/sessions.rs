//! The `sessions` table: server-side sign-in sessions, found by the SHA-256 of their ID.
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub client: String,
}

const COLUMNS: &str = "id_hash, user_id, csrf_token, created_at, last_seen_at, client";

fn from_row(r: &AnyRow) -> Result<Session, StoreError> {
    Ok(Session {
        id_hash: r.try_get("id_hash")?,
        user_id: r.try_get("user_id")?,
        csrf_token: r.try_get("csrf_token")?,
        created_at: r.try_get("created_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        client: r.try_get("client")?,
    })
}

pub async fn insert(conn: &mut Conn, s: &Session) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO sessions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(&s.id_hash)
    .bind(s.user_id)
    .bind(&s.csrf_token)
    .bind(&s.created_at)
    .bind(&s.last_seen_at)
    .bind(&s.client)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_hash(conn: &mut Conn, id_hash: &str) -> Result<Option<Session>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM sessions WHERE id_hash = $1"
    ))
    .bind(id_hash)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn touch(conn: &mut Conn, id_hash: &str, now: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, id_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user; returns how many there were.
pub async fn delete_for_user(conn: &mut Conn, user_id: i64) -> Result<u64, StoreError> {
    Ok(sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?
        .rows_affected())
}

/// Ends every session of a user but `keep` (the hash of the current one).
pub async fn delete_for_user_except(
    conn: &mut Conn,
    user_id: i64,
    keep: Option<&str>,
) -> Result<u64, StoreError> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
