//! Bulk queries on the `findings` table for scanner imports: the fingerprinted
//! findings of a system, and many new findings inserted in few statements.
use chrono::NaiveDate;
use sqlx::Row;
use zilv_domain::{FindingStatus, Severity};

use crate::findings::{severity_rank, NewFinding};
use crate::{opt_day, Conn, StoreError};

/// A fingerprinted finding already stored for a system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub id: i64,
    pub fingerprint: String,
    pub source: String,
    pub severity: Severity,
    pub status: FindingStatus,
    pub due_on: Option<NaiveDate>,
}

/// Every finding of the system that has a fingerprint, whatever its source.
pub async fn known(conn: &mut Conn, org_id: i64, system_id: i64) -> Result<Vec<Known>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, fingerprint, source, severity, status, due_on FROM findings
         WHERE org_id = $1 AND system_id = $2 AND fingerprint IS NOT NULL ORDER BY id",
    )
    .bind(org_id)
    .bind(system_id)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Known {
                id: r.try_get("id")?,
                fingerprint: r.try_get("fingerprint")?,
                source: r.try_get("source")?,
                severity: Severity::parse(
                    "findings.severity",
                    &r.try_get::<String, _>("severity")?,
                )?,
                status: FindingStatus::parse(
                    "findings.status",
                    &r.try_get::<String, _>("status")?,
                )?,
                due_on: opt_day("findings.due_on", r.try_get("due_on")?)?,
            })
        })
        .collect()
}

/// Values bound per inserted row.
const VALUES_PER_ROW: usize = 17;

/// The insert statement for `rows` rows. SQLite gets anonymous `?`
/// parameters: it looks each named parameter up by a linear search, which
/// makes binding a statement of many `$N` parameters quadratic.
fn insert_sql(rows: usize, sqlite: bool) -> String {
    let mut sql = String::from(
        "INSERT INTO findings (org_id, assessment_id, system_id, asset_id, title, severity, severity_rank,
         category, risk_description, recommendation, source, fingerprint, owner, found_on, due_on,
         created_at, updated_at, status, outstanding) VALUES ",
    );
    let mut n = 0;
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for _ in 0..VALUES_PER_ROW {
            n += 1;
            if sqlite {
                sql.push_str("?, ");
            } else {
                sql.push_str(&format!("${n}, "));
            }
        }
        sql.push_str("'open', 1)");
    }
    sql
}

/// Rows per statement on PostgreSQL: 4, 16 and 58 measured alike, 16 a little
/// faster.
const ROWS_PER_STATEMENT_POSTGRES: usize = 16;

/// Inserts open findings, many rows per statement (on SQLite as many as its
/// oldest limit of 999 parameters allows, measured fastest).
pub async fn insert_many(
    conn: &mut Conn,
    rows: &[NewFinding<'_>],
    now: &str,
) -> Result<(), StoreError> {
    let sqlite = conn.backend_name().eq_ignore_ascii_case("sqlite");
    let per_statement = if sqlite {
        999 / VALUES_PER_ROW
    } else {
        ROWS_PER_STATEMENT_POSTGRES
    };
    let full = insert_sql(per_statement, sqlite);
    for chunk in rows.chunks(per_statement) {
        let partial;
        let sql = if chunk.len() == per_statement {
            &full
        } else {
            partial = insert_sql(chunk.len(), sqlite);
            &partial
        };
        let mut q = sqlx::query(sql);
        for f in chunk {
            q = q
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
                .bind(now);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
