//! Deadlines: when a system's next assessment is due (EVAL-3.1, EVAL-3.2) and
//! when the assessment plan must be reviewed again (EVAL-2.2).
//!
//! Every period comes from the catalog's [`Parameters`]; `today` is passed in.
use chrono::NaiveDate;
use serde::Serialize;
use zilv_catalog::Parameters;

use crate::date::{add_months, add_years};
use crate::system::SystemClass;

/// A deadline within this many days counts as due soon.
pub const DUE_SOON_DAYS: i64 = 90;

/// A major information-security incident in one system (EVAL-3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MajorIncident {
    pub occurred_on: NaiveDate,
    /// Whether it harmed consumers' rights (致影響消費者權益).
    pub harms_consumers: bool,
}

/// Why a deadline falls where it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum DueBasis {
    /// EVAL-3.1: never assessed, so due at once.
    NeverAssessed,
    /// EVAL-3.1: the class cycle counted from the last completed assessment.
    ClassCycle {
        class: SystemClass,
        last_completed: NaiveDate,
        years: u32,
    },
    /// EVAL-3.2: re-assessment after a major incident that harmed consumers.
    MajorIncident { occurred_on: NaiveDate, months: u32 },
    /// EVAL-2.2: no approved plan yet, so its review is due at once.
    NoPlan,
    /// EVAL-2.2: the review cycle counted from the last approval or review.
    PlanReview {
        last_reviewed: NaiveDate,
        years: u32,
    },
}

impl DueBasis {
    /// The clause that sets this deadline.
    pub fn clause(&self) -> &'static str {
        match self {
            DueBasis::NeverAssessed | DueBasis::ClassCycle { .. } => "EVAL-3.1",
            DueBasis::MajorIncident { .. } => "EVAL-3.2",
            DueBasis::NoPlan | DueBasis::PlanReview { .. } => "EVAL-2.2",
        }
    }
}

/// A deadline and the reason for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    pub on: NaiveDate,
    #[serde(flatten)]
    pub basis: DueBasis,
}

/// Where a deadline stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DueStatus {
    Overdue { days_late: i64 },
    DueSoon { days_left: i64 },
    OnTrack { days_left: i64 },
}

impl DueStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            DueStatus::Overdue { .. } => "overdue",
            DueStatus::DueSoon { .. } => "due-soon",
            DueStatus::OnTrack { .. } => "on-track",
        }
    }
}

impl Due {
    /// Overdue once the day is past; due soon within [`DUE_SOON_DAYS`]
    /// (a deadline of today is due soon, with 0 days left).
    pub fn status(&self, today: NaiveDate) -> DueStatus {
        let days = (self.on - today).num_days();
        if days < 0 {
            DueStatus::Overdue { days_late: -days }
        } else if days <= DUE_SOON_DAYS {
            DueStatus::DueSoon { days_left: days }
        } else {
            DueStatus::OnTrack { days_left: days }
        }
    }
}

/// The date by which `class`'s next assessment must be completed.
///
/// EVAL-3.1: the class cycle from the last completed assessment, using the
/// system's current class (a class change takes effect at once); a system
/// never assessed is due `today`. EVAL-3.2: each major incident that harmed
/// consumers and is not yet followed by a completed assessment (it happened
/// on or after the last completion) makes the system due within the
/// incident period, if that is earlier. On a tie the class cycle is named.
pub fn next_assessment_due(
    class: SystemClass,
    last_completed: Option<NaiveDate>,
    incidents: &[MajorIncident],
    params: &Parameters,
    today: NaiveDate,
) -> Due {
    let cycle = match last_completed {
        None => Due {
            on: today,
            basis: DueBasis::NeverAssessed,
        },
        Some(last) => {
            let years = params.class_cycle_years[class.index()];
            Due {
                on: add_years(last, years),
                basis: DueBasis::ClassCycle {
                    class,
                    last_completed: last,
                    years,
                },
            }
        }
    };
    let months = params.incident_reassessment_months;
    let incident = incidents
        .iter()
        .filter(|i| i.harms_consumers && last_completed.is_none_or(|last| i.occurred_on >= last))
        .map(|i| Due {
            on: add_months(i.occurred_on, months),
            basis: DueBasis::MajorIncident {
                occurred_on: i.occurred_on,
                months,
            },
        })
        .min_by_key(|d| d.on);
    match incident {
        Some(i) if i.on < cycle.on => i,
        _ => cycle,
    }
}

