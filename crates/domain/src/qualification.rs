//! EVAL-7.2 assessor qualifications: the four kinds, the evidence that backs
//! each, when evidence counts, and which kinds each EVAL-4.1 item needs.
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::items::AssessmentItem;
use crate::system::SystemClass;
use crate::{parse_name, InvalidInput};

/// The four qualifications of EVAL-7.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualificationKind {
    /// (一) 資訊安全管理知識.
    SecurityManagement,
    /// (二) 資訊安全技術能力.
    SecurityTechnical,
    /// (三) 模擬駭客攻擊能力.
    SimulatedAttack,
    /// (四) 熟悉金融領域載具應用、系統開發或稽核經驗.
    FinancialDomain,
}

use QualificationKind as Q;

const KINDS: &[(QualificationKind, &str)] = &[
    (Q::SecurityManagement, "security_management"),
    (Q::SecurityTechnical, "security_technical"),
    (Q::SimulatedAttack, "simulated_attack"),
    (Q::FinancialDomain, "financial_domain"),
];

impl QualificationKind {
    pub const ALL: [QualificationKind; 4] = [
        Q::SecurityManagement,
        Q::SecurityTechnical,
        Q::SimulatedAttack,
        Q::FinancialDomain,
    ];

    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        parse_name(field, value, KINDS)
    }

    pub fn as_str(self) -> &'static str {
        KINDS
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| n)
    }
}

impl fmt::Display for QualificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What backs a qualification (EVAL-7.2 (一)-(三) 1, 2 and 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "evidence", rename_all = "snake_case")]
pub enum Evidence {
    /// A certificate from passing an examination; `expires_on` is `None`
    /// for a certificate that does not expire.
    Certificate {
        name: String,
        number: String,
        issuer: String,
        expires_on: Option<NaiveDate>,
    },
    /// Training hours, with a reference to the proof of completion.
    Training { hours: u32, proof: String },
    /// Years of related work in the financial sector.
    FinancialExperience { years: u32 },
}

/// One qualification an assessor claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    pub kind: QualificationKind,
    pub evidence: Evidence,
}

/// The thresholds EVAL-7.2 leaves to the company ("達一定時數", "達一定年資"):
/// company policy, not numbers the regulation fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualificationPolicy {
    /// Training hours at or above which training counts.
    pub min_training_hours: u32,
    /// Years in the financial sector at or above which experience counts.
    pub min_financial_years: u32,
}

impl Default for QualificationPolicy {
    fn default() -> Self {
        QualificationPolicy {
            min_training_hours: 12,
            min_financial_years: 2,
        }
    }
}

/// Why a piece of evidence does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum NotCounted {
    #[error("certificate {name} no. {number} expired on {expired_on}, before the assessment starts on {starts_on}")]
    Expired {
        name: String,
        number: String,
        expired_on: NaiveDate,
        starts_on: NaiveDate,
    },
    #[error("certificate lacks its {field}")]
    CertificateIncomplete { field: &'static str },
    #[error("{hours} training hours, fewer than the {required} the policy requires")]
    TooFewHours { hours: u32, required: u32 },
    #[error("training without a reference to its proof of completion")]
    NoProof,
    #[error(
        "{years} years in the financial sector, fewer than the {required} the policy requires"
    )]
    TooFewYears { years: u32, required: u32 },
}

