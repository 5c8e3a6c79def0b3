//! The assessor team of one assessment and whether it is ready to start:
//! qualifications (EVAL-7.2), confidentiality agreements (EVAL-7.3) and
//! independence declarations (EVAL-7.1).
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::independence::Affiliation;
use crate::items::AssessmentItem;
use crate::qualification::{
    needed_kinds, Need, NotCounted, Qualification, QualificationKind, QualificationPolicy,
};
use crate::system::SystemClass;

/// One member of an assessor team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessor {
    /// How problems name the assessor (a name or login).
    pub name: String,
    pub affiliation: Affiliation,
    pub qualifications: Vec<Qualification>,
    /// EVAL-7.3: the day the confidentiality agreement (保密切結書) was signed.
    pub nda_signed_on: Option<NaiveDate>,
    /// EVAL-7.1: the day the assessor declared no interest in the target
    /// (outside firm) or independence from its development and maintenance
    /// units (inside unit).
    pub independence_declared_on: Option<NaiveDate>,
}

/// One thing an assessor team lacks before the assessment may start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "missing", rename_all = "snake_case")]
pub enum Missing {
    #[error("the assessment has no assessor (EVAL-7.2)")]
    NoAssessors,
    #[error("no assessor holds a qualification in {kind} that counts; {need} (EVAL-7.2)")]
    Qualification { kind: QualificationKind, need: Need },
    #[error("{assessor}: {kind} does not count: {why} (EVAL-7.2)")]
    EvidenceNotCounted {
        assessor: String,
        kind: QualificationKind,
        why: NotCounted,
    },
    #[error(
        "{assessor}: no confidentiality agreement signed by the start on {starts_on}{} (EVAL-7.3)",
        late(signed_on)
    )]
    Nda {
        assessor: String,
        signed_on: Option<NaiveDate>,
        starts_on: NaiveDate,
    },
    #[error(
        "{assessor}: no independence declaration signed by the start on {starts_on}{} (EVAL-7.1)",
        late(signed_on)
    )]
    IndependenceDeclaration {
        assessor: String,
        signed_on: Option<NaiveDate>,
        starts_on: NaiveDate,
    },
}

fn late(signed_on: &Option<NaiveDate>) -> String {
    signed_on.map_or(String::new(), |d| format!(" (signed only on {d})"))
}

impl Missing {
    /// The clause that requires what is missing.
    pub fn clause(&self) -> &'static str {
        match self {
            Missing::NoAssessors
            | Missing::Qualification { .. }
            | Missing::EvidenceNotCounted { .. } => "EVAL-7.2",
            Missing::Nda { .. } => "EVAL-7.3",
            Missing::IndependenceDeclaration { .. } => "EVAL-7.1",
        }
    }
}

/// Whether a document signed on `signed_on` is in place by `starts_on`.
fn signed_by(signed_on: Option<NaiveDate>, starts_on: NaiveDate) -> bool {
    signed_on.is_some_and(|d| d <= starts_on)
}

