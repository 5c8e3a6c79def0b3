//! Matching one record against the set (EVAL-4.1.2.3): names by equality
//! or parent domain, addresses by longest prefix, URLs by normal form; one
//! match per (record, indicator), from the first field that made it.
use crate::logs::{Record, Value};
use crate::normalize;
use crate::set::{IndicatorId, IndicatorSet};

/// Fills `out` with each matching indicator and the index of the first
/// observation of `rec` that matched it.
pub(crate) fn match_record(
    set: &IndicatorSet,
    rec: &Record<'_>,
    out: &mut Vec<(IndicatorId, usize)>,
) {
    out.clear();
    let mut push = |id: IndicatorId, i: usize| {
        if !out.iter().any(|(x, _)| *x == id) {
            out.push((id, i));
        }
    };
    for (i, o) in rec.obs.iter().enumerate() {
        match &o.value {
            Value::Name(n) => {
                if !set.has_domains() {
                    continue;
                }
                let t = n.strip_suffix('.').unwrap_or(n);
                if t.is_ascii() && !normalize::has_xn(t.as_bytes()) {
                    // `match_domain` compares ignoring ASCII case.
                    if !t.is_empty() {
                        set.match_domain(t, |id| push(id, i));
                    }
                } else if let Some(d) = normalize::observed_domain(n) {
                    set.match_domain(&d, |id| push(id, i));
                }
            }
            Value::Addr(a) => {
                for id in set.match_addr(*a) {
                    push(*id, i);
                }
            }
            Value::Url(u) => {
                if set.has_urls() {
                    if let Ok(n) = normalize::url(u) {
                        set.match_url(&n, |id| push(id, i));
                    }
                }
            }
        }
    }
}

/// The text of an observation as reported in a hit: names as in the log,
/// addresses in canonical form, URLs normalised.
pub(crate) fn observed_text(v: &Value<'_>) -> String {
    match v {
        Value::Name(n) => n.to_string(),
        Value::Addr(a) => a.to_string(),
        Value::Url(u) => normalize::url(u).unwrap_or_else(|_| u.to_string()),
    }
}

mod quick_tsv;

pub(crate) use quick_tsv::{settle_misses, Seen};

#[cfg(test)]
mod quick_check_tests;
