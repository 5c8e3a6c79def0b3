//! The `ioc_reviews` and `ioc_review_aggregates` tables: network-log reviews
//! against threat-intelligence indicators (EVAL-4.1.2.3) and their hits per
//! indicator and internal host.
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Conn, StoreError};

/// A file a review read: its name as given, SHA-256 and size in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDigest {
    pub name: String,
    pub sha256: String,
    pub size: u64,
}

/// One stored review run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    pub assessment: String,
    /// The assessment item the review belongs to (`EVAL-4.1.2.3`).
    pub item: String,
    /// The system the review's findings are recorded against.
    pub system: String,
    #[serde(skip)]
    pub system_id: i64,
    pub status: String,
    pub started_at: String,
    pub finished_at: String,
    pub indicator_files: Vec<FileDigest>,
    pub log_files: Vec<FileDigest>,
    /// The matcher's run summary.
    pub summary: serde_json::Value,
    pub findings_created: i64,
    pub findings_existing: i64,
    pub created_by: String,
}

/// What a new review row holds.
#[derive(Debug, Clone)]
pub struct NewReview<'a> {
    pub org_id: i64,
    pub assessment_id: i64,
    pub item: &'a str,
    pub system_id: i64,
    pub started_at: &'a str,
    pub finished_at: &'a str,
    pub indicator_files: &'a [FileDigest],
    pub log_files: &'a [FileDigest],
    pub summary: &'a serde_json::Value,
    pub findings_created: i64,
    pub findings_existing: i64,
    pub created_by: &'a str,
}

/// The hits of one indicator from one internal host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AggregateRow {
    pub indicator: String,
    pub kind: String,
    pub source: String,
    pub description: String,
    pub internal_host: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub count: i64,
    /// The finding that tracks the pair.
    pub finding_id: Option<i64>,
}

const SELECT: &str = "SELECT r.id, r.org_id, a.code AS assessment_code, r.item, s.code AS system_code, r.system_id,
    r.status, r.started_at, r.finished_at, r.indicator_files, r.log_files, r.summary, r.findings_created,
    r.findings_existing, r.created_by
    FROM ioc_reviews r
    JOIN assessments a ON a.id = r.assessment_id AND a.org_id = r.org_id
    JOIN systems s ON s.id = r.system_id AND s.org_id = r.org_id";

fn json_column<T: serde::de::DeserializeOwned>(r: &AnyRow, column: &str) -> Result<T, StoreError> {
    let text: String = r.try_get(column)?;
    serde_json::from_str(&text)
        .map_err(|e| StoreError::Corrupt(format!("ioc_reviews.{column}: {e}")))
}

fn from_row(r: &AnyRow) -> Result<Review, StoreError> {
    Ok(Review {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        assessment: r.try_get("assessment_code")?,
        item: r.try_get("item")?,
        system: r.try_get("system_code")?,
        system_id: r.try_get("system_id")?,
        status: r.try_get("status")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        indicator_files: json_column(r, "indicator_files")?,
        log_files: json_column(r, "log_files")?,
        summary: json_column(r, "summary")?,
        findings_created: r.try_get("findings_created")?,
        findings_existing: r.try_get("findings_existing")?,
        created_by: r.try_get("created_by")?,
    })
}

fn to_json<T: Serialize + ?Sized>(what: &str, v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// Inserts a completed review; returns its ID.
pub async fn insert(conn: &mut Conn, r: &NewReview<'_>) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO ioc_reviews (org_id, assessment_id, item, system_id, status, started_at, finished_at,
         indicator_files, log_files, summary, findings_created, findings_existing, created_by)
         VALUES ($1, $2, $3, $4, 'completed', $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(r.org_id)
    .bind(r.assessment_id)
    .bind(r.item)
    .bind(r.system_id)
    .bind(r.started_at)
    .bind(r.finished_at)
    .bind(to_json("indicator files", r.indicator_files)?)
    .bind(to_json("log files", r.log_files)?)
    .bind(to_json("summary", r.summary)?)
    .bind(r.findings_created)
    .bind(r.findings_existing)
    .bind(r.created_by)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn insert_aggregate(
    conn: &mut Conn,
    org_id: i64,
    review_id: i64,
    a: &AggregateRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ioc_review_aggregates (org_id, review_id, indicator, kind, source, description,
         internal_host, first_seen, last_seen, hits, finding_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(org_id)
    .bind(review_id)
    .bind(&a.indicator)
    .bind(&a.kind)
    .bind(&a.source)
    .bind(&a.description)
    .bind(a.internal_host.as_deref())
    .bind(a.first_seen.as_deref())
    .bind(a.last_seen.as_deref())
    .bind(a.count)
    .bind(a.finding_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_id(conn: &mut Conn, org_id: i64, id: i64) -> Result<Option<Review>, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE r.org_id = $1 AND r.id = $2"))
        .bind(org_id)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The reviews of an assessment, newest first.
pub async fn list(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
) -> Result<Vec<Review>, StoreError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE r.org_id = $1 AND r.assessment_id = $2 ORDER BY r.id DESC"
    ))
    .bind(org_id)
    .bind(assessment_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The aggregates of a review, in the order they were stored.
pub async fn aggregates(
    conn: &mut Conn,
    org_id: i64,
    review_id: i64,
) -> Result<Vec<AggregateRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT indicator, kind, source, description, internal_host, first_seen, last_seen, hits, finding_id
         FROM ioc_review_aggregates WHERE org_id = $1 AND review_id = $2 ORDER BY id",
    )
    .bind(org_id)
    .bind(review_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AggregateRow {
                indicator: r.try_get("indicator")?,
                kind: r.try_get("kind")?,
                source: r.try_get("source")?,
                description: r.try_get("description")?,
                internal_host: r.try_get("internal_host")?,
                first_seen: r.try_get("first_seen")?,
                last_seen: r.try_get("last_seen")?,
                count: r.try_get("hits")?,
                finding_id: r.try_get("finding_id")?,
            })
        })
        .collect()
}

/// The finding of a system with this fingerprint, if any: its ID and
/// assessment ID.
pub async fn finding_by_fingerprint(
    conn: &mut Conn,
    org_id: i64,
    system_id: i64,
    fingerprint: &str,
) -> Result<Option<(i64, Option<i64>)>, StoreError> {
    let row = sqlx::query(
        "SELECT id, assessment_id FROM findings WHERE org_id = $1 AND system_id = $2 AND fingerprint = $3",
    )
    .bind(org_id)
    .bind(system_id)
    .bind(fingerprint)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("assessment_id")?)))
        .transpose()
}
