//! Record times: epoch seconds, RFC 3339 / ISO 8601, BIND's
//! `DD-Mon-YYYY HH:MM:SS.mmm` (taken as UTC), parsed only for hits.
use chrono::{DateTime, NaiveDateTime, Utc};

use super::TimeKind;

pub(super) fn parse(kind: TimeKind, s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match kind {
        TimeKind::None => None,
        TimeKind::Epoch => epoch(s).or_else(|| iso(s)),
        TimeKind::Iso => iso(s),
        TimeKind::Bind => naive(s, &["%d-%b-%Y %H:%M:%S%.f"]),
        TimeKind::Any => epoch(s).or_else(|| iso(s)).or_else(|| {
            naive(
                s,
                &[
                    "%Y-%m-%d %H:%M:%S%.f",
                    "%Y-%m-%dT%H:%M:%S%.f",
                    "%d-%b-%Y %H:%M:%S%.f",
                ],
            )
        }),
    }
}

/// `1521911720.865716`: whole seconds and up to nine fraction digits.
fn epoch(s: &str) -> Option<DateTime<Utc>> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 9 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: i64 = whole.parse().ok()?;
    let nanos: u32 = if frac.is_empty() {
        0
    } else {
        frac.parse::<u32>().ok()? * 10u32.pow(9 - frac.len() as u32)
    };
    DateTime::from_timestamp(secs, nanos)
}

fn iso(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // Suricata writes the offset without a colon: `+0000`.
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn naive(s: &str, formats: &[&str]) -> Option<DateTime<Utc>> {
    formats
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_forms_of_each_log() {
        let want = DateTime::from_timestamp(1521911720, 865_716_000);
        assert_eq!(parse(TimeKind::Epoch, "1521911720.865716"), want);
        assert_eq!(
            parse(TimeKind::Iso, "2018-03-24T17:15:20.865716+0000"),
            want
        );
        assert_eq!(parse(TimeKind::Any, "2018-03-24 17:15:20.865716"), want);
        assert_eq!(parse(TimeKind::Bind, "24-Mar-2018 17:15:20.865716"), want);
        assert_eq!(parse(TimeKind::Epoch, "soon"), None);
    }
}