/// EVAL-2.2: the date by which the assessment plan must be reviewed again,
/// counted from its last approval or review; with no plan, `today`.
pub fn plan_review_due(
    last_reviewed: Option<NaiveDate>,
    params: &Parameters,
    today: NaiveDate,
) -> Due {
    match last_reviewed {
        None => Due {
            on: today,
            basis: DueBasis::NoPlan,
        },
        Some(last) => Due {
            on: add_years(last, params.plan_review_years),
            basis: DueBasis::PlanReview {
                last_reviewed: last,
                years: params.plan_review_years,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zilv_catalog::Registry;

    fn params() -> Parameters {
        Registry::builtin().unwrap().latest().unwrap().params
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn incident(on: &str, harms: bool) -> MajorIncident {
        MajorIncident {
            occurred_on: d(on),
            harms_consumers: harms,
        }
    }

    const TODAY: &str = "2026-11-28";

    #[test]
    fn eval_3_1_class_cycles_come_from_the_catalog() {
        let p = params();
        assert_eq!(p.class_cycle_years, [1, 3, 5]);
        let last = Some(d("2025-03-15"));
        let due = |c| next_assessment_due(c, last, &[], &p, d(TODAY)).on;
        assert_eq!(due(SystemClass::One), d("2026-03-15"));
        assert_eq!(due(SystemClass::Two), d("2028-03-15"));
        assert_eq!(due(SystemClass::Three), d("2030-03-15"));
    }

    #[test]
    fn eval_3_1_rule_follows_changed_parameters() {
        let mut p = params();
        p.class_cycle_years = [2, 4, 6];
        let due = next_assessment_due(SystemClass::One, Some(d("2025-03-15")), &[], &p, d(TODAY));
        assert_eq!(due.on, d("2027-03-15"));
    }

    #[test]
    fn eval_3_1_never_assessed_is_due_today() {
        let due = next_assessment_due(SystemClass::Three, None, &[], &params(), d(TODAY));
        assert_eq!(due.on, d(TODAY));
        assert_eq!(due.basis, DueBasis::NeverAssessed);
        assert_eq!(due.status(d(TODAY)), DueStatus::DueSoon { days_left: 0 });
    }

    #[test]
    fn eval_3_1_leap_day_assessment_falls_due_on_28_february() {
        let p = params();
        let due = next_assessment_due(SystemClass::One, Some(d("2024-02-29")), &[], &p, d(TODAY));
        assert_eq!(due.on, d("2025-02-28"));
        let due = next_assessment_due(SystemClass::Two, Some(d("2024-02-29")), &[], &p, d(TODAY));
        assert_eq!(due.on, d("2027-02-28"));
    }

    #[test]
    fn eval_3_1_month_end_stays_month_end() {
        let due = next_assessment_due(
            SystemClass::One,
            Some(d("2025-12-31")),
            &[],
            &params(),
            d(TODAY),
        );
        assert_eq!(due.on, d("2026-12-31"));
    }

    #[test]
    fn eval_3_1_class_change_recomputes_from_last_assessment() {
        let p = params();
        let last = Some(d("2024-06-01"));
        let as_class_3 = next_assessment_due(SystemClass::Three, last, &[], &p, d(TODAY));
        assert_eq!(as_class_3.on, d("2029-06-01"));
        assert!(matches!(
            as_class_3.status(d(TODAY)),
            DueStatus::OnTrack { .. }
        ));
        // Raised to class 1: the one-year cycle applies at once and the system is overdue.
        let as_class_1 = next_assessment_due(SystemClass::One, last, &[], &p, d(TODAY));
        assert_eq!(as_class_1.on, d("2025-06-01"));
        assert_eq!(
            as_class_1.status(d(TODAY)),
            DueStatus::Overdue { days_late: 545 }
        );
    }

    #[test]
    fn eval_3_2_major_incident_harming_consumers_due_within_three_months() {
        let p = params();
        assert_eq!(p.incident_reassessment_months, 3);
        let due = next_assessment_due(
            SystemClass::Two,
            Some(d("2026-01-10")),
            &[incident("2026-05-20", true)],
            &p,
            d(TODAY),
        );
        assert_eq!(due.on, d("2026-08-20"));
        assert_eq!(due.basis.clause(), "EVAL-3.2");
    }

    #[test]
    fn eval_3_2_incident_at_month_end_and_leap_year() {
        let p = params();
        let due = next_assessment_due(
            SystemClass::Three,
            Some(d("2023-01-01")),
            &[incident("2023-11-30", true)],
            &p,
            d(TODAY),
        );
        assert_eq!(due.on, d("2024-02-29"));
        let due = next_assessment_due(
            SystemClass::Three,
            Some(d("2024-01-01")),
            &[incident("2024-11-30", true)],
            &p,
            d(TODAY),
        );
        assert_eq!(due.on, d("2025-02-28"));
    }

    #[test]
    fn eval_3_2_incident_not_harming_consumers_changes_nothing() {
        let due = next_assessment_due(
            SystemClass::Two,
            Some(d("2026-01-10")),
            &[incident("2026-05-20", false)],
            &params(),
            d(TODAY),
        );
        assert_eq!(due.on, d("2029-01-10"));
        assert_eq!(due.basis.clause(), "EVAL-3.1");
    }

    #[test]
    fn eval_3_2_never_postpones_an_earlier_cycle_deadline() {
        let due = next_assessment_due(
            SystemClass::One,
            Some(d("2025-12-01")),
            &[incident("2026-10-15", true)],
            &params(),
            d(TODAY),
        );
        assert_eq!(due.on, d("2026-12-01"));
        assert_eq!(due.basis.clause(), "EVAL-3.1");
    }

    #[test]
    fn eval_3_2_incident_before_last_assessment_is_answered() {
        let due = next_assessment_due(
            SystemClass::Two,
            Some(d("2026-03-01")),
            &[incident("2026-02-01", true)],
            &params(),
            d(TODAY),
        );
        assert_eq!(due.on, d("2029-03-01"));
    }

    #[test]
    fn eval_3_2_earliest_of_several_incidents_wins() {
        let due = next_assessment_due(
            SystemClass::Three,
            Some(d("2026-01-01")),
            &[
                incident("2026-09-01", true),
                incident("2026-06-01", true),
                incident("2026-03-01", false),
            ],
            &params(),
            d(TODAY),
        );
        assert_eq!(due.on, d("2026-09-01"));
        assert_eq!(due.status(d(TODAY)), DueStatus::Overdue { days_late: 88 });
    }

    #[test]
    fn eval_3_2_never_assessed_system_with_old_incident_is_overdue_since_incident_deadline() {
        let due = next_assessment_due(
            SystemClass::Three,
            None,
            &[incident("2026-01-31", true)],
            &params(),
            d(TODAY),
        );
        assert_eq!(due.on, d("2026-04-30"));
    }

    #[test]
    fn eval_2_2_plan_review_every_three_years() {
        let p = params();
        assert_eq!(p.plan_review_years, 3);
        assert_eq!(
            plan_review_due(Some(d("2024-02-29")), &p, d(TODAY)).on,
            d("2027-02-28")
        );
        assert_eq!(
            plan_review_due(Some(d("2023-11-30")), &p, d(TODAY)).on,
            d("2026-11-30")
        );
        let none = plan_review_due(None, &p, d(TODAY));
        assert_eq!((none.on, none.basis), (d(TODAY), DueBasis::NoPlan));
    }

    #[test]
    fn due_status_boundaries() {
        let due = Due {
            on: d("2027-02-26"),
            basis: DueBasis::NoPlan,
        };
        assert_eq!(due.status(d(TODAY)), DueStatus::DueSoon { days_left: 90 });
        assert_eq!(
            due.status(d("2026-11-27")),
            DueStatus::OnTrack { days_left: 91 }
        );
        assert_eq!(
            due.status(d("2027-02-27")),
            DueStatus::Overdue { days_late: 1 }
        );
    }
}
