#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The OSCAL exports of an assessment, validated by compliance-trestle
//! (`tests/oscal_validate.py`, run with `ZILV_OSCAL_PYTHON`, which
//! `scripts/test` sets to its virtualenv; `python3` otherwise).
mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use zilv_report::oscal::in_poam;
use zilv_report::{
    assessment_results_json, poam_json, Lang, OscalOptions, RemediationStatus, ReportModel,
};

/// Runs the trestle validator on `json` as `kind`; a missing Python or
/// trestle fails the test. Returns the validator's report line.
fn trestle(kind: &str, json: &str, name: &str) -> Result<String, String> {
    let (_dir, file) = common::tools::save(json.as_bytes(), name);
    let python = std::env::var("ZILV_OSCAL_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oscal_validate.py");
    let out = Command::new(&python)
        .arg(script)
        .arg(kind)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {python} (set ZILV_OSCAL_PYTHON to a Python with compliance-trestle; \
                 scripts/test does): {e}"
            )
        });
    let report =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        !report.contains("is not installed"),
        "the OSCAL validator needs compliance-trestle (set ZILV_OSCAL_PYTHON to a Python with \
         it; scripts/test does): {report}"
    );
    if out.status.success() {
        Ok(report)
    } else {
        Err(report)
    }
}

fn valid(kind: &str, json: &str, name: &str) -> String {
    trestle(kind, json, name).unwrap_or_else(|r| panic!("trestle rejected the {kind}: {r}"))
}

/// Keeps a copy under `test-artifacts/report/` for a person to look at.
fn keep(json: &str, name: &str) {
    std::fs::write(common::tools::artifacts_dir().join(name), json).unwrap();
}

fn results(m: &ReportModel) -> String {
    assessment_results_json(m, &common::catalog(), &OscalOptions::default()).unwrap()
}

fn poam(m: &ReportModel) -> String {
    poam_json(m, &common::catalog(), &OscalOptions::default()).unwrap()
}

