//! Scanner report imports against a real database: every shared sample,
//! re-import reconciliation, dry runs, atomicity, the audit event and access.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};
use sha2::{Digest, Sha256};
use zilv_catalog::Registry;
use zilv_domain::{FindingStatus, RemediationPolicy, Role, Severity};
use zilv_services::imports::{self, ImportInput, ImportReport, ReportFile, ReportSource, Target};
use zilv_services::orgs::NewOrg;
use zilv_services::setup::InitInput;
use zilv_services::systems::SystemInput;
use zilv_services::{audit, orgs, setup, systems, Ctx, Principal, ServiceError};
use zilv_store::findings::{self, Filter, NewState};
use zilv_store::{audit as audit_store, Store};
use zilv_testkit::TestDb;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn ctx() -> Ctx {
    Ctx::operator(
        "test",
        Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap(),
        today(),
    )
}

fn sample(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/samples/scans/"
    ))
    .join(rel)
}

fn company(code: &str) -> NewOrg {
    NewOrg {
        code: code.into(),
        name: format!("{code} 產物保險"),
        kind: "company".into(),
    }
}

fn system(org: &str, code: &str) -> SystemInput {
    SystemInput {
        org: Some(org.into()),
        code: code.into(),
        name: "網路投保系統".into(),
        class: "1".into(),
        sourcing: "in-house".into(),
        dev_unit: "資訊開發部".into(),
        maint_unit: "資訊維運部".into(),
        ..Default::default()
    }
}

async fn setup_store() -> (TestDb, Store) {
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
    systems::add(&store, &ctx(), &params, &system("ACME", "WEB"))
        .await
        .unwrap();
    (db, store)
}

fn target(system: &str) -> Target {
    Target {
        org: Some("ACME".into()),
        system: system.into(),
        assessment: None,
    }
}

fn file(rel: &str) -> ReportFile {
    ReportFile {
        name: rel.into(),
        source: ReportSource::Path(sample(rel)),
    }
}

async fn import(store: &Store, files: Vec<ReportFile>, dry_run: bool) -> ImportReport {
    imports::import(
        store,
        &ctx(),
        &RemediationPolicy::default(),
        &ImportInput {
            target: target("WEB"),
            files,
            format: None,
            dry_run,
        },
    )
    .await
    .unwrap()
}

