//! The numbers the regulation fixes, resolved from a catalog's parameter list
//! into the typed form that the domain rules take.
use serde::Serialize;

use crate::model::{Parameter, Unit};

/// Every parameter the rules need, each looked up by its parameter ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Parameters {
    /// EVAL-3.1: assessment cycle in years for class 1, 2 and 3.
    pub class_cycle_years: [u32; 3],
    /// EVAL-3.2: months within which a major incident forces re-assessment.
    pub incident_reassessment_months: u32,
    /// EVAL-2.2: the plan is re-reviewed at least every this many years.
    pub plan_review_years: u32,
    /// EVAL-8: years a finalised report and its remediation documents are kept.
    pub report_retention_years: u32,
    /// EVAL-6: social-engineering drills required per year.
    pub drills_per_year: u32,
    /// SR-12: lowest fine for a serious violation, NT$.
    pub fine_min_twd: u64,
    /// SR-12: highest fine for a serious violation, NT$.
    pub fine_max_twd: u64,
    /// SR-12: months within which the outcome is reported to the regulator.
    pub violation_report_months: u32,
}

/// The parameter IDs a catalog must define, with their unit.
pub const REQUIRED: &[(&str, Unit)] = &[
    ("assessment-cycle-class-1", Unit::Years),
    ("assessment-cycle-class-2", Unit::Years),
    ("assessment-cycle-class-3", Unit::Years),
    ("incident-reassessment", Unit::Months),
    ("plan-review", Unit::Years),
    ("report-retention", Unit::Years),
    ("drill-frequency", Unit::PerYear),
    ("fine-minimum", Unit::Twd),
    ("fine-maximum", Unit::Twd),
    ("violation-report-deadline", Unit::Months),
];

impl Parameters {
    /// Resolves the required parameters, or says which one is missing,
    /// has the wrong unit or does not fit.
    pub fn resolve(list: &[Parameter]) -> Result<Self, String> {
        let get = |id: &str| -> Result<u64, String> {
            let (_, unit) = REQUIRED
                .iter()
                .find(|(rid, _)| *rid == id)
                .ok_or_else(|| format!("parameter {id} is not a known parameter"))?;
            let p = list
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| format!("parameter {id} is missing"))?;
            if p.unit != *unit {
                return Err(format!(
                    "parameter {id} has unit {}, expected {}",
                    p.unit.as_str(),
                    unit.as_str()
                ));
            }
            Ok(p.value)
        };
        let small = |id: &str| -> Result<u32, String> {
            let v = get(id)?;
            match u32::try_from(v) {
                Ok(v) if v > 0 && v <= 100 => Ok(v),
                _ => Err(format!("parameter {id} = {v} is outside 1..=100")),
            }
        };
        let params = Parameters {
            class_cycle_years: [
                small("assessment-cycle-class-1")?,
                small("assessment-cycle-class-2")?,
                small("assessment-cycle-class-3")?,
            ],
            incident_reassessment_months: small("incident-reassessment")?,
            plan_review_years: small("plan-review")?,
            report_retention_years: small("report-retention")?,
            drills_per_year: small("drill-frequency")?,
            fine_min_twd: get("fine-minimum")?,
            fine_max_twd: get("fine-maximum")?,
            violation_report_months: small("violation-report-deadline")?,
        };
        if params.fine_min_twd > params.fine_max_twd {
            return Err(format!(
                "parameter fine-minimum ({}) exceeds fine-maximum ({})",
                params.fine_min_twd, params.fine_max_twd
            ));
        }
        Ok(params)
    }
}
