//! The `reports` and `report_files` tables: finalised EVAL-8 reports, the
//! exact bytes of each format with their SHA-256, retention, legal hold and
//! the audited deletion (the database's triggers refuse the rest).
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{opt_day, parse_day, Conn, StoreError};

/// A finalised report, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    #[serde(skip)]
    pub assessment_id: i64,
    /// The assessment's code.
    pub assessment: String,
    pub assessment_title: String,
    /// `zh-TW` or `en`.
    pub language: String,
    pub finalised_at: String,
    pub finalised_on: NaiveDate,
    pub finalised_by: String,
    pub retention_until: NaiveDate,
    /// When the report went to the internal audit unit (EVAL-8).
    pub sent_to_audit_at: String,
    pub legal_hold: bool,
    pub legal_hold_reason: Option<String>,
    pub legal_hold_until: Option<NaiveDate>,
    pub legal_hold_by: Option<String>,
    pub deleted_at: Option<String>,
    pub deleted_by: Option<String>,
}

/// One stored format of a report, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportFile {
    /// `pdf`, `html` or `xlsx`.
    pub format: String,
    pub media_type: String,
    pub sha256: String,
    pub size: i64,
}

/// What a new report row holds.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub org_id: i64,
    pub assessment_id: i64,
    pub language: &'a str,
    pub finalised_at: &'a str,
    pub finalised_on: NaiveDate,
    pub finalised_by: &'a str,
    pub retention_until: NaiveDate,
}

const SELECT: &str = "SELECT r.id, r.org_id, r.assessment_id, a.code AS assessment_code, a.title AS assessment_title,
    r.language, r.finalised_at, r.finalised_on, r.finalised_by, r.retention_until, r.sent_to_audit_at,
    r.legal_hold, r.legal_hold_reason, r.legal_hold_until, r.legal_hold_by, r.deleted_at, r.deleted_by
    FROM reports r JOIN assessments a ON a.id = r.assessment_id AND a.org_id = r.org_id";

fn from_row(r: &AnyRow) -> Result<Report, StoreError> {
    Ok(Report {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        assessment_id: r.try_get("assessment_id")?,
        assessment: r.try_get("assessment_code")?,
        assessment_title: r.try_get("assessment_title")?,
        language: r.try_get("language")?,
        finalised_at: r.try_get("finalised_at")?,
        finalised_on: parse_day(
            "reports.finalised_on",
            &r.try_get::<String, _>("finalised_on")?,
        )?,
        finalised_by: r.try_get("finalised_by")?,
        retention_until: parse_day(
            "reports.retention_until",
            &r.try_get::<String, _>("retention_until")?,
        )?,
        sent_to_audit_at: r.try_get("sent_to_audit_at")?,
        legal_hold: r.try_get::<i64, _>("legal_hold")? == 1,
        legal_hold_reason: r.try_get("legal_hold_reason")?,
        legal_hold_until: opt_day("reports.legal_hold_until", r.try_get("legal_hold_until")?)?,
        legal_hold_by: r.try_get("legal_hold_by")?,
        deleted_at: r.try_get("deleted_at")?,
        deleted_by: r.try_get("deleted_by")?,
    })
}

/// Records a finalised report, sent to the internal audit unit at `finalised_at`.
pub async fn insert(conn: &mut Conn, r: &NewReport<'_>) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO reports (org_id, assessment_id, language, finalised_at, finalised_on, finalised_by,
         retention_until, sent_to_audit_at, legal_hold)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) RETURNING id",
    )
    .bind(r.org_id)
    .bind(r.assessment_id)
    .bind(r.language)
    .bind(r.finalised_at)
    .bind(r.finalised_on.to_string())
    .bind(r.finalised_by)
    .bind(r.retention_until.to_string())
    .bind(r.finalised_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Stores the exact bytes of one format of a report.
pub async fn insert_file(
    conn: &mut Conn,
    org_id: i64,
    report_id: i64,
    file: &ReportFile,
    content: &[u8],
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO report_files (report_id, org_id, format, media_type, sha256, size, content)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(report_id)
    .bind(org_id)
    .bind(&file.format)
    .bind(&file.media_type)
    .bind(&file.sha256)
    .bind(file.size)
    .bind(content.to_vec())
    .execute(conn)
    .await?;
    Ok(())
}

/// The report of an assessment, deleted or not.
pub async fn by_assessment(
    conn: &mut Conn,
    org_id: i64,
    assessment_id: i64,
) -> Result<Option<Report>, StoreError> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE r.org_id = $1 AND r.assessment_id = $2"
    ))
    .bind(org_id)
    .bind(assessment_id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The organisation's reports, newest first.
pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<Report>, StoreError> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE r.org_id = $1 ORDER BY r.finalised_at DESC, r.id DESC"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The formats stored for a report.
pub async fn files(
    conn: &mut Conn,
    org_id: i64,
    report_id: i64,
) -> Result<Vec<ReportFile>, StoreError> {
    let rows = sqlx::query(
        "SELECT format, media_type, sha256, size FROM report_files
         WHERE org_id = $1 AND report_id = $2 ORDER BY format",
    )
    .bind(org_id)
    .bind(report_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReportFile {
                format: r.try_get("format")?,
                media_type: r.try_get("media_type")?,
                sha256: r.try_get("sha256")?,
                size: r.try_get("size")?,
            })
        })
        .collect()
}

