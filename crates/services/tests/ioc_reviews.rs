//! IOC reviews (EVAL-4.1.2.3) against a real database: the shared Zeek
//! dns.log sample against indicators taken from it, findings per
//! (indicator, internal host) counted independently, deduplication across
//! runs, the audit event and tenant isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::io::Read;
use std::net::IpAddr;

use chrono::{NaiveDate, TimeZone, Utc};
use zilv_catalog::Registry;
use zilv_domain::{OrgKind, Role, Severity};
use zilv_services::ioc_reviews::{self, ReviewFile, ReviewOptions};
use zilv_services::orgs::NewOrg;
use zilv_services::setup::InitInput;
use zilv_services::systems::SystemInput;
use zilv_services::{audit, orgs, setup, systems, Ctx, Principal, ServiceError};
use zilv_store::assessments::{self, NewAssessment};
use zilv_store::findings::{self, Filter};
use zilv_store::Store;
use zilv_testkit::TestDb;

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/samples/zeek/dns.log.gz"
);

fn ctx() -> Ctx {
    Ctx::operator(
        "test",
        Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    )
}

fn company(code: &str) -> NewOrg {
    NewOrg {
        code: code.into(),
        name: format!("{code} 產物保險"),
        kind: "company".into(),
    }
}

/// An initialised database with system NET of ACME in the scope of
/// assessment A2026.
async fn with_assessment() -> (TestDb, Store) {
    let db = TestDb::new().await;
    let store = db.open().await;
    setup::init(
        &store,
        &ctx(),
        &InitInput {
            org: company("ACME"),
            admin_email: "officer@acme.tw".into(),
            admin_name: "資安長".into(),
        },
    )
    .await
    .unwrap();
    let params = Registry::builtin().unwrap().latest().unwrap().params;
    let v = systems::add(
        &store,
        &ctx(),
        &params,
        &SystemInput {
            org: Some("ACME".into()),
            code: "NET".into(),
            name: "核心網路".into(),
            class: "1".into(),
            sourcing: "in-house".into(),
            dev_unit: "資訊開發部".into(),
            maint_unit: "資訊維運部".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut tx = store.begin().await.unwrap();
    let org = zilv_store::orgs::by_code(&mut tx, "ACME")
        .await
        .unwrap()
        .unwrap();
    let a = assessments::insert(
        &mut tx,
        &NewAssessment {
            org_id: org.id,
            code: "A2026",
            title: "2026 年度資安評估",
            period_start: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            period_end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            countermeasures: "",
        },
        "2026-11-01T00:00:00.000000Z",
    )
    .await
    .unwrap();
    let sys = zilv_store::systems::by_code(&mut tx, org.id, &v.system.code)
        .await
        .unwrap()
        .unwrap();
    assessments::add_system(&mut tx, org.id, a.id, sys.id)
        .await
        .unwrap();
    zilv_store::commit(tx).await.unwrap();
    (db, store)
}

struct Line {
    host: String,
    names: Vec<String>,
    addrs: Vec<IpAddr>,
}

fn sample_lines() -> Vec<Line> {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(SAMPLE).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let fields: Vec<&str> = text
        .lines()
        .find_map(|l| l.strip_prefix("#fields\t"))
        .unwrap()
        .split('\t')
        .collect();
    let col = |n: &str| fields.iter().position(|f| *f == n).unwrap();
    let (q, ans, orig, resp) = (
        col("query"),
        col("answers"),
        col("id.orig_h"),
        col("id.resp_h"),
    );
    let mut out = Vec::new();
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = l.split('\t').collect();
        let mut line = Line {
            host: f[orig].to_string(),
            names: Vec::new(),
            addrs: vec![f[orig].parse().unwrap(), f[resp].parse().unwrap()],
        };
        for v in [f[q], f[ans]] {
            if v == "-" || v == "(empty)" {
                continue;
            }
            for x in v.split(',') {
                match x.parse::<IpAddr>() {
                    Ok(ip) => line.addrs.push(ip),
                    Err(_) => line.names.push(x.to_ascii_lowercase()),
                }
            }
        }
        out.push(line);
    }
    out
}

/// Exact queried names, parents of queried names, answer addresses, and
/// decoys that are in no record.
fn indicators_from(lines: &[Line]) -> (Vec<String>, Vec<IpAddr>) {
    let names: BTreeSet<&String> = lines
        .iter()
        .flat_map(|l| l.names.first())
        .filter(|q| {
            q.matches('.').count() >= 2
                && q.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        })
        .collect();
    let names: Vec<&String> = names.into_iter().collect();
    let mut domains: Vec<String> = names
        .iter()
        .step_by(names.len() / 5)
        .take(5)
        .map(|q| q.to_string())
        .collect();
    domains.extend(
        names
            .iter()
            .skip(3)
            .step_by(names.len() / 3)
            .take(3)
            .map(|q| q.split_once('.').unwrap().1.to_string()),
    );
    domains.push("never-queried.decoy.example".into());
    let answers: BTreeSet<IpAddr> = lines
        .iter()
        .flat_map(|l| l.addrs[2..].iter().copied())
        .collect();
    let answers: Vec<IpAddr> = answers.into_iter().collect();
    let mut addrs = vec![answers[1], answers[answers.len() / 2]];
    addrs.push("192.0.2.123".parse().unwrap());
    (domains, addrs)
}

/// The (indicator, host) pairs, computed line by line the obvious way.
fn naive_pairs(lines: &[Line], domains: &[String], addrs: &[IpAddr]) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for l in lines {
        for n in &l.names {
            let n = n.trim_end_matches('.');
            for d in domains {
                if n == d || n.ends_with(&format!(".{d}")) {
                    pairs.insert((d.clone(), l.host.clone()));
                }
            }
        }
        for a in &l.addrs {
            if addrs.contains(a) {
                pairs.insert((a.to_string(), l.host.clone()));
            }
        }
    }
    pairs
}

