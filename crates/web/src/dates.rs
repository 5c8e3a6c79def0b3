//! Dates as users in Taiwan expect them: ISO (2026-11-28) or 民國 (民國115年11月28日).
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStyle {
    #[default]
    Iso,
    Roc,
}

impl DateStyle {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "iso" => Some(DateStyle::Iso),
            "roc" => Some(DateStyle::Roc),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DateStyle::Iso => "iso",
            DateStyle::Roc => "roc",
        }
    }

    pub fn day(self, d: NaiveDate) -> String {
        match self {
            DateStyle::Iso => d.to_string(),
            DateStyle::Roc => zilv_domain::roc_date(d),
        }
    }

    /// A stored RFC 3339 timestamp, shown to the minute in Taiwan time.
    pub fn moment(self, stamp: &str) -> String {
        let Ok(t) = chrono::DateTime::parse_from_rfc3339(stamp) else {
            return stamp.to_string();
        };
        let Some(tz) = chrono::FixedOffset::east_opt(8 * 3600) else {
            return stamp.to_string();
        };
        let local = t.with_timezone(&tz);
        format!("{} {}", self.day(local.date_naive()), local.format("%H:%M"))
    }
}
