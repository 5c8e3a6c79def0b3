//! The assessment plan: it covers every system at its current class
//! (EVAL-2.1) and is approved by the right body (EVAL-2.2).
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::system::SystemClass;
use crate::{parse_name, InvalidInput};

/// A computer system of the company, in-house or outsourced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanySystem {
    pub id: String,
    pub class: SystemClass,
}

/// One line of the plan: a system and the class the plan gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    pub system_id: String,
    pub class: SystemClass,
}

/// What the plan gets wrong about the company's systems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum CoverageProblem {
    #[error("system {system} is not in the plan (EVAL-2.1)")]
    MissingFromPlan { system: String },
    #[error("system {system} is class {} in the plan but class {} now (EVAL-2.1)", plan.number(), current.number())]
    ClassDiffers {
        system: String,
        plan: SystemClass,
        current: SystemClass,
    },
    #[error("the plan names {system}, which is not one of the company's systems (EVAL-2.1)")]
    UnknownSystem { system: String },
    #[error("the plan names {system} more than once (EVAL-2.1)")]
    Duplicate { system: String },
}

/// EVAL-2.1: every problem in how `entries` cover `systems`: systems
/// missing from the plan, entries whose class differs from the system's
/// current class, entries for systems the company does not have, and
/// systems named twice. Systems are matched by exact ID; problems come in
/// the order of `systems`, then of the unknown entries.
pub fn plan_coverage(systems: &[CompanySystem], entries: &[PlanEntry]) -> Vec<CoverageProblem> {
    let mut problems = Vec::new();
    let mut by_id: BTreeMap<&str, SystemClass> = BTreeMap::new();
    let mut twice = BTreeSet::new();
    for e in entries {
        if by_id.insert(e.system_id.as_str(), e.class).is_some() {
            twice.insert(e.system_id.as_str());
        }
    }
    let known: BTreeSet<&str> = systems.iter().map(|s| s.id.as_str()).collect();
    for s in systems {
        match by_id.get(s.id.as_str()) {
            None => problems.push(CoverageProblem::MissingFromPlan {
                system: s.id.clone(),
            }),
            Some(plan) if *plan != s.class => problems.push(CoverageProblem::ClassDiffers {
                system: s.id.clone(),
                plan: *plan,
                current: s.class,
            }),
            Some(_) => {}
        }
        if twice.contains(s.id.as_str()) {
            problems.push(CoverageProblem::Duplicate {
                system: s.id.clone(),
            });
        }
    }
    let mut reported = BTreeSet::new();
    for e in entries {
        let id = e.system_id.as_str();
        if !known.contains(id) && reported.insert(id) {
            problems.push(CoverageProblem::UnknownSystem {
                system: e.system_id.clone(),
            });
        }
    }
    problems
}

/// EVAL-2.2: who may approve the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovingBody {
    /// 董（理）事會.
    Board,
    /// 經其授權之經理部門: management acting on the board's authorisation.
    AuthorisedManagement,
    /// 外國保險業在台分公司 … 在中華民國負責人: a foreign insurer's branch.
    BranchResponsiblePerson,
}

const BODIES: &[(ApprovingBody, &str)] = &[
    (ApprovingBody::Board, "board"),
    (ApprovingBody::AuthorisedManagement, "authorised_management"),
    (
        ApprovingBody::BranchResponsiblePerson,
        "branch_responsible_person",
    ),
];

impl ApprovingBody {
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        parse_name(field, value.trim(), BODIES)
    }

    pub fn as_str(self) -> &'static str {
        BODIES
            .iter()
            .find(|(b, _)| *b == self)
            .map_or("", |(_, n)| n)
    }
}

/// An approval of the plan as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanApproval {
    pub body: ApprovingBody,
    /// For authorised management: the board resolution that authorises it.
    pub board_authorisation: Option<String>,
}