/// Every finding of a sample as the parser sees it.
fn parsed(path: &Path) -> Vec<zilv_scans::Finding> {
    let mut out = Vec::new();
    zilv_scans::parse_path(path, None, |f| {
        out.push(f);
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap();
    out
}

fn fingerprints(path: &Path) -> BTreeSet<String> {
    parsed(path).into_iter().map(|f| f.fingerprint).collect()
}

async fn stored(store: &Store) -> Vec<findings::Finding> {
    let mut conn = store.pool().acquire().await.unwrap();
    let org = zilv_store::orgs::by_code(&mut conn, "ACME")
        .await
        .unwrap()
        .unwrap();
    findings::list(&mut conn, org.id, &Filter::default(), 1_000_000, 0)
        .await
        .unwrap()
        .0
}

async fn events(store: &Store) -> i64 {
    audit::verify(store).await.unwrap().events
}

async fn import_events(store: &Store) -> Vec<audit_store::Event> {
    let mut conn = store.pool().acquire().await.unwrap();
    audit_store::recent(&mut conn, None, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "import.apply")
        .collect()
}

fn all_samples() -> Vec<String> {
    let mut out = Vec::new();
    for tool in std::fs::read_dir(sample("")).unwrap() {
        let tool = tool.unwrap();
        for f in std::fs::read_dir(tool.path()).unwrap() {
            let name = f.unwrap().file_name().to_string_lossy().to_string();
            out.push(format!("{}/{name}", tool.file_name().to_string_lossy()));
        }
    }
    out.sort();
    out
}

fn zilv_severity(s: zilv_scans::Severity) -> Severity {
    Severity::parse("severity", s.as_str()).unwrap()
}

#[tokio::test]
async fn eval_4_1_3_1_and_eval_4_1_4_1_every_sample_imports_with_its_findings() {
    let samples = all_samples();
    assert!(samples.len() >= 18, "only {} samples", samples.len());
    for rel in samples {
        let (_db, store) = setup_store().await;
        let expected = parsed(&sample(&rel));
        let distinct: BTreeSet<&str> = expected.iter().map(|f| f.fingerprint.as_str()).collect();
        let report = import(&store, vec![file(&rel)], false).await;
        assert_eq!(report.files[0].findings, expected.len() as u64, "{rel}");
        assert_eq!(report.total.new, distinct.len() as u64, "{rel}");
        assert_eq!(report.total.scanned, distinct.len() as u64, "{rel}");
        let rows = stored(&store).await;
        assert_eq!(rows.len(), distinct.len(), "{rel}");
        // Spot checks: the first, middle and last finding of the file.
        let picks: Vec<&zilv_scans::Finding> =
            [0, expected.len() / 2, expected.len().wrapping_sub(1)]
                .iter()
                .filter_map(|&i| expected.get(i))
                .collect();
        for f in picks {
            let row = rows
                .iter()
                .find(|r| r.fingerprint.as_deref() == Some(f.fingerprint.as_str()))
                .unwrap_or_else(|| panic!("{rel}: {} not stored", f.fingerprint));
            assert_eq!(row.severity, zilv_severity(f.severity), "{rel}");
            assert_eq!(row.category, f.clause, "{rel}");
            let family = f.tool.to_lowercase().replace(' ', "-");
            assert_eq!(row.source, format!("import:{family}"), "{rel}");
            assert_eq!(row.system, "WEB");
            assert_eq!(row.status, FindingStatus::Open);
            assert_eq!(row.found_on, today());
            assert_eq!(
                row.due_on,
                RemediationPolicy::default().target_date(row.severity, today()),
                "{rel}"
            );
            if !f.title.trim().is_empty() {
                assert_eq!(row.title, f.title.trim(), "{rel}");
            }
            match f
                .solution
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                Some(solution) => assert_eq!(row.recommendation, solution, "{rel}"),
                None => assert!(row.recommendation.contains("gives no solution"), "{rel}"),
            }
            if let Some(d) = f.description.as_deref().filter(|d| !d.trim().is_empty()) {
                assert!(row.risk_description.starts_with(d.trim()), "{rel}");
            }
            assert!(row.risk_description.contains(&f.rule_id), "{rel}");
            for target in [&f.host, &f.url, &f.file_path].into_iter().flatten() {
                assert!(
                    row.risk_description.contains(target.as_str()),
                    "{rel}: {target}"
                );
            }
            if let Some(port) = f.port {
                assert!(
                    row.risk_description.contains(&format!("port {port}/")),
                    "{rel}"
                );
            }
            for cve in &f.cves {
                assert!(row.risk_description.contains(cve.as_str()), "{rel}");
            }
        }
        let sha = hex::encode(Sha256::digest(std::fs::read(sample(&rel)).unwrap()));
        assert_eq!(report.files[0].sha256, sha, "{rel}");
    }
}

#[tokio::test]
async fn eval_4_1_3_1_empty_reports_import_zero_findings() {
    for rel in [
        "zap/empty_2.9.0.xml",
        "nuclei/empty.jsonl",
        "sarif/no_runs.sarif",
        "trivy/legacy_no_vuln.json",
        "openvas/no_vuln.xml",
        "nmap/nmap_0port.xml",
    ] {
        let (_db, store) = setup_store().await;
        let report = import(&store, vec![file(rel)], false).await;
        assert_eq!(report.total, Default::default(), "{rel}");
        assert!(stored(&store).await.is_empty(), "{rel}");
        assert_eq!(import_events(&store).await.len(), 1, "{rel}");
    }
}

fn status_of(rows: &[findings::Finding], fp: &str) -> FindingStatus {
    rows.iter()
        .find(|r| r.fingerprint.as_deref() == Some(fp))
        .unwrap()
        .status
}

#[tokio::test]
async fn eval_4_1_4_1_zap_rescan_counts_new_unchanged_closed_and_reactivated() {
    let (_db, store) = setup_store().await;
    let first = fingerprints(&sample("zap/zap-results-first-scan.xml"));
    let second = fingerprints(&sample("zap/zap-results-second-scan.xml"));
    let only_first: BTreeSet<&String> = first.difference(&second).collect();
    let only_second: BTreeSet<&String> = second.difference(&first).collect();
    let both: BTreeSet<&String> = first.intersection(&second).collect();
    assert!(
        !only_first.is_empty(),
        "the scans must differ for this test"
    );

    let r1 = import(&store, vec![file("zap/zap-results-first-scan.xml")], false).await;
    assert_eq!(r1.total.new, first.len() as u64);
    assert_eq!(
        (r1.total.unchanged, r1.total.closed, r1.total.reactivated),
        (0, 0, 0)
    );

    let r2 = import(&store, vec![file("zap/zap-results-second-scan.xml")], false).await;
    assert_eq!(r2.total.new, only_second.len() as u64);
    assert_eq!(r2.total.unchanged, both.len() as u64);
    assert_eq!(r2.total.closed, only_first.len() as u64);
    assert_eq!(r2.total.reactivated, 0);
    let rows = stored(&store).await;
    assert_eq!(rows.len(), first.union(&second).count());
    for fp in &only_first {
        assert_eq!(status_of(&rows, fp), FindingStatus::ClosedFixed);
    }
    for fp in both.iter().chain(&only_second) {
        assert_eq!(status_of(&rows, fp), FindingStatus::Open);
    }
    // A closed finding has the rescan in its history.
    let closed = rows
        .iter()
        .find(|r| r.fingerprint.as_deref() == only_first.first().map(|s| s.as_str()))
        .unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let history = findings::history(&mut conn, 1, closed.id).await.unwrap();
    drop(conn);
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].to, FindingStatus::ClosedFixed);
    assert!(history[0].note.contains("fixed by rescan"));

    let r3 = import(&store, vec![file("zap/zap-results-first-scan.xml")], false).await;
    assert!(r3.total.reactivated > 0);
    assert_eq!(r3.total.reactivated, only_first.len() as u64);
    assert_eq!(r3.total.new, 0);
    assert_eq!(r3.total.unchanged, both.len() as u64);
    assert_eq!(r3.total.closed, only_second.len() as u64);
    let rows = stored(&store).await;
    for fp in &only_first {
        assert_eq!(status_of(&rows, fp), FindingStatus::Reactivated);
    }
    // Per-severity counts add up to the totals.
    let sum: u64 = r3.by_severity.iter().map(|s| s.counts.reactivated).sum();
    assert_eq!(sum, r3.total.reactivated);
}