/// One stored format with its bytes.
pub async fn file(
    conn: &mut Conn,
    org_id: i64,
    report_id: i64,
    format: &str,
) -> Result<Option<(ReportFile, Vec<u8>)>, StoreError> {
    let row = sqlx::query(
        "SELECT format, media_type, sha256, size, content FROM report_files
         WHERE org_id = $1 AND report_id = $2 AND format = $3",
    )
    .bind(org_id)
    .bind(report_id)
    .bind(format)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            ReportFile {
                format: r.try_get("format")?,
                media_type: r.try_get("media_type")?,
                sha256: r.try_get("sha256")?,
                size: r.try_get("size")?,
            },
            r.try_get("content")?,
        ))
    })
    .transpose()
}

/// One stored file as `verify` reads it: whose it is and its bytes.
#[derive(Debug, Clone)]
pub struct StoredReportFile {
    pub org_code: String,
    pub assessment: String,
    pub file: ReportFile,
    pub content: Vec<u8>,
}

/// Calls `each` with every stored report file of every organisation, one at
/// a time (the bytes of one file in memory at once).
pub async fn for_each_file<F>(conn: &mut Conn, mut each: F) -> Result<(), StoreError>
where
    F: FnMut(StoredReportFile),
{
    let keys = sqlx::query(
        "SELECT f.report_id, f.format, o.code AS org_code, a.code AS assessment_code
         FROM report_files f
         JOIN reports r ON r.id = f.report_id
         JOIN organisations o ON o.id = r.org_id
         JOIN assessments a ON a.id = r.assessment_id
         ORDER BY o.code, a.code, f.format",
    )
    .fetch_all(&mut *conn)
    .await?;
    for k in keys {
        let report_id: i64 = k.try_get("report_id")?;
        let format: String = k.try_get("format")?;
        let row = sqlx::query(
            "SELECT media_type, sha256, size, content FROM report_files WHERE report_id = $1 AND format = $2",
        )
        .bind(report_id)
        .bind(&format)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(r) = row {
            each(StoredReportFile {
                org_code: k.try_get("org_code")?,
                assessment: k.try_get("assessment_code")?,
                file: ReportFile {
                    format,
                    media_type: r.try_get("media_type")?,
                    sha256: r.try_get("sha256")?,
                    size: r.try_get("size")?,
                },
                content: r.try_get("content")?,
            });
        }
    }
    Ok(())
}

/// Places a legal hold (or changes it); `until` `None` holds until released.
pub async fn set_hold(
    conn: &mut Conn,
    org_id: i64,
    report_id: i64,
    hold: Option<(&str, Option<NaiveDate>, &str)>,
) -> Result<(), StoreError> {
    let (flag, reason, until, by) = match hold {
        Some((reason, until, by)) => (1_i64, Some(reason), until.map(|d| d.to_string()), Some(by)),
        None => (0, None, None, None),
    };
    sqlx::query(
        "UPDATE reports SET legal_hold = $1, legal_hold_reason = $2, legal_hold_until = $3, legal_hold_by = $4
         WHERE org_id = $5 AND id = $6",
    )
    .bind(flag)
    .bind(reason)
    .bind(until)
    .bind(by)
    .bind(org_id)
    .bind(report_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the report deleted and removes its bytes; the database refuses
/// this before the retention ends or under a legal hold.
pub async fn delete(
    conn: &mut Conn,
    org_id: i64,
    report_id: i64,
    deleted_at: &str,
    deleted_on: NaiveDate,
    deleted_by: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE reports SET deleted_at = $1, deleted_on = $2, deleted_by = $3 WHERE org_id = $4 AND id = $5",
    )
    .bind(deleted_at)
    .bind(deleted_on.to_string())
    .bind(deleted_by)
    .bind(org_id)
    .bind(report_id)
    .execute(&mut *conn)
    .await
    .map_err(refused)?;
    sqlx::query("DELETE FROM report_files WHERE org_id = $1 AND report_id = $2")
        .bind(org_id)
        .bind(report_id)
        .execute(conn)
        .await
        .map_err(refused)?;
    Ok(())
}

/// A trigger's refusal as a conflict, with the database's words.
fn refused(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.message().contains("(EVAL-8)") => {
            StoreError::Conflict(format!("the database refused: {}", db.message()))
        }
        _ => e.into(),
    }
}

/// Whether a stored file of the organisation is a remediation document of a
/// finding covered by a report still kept (not deleted).
pub async fn file_retained(conn: &mut Conn, org_id: i64, sha256: &str) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports r
         JOIN findings f ON f.org_id = r.org_id AND f.assessment_id = r.assessment_id
         JOIN finding_history h ON h.org_id = f.org_id AND h.finding_id = f.id
         WHERE r.org_id = $1 AND r.deleted_at IS NULL AND h.evidence_sha256 = $2",
    )
    .bind(org_id)
    .bind(sha256)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}
