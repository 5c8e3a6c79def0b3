//! The built-in catalog against the authoritative text in `shared/regulation/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::HashSet;

use zilv_catalog::{Registry, Unit, BUILTIN};

fn shared(file: &str) -> String {
    let path = format!(
        "{}/../../../shared/regulation/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn clause_ids() -> Vec<String> {
    shared("clause-ids.txt")
        .split_whitespace()
        .map(String::from)
        .collect()
}

/// The original with the "- " list markers it uses only as layout removed.
fn original() -> String {
    shared("selfreg-105.zh-TW.txt")
        .split('\n')
        .map(|l| l.strip_prefix("- ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_clause_id_of_clauses_md_is_in_the_catalog_once_and_in_order() {
    let reg = Registry::builtin().unwrap();
    let cat = reg.get("105.12.2").unwrap();
    let ids: Vec<String> = cat.clauses.iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids, clause_ids());
    assert_eq!(ids.len(), 75);
}

#[test]
fn clause_text_is_copied_exactly_from_the_original() {
    let original = original();
    let reg = Registry::builtin().unwrap();
    let cat = reg.latest().unwrap();
    for c in &cat.clauses {
        assert!(
            original.contains(&c.text_zh),
            "{}: text_zh is not verbatim in the original",
            c.id
        );
        assert!(
            !c.summary_en.trim().is_empty() && !c.title_en.trim().is_empty(),
            "{}",
            c.id
        );
    }
    for g in &cat.groups {
        if let Some(t) = &g.text_zh {
            assert!(
                original.contains(t.as_str()),
                "group {}: text_zh is not verbatim",
                g.id
            );
        }
    }
    for a in &cat.meta.approvals {
        assert!(original.contains(&a.text), "approval {}", a.text);
    }
}

#[test]
fn every_clause_reaches_a_top_level_group() {
    let reg = Registry::builtin().unwrap();
    let cat = reg.latest().unwrap();
    let tops: HashSet<&str> = cat.child_groups(None).map(|g| g.id.as_str()).collect();
    assert_eq!(tops, HashSet::from(["SR", "APP", "EVAL"]));
    for c in &cat.clauses {
        let mut at = c.parent.clone();
        for _ in 0..10 {
            if let Some(p) = cat.clause(&at) {
                at = p.parent.clone();
            } else if let Some(parent) = cat.group(&at).and_then(|g| g.parent.clone()) {
                at = parent;
            } else {
                break;
            }
        }
        assert!(tops.contains(at.as_str()), "{} ends at {at}", c.id);
        let prefix = c.id.split('-').next().unwrap();
        assert_eq!(at, prefix, "{} sits under the wrong part", c.id);
    }
}

#[test]
fn version_105_12_2_carries_its_three_approval_letters() {
    let reg = Registry::builtin().unwrap();
    let meta = &reg.latest().unwrap().meta;
    assert_eq!(meta.version, "105.12.2");
    let dates: Vec<&str> = meta.approvals.iter().map(|a| a.date.as_str()).collect();
    assert_eq!(dates, ["2014-01-28", "2015-02-16", "2016-12-02"]);
    assert!(meta.approvals[2].letter.contains("10502119220"));
}

#[test]
fn eval_3_1_eval_3_2_eval_2_2_periods_are_catalog_data() {
    let p = Registry::builtin().unwrap().latest().unwrap().params;
    assert_eq!(p.class_cycle_years, [1, 3, 5]);
    assert_eq!(p.incident_reassessment_months, 3);
    assert_eq!(p.plan_review_years, 3);
}

#[test]
fn eval_8_retention_and_eval_6_drill_are_catalog_data() {
    let p = Registry::builtin().unwrap().latest().unwrap().params;
    assert_eq!(p.report_retention_years, 5);
    assert_eq!(p.drills_per_year, 1);
}

#[test]
fn sr_12_fine_range_and_reporting_month_are_catalog_data() {
    let reg = Registry::builtin().unwrap();
    let cat = reg.latest().unwrap();
    let p = cat.params;
    assert_eq!((p.fine_min_twd, p.fine_max_twd), (50_000, 200_000));
    assert_eq!(p.violation_report_months, 1);
    let sr12: Vec<_> = cat.parameters_of("SR-12").collect();
    assert_eq!(sr12.len(), 3);
    assert!(sr12.iter().any(|x| x.unit == Unit::Twd));
}

fn builtin_text() -> &'static str {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == "selfreg-105.12.2.toml")
        .unwrap()
        .1
}

#[test]
fn a_later_version_loads_from_a_file_beside_the_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let later = builtin_text()
        .replace("version = \"105.12.2\"", "version = \"113.6.1\"")
        .replace(
            "id = \"assessment-cycle-class-2\"\nclause = \"EVAL-3.1\"\nvalue = 3",
            "id = \"assessment-cycle-class-2\"\nclause = \"EVAL-3.1\"\nvalue = 2",
        );
    let path = dir.path().join("later.toml");
    std::fs::write(&path, later).unwrap();
    let mut reg = Registry::builtin().unwrap();
    reg.load_file(&path).unwrap();
    let versions: Vec<&str> = reg.all().iter().map(|c| c.meta.version.as_str()).collect();
    assert_eq!(versions, ["105.12.2", "113.6.1"]);
    assert_eq!(reg.latest().unwrap().params.class_cycle_years, [1, 2, 5]);
    assert_eq!(
        reg.get("105.12.2").unwrap().params.class_cycle_years,
        [1, 3, 5]
    );
    // Loading the same version twice is refused.
    let err = reg.load_file(&path).unwrap_err().to_string();
    assert!(err.contains("113.6.1 is already loaded"), "{err}");
}

#[test]
fn broken_catalog_files_are_refused_naming_file_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "dup.toml",
            builtin_text().replace("id = \"SR-3\"", "id = \"SR-1\""),
            "SR-1 is defined twice",
        ),
        (
            "orphan.toml",
            builtin_text().replace("parent = \"SR-4\"", "parent = \"SR-44\""),
            "unknown parent SR-44",
        ),
        (
            "noparam.toml",
            builtin_text().replace("id = \"report-retention\"", "id = \"report-keeping\""),
            "report-retention is missing",
        ),
        (
            "unit.toml",
            builtin_text().replace(
                "value = 5\nunit = \"years\"",
                "value = 5\nunit = \"months\"",
            ),
            "expected years",
        ),
        (
            "date.toml",
            builtin_text().replace("effective = \"2016-12-02\"", "effective = \"105.12.2\""),
            "catalog.effective = \"105.12.2\" is not a date",
        ),
        (
            "syntax.toml",
            builtin_text().replace("[catalog]", "[catalog"),
            "line",
        ),
    ];
    for (name, text, reason) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let err = Registry::builtin()
            .unwrap()
            .load_file(&path)
            .unwrap_err()
            .to_string();
        assert!(err.contains(name), "{name}: {err}");
        assert!(err.contains(reason), "{name}: {err}");
    }
    let missing = Registry::builtin()
        .unwrap()
        .load_file(&dir.path().join("absent.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("absent.toml") && missing.contains("cannot read"),
        "{missing}"
    );
}
