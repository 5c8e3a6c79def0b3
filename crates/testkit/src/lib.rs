//! Test support: a fresh, empty database per test, on the backend that the
//! suite runs on.
//!
//! `ZILV_TEST_DATABASE` chooses it: unset or `sqlite` for a SQLite file in a
//! temporary data directory; a `postgres://` URL of a server where the test
//! user may create databases, for a new database on that server per test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use rand::Rng;
use sqlx::{Connection, Executor};
use tempfile::TempDir;
use zilv_store::{sqlite_url, Backend, Store};

/// One test's database and data directory.
#[derive(Debug)]
pub struct TestDb {
    pub backend: Backend,
    /// The database URL to hand to `zilv --database-url`; `None` on SQLite,
    /// where the database lives in the data directory.
    pub url: Option<String>,
    dir: TempDir,
}

/// The PostgreSQL server URL the suite runs on, if it runs on PostgreSQL.
fn postgres_server() -> Option<String> {
    match std::env::var("ZILV_TEST_DATABASE") {
        Ok(v) if v.starts_with("postgres://") || v.starts_with("postgresql://") => Some(v),
        Ok(v) if v.is_empty() || v == "sqlite" => None,
        Ok(v) => panic!("ZILV_TEST_DATABASE={v:?}: expected `sqlite` or a postgres:// URL"),
        Err(_) => None,
    }
}

/// Replaces the database name (the URL path) of a postgres URL.
fn with_database(server: &str, db: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{db}{query}", &base[..host_end])
}

impl TestDb {
    /// A fresh database. Announces the backend on stderr, so that a test's
    /// output says which database it ran on.
    pub async fn new() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary data directory");
        match postgres_server() {
            None => {
                eprintln!("[test database: SQLite in {}]", dir.path().display());
                TestDb {
                    backend: Backend::Sqlite,
                    url: None,
                    dir,
                }
            }
            Some(server) => {
                let name = format!("zilv_test_{:016x}", rand::thread_rng().gen::<u64>());
                let mut admin = sqlx::PgConnection::connect(&server)
                    .await
                    .unwrap_or_else(|e| panic!("ZILV_TEST_DATABASE server unreachable: {e}"));
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                eprintln!("[test database: PostgreSQL database {name}]");
                TestDb {
                    backend: Backend::Postgres,
                    url: Some(with_database(&server, &name)),
                    dir,
                }
            }
        }
    }

    /// [`TestDb::new`] for tests that are not async.
    pub fn blocking_new() -> TestDb {
        runtime().block_on(TestDb::new())
    }

    /// The data directory (holds the SQLite file on SQLite).
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The URL of this test's database on either backend.
    pub fn database_url(&self) -> String {
        match &self.url {
            Some(u) => u.clone(),
            None => sqlite_url(&self.sqlite_path()),
        }
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.dir.path().join("zilv.sqlite3")
    }

    /// The global options that point `zilv` at this database.
    pub fn cli_args(&self) -> Vec<String> {
        let mut args = vec![
            "--data-dir".to_string(),
            self.dir.path().display().to_string(),
        ];
        if let Some(u) = &self.url {
            args.push("--database-url".into());
            args.push(u.clone());
        }
        args
    }

    /// Opens (and migrates) this test's database.
    pub async fn open(&self) -> Store {
        Store::open(&self.database_url())
            .await
            .expect("open test database")
    }
}

/// Lifts the audit trail's append-only guard (its triggers and the unique
/// `prev_hash`), as someone with direct database access could, so that a test
/// can tamper with events and prove that verification notices.
pub async fn lift_audit_guard(store: &Store) {
    let sql = match store.backend() {
        Backend::Sqlite => {
            // SQLite cannot drop a UNIQUE constraint: rebuild the table without it.
            "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;
             CREATE TABLE t AS SELECT * FROM audit_events; DROP TABLE audit_events;
             ALTER TABLE t RENAME TO audit_events;"
        }
        Backend::Postgres => {
            "ALTER TABLE audit_events DISABLE TRIGGER USER;
             ALTER TABLE audit_events DROP CONSTRAINT audit_events_prev_hash_key;"
        }
    };
    store
        .pool()
        .execute(sql)
        .await
        .expect("lift the audit guard");
}

/// A single-threaded runtime for blocking tests.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://zilv@127.0.0.1:5432/postgres", "t1"),
            "postgres://zilv@127.0.0.1:5432/t1"
        );
        assert_eq!(
            super::with_database("postgres://u:p@h/postgres?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://h:1", "t3"),
            "postgres://h:1/t3"
        );
    }
}
