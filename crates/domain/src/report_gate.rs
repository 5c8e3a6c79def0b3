//! The EVAL-8 completeness gate: what a yearly assessment report must hold
//! before it may be finalised, with everything missing listed at once.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use zilv_catalog::Parameters;

use crate::assessment::{result_problems, CompletionProblem, ItemOutcome};
use crate::finding::Severity;
use crate::items::AssessmentItem;
use crate::qualification::QualificationPolicy;
use crate::system::SystemClass;
use crate::team::{team_readiness, Assessor, Missing};

/// One assessment the report covers (its scope, team and results).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAssessment {
    /// How problems name the assessed system (its code).
    pub system: String,
    pub class: SystemClass,
    pub starts_on: NaiveDate,
    pub selected: Vec<AssessmentItem>,
    pub outcomes: Vec<ItemOutcome>,
    pub team: Vec<Assessor>,
}

/// One finding as the report states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFinding {
    /// How problems name the finding.
    pub id: String,
    pub severity: Option<Severity>,
    pub category: String,
    pub risk_description: String,
    pub recommendation: String,
}

/// One social-engineering drill (EVAL-6) of the report year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDrill {
    pub held_on: NaiveDate,
    /// Whether the drill's results are in the report.
    pub results_recorded: bool,
}

/// Everything the report gate looks at: plain values, no storage types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportInput {
    /// The calendar year the report covers.
    pub year: i32,
    pub assessments: Vec<ReportAssessment>,
    pub findings: Vec<ReportFinding>,
    pub drills: Vec<ReportDrill>,
}

/// A part of a finding that EVAL-8 requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingField {
    Severity,
    Category,
    RiskDescription,
    Recommendation,
}

impl FindingField {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingField::Severity => "severity",
            FindingField::Category => "category",
            FindingField::RiskDescription => "risk description",
            FindingField::Recommendation => "recommendation",
        }
    }
}

