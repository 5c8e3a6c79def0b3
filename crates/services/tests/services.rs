//! Use cases against a real database (SQLite or PostgreSQL, per ZILV_TEST_DATABASE).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use zilv_catalog::{Parameters, Registry};
use zilv_services::assets::AssetInput;
use zilv_services::orgs::NewOrg;
use zilv_services::setup::InitInput;
use zilv_services::systems::SystemInput;
use zilv_services::{assets, audit, orgs, password, setup, systems, Ctx, ServiceError};
use zilv_store::{audit as audit_store, users, Store};
use zilv_testkit::TestDb;

fn ctx() -> Ctx {
    Ctx::operator(
        "test",
        Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    )
}

fn params() -> Parameters {
    Registry::builtin().unwrap().latest().unwrap().params
}

fn company(code: &str) -> NewOrg {
    NewOrg {
        code: code.into(),
        name: format!("{code} 產物保險"),
        kind: "company".into(),
    }
}

fn system(org: &str, code: &str, class: &str) -> SystemInput {
    SystemInput {
        org: Some(org.into()),
        code: code.into(),
        name: "網路投保系統".into(),
        class: class.into(),
        sourcing: "in-house".into(),
        dev_unit: "資訊開發部".into(),
        maint_unit: "資訊維運部".into(),
        ..Default::default()
    }
}

async fn event_count(store: &Store) -> i64 {
    audit::verify(store).await.unwrap().events
}

async fn initialised() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.open().await;
    setup::init(
        &store,
        &ctx(),
        &InitInput {
            org: company("ACME"),
            admin_email: "Officer@Acme.TW".into(),
            admin_name: "資安長".into(),
        },
    )
    .await
    .unwrap();
    (db, store)
}

#[tokio::test]
async fn init_creates_org_and_admin_with_argon2id_one_time_password() {
    let db = TestDb::new().await;
    let store = db.open().await;
    let done = setup::init(
        &store,
        &ctx(),
        &InitInput {
            org: company("ACME"),
            admin_email: "Officer@Acme.TW".into(),
            admin_name: "資安長".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(done.admin.email, "officer@acme.tw");
    assert_eq!(done.admin.role.as_str(), "security_officer");
    assert!(done.admin.must_change_password);
    let mut conn = store.pool().acquire().await.unwrap();
    let stored = users::by_email(&mut conn, "officer@acme.tw")
        .await
        .unwrap()
        .unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"));
    assert!(password::verify(
        &done.one_time_password,
        &stored.password_hash
    ));
    assert!(!stored.password_hash.contains(&done.one_time_password));
    // The audit trail holds the creation but never the password or its hash.
    let events = audit_store::recent(&mut conn, None, 10).await.unwrap();
    assert_eq!(events.len(), 2);
    for e in &events {
        let after = e.after.clone().unwrap_or_default();
        assert!(
            !after.contains(&done.one_time_password) && !after.contains("argon2"),
            "{after}"
        );
    }
    drop(conn);
    let again = setup::init(
        &store,
        &ctx(),
        &InitInput {
            org: company("OTHER"),
            admin_email: "x@other.tw".into(),
            admin_name: "x".into(),
        },
    )
    .await;
    assert!(matches!(again, Err(ServiceError::Conflict(m)) if m.contains("already initialised")));
    assert_eq!(orgs::list(&store).await.unwrap().len(), 1);
}

#[tokio::test]
async fn eval_3_1_system_list_shows_next_due_by_class_most_urgent_first() {
    let (_db, store) = initialised().await;
    let p = params();
    let mut s = system("ACME", "CORE", "2");
    s.last_assessed = Some("2024-02-29".into());
    systems::add(&store, &ctx(), &p, &s).await.unwrap();
    let mut s = system("ACME", "NETBUY", "1");
    s.last_assessed = Some("2025-10-01".into());
    systems::add(&store, &ctx(), &p, &s).await.unwrap();
    systems::add(&store, &ctx(), &p, &system("ACME", "HR", "3"))
        .await
        .unwrap();
    let list = systems::list(&store, &ctx(), &p, Some("ACME"))
        .await
        .unwrap();
    let got: Vec<(&str, String, &str)> = list
        .iter()
        .map(|v| {
            (
                v.system.code.as_str(),
                v.next_due.on.to_string(),
                v.due_status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("NETBUY", "2026-10-01".to_string(), "overdue"),
            ("HR", "2026-11-28".to_string(), "due-soon"),
            ("CORE", "2027-02-28".to_string(), "on-track"),
        ]
    );
}

#[tokio::test]
async fn eval_3_2_recorded_incident_brings_the_assessment_forward() {
    let (_db, store) = initialised().await;
    let p = params();
    let mut s = system("ACME", "CORE", "2");
    s.last_assessed = Some("2026-01-15".into());
    systems::add(&store, &ctx(), &p, &s).await.unwrap();
    systems::record_incident(&store, &ctx(), None, "CORE", "2026-10-31", true, "個資外洩")
        .await
        .unwrap();
    let v = systems::show(&store, &ctx(), &p, None, "CORE")
        .await
        .unwrap();
    assert_eq!(v.next_due.on.to_string(), "2027-01-31");
    assert_eq!(v.next_due.basis.clause(), "EVAL-3.2");
    let future =
        systems::record_incident(&store, &ctx(), None, "CORE", "2027-01-01", true, "x").await;
    assert!(matches!(future, Err(ServiceError::Invalid(e)) if e.field == "occurred on"));
}

#[tokio::test]
async fn sr_2_1_assets_are_linked_to_systems_of_the_same_organisation() {
    let (_db, store) = initialised().await;
    orgs::add(&store, &ctx(), &company("BETA")).await.unwrap();
    let asset = |org: &str, code: &str| AssetInput {
        org: Some(org.into()),
        code: code.into(),
        name: "保戶資料".into(),
        kind: "data".into(),
        owner: "資訊部".into(),
        confidentiality: "3".into(),
        integrity: "3".into(),
        availability: "2".into(),
        description: String::new(),
    };
    assets::add(&store, &ctx(), &asset("ACME", "DB1"))
        .await
        .unwrap();
    assets::add(&store, &ctx(), &asset("BETA", "DB2"))
        .await
        .unwrap();
    let mut s = system("ACME", "NETBUY", "1");
    s.assets = vec!["DB1".into()];
    let v = systems::add(&store, &ctx(), &params(), &s).await.unwrap();
    assert_eq!(v.assets, ["DB1"]);
    // Another company's asset is not found from ACME, and nothing is written.
    let before = event_count(&store).await;
    let mut s = system("ACME", "OTHER", "1");
    s.assets = vec!["DB2".into()];
    let err = systems::add(&store, &ctx(), &params(), &s)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::NotFound { what: "asset", ref key } if key == "DB2"),
        "{err}"
    );
    assert!(
        systems::show(&store, &ctx(), &params(), Some("ACME"), "OTHER")
            .await
            .is_err()
    );
    assert_eq!(event_count(&store).await, before);
    let bad_rating = AssetInput {
        confidentiality: "4".into(),
        ..asset("ACME", "X")
    };
    let err = assets::add(&store, &ctx(), &bad_rating)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("confidentiality: 4 is not a rating"),
        "{err}"
    );
}

