//! Re-import reconciliation: what a new scan means for the findings already known.

use std::collections::{BTreeMap, BTreeSet};

/// The state of a known finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Open,
    /// Closed because a later scan no longer saw it (or fixed by hand).
    ClosedFixed,
    /// Accepted as a risk; scans do not change it.
    RiskAccepted,
    /// Judged a false positive; scans do not change it.
    FalsePositive,
}

/// What a new scan of one tool and target means, by fingerprint (each list
/// sorted, without repeats).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// Seen now, never known before: create as open.
    pub new: Vec<String>,
    /// Open and seen again: stays open.
    pub unchanged: Vec<String>,
    /// Open but absent from the new scan: close as fixed by rescan.
    pub closed: Vec<String>,
    /// Closed as fixed but seen again: reopen.
    pub reactivated: Vec<String>,
    /// Risk-accepted or false-positive, seen again or not: state kept.
    pub kept: Vec<String>,
}

impl Reconciliation {
    /// The state each fingerprint has after the scan is applied, for every
    /// fingerprint known before or seen now.
    pub fn states_after(&self, existing: &[(String, State)]) -> BTreeMap<String, State> {
        let mut out: BTreeMap<String, State> = existing.iter().cloned().collect();
        for fp in self
            .new
            .iter()
            .chain(&self.unchanged)
            .chain(&self.reactivated)
        {
            out.insert(fp.clone(), State::Open);
        }
        for fp in &self.closed {
            out.insert(fp.clone(), State::ClosedFixed);
        }
        out
    }
}

/// Compares the findings known for a tool and target (`existing`:
/// fingerprint and state) with the fingerprints of a new scan of the same
/// tool and target. Pure: nothing is changed; the caller applies the result.
pub fn reconcile<'a>(
    existing: impl IntoIterator<Item = (&'a str, State)>,
    scanned: impl IntoIterator<Item = &'a str>,
) -> Reconciliation {
    let known: BTreeMap<&str, State> = existing.into_iter().collect();
    let seen: BTreeSet<&str> = scanned.into_iter().collect();
    let mut r = Reconciliation::default();
    for fp in &seen {
        match known.get(fp) {
            None => r.new.push(fp.to_string()),
            Some(State::Open) => r.unchanged.push(fp.to_string()),
            Some(State::ClosedFixed) => r.reactivated.push(fp.to_string()),
            Some(State::RiskAccepted | State::FalsePositive) => {}
        }
    }
    for (fp, state) in &known {
        match state {
            State::Open if !seen.contains(fp) => r.closed.push(fp.to_string()),
            State::RiskAccepted | State::FalsePositive => r.kept.push(fp.to_string()),
            _ => {}
        }
    }
    r
}
