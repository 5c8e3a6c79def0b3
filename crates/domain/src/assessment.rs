//! One security assessment's status (planned → in progress → completed) and
//! the gates to start it (EVAL-4.2, EVAL-7.1-7.3) and to complete it.
use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::independence::{independence_problems, IndependenceProblem, SystemUnits};
use crate::items::{
    validate_selection, AssessmentItem, ItemChoice, ItemDecision, SelectionProblem,
};
use crate::qualification::QualificationPolicy;
use crate::system::SystemClass;
use crate::team::{team_readiness, Assessor, Missing};
use crate::{parse_name, InvalidInput};

/// Where an assessment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStatus {
    Planned,
    InProgress,
    Completed,
}

const STATUSES: &[(AssessmentStatus, &str)] = &[
    (AssessmentStatus::Planned, "planned"),
    (AssessmentStatus::InProgress, "in_progress"),
    (AssessmentStatus::Completed, "completed"),
];

impl AssessmentStatus {
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        parse_name(field, value.trim(), STATUSES)
    }

    pub fn as_str(self) -> &'static str {
        STATUSES
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("", |(_, n)| n)
    }
}

impl fmt::Display for AssessmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one assessed item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ItemResult {
    Satisfied,
    NotSatisfied,
    /// Not applicable to this system, with the written reason.
    NotApplicable {
        reason: String,
    },
}

/// One row of an assessment's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemOutcome {
    pub item: AssessmentItem,
    #[serde(flatten)]
    pub result: ItemResult,
}

/// Everything the start gate looks at.
#[derive(Debug, Clone, Copy)]
pub struct StartInput<'a> {
    pub status: AssessmentStatus,
    pub class: SystemClass,
    pub decisions: &'a [ItemDecision],
    pub team: &'a [Assessor],
    pub starts_on: NaiveDate,
    /// Who develops and maintains the system under assessment.
    pub system_units: &'a SystemUnits,
    /// The company's units independent of development and maintenance.
    pub independent_units: &'a [String],
    pub policy: &'a QualificationPolicy,
}

/// Why an assessment may not start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "gate", rename_all = "snake_case")]
pub enum StartProblem {
    #[error("the assessment is {status}, not planned")]
    NotPlanned { status: AssessmentStatus },
    #[error("{problem}")]
    Selection { problem: SelectionProblem },
    #[error("{missing}")]
    Team { missing: Missing },
    #[error("{assessor}: {problem}")]
    Independence {
        assessor: String,
        problem: IndependenceProblem,
    },
}

/// The start gate: a planned assessment starts only with a valid item
/// selection (EVAL-4.2), a ready team (EVAL-7.1, 7.2, 7.3) and assessors
/// independent of the system (EVAL-7.1). Returns the selected items, or
/// every problem at once.
pub fn start_gate(input: &StartInput<'_>) -> Result<Vec<AssessmentItem>, Vec<StartProblem>> {
    let mut problems = Vec::new();
    if input.status != AssessmentStatus::Planned {
        problems.push(StartProblem::NotPlanned {
            status: input.status,
        });
    }
    let selected = match validate_selection(input.class, input.decisions) {
        Ok(selected) => selected,
        Err(list) => {
            problems.extend(
                list.into_iter()
                    .map(|problem| StartProblem::Selection { problem }),
            );
            // Check the team against what is selected so far.
            let mut s: Vec<AssessmentItem> = input
                .decisions
                .iter()
                .filter(|d| d.choice == ItemChoice::Selected)
                .map(|d| d.item)
                .collect();
            s.sort();
            s.dedup();
            s
        }
    };
    if let Err(list) = team_readiness(
        input.team,
        input.class,
        &selected,
        input.starts_on,
        input.policy,
    ) {
        problems.extend(
            list.into_iter()
                .map(|missing| StartProblem::Team { missing }),
        );
    }
    for a in input.team {
        for problem in
            independence_problems(&a.affiliation, input.system_units, input.independent_units)
        {
            problems.push(StartProblem::Independence {
                assessor: a.name.clone(),
                problem,
            });
        }
    }
    if problems.is_empty() {
        Ok(selected)
    } else {
        Err(problems)
    }
}