async fn events(store: &Store) -> i64 {
    audit::verify(store).await.unwrap().events
}

async fn review_findings(store: &Store) -> Vec<findings::Finding> {
    let mut tx = store.begin().await.unwrap();
    let org = zilv_store::orgs::by_code(&mut tx, "ACME")
        .await
        .unwrap()
        .unwrap();
    let a = assessments::by_code(&mut tx, org.id, "A2026")
        .await
        .unwrap()
        .unwrap();
    let filter = Filter {
        assessment_id: Some(a.id),
        ..Filter::default()
    };
    findings::list(&mut tx, org.id, &filter, 10_000, 0)
        .await
        .unwrap()
        .0
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_4_1_2_3_review_of_sample_log_makes_one_finding_per_indicator_and_host_once() {
    let (_db, store) = with_assessment().await;
    let lines = sample_lines();
    assert!(lines.len() > 50_000, "{}", lines.len());
    let (domains, addrs) = indicators_from(&lines);
    let want = naive_pairs(&lines, &domains, &addrs);
    assert!(want.len() > 10, "too few pairs to prove much: {want:?}");

    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.txt");
    let values: Vec<String> = domains
        .iter()
        .cloned()
        .chain(addrs.iter().map(ToString::to_string))
        .collect();
    std::fs::write(&feed, values.join("\n")).unwrap();
    let inds = [ReviewFile::at(&feed)];
    let logs = [ReviewFile {
        path: SAMPLE.into(),
        name: "dns.log.gz".into(),
    }];
    let opts = ReviewOptions {
        threads: 2,
        ..ReviewOptions::default()
    };

    let before = events(&store).await;
    let first = ioc_reviews::review(&store, &ctx(), "A2026", &inds, &logs, &opts)
        .await
        .unwrap();
    assert_eq!(events(&store).await, before + 1, "one audit event per run");
    let event = {
        let mut conn = store.pool().acquire().await.unwrap();
        zilv_store::audit::recent(&mut conn, None, 1)
            .await
            .unwrap()
            .remove(0)
    };
    use sha2::Digest;
    let sample_sha = hex::encode(sha2::Sha256::digest(std::fs::read(SAMPLE).unwrap()));
    assert_eq!(first.review.log_files[0].sha256, sample_sha);
    assert_eq!(event.action, "ioc_review.create");
    assert_eq!(event.object_id, first.review.id.to_string());
    let after: serde_json::Value = serde_json::from_str(event.after.as_deref().unwrap()).unwrap();
    assert_eq!(after["assessment"], "A2026");
    assert_eq!(after["pairs"].as_u64().unwrap(), want.len() as u64);
    assert_eq!(
        after["findings_created"].as_u64().unwrap(),
        want.len() as u64
    );
    assert_eq!(
        after["log_files"][0]["sha256"],
        first.review.log_files[0].sha256.as_str()
    );
    assert_eq!(
        after["created_finding_ids"].as_array().unwrap().len(),
        want.len()
    );
    let got: BTreeSet<(String, String)> = first
        .aggregates
        .iter()
        .map(|a| (a.indicator.clone(), a.internal_host.clone().unwrap()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(first.review.findings_created, want.len() as i64);
    assert_eq!(first.review.findings_existing, 0);
    assert_eq!(first.review.item, "EVAL-4.1.2.3");
    assert_eq!(first.review.log_files[0].name, "dns.log.gz");
    assert_eq!(
        first.review.log_files[0].size,
        std::fs::metadata(SAMPLE).unwrap().len()
    );
    assert_eq!(first.review.summary["files"][0]["path"], "dns.log.gz");
    assert_eq!(
        first.review.summary["records"].as_u64().unwrap(),
        lines.len() as u64
    );

    let made = review_findings(&store).await;
    assert_eq!(made.len(), want.len());
    for f in &made {
        assert_eq!(f.category, "EVAL-4.1.2.3");
        assert_eq!(f.source, "ioc-review");
        assert_eq!(f.severity, Severity::High);
        assert!(f.title.contains("內部主機"), "{}", f.title);
        assert!(f.fingerprint.is_some());
    }
    let ids: BTreeSet<i64> = made.iter().map(|f| f.id).collect();
    let linked: BTreeSet<i64> = first
        .aggregates
        .iter()
        .filter_map(|a| a.finding_id)
        .collect();
    assert_eq!(ids, linked);

    // The same logs again: the pairs are already tracked.
    let second = ioc_reviews::review(&store, &ctx(), "A2026", &inds, &logs, &opts)
        .await
        .unwrap();
    assert_eq!(events(&store).await, before + 2, "one audit event per run");
    assert_eq!(second.review.findings_created, 0);
    assert_eq!(second.review.findings_existing, want.len() as i64);
    assert_eq!(review_findings(&store).await.len(), want.len());
    let relinked: BTreeSet<i64> = second
        .aggregates
        .iter()
        .filter_map(|a| a.finding_id)
        .collect();
    assert_eq!(relinked, ids);

    let listed = ioc_reviews::list(&store, &ctx(), Some("ACME"), "A2026")
        .await
        .unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![second.review.id, first.review.id]
    );
    let shown = ioc_reviews::show(&store, &ctx(), None, "A2026", first.review.id)
        .await
        .unwrap();
    assert_eq!(shown.aggregates, first.aggregates);
}

fn principal(org: &zilv_store::orgs::Org, role: Role) -> Principal {
    Principal {
        user_id: 999,
        org_id: org.id,
        org_code: org.code.clone(),
        org_name: org.name.clone(),
        org_kind: OrgKind::Company,
        email: "someone@other.tw".into(),
        display_name: "someone".into(),
        role,
        may_write: true,
    }
}

#[tokio::test]
async fn eval_4_1_2_3_review_of_another_organisations_assessment_is_not_found() {
    let (_db, store) = with_assessment().await;
    let other = orgs::add(&store, &ctx(), &company("OTHER")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed.txt");
    std::fs::write(&feed, "evil.example\n").unwrap();
    let log = dir.path().join("dns.log");
    std::fs::write(&log, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tquery\n1700000000.0\tC1\t10.0.0.5\t5353\t10.0.0.1\t53\ta.evil.example\n").unwrap();
    let (inds, logs) = ([ReviewFile::at(&feed)], [ReviewFile::at(&log)]);
    let before = events(&store).await;

    let officer = Ctx::user(
        principal(&other, Role::SecurityOfficer),
        "test",
        ctx().now,
        ctx().today,
    );
    let err = ioc_reviews::review(
        &store,
        &officer,
        "A2026",
        &inds,
        &logs,
        &ReviewOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::NotFound {
                what: "assessment",
                ..
            }
        ),
        "{err}"
    );
    let err = ioc_reviews::list(&store, &officer, None, "A2026")
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err}");
    // The operator naming the other organisation does not see it either.
    let opts = ReviewOptions {
        org: Some("OTHER".into()),
        ..ReviewOptions::default()
    };
    let err = ioc_reviews::review(&store, &ctx(), "A2026", &inds, &logs, &opts)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err}");

    // In ACME: an assessor not on the team sees nothing; a system owner may not.
    let acme = {
        let mut tx = store.begin().await.unwrap();
        zilv_store::orgs::by_code(&mut tx, "ACME")
            .await
            .unwrap()
            .unwrap()
    };
    let assessor = Ctx::user(
        principal(&acme, Role::Assessor),
        "test",
        ctx().now,
        ctx().today,
    );
    let err = ioc_reviews::review(
        &store,
        &assessor,
        "A2026",
        &inds,
        &logs,
        &ReviewOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err}");
    let owner = Ctx::user(
        principal(&acme, Role::SystemOwner),
        "test",
        ctx().now,
        ctx().today,
    );
    let err = ioc_reviews::review(
        &store,
        &owner,
        "A2026",
        &inds,
        &logs,
        &ReviewOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err}");
    assert_eq!(events(&store).await, before, "a refusal records nothing");

    // ACME's officer may; a bad log changes nothing and names the file.
    let officer = Ctx::user(
        principal(&acme, Role::SecurityOfficer),
        "test",
        ctx().now,
        ctx().today,
    );
    let bad = dir.path().join("bad.log");
    std::fs::write(&bad, "this is not a log of any kind\n").unwrap();
    let err = ioc_reviews::review(
        &store,
        &officer,
        "A2026",
        &inds,
        &[ReviewFile {
            path: bad,
            name: "upload.log".into(),
        }],
        &ReviewOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err}");
    assert!(err.to_string().contains("upload.log:1:"), "{err}");
    assert_eq!(events(&store).await, before);
    let done = ioc_reviews::review(
        &store,
        &officer,
        "A2026",
        &inds,
        &logs,
        &ReviewOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(done.aggregates.len(), 1);
    assert_eq!(done.aggregates[0].indicator, "evil.example");
    assert_eq!(
        done.aggregates[0].internal_host.as_deref(),
        Some("10.0.0.5")
    );
    assert_eq!(events(&store).await, before + 1);
}