#[tokio::test]
async fn eval_4_1_4_1_risk_accepted_and_false_positive_keep_their_state_across_rescans() {
    let (_db, store) = setup_store().await;
    import(&store, vec![file("zap/zap-results-first-scan.xml")], false).await;
    let rows = stored(&store).await;
    assert!(rows.len() >= 2);
    let second = fingerprints(&sample("zap/zap-results-second-scan.xml"));
    // One that the second scan still sees, one that it does not (if any).
    let seen = rows
        .iter()
        .find(|r| second.contains(r.fingerprint.as_deref().unwrap()))
        .unwrap();
    let gone = rows
        .iter()
        .find(|r| !second.contains(r.fingerprint.as_deref().unwrap()))
        .unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let accept = NewState {
        status: FindingStatus::RiskAccepted,
        due_on: None,
        accepted_by: Some("總經理"),
        accepted_reason: Some("compensating control"),
        accepted_until: None,
        false_positive_reason: None,
    };
    let dismiss = NewState {
        status: FindingStatus::FalsePositive,
        false_positive_reason: Some("test server only"),
        accepted_by: None,
        accepted_reason: None,
        ..accept.clone()
    };
    findings::update_state(
        &mut conn,
        seen.org_id,
        seen.id,
        &accept,
        "2026-11-28T01:00:00Z",
    )
    .await
    .unwrap();
    findings::update_state(
        &mut conn,
        gone.org_id,
        gone.id,
        &dismiss,
        "2026-11-28T01:00:00Z",
    )
    .await
    .unwrap();
    drop(conn);
    let r = import(&store, vec![file("zap/zap-results-second-scan.xml")], false).await;
    assert_eq!(r.total.kept, 2);
    let r = import(&store, vec![file("zap/zap-results-first-scan.xml")], false).await;
    assert_eq!(r.total.kept, 2);
    let rows = stored(&store).await;
    let after = |id: i64| rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(after(seen.id).status, FindingStatus::RiskAccepted);
    assert_eq!(after(gone.id).status, FindingStatus::FalsePositive);
    assert_eq!(after(seen.id).accepted_by.as_deref(), Some("總經理"));
}

