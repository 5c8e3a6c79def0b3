//! Matching one record against the set (EVAL-4.1.2.3): names by equality
//! or parent domain, addresses by longest prefix, URLs by normal form; one
//! match per (record, indicator), from the first field that made it.
use crate::logs::{quick_fields, Record, TsvHeader, Value};
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
                if t.is_ascii() && !has_punycode(t.as_bytes()) {
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

/// True when `b` has an `xn--` label (any case), which needs the IDNA
/// mapping to be compared.
fn has_punycode(b: &[u8]) -> bool {
    memchr::memchr_iter(b'-', b)
        .any(|i| i >= 2 && b.get(i + 1) == Some(&b'-') && b[i - 2..i].eq_ignore_ascii_case(b"xn"))
}

/// True when `line` of a Zeek TSV log is certainly a record that matches
/// nothing: its addresses parse and miss, its names are plain ASCII and
/// miss. Anything else (a hit, an escape, a field to normalise, a line the
/// parser would refuse) answers false, and the caller parses the line in
/// full, so that this shortcut never changes a result.
pub(crate) fn quick_miss_tsv(set: &IndicatorSet, h: &TsvHeader, line: &str) -> bool {
    let Some(q) = quick_fields(h, line) else {
        return false;
    };
    let addr_misses = |v: &str| match normalize::fast_ip(v) {
        Some(a) => set.match_addr(a).is_empty(),
        None => false,
    };
    let name_misses = |n: &str| set.plain_domain_hits(n.as_bytes()) == Some(false);
    if !q.orig_h.is_none_or(addr_misses) || !q.resp_h.is_none_or(addr_misses) {
        return false;
    }
    if !q.query.is_none_or(name_misses) {
        return false;
    }
    if let Some(a) = q.answers {
        let Some(sep) = h.set_separator_byte() else {
            return false;
        };
        let mut start = 0;
        for end in memchr::memchr_iter(sep, a.as_bytes()).chain(std::iter::once(a.len())) {
            // One ASCII byte: these are character boundaries.
            let v = &a[start..end];
            start = end + 1;
            if v.is_empty() {
                continue;
            }
            let miss = match normalize::fast_ip(v) {
                Some(a) => set.match_addr(a).is_empty(),
                None => name_misses(v),
            };
            if !miss {
                return false;
            }
        }
    }
    if q.host.is_some() && (set.has_urls() && q.uri.is_some() || !q.host.is_none_or(name_misses)) {
        return false;
    }
    q.server_name.is_none_or(name_misses)
}

#[cfg(test)]
mod quick_check_tests;