/// Why an assessment may not be completed, or which results are lacking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum CompletionProblem {
    #[error("the assessment is {status}, not in progress")]
    NotInProgress { status: AssessmentStatus },
    #[error("{item}: selected but has no result (EVAL-4.2)")]
    NoResult { item: AssessmentItem },
    #[error("{item}: marked not applicable without a written reason (EVAL-4.2)")]
    NotApplicableWithoutReason { item: AssessmentItem },
    #[error("{item}: has a result but was not selected")]
    NotSelected { item: AssessmentItem },
    #[error("{item}: has more than one result")]
    ResultTwice { item: AssessmentItem },
}

/// Checks `outcomes` against the `selected` items: every selected item has
/// exactly one result, a not-applicable result has a reason, and no result
/// is for an item that was not selected. Problems come in item order.
pub fn result_problems(
    selected: &[AssessmentItem],
    outcomes: &[ItemOutcome],
) -> Vec<CompletionProblem> {
    let mut problems = Vec::new();
    let mut by_item: BTreeMap<AssessmentItem, &ItemResult> = BTreeMap::new();
    for o in outcomes {
        if by_item.insert(o.item, &o.result).is_some() {
            let twice = CompletionProblem::ResultTwice { item: o.item };
            if !problems.contains(&twice) {
                problems.push(twice);
            }
        }
    }
    for item in AssessmentItem::ALL {
        let is_selected = selected.contains(&item);
        match (is_selected, by_item.get(&item)) {
            (true, None) => problems.push(CompletionProblem::NoResult { item }),
            (false, Some(_)) => problems.push(CompletionProblem::NotSelected { item }),
            (true, Some(ItemResult::NotApplicable { reason })) if reason.trim().is_empty() => {
                problems.push(CompletionProblem::NotApplicableWithoutReason { item })
            }
            _ => {}
        }
    }
    let item_of = |p: &CompletionProblem| match p {
        CompletionProblem::NoResult { item }
        | CompletionProblem::NotApplicableWithoutReason { item }
        | CompletionProblem::NotSelected { item }
        | CompletionProblem::ResultTwice { item } => Some(*item),
        CompletionProblem::NotInProgress { .. } => None,
    };
    problems.sort_by_key(item_of);
    problems
}