#[tokio::test]
async fn eval_4_1_3_1_dry_run_changes_nothing() {
    let (_db, store) = setup_store().await;
    import(&store, vec![file("zap/zap-results-first-scan.xml")], false).await;
    let rows_before = stored(&store).await;
    let events_before = events(&store).await;
    let dry = import(&store, vec![file("zap/zap-results-second-scan.xml")], true).await;
    assert!(dry.dry_run);
    assert!(dry.total.closed > 0 || dry.total.new > 0);
    assert_eq!(stored(&store).await, rows_before);
    assert_eq!(events(&store).await, events_before);
    // The real import reports what the dry run announced.
    let real = import(&store, vec![file("zap/zap-results-second-scan.xml")], false).await;
    assert_eq!(real.total, dry.total);
    assert_eq!(real.by_severity, dry.by_severity);
}

#[tokio::test]
async fn eval_4_1_3_1_a_broken_file_lands_nothing_and_is_named() {
    let (_db, store) = setup_store().await;
    let events_before = events(&store).await;
    let good = std::fs::read(sample("nessus/nessus_many_vuln.xml")).unwrap();
    let broken = good[..good.len() / 2].to_vec();
    let err = imports::import(
        &store,
        &ctx(),
        &RemediationPolicy::default(),
        &ImportInput {
            target: target("WEB"),
            files: vec![
                file("zap/zap-results-first-scan.xml"),
                ReportFile {
                    name: "half.nessus".into(),
                    source: ReportSource::Bytes(broken),
                },
            ],
            format: None,
            dry_run: false,
        },
    )
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ServiceError::Invalid(_)), "{text}");
    assert!(text.starts_with("half.nessus: line "), "{text}");
    assert!(text.contains(", column "), "{text}");
    assert!(stored(&store).await.is_empty());
    assert_eq!(events(&store).await, events_before);

    let err = imports::import(
        &store,
        &ctx(),
        &RemediationPolicy::default(),
        &ImportInput {
            target: target("WEB"),
            files: vec![ReportFile {
                name: "notes.txt".into(),
                source: ReportSource::Bytes(b"just some words\n".to_vec()),
            }],
            format: None,
            dry_run: false,
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().starts_with("notes.txt: "), "{err}");
    assert!(stored(&store).await.is_empty());
}

/// Every kind of bad input is refused with the file, where in it and why,
/// and leaves an already imported system exactly as it was (nothing added,
/// nothing closed as absent from the bad scan, no audit event).
#[tokio::test]
async fn eval_4_1_3_1_bad_input_is_named_located_and_changes_nothing() {
    let (_db, store) = setup_store().await;
    import(&store, vec![file("nessus/nessus_many_vuln.xml")], false).await;
    let before = stored(&store).await;
    assert!(!before.is_empty());
    let events_before = events(&store).await;

    let trivy = std::fs::read_to_string(sample("trivy/scheme_2_many_vulns.json")).unwrap();
    let line = trivy
        .lines()
        .position(|l| l.contains("\"PkgName\": \"freetype\""))
        .unwrap()
        + 1;
    let bad_json = trivy.replacen("\"PkgName\": \"freetype\",", "\"PkgName\": freetype,", 1);
    let nessus = std::fs::read_to_string(sample("nessus/nessus_many_vuln.xml")).unwrap();
    let bad_xml = nessus.replacen("</ReportItem>", "</ReportItemx>", 1);
    let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE NessusClientData_v2 [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n\
               <NessusClientData_v2><Report name=\"r\"><ReportHost name=\"&xxe;\"></ReportHost></Report></NessusClientData_v2>\n";
    let mut gz = Vec::new();
    {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
        enc.write_all(nessus.as_bytes()).unwrap();
        enc.finish().unwrap();
    }
    let cut_gz = gz[..gz.len() / 2].to_vec();
    let cases: Vec<(&str, Vec<u8>, Vec<String>)> = vec![
        (
            "bad.json",
            bad_json.into_bytes(),
            vec![format!("bad.json: line {line}, column "), "expected".into()],
        ),
        (
            "bad.nessus",
            bad_xml.into_bytes(),
            vec![
                "bad.nessus: line ".into(),
                ", column ".into(),
                "ReportItem".into(),
            ],
        ),
        (
            "xxe.nessus",
            xxe.as_bytes().to_vec(),
            vec!["xxe.nessus: line ".into(), "entit".into()],
        ),
        (
            "notes.txt",
            b"just some words\n".to_vec(),
            vec!["notes.txt: ".into(), "format".into()],
        ),
        ("cut.nessus.gz", cut_gz, vec!["cut.nessus.gz: ".into()]),
    ];
    for (name, bytes, wants) in cases {
        let err = imports::import(
            &store,
            &ctx(),
            &RemediationPolicy::default(),
            &ImportInput {
                target: target("WEB"),
                files: vec![ReportFile {
                    name: name.into(),
                    source: ReportSource::Bytes(bytes),
                }],
                format: None,
                dry_run: false,
            },
        )
        .await
        .unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ServiceError::Invalid(_)), "{text}");
        for want in wants {
            assert!(text.contains(&want), "{name}: {text:?} lacks {want:?}");
        }
        assert!(!text.contains("root:"), "nothing fetched: {text}");
        assert_eq!(stored(&store).await, before, "{name} changed the findings");
        assert_eq!(
            events(&store).await,
            events_before,
            "{name} left an audit event"
        );
    }
}