fn strs(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn eval_8_assessment_results_pass_compliance_trestle() {
    let m = common::model(12);
    let json = results(&m);
    keep(&json, "oscal-assessment-results.json");
    let report = valid("assessment-results", &json, "ar.json");
    let observations = m.item_results.len() + m.drills.len() + m.findings.len();
    for expected in [
        format!("results=1 observations={observations} "),
        format!("risks={} findings={} ", m.findings.len(), m.findings.len()),
        format!(
            "included={} excluded={} ",
            m.scope.items_done.len(),
            m.scope.items_left_out.len()
        ),
        // The company, the outside firm, the internal unit, two assessors.
        "parties=5 ".to_string(),
    ] {
        assert!(report.contains(&expected), "{expected} not in: {report}");
    }

    let doc: Value = serde_json::from_str(&json).unwrap();
    let ar = &doc["assessment-results"];
    assert_eq!(ar["metadata"]["oscal-version"], "1.1.2");
    let r = &ar["results"][0];
    assert_eq!(r["start"], "2026-09-01T00:00:00+08:00");
    assert_eq!(r["end"], "2026-10-31T23:59:59+08:00");
    let sel = &r["reviewed-controls"]["control-selections"][0];
    assert_eq!(
        strs(&sel["include-controls"], "control-id"),
        m.scope.items_done
    );
    assert_eq!(
        strs(&sel["exclude-controls"], "control-id"),
        ["EVAL-4.1.5.4", "EVAL-4.1.5.5"]
    );
    let remarks = sel["remarks"].as_str().unwrap();
    for l in &m.scope.items_left_out {
        assert!(
            remarks.contains(&l.item) && remarks.contains(&l.reason),
            "{remarks}"
        );
    }
    // One OSCAL finding per finding, aimed at the statement of its clause.
    let findings = r["findings"].as_array().unwrap();
    for (f, o) in m.findings.iter().zip(findings) {
        assert_eq!(o["title"], f.title.as_str());
        assert_eq!(o["target"]["target-id"], format!("{}_smt", f.clause));
        let state = if f.status == RemediationStatus::Resolved {
            "satisfied"
        } else {
            "not-satisfied"
        };
        assert_eq!(o["target"]["status"]["state"], state, "{}", f.id);
        assert!(o["description"]
            .as_str()
            .unwrap()
            .contains(&f.recommendation));
    }
    // The recommendation is the risk's remediation, the due date its deadline.
    let risk = &r["risks"][0];
    assert_eq!(
        risk["remediations"][0]["description"],
        m.findings[0].recommendation.as_str()
    );
    assert_eq!(risk["deadline"], "2026-12-31T23:59:59+08:00");
    // Parties: the company and each assessor, with their qualifications.
    let parties = ar["metadata"]["parties"].as_array().unwrap();
    let names = strs(&ar["metadata"]["parties"], "name");
    assert!(names.contains(&m.company));
    for a in &m.assessors {
        assert!(names.contains(&a.name), "{names:?}");
    }
    assert!(parties
        .iter()
        .any(|p| p["remarks"].as_str().unwrap_or("").contains("OSCP")));
}

#[test]
fn eval_8_poam_holds_the_open_findings_and_passes_compliance_trestle() {
    let m = common::model(12);
    let open: Vec<_> = m.findings.iter().filter(|f| in_poam(f.status)).collect();
    assert!(
        open.len() < m.findings.len(),
        "the sample has resolved findings"
    );
    let json = poam(&m);
    keep(&json, "oscal-poam.json");
    let report = valid("poam", &json, "poam.json");
    let n = open.len();
    let expected = format!("poam-items={n} risks={n} findings={n} observations={n} ");
    assert!(report.contains(&expected), "{expected} not in: {report}");

    let doc: Value = serde_json::from_str(&json).unwrap();
    let p = &doc["plan-of-action-and-milestones"];
    assert_eq!(
        p["system-id"]["identifier-type"],
        "https://ietf.org/rfc/rfc4122"
    );
    let titles = strs(&p["poam-items"], "title");
    assert_eq!(
        titles,
        open.iter().map(|f| f.title.clone()).collect::<Vec<_>>()
    );
    for f in m
        .findings
        .iter()
        .filter(|f| f.status == RemediationStatus::Resolved)
    {
        assert!(!json.contains(&f.title), "{} is resolved", f.id);
    }
    for (f, risk) in open.iter().zip(p["risks"].as_array().unwrap()) {
        let (status, lifecycle) = match f.status {
            RemediationStatus::Open => ("open", "planned"),
            RemediationStatus::InProgress => ("remediating", "planned"),
            RemediationStatus::RiskAccepted => ("deviation-approved", "recommendation"),
            RemediationStatus::Resolved => unreachable!(),
        };
        assert_eq!(risk["status"], status, "{}", f.id);
        assert_eq!(risk["remediations"][0]["lifecycle"], lifecycle, "{}", f.id);
        if f.status == RemediationStatus::RiskAccepted {
            assert!(risk.get("deadline").is_none(), "{}: nothing is due", f.id);
        } else {
            assert_eq!(risk["deadline"], "2026-12-31T23:59:59+08:00");
            let task = &risk["remediations"][0]["tasks"][0];
            assert_eq!(task["type"], "milestone");
            assert_eq!(task["timing"]["on-date"]["date"], risk["deadline"]);
        }
    }
    let accepted = p["poam-items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["props"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["value"] == "risk-accepted")
        })
        .expect("a risk-accepted item");
    assert!(accepted["remarks"].as_str().unwrap().contains("偏離"));
}

#[test]
fn oscal_exports_follow_the_report_language() {
    let zh = common::model(4);
    let zh_json = results(&zh);
    let doc: Value = serde_json::from_str(&zh_json).unwrap();
    let r = &doc["assessment-results"]["results"][0];
    assert!(r["title"].as_str().unwrap().starts_with("評估結果："));
    let item = &zh.item_results[0].item;
    let title = common::catalog().clause(item).unwrap().title_zh.clone();
    assert_eq!(
        r["observations"][0]["title"],
        format!("{item} {title}"),
        "item titles come from the catalog"
    );

    let mut en = zh.clone();
    en.language = Lang::En;
    let en_json = results(&en);
    valid("assessment-results", &en_json, "ar-en.json");
    let en_poam = poam(&en);
    valid("poam", &en_poam, "poam-en.json");
    keep(&en_json, "oscal-assessment-results-en.json");
    let doc: Value = serde_json::from_str(&en_json).unwrap();
    let ar = &doc["assessment-results"];
    let r = &ar["results"][0];
    assert!(r["title"]
        .as_str()
        .unwrap()
        .starts_with("Assessment results: "));
    assert_eq!(ar["metadata"]["roles"][1]["title"], "Assessor");
    assert!(r["findings"][0]["description"]
        .as_str()
        .unwrap()
        .starts_with("Severity: "));
    let poam_doc: Value = serde_json::from_str(&en_poam).unwrap();
    assert!(
        poam_doc["plan-of-action-and-milestones"]["metadata"]["title"]
            .as_str()
            .unwrap()
            .starts_with("Plan of action and milestones: ")
    );
}