impl Evidence {
    /// Whether the evidence counts for an assessment starting on `starts_on`:
    /// a certificate is complete and not expired before that day (expiring
    /// on it still counts), training reaches the policy's hours and names its
    /// proof, experience reaches the policy's years.
    pub fn counts(
        &self,
        policy: &QualificationPolicy,
        starts_on: NaiveDate,
    ) -> Result<(), NotCounted> {
        match self {
            Evidence::Certificate {
                name,
                number,
                issuer,
                expires_on,
            } => {
                for (field, value) in [("name", name), ("number", number), ("issuer", issuer)] {
                    if value.trim().is_empty() {
                        return Err(NotCounted::CertificateIncomplete { field });
                    }
                }
                match expires_on {
                    Some(on) if *on < starts_on => Err(NotCounted::Expired {
                        name: name.trim().to_string(),
                        number: number.trim().to_string(),
                        expired_on: *on,
                        starts_on,
                    }),
                    _ => Ok(()),
                }
            }
            Evidence::Training { hours, proof } => {
                if *hours < policy.min_training_hours {
                    Err(NotCounted::TooFewHours {
                        hours: *hours,
                        required: policy.min_training_hours,
                    })
                } else if proof.trim().is_empty() {
                    Err(NotCounted::NoProof)
                } else {
                    Ok(())
                }
            }
            Evidence::FinancialExperience { years } => {
                if *years < policy.min_financial_years {
                    Err(NotCounted::TooFewYears {
                        years: *years,
                        required: policy.min_financial_years,
                    })
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// The qualifications an assessor team needs for `item` (the table and its
/// reasoning are in docs/assessment-rules.md).
pub fn needed_for(item: AssessmentItem) -> &'static [QualificationKind] {
    use AssessmentItem as I;
    match item {
        I::NetworkArchitecture | I::SinglePointsOfFailure => {
            &[Q::SecurityManagement, Q::SecurityTechnical]
        }
        I::BusinessContinuity => &[Q::SecurityManagement, Q::FinancialDomain],
        I::AccessLogs | I::WebsiteAnomalies => &[Q::SecurityTechnical, Q::FinancialDomain],
        I::SecurityDeviceLogs
        | I::MaliciousConnections
        | I::VulnerabilityScanning
        | I::Malware
        | I::Passwords
        | I::WebsitePermissions
        | I::FirewallPorts
        | I::UpdateStatus => &[Q::SecurityTechnical],
        I::PenetrationTest => &[Q::SecurityTechnical, Q::SimulatedAttack],
        I::PasswordPolicy | I::AccessControl | I::KeyStorage => {
            &[Q::SecurityManagement, Q::SecurityTechnical]
        }
    }
}

/// Why a team needs a qualification kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "because", rename_all = "snake_case")]
pub enum Need {
    /// EVAL-7.2: a class-1 assessment needs all four kinds.
    Class1,
    /// EVAL-7.2: class 2 or 3, needed by these selected items.
    Items { items: Vec<AssessmentItem> },
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Need::Class1 => f.write_str("a class-1 assessment needs all four"),
            Need::Items { items } => {
                let ids: Vec<&str> = items.iter().map(|i| i.clause()).collect();
                write!(f, "needed by {}", ids.join(", "))
            }
        }
    }
}

/// EVAL-7.2: the qualification kinds an assessment of a `class` system on
/// `selected` items needs, each with the reason, in kind order.
pub fn needed_kinds(
    class: SystemClass,
    selected: &[AssessmentItem],
) -> Vec<(QualificationKind, Need)> {
    QualificationKind::ALL
        .into_iter()
        .filter_map(|kind| {
            if class == SystemClass::One {
                return Some((kind, Need::Class1));
            }
            let mut items: Vec<AssessmentItem> = selected
                .iter()
                .copied()
                .filter(|i| needed_for(*i).contains(&kind))
                .collect();
            items.sort();
            items.dedup();
            (!items.is_empty()).then_some((kind, Need::Items { items }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn cert(expires: Option<&str>) -> Evidence {
        Evidence::Certificate {
            name: "CISSP".into(),
            number: "123456".into(),
            issuer: "ISC2".into(),
            expires_on: expires.map(d),
        }
    }

    #[test]
    fn eval_7_2_certificate_expired_before_start_does_not_count() {
        let p = QualificationPolicy::default();
        let start = d("2026-12-01");
        assert!(cert(None).counts(&p, start).is_ok());
        assert!(cert(Some("2026-12-01")).counts(&p, start).is_ok());
        let e = cert(Some("2026-11-30")).counts(&p, start).unwrap_err();
        assert_eq!(
            e,
            NotCounted::Expired {
                name: "CISSP".into(),
                number: "123456".into(),
                expired_on: d("2026-11-30"),
                starts_on: start
            }
        );
        let blank = Evidence::Certificate {
            name: "CISSP".into(),
            number: " ".into(),
            issuer: "ISC2".into(),
            expires_on: None,
        };
        assert_eq!(
            blank.counts(&p, start),
            Err(NotCounted::CertificateIncomplete { field: "number" })
        );
    }

    #[test]
    fn eval_7_2_training_and_experience_thresholds_follow_policy() {
        let p = QualificationPolicy {
            min_training_hours: 18,
            min_financial_years: 3,
        };
        let start = d("2026-12-01");
        let training = |hours, proof: &str| Evidence::Training {
            hours,
            proof: proof.into(),
        };
        assert!(training(18, "cert-2026-041.pdf").counts(&p, start).is_ok());
        assert_eq!(
            training(17, "cert.pdf").counts(&p, start),
            Err(NotCounted::TooFewHours {
                hours: 17,
                required: 18
            })
        );
        assert_eq!(training(40, "").counts(&p, start), Err(NotCounted::NoProof));
        let exp = |years| Evidence::FinancialExperience { years };
        assert!(exp(3).counts(&p, start).is_ok());
        assert_eq!(
            exp(2).counts(&p, start),
            Err(NotCounted::TooFewYears {
                years: 2,
                required: 3
            })
        );
    }

    #[test]
    fn eval_7_2_every_kind_is_needed_by_some_item() {
        for kind in QualificationKind::ALL {
            assert!(
                AssessmentItem::ALL
                    .iter()
                    .any(|i| needed_for(*i).contains(&kind)),
                "{kind}"
            );
        }
        for item in AssessmentItem::ALL {
            assert!(!needed_for(item).is_empty(), "{item}");
        }
        assert!(needed_for(AssessmentItem::PenetrationTest).contains(&Q::SimulatedAttack));
    }

    #[test]
    fn eval_7_2_class1_needs_all_four_whatever_the_items() {
        let needs = needed_kinds(SystemClass::One, &[AssessmentItem::Malware]);
        assert_eq!(needs.len(), 4);
        assert!(needs.iter().all(|(_, n)| *n == Need::Class1));
    }

    #[test]
    fn eval_7_2_class2_needs_what_the_chosen_items_need() {
        let needs = needed_kinds(
            SystemClass::Two,
            &[AssessmentItem::PenetrationTest, AssessmentItem::Malware],
        );
        assert_eq!(
            needs,
            vec![
                (
                    Q::SecurityTechnical,
                    Need::Items {
                        items: vec![AssessmentItem::Malware, AssessmentItem::PenetrationTest]
                    }
                ),
                (
                    Q::SimulatedAttack,
                    Need::Items {
                        items: vec![AssessmentItem::PenetrationTest]
                    }
                ),
            ]
        );
        assert_eq!(
            needs[0].1.to_string(),
            "needed by EVAL-4.1.3.2, EVAL-4.1.4.1"
        );
    }

    #[test]
    fn eval_7_2_kind_names_round_trip() {
        for (k, n) in KINDS {
            assert_eq!(QualificationKind::parse("k", n).unwrap(), *k);
        }
        assert!(QualificationKind::parse("--kind", "charisma").is_err());
    }
}
