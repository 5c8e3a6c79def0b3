//! Persistence over SQLite (the default) and PostgreSQL from one code base:
//! the connection, the migrations and one module of queries per table.
//!
//! Every query is written once, with `$1`-style parameters that both
//! databases accept; only the schema files differ per database. Every query
//! on an organisation's objects takes the organisation's ID.
pub mod api_tokens;
pub mod assessments;
pub mod assessors;
pub mod assets;
pub mod audit;
mod connect;
pub mod drills;
pub mod files;
pub mod findings;
pub mod incidents;
pub mod ioc_reviews;
mod migrate;
pub mod orgs;
pub mod plans;
pub mod reports;
pub mod scan_findings;
pub mod sessions;
pub mod systems;
pub mod users;

pub use connect::{redact_url, sqlite_url, Backend, Store};
pub use migrate::{Migration, MIGRATIONS};

/// A transaction on either database.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;
/// A connection on either database (a [`Tx`] dereferences to one).
pub type Conn = sqlx::AnyConnection;

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {url}: {message}")]
    Connect { url: String, message: String },
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("{0}")]
    Conflict(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Db(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Conflict(format!("already exists: {}", db.message()));
            }
        }
        StoreError::Db(e.to_string())
    }
}

impl From<zilv_domain::InvalidInput> for StoreError {
    fn from(e: zilv_domain::InvalidInput) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

/// Current time as stored: RFC 3339, UTC, microseconds, so text order is time order.
pub fn timestamp(now: chrono::DateTime<chrono::Utc>) -> String {
    now.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub(crate) fn parse_day(column: &str, value: &str) -> Result<chrono::NaiveDate, StoreError> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("{column} = {value:?}: {e}")))
}

pub(crate) fn opt_day(
    column: &str,
    value: Option<String>,
) -> Result<Option<chrono::NaiveDate>, StoreError> {
    value.as_deref().map(|v| parse_day(column, v)).transpose()
}

/// Commits `tx`, so that callers need not name sqlx.
pub async fn commit(tx: Tx) -> Result<(), StoreError> {
    Ok(tx.commit().await?)
}