#[test]
fn trestle_rejects_a_broken_document() {
    // The validator must be able to fail: a risk with a status OSCAL lacks,
    // a finding without its target, a reference to an undefined observation.
    let good: Value = serde_json::from_str(&results(&common::model(2))).unwrap();
    let mut bad_status = good.clone();
    bad_status["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
        "fixed".into();
    let mut no_target = good.clone();
    no_target["assessment-results"]["results"][0]["findings"][0]
        .as_object_mut()
        .unwrap()
        .remove("target");
    let mut dangling = good.clone();
    dangling["assessment-results"]["results"][0]["findings"][0]["related-observations"][0]
        ["observation-uuid"] = "6f1c1d3a-0000-5000-8000-000000000000".into();
    for (doc, why) in [
        (bad_status, "fixed"),
        (no_target, "target"),
        (dangling, "undefined"),
    ] {
        let text = serde_json::to_string(&doc).unwrap();
        let err = trestle("assessment-results", &text, "bad.json").unwrap_err();
        assert!(err.contains(why), "{why} not in: {err}");
    }
}

#[test]
fn same_model_gives_byte_identical_documents() {
    let m = common::model(30);
    assert_eq!(results(&m), results(&m.clone()));
    assert_eq!(poam(&m), poam(&m.clone()));
}

fn finding_uuids(json: &str) -> Vec<(String, String)> {
    let doc: Value = serde_json::from_str(json).unwrap();
    doc["assessment-results"]["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let id = f["props"][0]["value"].as_str().unwrap().to_string();
            (id, f["uuid"].as_str().unwrap().to_string())
        })
        .collect()
}

fn document_uuid(json: &str) -> String {
    let doc: Value = serde_json::from_str(json).unwrap();
    doc["assessment-results"]["uuid"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn uuids_follow_the_findings_not_their_order_and_the_document_uuid_its_content() {
    let m = common::model(5);
    let before = results(&m);
    let mut changed = m.clone();
    changed.findings.reverse();
    changed.findings.push(common::finding(99));
    let after = results(&changed);
    let old = finding_uuids(&before);
    let new = finding_uuids(&after);
    for (id, uuid) in &old {
        assert!(
            new.contains(&(id.clone(), uuid.clone())),
            "{id} kept its UUID"
        );
    }
    assert_eq!(new.len(), old.len() + 1);
    assert_ne!(document_uuid(&before), document_uuid(&after));
    // Another assessment of the same company: other finding UUIDs.
    let mut other = m.clone();
    other.assessment.id = "A-2027-001".to_string();
    let moved = finding_uuids(&results(&other));
    assert!(old.iter().all(|o| !moved.contains(o)));
}

#[test]
fn a_finding_under_a_clause_the_catalog_lacks_is_refused() {
    let mut m = common::model(2);
    m.findings[1].clause = "EVAL-9.9".to_string();
    let msg = assessment_results_json(&m, &common::catalog(), &OscalOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("findings[1].clause") && msg.contains("EVAL-9.9"),
        "{msg}"
    );
}

#[test]
fn a_finding_id_used_twice_is_refused() {
    let mut m = common::model(3);
    m.findings[2].id = m.findings[0].id.clone();
    let msg = poam_json(&m, &common::catalog(), &OscalOptions::default())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("findings[2].id"), "{msg}");
}

#[test]
fn a_poam_without_open_findings_is_refused() {
    let mut m = common::model(3);
    for f in &mut m.findings {
        f.status = RemediationStatus::Resolved;
    }
    let msg = poam_json(&m, &common::catalog(), &OscalOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("findings") && msg.contains("no finding is open"),
        "{msg}"
    );
}

#[test]
fn options_set_version_plan_and_system() {
    let m = common::model(3);
    let opts = OscalOptions {
        version: Some("2".to_string()),
        plan_href: Some("https://zilv.example/assessments/7/plan".to_string()),
        system_id: Some("0f8fad5b-d9cb-469f-a165-70867728950e".to_string()),
    };
    let ar: Value =
        serde_json::from_str(&assessment_results_json(&m, &common::catalog(), &opts).unwrap())
            .unwrap();
    assert_eq!(ar["assessment-results"]["metadata"]["version"], "2");
    assert_eq!(
        ar["assessment-results"]["import-ap"]["href"],
        "https://zilv.example/assessments/7/plan"
    );
    let p: Value =
        serde_json::from_str(&poam_json(&m, &common::catalog(), &opts).unwrap()).unwrap();
    assert_eq!(
        p["plan-of-action-and-milestones"]["system-id"]["id"],
        "0f8fad5b-d9cb-469f-a165-70867728950e"
    );
    let bad = OscalOptions {
        system_id: Some("payments".to_string()),
        ..OscalOptions::default()
    };
    let msg = poam_json(&m, &common::catalog(), &bad)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("options.system_id"), "{msg}");
}