/// Whether `team` may start an assessment of a `class` system on the
/// `selected` items on `starts_on`, or everything that is missing.
///
/// EVAL-7.2: each needed qualification kind (all four for class 1; for
/// classes 2 and 3 those the selected items need, see
/// [`crate::qualification::needed_for`]) is held by at least one assessor
/// with evidence that counts on `starts_on`. For a kind nobody covers, each
/// piece of evidence that failed to count is listed with the reason (an
/// expired certificate, too few hours). EVAL-7.3 and EVAL-7.1: every
/// assessor has signed a confidentiality agreement and an independence
/// declaration on or before `starts_on`.
pub fn team_readiness(
    team: &[Assessor],
    class: SystemClass,
    selected: &[AssessmentItem],
    starts_on: NaiveDate,
    policy: &QualificationPolicy,
) -> Result<(), Vec<Missing>> {
    if team.is_empty() {
        return Err(vec![Missing::NoAssessors]);
    }
    let mut missing = Vec::new();
    for (kind, need) in needed_kinds(class, selected) {
        let mut not_counted = Vec::new();
        let mut covered = false;
        for a in team {
            for q in a.qualifications.iter().filter(|q| q.kind == kind) {
                match q.evidence.counts(policy, starts_on) {
                    Ok(()) => covered = true,
                    Err(why) => not_counted.push(Missing::EvidenceNotCounted {
                        assessor: a.name.clone(),
                        kind,
                        why,
                    }),
                }
            }
        }
        if !covered {
            missing.push(Missing::Qualification { kind, need });
            missing.extend(not_counted);
        }
    }
    for a in team {
        if !signed_by(a.nda_signed_on, starts_on) {
            missing.push(Missing::Nda {
                assessor: a.name.clone(),
                signed_on: a.nda_signed_on,
                starts_on,
            });
        }
        if !signed_by(a.independence_declared_on, starts_on) {
            missing.push(Missing::IndependenceDeclaration {
                assessor: a.name.clone(),
                signed_on: a.independence_declared_on,
                starts_on,
            });
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::qualification::Evidence;
    use QualificationKind as Q;

    pub(crate) fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub(crate) fn cert(kind: QualificationKind, name: &str, expires: &str) -> Qualification {
        Qualification {
            kind,
            evidence: Evidence::Certificate {
                name: name.into(),
                number: format!("{name}-001"),
                issuer: "Issuer".into(),
                expires_on: Some(d(expires)),
            },
        }
    }

    pub(crate) fn assessor(name: &str, qualifications: Vec<Qualification>) -> Assessor {
        Assessor {
            name: name.into(),
            affiliation: Affiliation::OutsideFirm {
                firm: "Beta Security Co".into(),
            },
            qualifications,
            nda_signed_on: Some(d("2026-11-01")),
            independence_declared_on: Some(d("2026-11-01")),
        }
    }

    /// A team that covers all four kinds for an assessment starting on START.
    pub(crate) fn full_team() -> Vec<Assessor> {
        vec![
            assessor(
                "Lin",
                vec![
                    cert(Q::SecurityManagement, "ISO27001LA", "2028-01-01"),
                    cert(Q::SecurityTechnical, "CEH", "2027-06-30"),
                ],
            ),
            assessor(
                "Chen",
                vec![
                    cert(Q::SimulatedAttack, "OSCP", "2030-01-01"),
                    Qualification {
                        kind: Q::FinancialDomain,
                        evidence: Evidence::FinancialExperience { years: 6 },
                    },
                ],
            ),
        ]
    }

    pub(crate) const START: &str = "2026-12-01";

    fn ready(
        team: &[Assessor],
        class: SystemClass,
        items: &[AssessmentItem],
    ) -> Result<(), Vec<Missing>> {
        team_readiness(
            team,
            class,
            items,
            d(START),
            &QualificationPolicy::default(),
        )
    }

    #[test]
    fn eval_7_2_class1_team_must_cover_all_four_qualifications() {
        let team = full_team();
        assert_eq!(ready(&team, SystemClass::One, &AssessmentItem::ALL), Ok(()));
        let only_lin = &team[..1];
        let missing = ready(only_lin, SystemClass::One, &[AssessmentItem::Malware]).unwrap_err();
        assert_eq!(
            missing,
            vec![
                Missing::Qualification {
                    kind: Q::SimulatedAttack,
                    need: Need::Class1
                },
                Missing::Qualification {
                    kind: Q::FinancialDomain,
                    need: Need::Class1
                },
            ]
        );
    }

    #[test]
    fn eval_7_2_class2_team_needs_only_what_chosen_items_need() {
        let lin = &full_team()[..1];
        assert_eq!(
            ready(
                lin,
                SystemClass::Two,
                &[AssessmentItem::Malware, AssessmentItem::FirewallPorts]
            ),
            Ok(())
        );
        let missing =
            ready(lin, SystemClass::Three, &[AssessmentItem::PenetrationTest]).unwrap_err();
        assert_eq!(
            missing,
            vec![Missing::Qualification {
                kind: Q::SimulatedAttack,
                need: Need::Items {
                    items: vec![AssessmentItem::PenetrationTest]
                }
            }]
        );
    }

    #[test]
    fn eval_7_2_expired_certificate_names_the_assessor() {
        let mut team = full_team();
        team[1].qualifications[0] = cert(Q::SimulatedAttack, "OSCP", "2026-11-30");
        let missing = ready(&team, SystemClass::One, &AssessmentItem::ALL).unwrap_err();
        assert_eq!(missing.len(), 2);
        assert!(matches!(
            &missing[1],
            Missing::EvidenceNotCounted { assessor, kind: Q::SimulatedAttack, why: NotCounted::Expired { expired_on, .. } }
                if assessor == "Chen" && *expired_on == d("2026-11-30")
        ));
        assert!(missing[1]
            .to_string()
            .contains("Chen: simulated_attack does not count: certificate OSCP"));
    }

    #[test]
    fn eval_7_2_expired_certificate_is_harmless_when_another_covers_the_kind() {
        let mut team = full_team();
        team[1]
            .qualifications
            .push(cert(Q::SecurityManagement, "CISSP", "2020-01-01"));
        assert_eq!(ready(&team, SystemClass::One, &AssessmentItem::ALL), Ok(()));
    }

    #[test]
    fn eval_7_2_team_without_assessors_is_not_ready() {
        assert_eq!(
            ready(&[], SystemClass::Three, &[AssessmentItem::Malware]),
            Err(vec![Missing::NoAssessors])
        );
    }

    #[test]
    fn eval_7_3_every_assessor_signs_an_nda_before_the_start() {
        let mut team = full_team();
        team[0].nda_signed_on = None;
        team[1].nda_signed_on = Some(d("2026-12-02"));
        let missing = ready(&team, SystemClass::One, &AssessmentItem::ALL).unwrap_err();
        assert_eq!(
            missing,
            vec![
                Missing::Nda {
                    assessor: "Lin".into(),
                    signed_on: None,
                    starts_on: d(START)
                },
                Missing::Nda {
                    assessor: "Chen".into(),
                    signed_on: Some(d("2026-12-02")),
                    starts_on: d(START)
                },
            ]
        );
        assert!(missing.iter().all(|m| m.clause() == "EVAL-7.3"));
        assert!(missing[1].to_string().contains("signed only on 2026-12-02"));
    }

    #[test]
    fn eval_7_1_every_assessor_declares_independence() {
        let mut team = full_team();
        team[1].independence_declared_on = None;
        let missing = ready(&team, SystemClass::One, &AssessmentItem::ALL).unwrap_err();
        assert_eq!(
            missing,
            vec![Missing::IndependenceDeclaration {
                assessor: "Chen".into(),
                signed_on: None,
                starts_on: d(START)
            }]
        );
        assert_eq!(missing[0].clause(), "EVAL-7.1");
    }
}