fn fields(list: &[FindingField]) -> String {
    list.iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a report may not be finalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReportProblem {
    #[error("the report covers no assessment, so it has no scope (EVAL-8)")]
    NoScope,
    #[error("{system}: the assessor team is not qualified: {} (EVAL-8, EVAL-7)", missing.iter().map(|m| m.to_string()).collect::<Vec<_>>().join("; "))]
    TeamNotQualified {
        system: String,
        missing: Vec<Missing>,
    },
    #[error("{system}: item {item} of a class-{} system is not done (EVAL-4.2, EVAL-8)", class.number())]
    ItemNotDone {
        system: String,
        class: SystemClass,
        item: AssessmentItem,
    },
    #[error("{system}: {problem}")]
    Results {
        system: String,
        problem: CompletionProblem,
    },
    #[error("finding {finding}: lacks its {} (EVAL-8)", fields(missing))]
    FindingIncomplete {
        finding: String,
        missing: Vec<FindingField>,
    },
    #[error("{held} social-engineering drill(s) in {year}, at least {required} required (EVAL-6, EVAL-8)")]
    DrillsMissing { year: i32, held: u32, required: u32 },
    #[error("the social-engineering drill of {held_on} has no results in the report (EVAL-8)")]
    DrillResultsMissing { held_on: NaiveDate },
}

/// EVAL-8: whether the report may be finalised, or everything it lacks.
///
/// It needs: at least one assessment (the scope); for each, a team qualified
/// on the assessment's start date (EVAL-7.1-7.3 via [`team_readiness`]); every
/// item done (all 17 for class 1, the selected ones otherwise; not
/// applicable only with a reason); every finding with severity, category,
/// risk description and recommendation; and at least the catalog's
/// `drills_per_year` social-engineering drills (EVAL-6) held in the report
/// year, each with its results.
pub fn report_gate(
    input: &ReportInput,
    policy: &QualificationPolicy,
    params: &Parameters,
) -> Result<(), Vec<ReportProblem>> {
    let mut problems = Vec::new();
    if input.assessments.is_empty() {
        problems.push(ReportProblem::NoScope);
    }
    for a in &input.assessments {
        let required: Vec<AssessmentItem> = match a.class {
            SystemClass::One => AssessmentItem::ALL.to_vec(),
            _ => a.selected.clone(),
        };
        if let Err(missing) = team_readiness(&a.team, a.class, &required, a.starts_on, policy) {
            problems.push(ReportProblem::TeamNotQualified {
                system: a.system.clone(),
                missing,
            });
        }
        for problem in result_problems(&required, &a.outcomes) {
            problems.push(match problem {
                CompletionProblem::NoResult { item } => ReportProblem::ItemNotDone {
                    system: a.system.clone(),
                    class: a.class,
                    item,
                },
                problem => ReportProblem::Results {
                    system: a.system.clone(),
                    problem,
                },
            });
        }
    }
    for f in &input.findings {
        let mut missing = Vec::new();
        if f.severity.is_none() {
            missing.push(FindingField::Severity);
        }
        for (field, text) in [
            (FindingField::Category, &f.category),
            (FindingField::RiskDescription, &f.risk_description),
            (FindingField::Recommendation, &f.recommendation),
        ] {
            if text.trim().is_empty() {
                missing.push(field);
            }
        }
        if !missing.is_empty() {
            problems.push(ReportProblem::FindingIncomplete {
                finding: f.id.clone(),
                missing,
            });
        }
    }
    let in_year: Vec<&ReportDrill> = input
        .drills
        .iter()
        .filter(|d| d.held_on.year() == input.year)
        .collect();
    let held = u32::try_from(in_year.len()).unwrap_or(u32::MAX);
    if held < params.drills_per_year {
        problems.push(ReportProblem::DrillsMissing {
            year: input.year,
            held,
            required: params.drills_per_year,
        });
    }
    for d in in_year.iter().filter(|d| !d.results_recorded) {
        problems.push(ReportProblem::DrillResultsMissing { held_on: d.held_on });
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::ItemResult;
    use crate::qualification::{Need, QualificationKind};
    use crate::team::tests::{d, full_team, START};
    use zilv_catalog::Registry;

    fn params() -> Parameters {
        Registry::builtin().unwrap().latest().unwrap().params
    }

    fn satisfied(items: &[AssessmentItem]) -> Vec<ItemOutcome> {
        items
            .iter()
            .map(|item| ItemOutcome {
                item: *item,
                result: ItemResult::Satisfied,
            })
            .collect()
    }

    fn finding(id: &str) -> ReportFinding {
        ReportFinding {
            id: id.into(),
            severity: Some(Severity::High),
            category: "configuration".into(),
            risk_description: "SMB signing disabled allows relay attacks".into(),
            recommendation: "Require SMB signing by group policy".into(),
        }
    }

    fn complete() -> ReportInput {
        ReportInput {
            year: 2026,
            assessments: vec![ReportAssessment {
                system: "WEB-POLICY".into(),
                class: SystemClass::One,
                starts_on: d(START),
                selected: AssessmentItem::ALL.to_vec(),
                outcomes: satisfied(&AssessmentItem::ALL),
                team: full_team(),
            }],
            findings: vec![finding("F-1")],
            drills: vec![ReportDrill {
                held_on: d("2026-05-12"),
                results_recorded: true,
            }],
        }
    }

    fn gate(input: &ReportInput) -> Result<(), Vec<ReportProblem>> {
        report_gate(input, &QualificationPolicy::default(), &params())
    }

    #[test]
    fn eval_8_complete_report_may_be_finalised() {
        assert_eq!(gate(&complete()), Ok(()));
    }

    #[test]
    fn eval_8_report_without_assessments_has_no_scope() {
        let mut input = complete();
        input.assessments.clear();
        assert_eq!(gate(&input), Err(vec![ReportProblem::NoScope]));
    }

    #[test]
    fn eval_8_class1_item_not_done_blocks_the_report() {
        let mut input = complete();
        // Even if the stored selection lacks it, class 1 needs every item.
        input.assessments[0]
            .selected
            .retain(|i| *i != AssessmentItem::KeyStorage);
        input.assessments[0]
            .outcomes
            .retain(|o| o.item != AssessmentItem::KeyStorage);
        assert_eq!(
            gate(&input),
            Err(vec![ReportProblem::ItemNotDone {
                system: "WEB-POLICY".into(),
                class: SystemClass::One,
                item: AssessmentItem::KeyStorage
            }])
        );
    }

    #[test]
    fn eval_8_class2_only_selected_items_must_be_done() {
        let mut input = complete();
        let a = &mut input.assessments[0];
        a.class = SystemClass::Two;
        a.selected = vec![AssessmentItem::Malware, AssessmentItem::FirewallPorts];
        a.outcomes = satisfied(&[AssessmentItem::Malware]);
        a.outcomes.push(ItemOutcome {
            item: AssessmentItem::FirewallPorts,
            result: ItemResult::NotApplicable { reason: "".into() },
        });
        assert_eq!(
            gate(&input),
            Err(vec![ReportProblem::Results {
                system: "WEB-POLICY".into(),
                problem: CompletionProblem::NotApplicableWithoutReason {
                    item: AssessmentItem::FirewallPorts
                }
            }])
        );
    }

    #[test]
    fn eval_8_unqualified_team_blocks_the_report() {
        let mut input = complete();
        input.assessments[0].team.truncate(1);
        let problems = gate(&input).unwrap_err();
        assert_eq!(problems.len(), 1);
        let ReportProblem::TeamNotQualified { system, missing } = &problems[0] else {
            panic!("{problems:?}");
        };
        assert_eq!(system, "WEB-POLICY");
        assert_eq!(
            missing[0],
            Missing::Qualification {
                kind: QualificationKind::SimulatedAttack,
                need: Need::Class1
            }
        );
        input.assessments[0].team.clear();
        let problems = gate(&input).unwrap_err();
        assert!(
            problems[0].to_string().contains("has no assessor"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn eval_8_finding_needs_severity_category_risk_and_recommendation() {
        let mut input = complete();
        let mut bad = finding("F-2");
        bad.severity = None;
        bad.risk_description = "  ".into();
        bad.recommendation = String::new();
        let mut no_category = finding("F-3");
        no_category.category = "\n".into();
        input.findings.extend([bad, no_category]);
        let problems = gate(&input).unwrap_err();
        assert_eq!(
            problems,
            vec![
                ReportProblem::FindingIncomplete {
                    finding: "F-2".into(),
                    missing: vec![
                        FindingField::Severity,
                        FindingField::RiskDescription,
                        FindingField::Recommendation
                    ]
                },
                ReportProblem::FindingIncomplete {
                    finding: "F-3".into(),
                    missing: vec![FindingField::Category]
                },
            ]
        );
        assert_eq!(
            problems[0].to_string(),
            "finding F-2: lacks its severity, risk description, recommendation (EVAL-8)"
        );
    }

    #[test]
    fn eval_6_report_needs_a_drill_in_the_report_year() {
        let mut input = complete();
        input.drills = vec![ReportDrill {
            held_on: d("2025-12-31"),
            results_recorded: true,
        }];
        assert_eq!(
            gate(&input),
            Err(vec![ReportProblem::DrillsMissing {
                year: 2026,
                held: 0,
                required: 1
            }])
        );
        input.drills.push(ReportDrill {
            held_on: d("2026-01-01"),
            results_recorded: false,
        });
        assert_eq!(
            gate(&input),
            Err(vec![ReportProblem::DrillResultsMissing {
                held_on: d("2026-01-01")
            }])
        );
    }

    #[test]
    fn eval_6_drill_count_follows_the_catalog_parameter() {
        let mut p = params();
        p.drills_per_year = 2;
        let problems = report_gate(&complete(), &QualificationPolicy::default(), &p).unwrap_err();
        assert_eq!(
            problems,
            vec![ReportProblem::DrillsMissing {
                year: 2026,
                held: 1,
                required: 2
            }]
        );
    }

    #[test]
    fn eval_8_every_gap_is_listed_at_once() {
        let mut input = complete();
        input.assessments[0].team.truncate(1);
        input.assessments[0].outcomes.pop();
        input.findings[0].severity = None;
        input.drills.clear();
        let problems = gate(&input).unwrap_err();
        let kinds: Vec<&str> = problems
            .iter()
            .map(|p| match p {
                ReportProblem::TeamNotQualified { .. } => "team",
                ReportProblem::ItemNotDone { .. } => "item",
                ReportProblem::FindingIncomplete { .. } => "finding",
                ReportProblem::DrillsMissing { .. } => "drill",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["team", "item", "finding", "drill"]);
    }

    #[test]
    fn eval_8_problems_serialise_as_tagged_json() {
        let mut input = complete();
        input.assessments[0].team[1].qualifications[0] =
            crate::team::tests::cert(QualificationKind::SimulatedAttack, "OSCP", "2026-01-31");
        input.findings[0].category.clear();
        let problems = gate(&input).unwrap_err();
        let json = serde_json::to_value(&problems).unwrap();
        assert_eq!(json[0]["kind"], "team_not_qualified");
        assert_eq!(json[0]["missing"][0]["missing"], "qualification");
        assert_eq!(json[0]["missing"][0]["need"]["because"], "class1");
        assert_eq!(json[0]["missing"][1]["why"]["reason"], "expired");
        assert_eq!(json[0]["missing"][1]["why"]["expired_on"], "2026-01-31");
        assert_eq!(json[1]["kind"], "finding_incomplete");
        assert_eq!(json[1]["missing"][0], "category");
    }
}
