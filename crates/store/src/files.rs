//! The `stored_files` table: uploaded files, content-addressed by SHA-256
//! per organisation and kept in the database (one backup holds them all).
use serde::Serialize;
use sqlx::Row;

use crate::{Conn, StoreError};

/// A stored file's identity, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    pub sha256: String,
    pub media_type: String,
    pub size: i64,
}

/// Stores `content` under `sha256` unless the organisation already has it.
pub async fn put(
    conn: &mut Conn,
    org_id: i64,
    info: &FileInfo,
    content: &[u8],
    now: &str,
) -> Result<(), StoreError> {
    if exists(conn, org_id, &info.sha256).await? {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO stored_files (org_id, sha256, media_type, size, content, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org_id)
    .bind(&info.sha256)
    .bind(&info.media_type)
    .bind(info.size)
    .bind(content.to_vec())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn exists(conn: &mut Conn, org_id: i64, sha256: &str) -> Result<bool, StoreError> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM stored_files WHERE org_id = $1 AND sha256 = $2")
            .bind(org_id)
            .bind(sha256)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// The file's description and bytes.
pub async fn get(
    conn: &mut Conn,
    org_id: i64,
    sha256: &str,
) -> Result<Option<(FileInfo, Vec<u8>)>, StoreError> {
    let row = sqlx::query(
        "SELECT sha256, media_type, size, content FROM stored_files WHERE org_id = $1 AND sha256 = $2",
    )
    .bind(org_id)
    .bind(sha256)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            FileInfo {
                sha256: r.try_get("sha256")?,
                media_type: r.try_get("media_type")?,
                size: r.try_get("size")?,
            },
            r.try_get("content")?,
        ))
    })
    .transpose()
}