#[tokio::test]
async fn organisations_see_only_their_own_systems_and_assets() {
    let (_db, store) = initialised().await;
    orgs::add(&store, &ctx(), &company("BETA")).await.unwrap();
    systems::add(&store, &ctx(), &params(), &system("ACME", "NETBUY", "1"))
        .await
        .unwrap();
    systems::add(&store, &ctx(), &params(), &system("BETA", "CLAIMS", "2"))
        .await
        .unwrap();
    let beta: Vec<String> = systems::list(&store, &ctx(), &params(), Some("BETA"))
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.system.code)
        .collect();
    assert_eq!(beta, ["CLAIMS"]);
    let err = systems::show(&store, &ctx(), &params(), Some("BETA"), "NETBUY")
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { what: "system", .. }));
    // The same code may exist in two organisations.
    systems::add(&store, &ctx(), &params(), &system("BETA", "NETBUY", "1"))
        .await
        .unwrap();
    // With two companies, the organisation must be named.
    let err = systems::list(&store, &ctx(), &params(), None)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("2 member companies"), "{err}");
}

#[tokio::test]
async fn refused_changes_leave_no_trace() {
    let (_db, store) = initialised().await;
    let before = event_count(&store).await;
    for (input, field) in [
        (system("ACME", "A", "4"), "class"),
        (system("ACME", "a b", "1"), "system code"),
        (
            SystemInput {
                last_assessed: Some("2025-13-01".into()),
                ..system("ACME", "A", "1")
            },
            "last assessed",
        ),
        (
            SystemInput {
                last_assessed: Some("2027-01-01".into()),
                ..system("ACME", "A", "1")
            },
            "last assessed",
        ),
        (
            SystemInput {
                dev_unit: " ".into(),
                ..system("ACME", "A", "1")
            },
            "development unit",
        ),
        (
            SystemInput {
                sourcing: "cloud".into(),
                ..system("ACME", "A", "1")
            },
            "sourcing",
        ),
    ] {
        match systems::add(&store, &ctx(), &params(), &input).await {
            Err(ServiceError::Invalid(e)) => assert_eq!(e.field, field, "{e}"),
            other => panic!("{field}: expected a refusal, got {other:?}"),
        }
    }
    systems::add(&store, &ctx(), &params(), &system("ACME", "A", "1"))
        .await
        .unwrap();
    let dup = systems::add(&store, &ctx(), &params(), &system("ACME", "A", "2")).await;
    assert!(
        matches!(dup, Err(ServiceError::Conflict(m)) if m.contains("already has a system with code A"))
    );
    let unknown = systems::add(&store, &ctx(), &params(), &system("NOPE", "B", "1")).await;
    assert!(matches!(
        unknown,
        Err(ServiceError::NotFound {
            what: "organisation",
            ..
        })
    ));
    assert_eq!(event_count(&store).await, before + 1);
    assert_eq!(
        systems::list(&store, &ctx(), &params(), Some("ACME"))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn concurrent_changes_keep_one_unbroken_audit_chain() {
    let (_db, store) = initialised().await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            systems::add(
                &store,
                &ctx(),
                &params(),
                &system("ACME", &format!("S{i}"), "2"),
            )
            .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let v = audit::verify(&store).await.unwrap();
    assert_eq!(v.first_broken, None);
    assert_eq!(v.events, 2 + 24);
}
