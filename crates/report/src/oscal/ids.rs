//! Deterministic UUIDs, RFC 3339 timestamps and OSCAL-safe text for the exports.
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SecondsFormat};
use uuid::Uuid;

use crate::model::ReportModel;

/// The namespace of Zilv's own OSCAL properties and facets.
pub const NS: &str = "https://zilv.tw/ns/oscal";

/// Derives UUIDs (version 5) from stable keys of one model: the company for
/// parties and systems, the company and the assessment ID for everything else.
#[derive(Debug, Clone)]
pub struct Ids {
    company: String,
    assessment: String,
}

/// A version-5 UUID of `name` in the URL namespace.
pub fn uuid_v5(name: &str) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

impl Ids {
    pub fn new(m: &ReportModel) -> Self {
        Ids {
            company: m.company.clone(),
            assessment: m.assessment.id.clone(),
        }
    }

    /// A UUID that stays the same for this company across assessments (a party, a system).
    pub fn company(&self, what: &str) -> String {
        uuid_v5(&format!("zilv:oscal:{}:{what}", self.company))
    }

    /// A UUID of something of this assessment (an observation, a risk, a finding).
    pub fn assessment(&self, what: &str) -> String {
        uuid_v5(&format!(
            "zilv:oscal:{}:assessment:{}:{what}",
            self.company, self.assessment
        ))
    }

    /// The UUID of a whole document of `kind`, derived from its content with
    /// the UUID left blank: the same model gives the same UUID, a changed
    /// document a new one, as OSCAL asks.
    pub fn document(&self, kind: &str, content: &str) -> String {
        uuid_v5(&format!(
            "zilv:oscal:{}:assessment:{}:{kind}:{content}",
            self.company, self.assessment
        ))
    }
}

/// The clock face of the timestamps: the offset the report was generated in.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub offset: FixedOffset,
}

impl Clock {
    pub fn of(m: &ReportModel) -> Self {
        Clock {
            offset: *m.generated_at.offset(),
        }
    }

    fn at(&self, day: NaiveDate, time: NaiveTime) -> String {
        match day.and_time(time).and_local_timezone(self.offset) {
            chrono::LocalResult::Single(t) => stamp(&t),
            // A fixed offset maps every local time to exactly one instant.
            _ => format!("{day}T{time}{}", self.offset),
        }
    }

    /// The first second of `day`.
    pub fn start_of(&self, day: NaiveDate) -> String {
        self.at(day, NaiveTime::MIN)
    }

    /// The last second of `day`.
    pub fn end_of(&self, day: NaiveDate) -> String {
        let last = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
        self.at(day, last)
    }
}

/// `t` in RFC 3339 with its offset, to the second.
pub fn stamp(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `s` on one line (OSCAL titles and property values allow no line break),
/// with runs of white space made one space; `fallback` when nothing is left.
pub fn line(s: &str, fallback: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.is_empty() {
        fallback.to_string()
    } else {
        joined
    }
}

/// `s` trimmed, keeping its lines; `fallback` when it is blank (OSCAL
/// descriptions must not be empty).
pub fn prose(s: &str, fallback: &str) -> String {
    let t = s.trim();
    if t.is_empty() {
        fallback.to_string()
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_rfc_4122_version_5_of_their_key() {
        // Expected values from Python's uuid.uuid5(uuid.NAMESPACE_URL, key).
        assert_eq!(
            uuid_v5("zilv:oscal:臺灣範例產物保險股份有限公司:party/company"),
            "e455ba64-bade-5118-9736-d2a39b034fa5"
        );
        assert_eq!(
            uuid_v5("zilv:oscal:臺灣範例產物保險股份有限公司:assessment:A-2026-001:finding/F-0001"),
            "1c4af0fd-746e-5eb4-a45e-5b0f3a426970"
        );
    }

    #[test]
    fn keys_separate_companies_assessments_and_objects() {
        let a = Ids {
            company: "甲".into(),
            assessment: "A-1".into(),
        };
        let b = Ids {
            company: "乙".into(),
            assessment: "A-1".into(),
        };
        let a2 = Ids {
            company: "甲".into(),
            assessment: "A-2".into(),
        };
        assert_eq!(
            a.assessment("finding/F-1"),
            a.clone().assessment("finding/F-1")
        );
        assert_ne!(a.assessment("finding/F-1"), a.assessment("finding/F-2"));
        assert_ne!(a.assessment("finding/F-1"), b.assessment("finding/F-1"));
        assert_ne!(a.assessment("finding/F-1"), a2.assessment("finding/F-1"));
        // Parties and systems belong to the company, not to one assessment.
        assert_eq!(a.company("party/company"), a2.company("party/company"));
        assert_ne!(a.document("poam", "{}"), a.document("poam", "{ }"));
    }

    #[test]
    fn days_become_timestamps_in_the_report_offset() {
        let day = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let taipei = Clock {
            offset: FixedOffset::east_opt(8 * 3600).unwrap(),
        };
        assert_eq!(taipei.start_of(day), "2026-09-01T00:00:00+08:00");
        assert_eq!(taipei.end_of(day), "2026-09-01T23:59:59+08:00");
        let utc = Clock {
            offset: FixedOffset::east_opt(0).unwrap(),
        };
        assert_eq!(utc.start_of(day), "2026-09-01T00:00:00Z");
    }

    #[test]
    fn titles_lose_line_breaks_and_blank_text_takes_the_fallback() {
        assert_eq!(line("  弱點\n掃描\t結果 ", "無"), "弱點 掃描 結果");
        assert_eq!(line(" \n ", "無"), "無");
        assert_eq!(prose("\n第一段\n\n第二段\n", "無"), "第一段\n\n第二段");
        assert_eq!(prose("   ", "None"), "None");
    }
}
