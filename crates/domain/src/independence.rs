//! EVAL-7.1 assessor independence: an outside firm has no stake in the
//! target system; an inside assessor sits in an independent unit, apart from
//! the system's development and maintenance units.
use serde::{Deserialize, Serialize};

/// Where an assessor comes from (EVAL-7.1: 外部專業機構 or 內部單位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "affiliation", rename_all = "snake_case")]
pub enum Affiliation {
    /// An outside professional firm, by name.
    OutsideFirm { firm: String },
    /// A unit of the company itself, by name.
    Inside { unit: String },
}

/// The units (in-house units or outside vendors) that develop and maintain
/// the system under assessment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemUnits {
    pub development: Vec<String>,
    pub maintenance: Vec<String>,
}

/// Why an assessor is not independent of the system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum IndependenceProblem {
    #[error("the outside firm is not named (EVAL-7.1)")]
    FirmNotNamed,
    #[error("the inside unit is not named (EVAL-7.1)")]
    UnitNotNamed,
    #[error("outside firm {firm:?} develops the system, so it has an interest in it (EVAL-7.1)")]
    FirmDevelopsSystem { firm: String },
    #[error("outside firm {firm:?} maintains the system, so it has an interest in it (EVAL-7.1)")]
    FirmMaintainsSystem { firm: String },
    #[error("unit {unit:?} is not one of the company's independent units (EVAL-7.1)")]
    NotInIndependentUnit { unit: String },
    #[error("unit {unit:?} develops the system (EVAL-7.1)")]
    InDevelopmentUnit { unit: String },
    #[error("unit {unit:?} maintains the system (EVAL-7.1)")]
    InMaintenanceUnit { unit: String },
}

/// A unit or firm name for comparison: lower case, with all white space
/// (including the ideographic space) removed, so that `IT Ops`, `it ops`
/// and `ITOps` compare equal.
pub fn normalise_unit(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn among(name: &str, units: &[String]) -> bool {
    let n = normalise_unit(name);
    units.iter().any(|u| normalise_unit(u) == n)
}

/// EVAL-7.1: every reason why an assessor of `affiliation` is not
/// independent of a system developed and maintained by `system`, given the
/// company's `independent_units` (e.g. internal audit, the security office).
/// An empty list means independent.
pub fn independence_problems(
    affiliation: &Affiliation,
    system: &SystemUnits,
    independent_units: &[String],
) -> Vec<IndependenceProblem> {
    let mut problems = Vec::new();
    match affiliation {
        Affiliation::OutsideFirm { firm } => {
            if normalise_unit(firm).is_empty() {
                problems.push(IndependenceProblem::FirmNotNamed);
                return problems;
            }
            if among(firm, &system.development) {
                problems.push(IndependenceProblem::FirmDevelopsSystem { firm: firm.clone() });
            }
            if among(firm, &system.maintenance) {
                problems.push(IndependenceProblem::FirmMaintainsSystem { firm: firm.clone() });
            }
        }
        Affiliation::Inside { unit } => {
            if normalise_unit(unit).is_empty() {
                problems.push(IndependenceProblem::UnitNotNamed);
                return problems;
            }
            if !among(unit, independent_units) {
                problems.push(IndependenceProblem::NotInIndependentUnit { unit: unit.clone() });
            }
            if among(unit, &system.development) {
                problems.push(IndependenceProblem::InDevelopmentUnit { unit: unit.clone() });
            }
            if among(unit, &system.maintenance) {
                problems.push(IndependenceProblem::InMaintenanceUnit { unit: unit.clone() });
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units() -> SystemUnits {
        SystemUnits {
            development: vec!["資訊部 開發科".into(), "Acme Software Ltd".into()],
            maintenance: vec!["IT Operations".into()],
        }
    }

    fn independent() -> Vec<String> {
        vec!["稽核室".into(), "Information Security Office".into()]
    }

    fn inside(unit: &str) -> Affiliation {
        Affiliation::Inside { unit: unit.into() }
    }

    #[test]
    fn eval_7_1_inside_assessor_from_independent_unit_passes() {
        assert!(independence_problems(&inside(" 稽核室"), &units(), &independent()).is_empty());
        assert!(independence_problems(
            &inside("information  security office"),
            &units(),
            &independent()
        )
        .is_empty());
    }

    #[test]
    fn eval_7_1_inside_assessor_in_maintenance_unit_is_refused_despite_case_and_spaces() {
        let mut ind = independent();
        ind.push("it operations".into());
        let p = independence_problems(&inside("  IT\u{3000}Operations "), &units(), &ind);
        assert_eq!(
            p,
            vec![IndependenceProblem::InMaintenanceUnit {
                unit: "  IT\u{3000}Operations ".into()
            }]
        );
    }

    #[test]
    fn eval_7_1_inside_assessor_outside_independent_units_and_in_development() {
        let p = independence_problems(&inside("資訊部開發科"), &units(), &independent());
        assert_eq!(
            p,
            vec![
                IndependenceProblem::NotInIndependentUnit {
                    unit: "資訊部開發科".into()
                },
                IndependenceProblem::InDevelopmentUnit {
                    unit: "資訊部開發科".into()
                },
            ]
        );
    }

    #[test]
    fn eval_7_1_outside_firm_that_develops_the_system_has_an_interest() {
        let firm = |f: &str| Affiliation::OutsideFirm { firm: f.into() };
        assert!(independence_problems(&firm("Beta Security Co"), &units(), &[]).is_empty());
        assert_eq!(
            independence_problems(&firm("ACME software ltd"), &units(), &[]),
            vec![IndependenceProblem::FirmDevelopsSystem {
                firm: "ACME software ltd".into()
            }]
        );
        assert_eq!(
            independence_problems(&firm(" "), &units(), &[]),
            vec![IndependenceProblem::FirmNotNamed]
        );
        assert_eq!(
            independence_problems(&inside(""), &units(), &independent()),
            vec![IndependenceProblem::UnitNotNamed]
        );
    }
}