/// The completion gate: an assessment in progress is completed only when
/// every selected item has a result (satisfied, not satisfied, or not
/// applicable with a reason).
pub fn completion_gate(
    status: AssessmentStatus,
    selected: &[AssessmentItem],
    outcomes: &[ItemOutcome],
) -> Result<(), Vec<CompletionProblem>> {
    let mut problems = Vec::new();
    if status != AssessmentStatus::InProgress {
        problems.push(CompletionProblem::NotInProgress { status });
    }
    problems.extend(result_problems(selected, outcomes));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::independence::Affiliation;
    use crate::qualification::QualificationKind;
    use crate::team::tests::{d, full_team, START};

    fn all_selected() -> Vec<ItemDecision> {
        AssessmentItem::ALL.map(ItemDecision::selected).to_vec()
    }

    fn units() -> SystemUnits {
        SystemUnits {
            development: vec!["Core Dev".into()],
            maintenance: vec!["IT Ops".into()],
        }
    }

    fn all_satisfied() -> Vec<ItemOutcome> {
        AssessmentItem::ALL
            .map(|item| ItemOutcome {
                item,
                result: ItemResult::Satisfied,
            })
            .to_vec()
    }

    #[test]
    fn eval_4_2_start_gate_passes_a_ready_class1_assessment() {
        let (decisions, team, units, policy) = (
            all_selected(),
            full_team(),
            units(),
            QualificationPolicy::default(),
        );
        let input = StartInput {
            status: AssessmentStatus::Planned,
            class: SystemClass::One,
            decisions: &decisions,
            team: &team,
            starts_on: d(START),
            system_units: &units,
            independent_units: &[],
            policy: &policy,
        };
        assert_eq!(start_gate(&input).unwrap().len(), 17);
    }

    #[test]
    fn eval_7_start_gate_lists_selection_team_and_independence_problems_together() {
        let mut decisions = all_selected();
        decisions[0] = ItemDecision::left_out(AssessmentItem::NetworkArchitecture, "");
        let mut team = full_team();
        team.truncate(1);
        team[0].affiliation = Affiliation::Inside {
            unit: "it ops".into(),
        };
        team[0].nda_signed_on = None;
        let (units, policy) = (units(), QualificationPolicy::default());
        let input = StartInput {
            status: AssessmentStatus::InProgress,
            class: SystemClass::Two,
            decisions: &decisions,
            team: &team,
            starts_on: d(START),
            system_units: &units,
            independent_units: &["Audit".to_string()],
            policy: &policy,
        };
        let problems = start_gate(&input).unwrap_err();
        assert_eq!(
            problems,
            vec![
                StartProblem::NotPlanned {
                    status: AssessmentStatus::InProgress
                },
                StartProblem::Selection {
                    problem: SelectionProblem::ReasonMissing {
                        item: AssessmentItem::NetworkArchitecture
                    }
                },
                StartProblem::Team {
                    missing: Missing::Qualification {
                        kind: QualificationKind::SimulatedAttack,
                        need: crate::qualification::Need::Items {
                            items: vec![AssessmentItem::PenetrationTest]
                        }
                    }
                },
                StartProblem::Team {
                    missing: Missing::Qualification {
                        kind: QualificationKind::FinancialDomain,
                        need: crate::qualification::Need::Items {
                            items: vec![
                                AssessmentItem::BusinessContinuity,
                                AssessmentItem::AccessLogs,
                                AssessmentItem::WebsiteAnomalies
                            ]
                        }
                    }
                },
                StartProblem::Team {
                    missing: Missing::Nda {
                        assessor: "Lin".into(),
                        signed_on: None,
                        starts_on: d(START)
                    }
                },
                StartProblem::Independence {
                    assessor: "Lin".into(),
                    problem: IndependenceProblem::NotInIndependentUnit {
                        unit: "it ops".into()
                    }
                },
                StartProblem::Independence {
                    assessor: "Lin".into(),
                    problem: IndependenceProblem::InMaintenanceUnit {
                        unit: "it ops".into()
                    }
                },
            ]
        );
    }

    #[test]
    fn eval_4_2_completion_needs_a_result_for_every_selected_item() {
        let all = AssessmentItem::ALL.to_vec();
        assert_eq!(
            completion_gate(AssessmentStatus::InProgress, &all, &all_satisfied()),
            Ok(())
        );
        let mut outcomes = all_satisfied();
        outcomes.remove(9);
        outcomes[0].result = ItemResult::NotApplicable { reason: " ".into() };
        outcomes[1].result = ItemResult::NotApplicable {
            reason: "single-site batch system".into(),
        };
        outcomes[2].result = ItemResult::NotSatisfied;
        let problems = completion_gate(AssessmentStatus::InProgress, &all, &outcomes).unwrap_err();
        assert_eq!(
            problems,
            vec![
                CompletionProblem::NotApplicableWithoutReason {
                    item: AssessmentItem::NetworkArchitecture
                },
                CompletionProblem::NoResult {
                    item: AssessmentItem::PenetrationTest
                },
            ]
        );
    }

    #[test]
    fn eval_4_2_completion_refuses_results_for_unselected_items_and_wrong_status() {
        let selected = [AssessmentItem::Malware];
        let outcomes = vec![
            ItemOutcome {
                item: AssessmentItem::Malware,
                result: ItemResult::Satisfied,
            },
            ItemOutcome {
                item: AssessmentItem::Malware,
                result: ItemResult::NotSatisfied,
            },
            ItemOutcome {
                item: AssessmentItem::KeyStorage,
                result: ItemResult::Satisfied,
            },
        ];
        let problems =
            completion_gate(AssessmentStatus::Planned, &selected, &outcomes).unwrap_err();
        assert_eq!(
            problems,
            vec![
                CompletionProblem::NotInProgress {
                    status: AssessmentStatus::Planned
                },
                CompletionProblem::ResultTwice {
                    item: AssessmentItem::Malware
                },
                CompletionProblem::NotSelected {
                    item: AssessmentItem::KeyStorage
                },
            ]
        );
    }

    #[test]
    fn assessment_status_names_round_trip() {
        for (s, n) in STATUSES {
            assert_eq!(AssessmentStatus::parse("s", n).unwrap(), *s);
        }
        assert!(AssessmentStatus::parse("--status", "done").is_err());
    }
}
