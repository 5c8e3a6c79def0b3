//! Opening the database named by a URL, on SQLite or PostgreSQL.
use std::path::Path;
use std::time::Duration;

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{AnyPool, Connection, Executor};

use crate::{migrate, StoreError, Tx};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// An open, migrated database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// The URL of the SQLite database file at `path`, created if missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// `url` with any password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

impl Store {
    /// Opens the database at `url` (`sqlite://…` or `postgres://…`) and
    /// brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Connect {
                url: redact_url(url),
                message:
                    "unsupported database URL: use sqlite://PATH or postgres://USER@HOST:PORT/DB"
                        .into(),
            });
        };
        install_default_drivers();
        // One direct connection first: a pool would report only a time-out,
        // where this names the real cause (refused, unknown host, bad password).
        let probe = sqlx::AnyConnection::connect(url)
            .await
            .map_err(|e| StoreError::Connect {
                url: redact_url(url),
                message: e.to_string(),
            })?;
        probe.close().await?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // synchronous FULL: a commit is on disk before it is
                        // acknowledged, even across a power loss (audit evidence).
                        // A 32 MiB page cache keeps the indexes of a large
                        // import in memory instead of spilling mid-transaction.
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA synchronous = FULL; PRAGMA cache_size = -32768;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(|e| StoreError::Connect {
                url: redact_url(url),
                message: e.to_string(),
            })?;
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let store = Store { pool, backend };
        migrate::run(&store).await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that writes. On SQLite it takes the write lock at
    /// once, so that a read early in the transaction cannot go stale.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// Closes every connection; pending writes are already committed.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://zilv:s3cret@db.example:5432/zilv?sslmode=require"),
            "postgres://zilv:***@db.example:5432/zilv?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://zilv@127.0.0.1/x"),
            "postgres://zilv@127.0.0.1/x"
        );
        assert_eq!(
            redact_url("postgres://u:p@ss@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(
            redact_url("sqlite:///tmp/a.db?mode=rwc"),
            "sqlite:///tmp/a.db?mode=rwc"
        );
    }
}