#[tokio::test]
async fn eval_4_1_3_1_one_audit_event_per_import_with_the_file_sha256() {
    let (_db, store) = setup_store().await;
    let before = events(&store).await;
    let bytes = std::fs::read(sample("nessus/nessus_many_vuln.xml")).unwrap();
    let report = import(
        &store,
        vec![
            file("nessus/nessus_many_vuln.xml"),
            file("nmap/nmap_multiple_port.xml"),
        ],
        false,
    )
    .await;
    assert_eq!(events(&store).await, before + 1);
    let evs = import_events(&store).await;
    assert_eq!(evs.len(), 1);
    let after: serde_json::Value = serde_json::from_str(evs[0].after.as_deref().unwrap()).unwrap();
    let sha = hex::encode(Sha256::digest(&bytes));
    assert_eq!(after["files"][0]["sha256"], sha.as_str());
    assert_eq!(after["files"].as_array().unwrap().len(), 2);
    assert_eq!(after["total"]["new"], report.total.new);
    assert_eq!(evs[0].object_id, "WEB");
    assert!(audit::verify(&store).await.unwrap().first_broken.is_none());
}

#[tokio::test]
async fn eval_4_1_3_1_gzip_and_format_override() {
    let (_db, store) = setup_store().await;
    let bytes = std::fs::read(sample("nmap/nmap_multiple_port.xml")).unwrap();
    let mut gz = Vec::new();
    {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
        enc.write_all(&bytes).unwrap();
        enc.finish().unwrap();
    }
    let expected = fingerprints(&sample("nmap/nmap_multiple_port.xml"));
    let report = imports::import(
        &store,
        &ctx(),
        &RemediationPolicy::default(),
        &ImportInput {
            target: target("WEB"),
            files: vec![ReportFile {
                name: "scan.xml.gz".into(),
                source: ReportSource::Bytes(gz.clone()),
            }],
            format: Some("nmap".into()),
            dry_run: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.total.new, expected.len() as u64);
    assert_eq!(report.files[0].format, "nmap");
    assert_eq!(report.files[0].sha256, hex::encode(Sha256::digest(&gz)));
    let err = imports::import(
        &store,
        &ctx(),
        &RemediationPolicy::default(),
        &ImportInput {
            target: target("WEB"),
            files: vec![file("nmap/nmap_multiple_port.xml")],
            format: Some("qualys".into()),
            dry_run: false,
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().starts_with("format: "), "{err}");
}

fn principal(org_id: i64, org_code: &str, role: Role, may_write: bool) -> Principal {
    Principal {
        user_id: 999,
        org_id,
        org_code: org_code.into(),
        org_name: org_code.into(),
        org_kind: zilv_domain::OrgKind::Company,
        email: format!("{}@{org_code}.tw", role.as_str()),
        display_name: "someone".into(),
        role,
        may_write,
    }
}

fn user_ctx(p: Principal) -> Ctx {
    Ctx::user(
        p,
        "127.0.0.1",
        Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0).unwrap(),
        today(),
    )
}

async fn import_as(store: &Store, ctx: &Ctx, t: Target) -> Result<ImportReport, ServiceError> {
    imports::import(
        store,
        ctx,
        &RemediationPolicy::default(),
        &ImportInput {
            target: t,
            files: vec![file("nmap/nmap_multiple_port.xml")],
            format: None,
            dry_run: false,
        },
    )
    .await
}

#[tokio::test]
async fn import_access_follows_roles_and_hides_other_organisations() {
    let (_db, store) = setup_store().await;
    let other = orgs::add(&store, &ctx(), &company("OTHER")).await.unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let acme = zilv_store::orgs::by_code(&mut conn, "ACME")
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    let mine = |t: &str| Target {
        org: None,
        system: t.into(),
        assessment: None,
    };
    // Another organisation's system is "not found".
    let outsider = user_ctx(principal(other.id, "OTHER", Role::SecurityOfficer, true));
    let err = import_as(&store, &outsider, mine("WEB")).await.unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err}");
    let err = import_as(&store, &outsider, target("WEB"))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err}");
    // Roles that may not import, and read-only tokens.
    for (role, write) in [
        (Role::Hr, true),
        (Role::InternalAuditor, true),
        (Role::SecurityOfficer, false),
    ] {
        let c = user_ctx(principal(acme.id, "ACME", role, write));
        let err = import_as(&store, &c, mine("WEB")).await.unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{role:?}: {err}");
    }
    // An assessor needs an assessment whose team they are on.
    let c = user_ctx(principal(acme.id, "ACME", Role::Assessor, true));
    let err = import_as(&store, &c, mine("WEB")).await.unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err}");
    assert!(stored(&store).await.is_empty());
    // The system owner and the security officer may.
    for role in [Role::SystemOwner, Role::SecurityOfficer] {
        let c = user_ctx(principal(acme.id, "ACME", role, true));
        import_as(&store, &c, mine("WEB")).await.unwrap();
    }
    let evs = import_events(&store).await;
    assert_eq!(evs.len(), 2);
    assert_eq!(evs[0].actor, "security_officer@ACME.tw");
}

