//! Re-import reconciliation over the two ZAP scans of one target; expected
//! counts come from a plain string scan of the XML (plugin ID and URI pairs).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{parse_file, sample, text, zap_keys};
use zilv_scans::{reconcile, State};

fn fingerprints(rel: &str) -> Vec<String> {
    parse_file(&sample(rel))
        .0
        .into_iter()
        .map(|f| f.fingerprint)
        .collect()
}

fn as_existing(states: &BTreeMap<String, State>) -> Vec<(String, State)> {
    states.iter().map(|(k, v)| (k.clone(), *v)).collect()
}

#[test]
fn eval_4_1_4_1_zap_rescan_closes_fixed_and_reactivates_returning_findings() {
    let first_rel = "zap/zap-results-first-scan.xml";
    let second_rel = "zap/zap-results-second-scan.xml";
    let k1 = zap_keys(&text(&sample(first_rel)));
    let k2 = zap_keys(&text(&sample(second_rel)));
    let only_first = k1.difference(&k2).count();
    let only_second = k2.difference(&k1).count();
    let both = k1.intersection(&k2).count();
    assert!(
        only_first > 0 && only_second > 0 && both > 0,
        "the scans differ and overlap"
    );

    let fp1 = fingerprints(first_rel);
    let fp2 = fingerprints(second_rel);
    let distinct1: BTreeSet<&String> = fp1.iter().collect();
    assert_eq!(distinct1.len(), k1.len());

    // First import: everything is new.
    let r1 = reconcile(std::iter::empty(), fp1.iter().map(String::as_str));
    assert_eq!(r1.new.len(), k1.len());
    assert!(r1.unchanged.is_empty() && r1.closed.is_empty() && r1.reactivated.is_empty());
    let states = r1.states_after(&[]);

    // Second scan.
    let existing = as_existing(&states);
    let r2 = reconcile(
        existing.iter().map(|(f, s)| (f.as_str(), *s)),
        fp2.iter().map(String::as_str),
    );
    assert_eq!(r2.new.len(), only_second);
    assert_eq!(r2.unchanged.len(), both);
    assert_eq!(r2.closed.len(), only_first);
    assert!(r2.reactivated.is_empty());
    let states = r2.states_after(&existing);
    assert_eq!(
        states
            .values()
            .filter(|s| **s == State::ClosedFixed)
            .count(),
        only_first
    );

    // The first scan again: what the second closed comes back.
    let existing = as_existing(&states);
    let r3 = reconcile(
        existing.iter().map(|(f, s)| (f.as_str(), *s)),
        fp1.iter().map(String::as_str),
    );
    assert!(!r3.reactivated.is_empty());
    assert_eq!(r3.reactivated.len(), only_first);
    assert_eq!(r3.closed.len(), only_second);
    assert_eq!(r3.unchanged.len(), both);
    assert!(r3.new.is_empty());
}

#[test]
fn risk_accepted_and_false_positive_keep_their_state() {
    let fp1 = fingerprints("zap/zap-results-first-scan.xml");
    let fp2: BTreeSet<String> = fingerprints("zap/zap-results-second-scan.xml")
        .into_iter()
        .collect();
    let gone = fp1.iter().find(|f| !fp2.contains(*f)).unwrap().clone();
    let stays = fp1.iter().find(|f| fp2.contains(*f)).unwrap().clone();
    let existing = [
        (gone.as_str(), State::RiskAccepted),
        (stays.as_str(), State::FalsePositive),
    ];
    let r = reconcile(existing, fp2.iter().map(String::as_str));
    assert!(!r.closed.contains(&gone) && !r.unchanged.contains(&stays) && !r.new.contains(&stays));
    assert_eq!(r.kept, {
        let mut v = vec![gone.clone(), stays.clone()];
        v.sort();
        v
    });
    let after = r.states_after(&[
        (gone.clone(), State::RiskAccepted),
        (stays.clone(), State::FalsePositive),
    ]);
    assert_eq!(after[&gone], State::RiskAccepted);
    assert_eq!(after[&stays], State::FalsePositive);
}
