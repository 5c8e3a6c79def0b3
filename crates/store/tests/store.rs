//! The store against a real database (SQLite or PostgreSQL, per ZILV_TEST_DATABASE):
//! migrations and the tamper-evident audit trail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use sqlx::Executor;
use zilv_store::audit::{self, NewEvent};
use zilv_store::{commit, Backend, Store, StoreError, MIGRATIONS};
use zilv_testkit::{lift_audit_guard, TestDb};

async fn append(store: &Store, n: usize) {
    for i in 0..n {
        let mut tx = store.begin().await.unwrap();
        let id = format!("S{i}");
        audit::append(
            &mut tx,
            &NewEvent {
                org_id: Some(1),
                actor: "officer@acme.tw",
                source: "cli",
                action: "system.create",
                object_type: "system",
                object_id: &id,
                before: None,
                after: Some(json!({"code": id, "class": 1})),
            },
            &format!("2026-11-28T00:00:{i:02}.000000Z"),
        )
        .await
        .unwrap();
        commit(tx).await.unwrap();
    }
}

/// A fresh database with `n` events and its append-only guard lifted.
async fn tamperable(n: usize) -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.open().await;
    append(&store, n).await;
    lift_audit_guard(&store).await;
    (db, store)
}

async fn verify(store: &Store) -> (i64, Option<(i64, String)>) {
    let mut conn = store.pool().acquire().await.unwrap();
    let v = audit::verify(&mut conn).await.unwrap();
    (v.events, v.first_broken)
}

#[tokio::test]
async fn audit_trail_refuses_update_and_delete() {
    let db = TestDb::new().await;
    let store = db.open().await;
    append(&store, 2).await;
    for sql in [
        "UPDATE audit_events SET actor = 'x' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 2",
    ] {
        let err = store.pool().execute(sql).await.unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(verify(&store).await, (2, None));
}

#[tokio::test]
async fn audit_verify_names_the_first_edited_event() {
    let (_db, store) = tamperable(5).await;
    store
        .pool()
        .execute("UPDATE audit_events SET after = '{\"code\":\"S2\",\"class\":3}' WHERE seq = 3")
        .await
        .unwrap();
    let (ok, broken) = verify(&store).await;
    assert_eq!(ok, 2);
    let (seq, why) = broken.unwrap();
    assert_eq!(seq, 3);
    assert!(why.contains("edited"), "{why}");
}

#[tokio::test]
async fn audit_verify_catches_deleted_events() {
    let (_db, store) = tamperable(5).await;
    store
        .pool()
        .execute("DELETE FROM audit_events WHERE seq = 2")
        .await
        .unwrap();
    let (_, broken) = verify(&store).await;
    let (seq, why) = broken.unwrap();
    assert_eq!(seq, 3);
    assert!(why.contains("missing"), "{why}");
}

#[tokio::test]
async fn audit_verify_catches_reordered_and_renumbered_events() {
    let (_db, store) = tamperable(5).await;
    // Swap events 2 and 4 by renumbering them.
    store
        .pool()
        .execute("UPDATE audit_events SET seq = 100 WHERE seq = 2; UPDATE audit_events SET seq = 2 WHERE seq = 4; UPDATE audit_events SET seq = 4 WHERE seq = 100;")
        .await
        .unwrap();
    let (ok, broken) = verify(&store).await;
    assert_eq!((ok, broken.unwrap().0), (1, 2));
    // Deleting one event and renumbering the rest to close the gap is caught too.
    let (_db, store) = tamperable(4).await;
    store
        .pool()
        .execute("DELETE FROM audit_events WHERE seq = 2; UPDATE audit_events SET seq = seq - 1 WHERE seq > 2;")
        .await
        .unwrap();
    let (_, broken) = verify(&store).await;
    let (seq, why) = broken.unwrap();
    assert_eq!(seq, 2);
    assert!(why.contains("does not link"), "{why}");
}

#[tokio::test]
async fn audit_verify_catches_an_inserted_event() {
    let (_db, store) = tamperable(3).await;
    store
        .pool()
        .execute(
            "INSERT INTO audit_events (seq, at, org_id, actor, source, action, object_type, object_id, before, after, prev_hash, hash)
             SELECT 4, at, org_id, 'intruder', source, action, object_type, object_id, before, after, hash, 'forged' || hash FROM audit_events WHERE seq = 3",
        )
        .await
        .unwrap();
    let (ok, broken) = verify(&store).await;
    assert_eq!((ok, broken.map(|b| b.0)), (3, Some(4)));
}

#[tokio::test]
async fn migrations_apply_once_and_refuse_an_edited_migration() {
    let db = TestDb::new().await;
    let store = db.open().await;
    store.close().await;
    // Opening again applies nothing new.
    let store = db.open().await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schema_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(n, MIGRATIONS.len() as i64);
    store
        .pool()
        .execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        .await
        .unwrap();
    store.close().await;
    match Store::open(&db.database_url()).await {
        Err(StoreError::Migration(m)) => {
            assert!(m.contains("migration 1 (initial) differs"), "{m}")
        }
        other => panic!("expected a migration error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_database_newer_than_the_program_is_refused() {
    let db = TestDb::new().await;
    let store = db.open().await;
    store
        .pool()
        .execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (999, 'future', 'x', 'now')")
        .await
        .unwrap();
    store.close().await;
    let err = Store::open(&db.database_url())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("migration 999") && err.contains("newer"),
        "{err}"
    );
}

/// Released migrations are never edited: their SHA-256 is pinned here when
/// they are released. A new migration adds a line; an edit fails this test.
#[test]
fn released_migrations_are_unchanged() {
    let pinned: &[(i64, &str, &str)] = &[(1, PINNED_1_SQLITE, PINNED_1_POSTGRES)];
    for (version, sqlite, postgres) in pinned {
        let m = MIGRATIONS.iter().find(|m| m.version == *version).unwrap();
        assert_eq!(
            m.checksum(Backend::Sqlite),
            *sqlite,
            "SQLite migration {version} was edited"
        );
        assert_eq!(
            m.checksum(Backend::Postgres),
            *postgres,
            "PostgreSQL migration {version} was edited"
        );
    }
}

const PINNED_1_SQLITE: &str = "c03550ae4af4b652f505904157f208b21c039ee430fc3a0d0e9e772aaefbd212";
const PINNED_1_POSTGRES: &str = "cf41db4f0f10b3732359b07cf0684705bc54a8b61a923f1e8298931718402f37";