#[tokio::test]
async fn eval_4_1_3_1_an_assessor_imports_only_into_an_assessment_they_are_on() {
    let (_db, store) = setup_store().await;
    let params = Registry::builtin().unwrap().latest().unwrap().params;
    systems::add(&store, &ctx(), &params, &system("ACME", "APP"))
        .await
        .unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let org = zilv_store::orgs::by_code(&mut conn, "ACME")
        .await
        .unwrap()
        .unwrap();
    let stamp = "2026-11-28T00:00:00.000000Z";
    let user = zilv_store::users::insert(
        &mut conn,
        &zilv_store::users::NewUser {
            org_id: org.id,
            email: "assessor@acme.tw",
            display_name: "評估人員",
            role: Role::Assessor,
            password_hash: "not-a-hash",
            must_change_password: false,
        },
        stamp,
    )
    .await
    .unwrap();
    let assessor = zilv_store::assessors::insert(
        &mut conn,
        &zilv_store::assessors::NewAssessor {
            org_id: org.id,
            name: "評估人員",
            email: None,
            affiliation: &zilv_domain::Affiliation::Inside {
                unit: "稽核室".into(),
            },
            user_id: Some(user.id),
        },
        stamp,
    )
    .await
    .unwrap();
    let web = zilv_store::systems::by_code(&mut conn, org.id, "WEB")
        .await
        .unwrap()
        .unwrap();
    for (code, member) in [("A1", true), ("A2", false)] {
        let a = zilv_store::assessments::insert(
            &mut conn,
            &zilv_store::assessments::NewAssessment {
                org_id: org.id,
                code,
                title: code,
                period_start: today(),
                period_end: today(),
                countermeasures: "-",
            },
            stamp,
        )
        .await
        .unwrap();
        zilv_store::assessments::add_system(&mut conn, org.id, a.id, web.id)
            .await
            .unwrap();
        if member {
            zilv_store::assessments::add_member(&mut conn, org.id, a.id, assessor.id, None, None)
                .await
                .unwrap();
        }
    }
    drop(conn);
    let mut p = principal(org.id, "ACME", Role::Assessor, true);
    p.user_id = user.id;
    let c = user_ctx(p);
    let into = |system: &str, assessment: &str| Target {
        org: None,
        system: system.into(),
        assessment: Some(assessment.into()),
    };
    // Not on the team of A2: it is "not found" to them.
    let err = import_as(&store, &c, into("WEB", "A2")).await.unwrap_err();
    assert!(matches!(err, ServiceError::NotFound { .. }), "{err}");
    // APP is not in A1's scope.
    let err = import_as(&store, &c, into("APP", "A1")).await.unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err}");
    assert!(stored(&store).await.is_empty());
    let report = import_as(&store, &c, into("WEB", "A1")).await.unwrap();
    assert_eq!(report.assessment.as_deref(), Some("A1"));
    let rows = stored(&store).await;
    assert_eq!(rows.len() as u64, report.total.new);
    assert!(rows.iter().all(|r| r.assessment.as_deref() == Some("A1")));
}