/// EVAL-2.2: refuses an approval by a body that may not approve the plan of
/// this company: authorised management without the board's authorisation
/// named, or a branch's responsible person when the company is not a
/// foreign insurer's branch in Taiwan.
pub fn check_approval(approval: &PlanApproval, foreign_branch: bool) -> Result<(), InvalidInput> {
    match approval.body {
        ApprovingBody::Board => Ok(()),
        ApprovingBody::AuthorisedManagement => {
            if approval
                .board_authorisation
                .as_deref()
                .is_some_and(|a| !a.trim().is_empty())
            {
                Ok(())
            } else {
                Err(InvalidInput::new(
                    "board_authorisation",
                    "management approves the plan only on the board's authorisation; name the board resolution (EVAL-2.2)",
                ))
            }
        }
        ApprovingBody::BranchResponsiblePerson => {
            if foreign_branch {
                Ok(())
            } else {
                Err(InvalidInput::new(
                    "body",
                    "only a foreign insurer's branch in Taiwan may have its plan approved by its responsible person (EVAL-2.2)",
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(id: &str, class: u8) -> CompanySystem {
        CompanySystem {
            id: id.into(),
            class: SystemClass::try_from(class).unwrap(),
        }
    }

    fn entry(id: &str, class: u8) -> PlanEntry {
        PlanEntry {
            system_id: id.into(),
            class: SystemClass::try_from(class).unwrap(),
        }
    }

    #[test]
    fn eval_2_1_plan_covering_every_system_at_its_class_passes() {
        let systems = [sys("WEB", 1), sys("CORE", 2), sys("HR", 3)];
        let entries = [entry("HR", 3), entry("WEB", 1), entry("CORE", 2)];
        assert!(plan_coverage(&systems, &entries).is_empty());
    }

    #[test]
    fn eval_2_1_missing_systems_and_changed_classes_are_reported() {
        let systems = [sys("WEB", 1), sys("CORE", 2), sys("HR", 3)];
        let entries = [
            entry("CORE", 3),
            entry("OLD", 2),
            entry("WEB", 1),
            entry("WEB", 1),
        ];
        assert_eq!(
            plan_coverage(&systems, &entries),
            vec![
                CoverageProblem::Duplicate {
                    system: "WEB".into()
                },
                CoverageProblem::ClassDiffers {
                    system: "CORE".into(),
                    plan: SystemClass::Three,
                    current: SystemClass::Two
                },
                CoverageProblem::MissingFromPlan {
                    system: "HR".into()
                },
                CoverageProblem::UnknownSystem {
                    system: "OLD".into()
                },
            ]
        );
    }

    #[test]
    fn eval_2_1_empty_plan_misses_every_system() {
        let systems = [sys("WEB", 1), sys("CORE", 2)];
        let problems = plan_coverage(&systems, &[]);
        assert_eq!(problems.len(), 2);
        assert_eq!(
            problems[1].to_string(),
            "system CORE is not in the plan (EVAL-2.1)"
        );
    }

    #[test]
    fn eval_2_2_approving_bodies() {
        let approval = |body, auth: Option<&str>| PlanApproval {
            body,
            board_authorisation: auth.map(str::to_string),
        };
        assert!(check_approval(&approval(ApprovingBody::Board, None), false).is_ok());
        assert!(check_approval(
            &approval(
                ApprovingBody::AuthorisedManagement,
                Some("Board resolution 2026-07")
            ),
            false
        )
        .is_ok());
        let e = check_approval(
            &approval(ApprovingBody::AuthorisedManagement, Some(" ")),
            false,
        )
        .unwrap_err();
        assert_eq!(e.field, "board_authorisation");
        assert!(check_approval(
            &approval(ApprovingBody::BranchResponsiblePerson, None),
            true
        )
        .is_ok());
        assert_eq!(
            check_approval(
                &approval(ApprovingBody::BranchResponsiblePerson, None),
                false
            )
            .unwrap_err()
            .field,
            "body"
        );
        for (b, n) in BODIES {
            assert_eq!(ApprovingBody::parse("b", n).unwrap(), *b);
        }
        assert!(ApprovingBody::parse("--body", "ceo").is_err());
    }
}
