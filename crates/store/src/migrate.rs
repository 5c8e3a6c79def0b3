//! Schema migrations: numbered SQL files per database, applied in order at
//! start, each in its own transaction, with a checksum that refuses a
//! migration edited after it was applied.
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{timestamp, Backend, Store, StoreError};

/// One schema step, with its SQL for each database.
#[derive(Debug)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl Migration {
    pub fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }

    pub fn checksum(&self, backend: Backend) -> String {
        hex::encode(Sha256::digest(self.sql(backend).as_bytes()))
    }
}

/// Every migration, oldest first. Released ones are never edited.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sqlite: include_str!("../migrations/sqlite/0001_initial.sql"),
        postgres: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "sign_in",
        sqlite: include_str!("../migrations/sqlite/0002_sign_in.sql"),
        postgres: include_str!("../migrations/postgres/0002_sign_in.sql"),
    },
    Migration {
        version: 3,
        name: "assessments",
        sqlite: include_str!("../migrations/sqlite/0003_assessments.sql"),
        postgres: include_str!("../migrations/postgres/0003_assessments.sql"),
    },
    Migration {
        version: 4,
        name: "totp_replay",
        sqlite: include_str!("../migrations/sqlite/0004_totp_replay.sql"),
        postgres: include_str!("../migrations/postgres/0004_totp_replay.sql"),
    },
    Migration {
        version: 5,
        name: "ioc_reviews",
        sqlite: include_str!("../migrations/sqlite/0005_ioc_reviews.sql"),
        postgres: include_str!("../migrations/postgres/0005_ioc_reviews.sql"),
    },
    Migration {
        version: 6,
        name: "reports",
        sqlite: include_str!("../migrations/sqlite/0006_reports.sql"),
        postgres: include_str!("../migrations/postgres/0006_reports.sql"),
    },
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT NOT NULL PRIMARY KEY,
    name       TEXT   NOT NULL,
    checksum   TEXT   NOT NULL,
    applied_at TEXT   NOT NULL
)";

pub(crate) async fn run(store: &Store) -> Result<(), StoreError> {
    let backend = store.backend();
    let mut tx = store.begin().await?;
    if backend == Backend::Postgres {
        // One process migrates at a time; the lock ends with the transaction.
        sqlx::query("SELECT pg_advisory_xact_lock(5830412901)")
            .execute(&mut *tx)
            .await?;
    }
    sqlx::raw_sql(LEDGER).execute(&mut *tx).await?;
    let applied =
        sqlx::query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
            .fetch_all(&mut *tx)
            .await?;
    let newest_known = MIGRATIONS.last().map_or(0, |m| m.version);
    for row in &applied {
        let version: i64 = row.try_get("version")?;
        let checksum: String = row.try_get("checksum")?;
        let Some(m) = MIGRATIONS.iter().find(|m| m.version == version) else {
            return Err(StoreError::Migration(format!(
                "the database has migration {version}, newer than this zilv knows (up to {newest_known}): use a newer zilv"
            )));
        };
        if m.checksum(backend) != checksum {
            return Err(StoreError::Migration(format!(
                "migration {version} ({}) differs from the one applied to this database",
                m.name
            )));
        }
    }
    // By version, not by count: numbers are reserved per branch, so a
    // migration may arrive after a later-numbered one was applied.
    let done: Vec<i64> = applied
        .iter()
        .map(|r| r.try_get::<i64, _>("version"))
        .collect::<Result<_, _>>()?;
    for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
        sqlx::raw_sql(m.sql(backend))
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                StoreError::Migration(format!("migration {} ({}): {e}", m.version, m.name))
            })?;
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(m.checksum(backend))
            .bind(timestamp(chrono::Utc::now()))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
