//! Assessment findings (EVAL-8 缺失): severity, the status machine the
//! internal audit unit tracks remediation with, and remediation target dates.
use std::fmt;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{parse_name, InvalidInput};

/// EVAL-8 缺失嚴重程度, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

const SEVERITIES: &[(Severity, &str)] = &[
    (Severity::Critical, "critical"),
    (Severity::High, "high"),
    (Severity::Medium, "medium"),
    (Severity::Low, "low"),
    (Severity::Info, "info"),
];

impl Severity {
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        parse_name(field, value.trim(), SEVERITIES)
    }

    pub fn as_str(self) -> &'static str {
        SEVERITIES
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("", |(_, n)| n)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding stands in its remediation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Reported, nothing done yet.
    Open,
    /// The owner is fixing it.
    InRemediation,
    /// The owner reports it fixed; the internal audit unit has yet to re-check.
    Resolved,
    /// The internal audit unit re-checked the fix (EVAL-8 追蹤覆查).
    ClosedFixed,
    /// Left unfixed by a named approver, with a reason.
    RiskAccepted,
    /// Not a real weakness, with a reason.
    FalsePositive,
    /// Seen again after it was closed, accepted or dismissed.
    Reactivated,
}

const STATUSES: &[(FindingStatus, &str)] = &[
    (FindingStatus::Open, "open"),
    (FindingStatus::InRemediation, "in_remediation"),
    (FindingStatus::Resolved, "resolved"),
    (FindingStatus::ClosedFixed, "closed_fixed"),
    (FindingStatus::RiskAccepted, "risk_accepted"),
    (FindingStatus::FalsePositive, "false_positive"),
    (FindingStatus::Reactivated, "reactivated"),
];

impl FindingStatus {
    /// Every status, in workflow order.
    pub const ALL: [FindingStatus; 7] = [
        FindingStatus::Open,
        FindingStatus::InRemediation,
        FindingStatus::Resolved,
        FindingStatus::ClosedFixed,
        FindingStatus::RiskAccepted,
        FindingStatus::FalsePositive,
        FindingStatus::Reactivated,
    ];

    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        parse_name(field, value.trim(), STATUSES)
    }

    pub fn as_str(self) -> &'static str {
        STATUSES
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("", |(_, n)| n)
    }

    /// Whether the internal audit unit still has to track the finding:
    /// every status except closed-fixed, risk-accepted and false-positive.
    pub fn is_outstanding(self) -> bool {
        !matches!(
            self,
            FindingStatus::ClosedFixed | FindingStatus::RiskAccepted | FindingStatus::FalsePositive
        )
    }
}

impl fmt::Display for FindingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A change someone asks for on a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum FindingAction {
    StartRemediation,
    Resolve,
    VerifyFix,
    RejectFix { reason: String },
    AcceptRisk { approved_by: String, reason: String },
    MarkFalsePositive { reason: String },
    Reactivate { reason: String },
}

impl FindingAction {
    pub fn name(&self) -> &'static str {
        match self {
            FindingAction::StartRemediation => "start_remediation",
            FindingAction::Resolve => "resolve",
            FindingAction::VerifyFix => "verify_fix",
            FindingAction::RejectFix { .. } => "reject_fix",
            FindingAction::AcceptRisk { .. } => "accept_risk",
            FindingAction::MarkFalsePositive { .. } => "mark_false_positive",
            FindingAction::Reactivate { .. } => "reactivate",
        }
    }
}

/// Why a finding cannot make the change asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum TransitionError {
    #[error("a finding that is {from} cannot {action}")]
    Illegal {
        from: FindingStatus,
        action: &'static str,
    },
    #[error("{action} needs a written {field}")]
    Required {
        action: &'static str,
        field: &'static str,
    },
}

/// The status after `action` on a finding that is `from`, or why not.
///
/// open / reactivated → in remediation → resolved → closed-fixed, with a
/// rejected fix going back to in remediation; open, in remediation and
/// reactivated findings may be risk-accepted (approver and reason) or marked
/// false positive (reason); closed-fixed, risk-accepted and false-positive
/// findings may be reactivated (reason).
pub fn transition(
    from: FindingStatus,
    action: &FindingAction,
) -> Result<FindingStatus, TransitionError> {
    use FindingAction as A;
    use FindingStatus as S;
    let required = |field: &'static str, value: &str| {
        if value.trim().is_empty() {
            Err(TransitionError::Required {
                action: action.name(),
                field,
            })
        } else {
            Ok(())
        }
    };
    let to = match (from, action) {
        (S::Open | S::Reactivated, A::StartRemediation) => S::InRemediation,
        (S::InRemediation, A::Resolve) => S::Resolved,
        (S::Resolved, A::VerifyFix) => S::ClosedFixed,
        (S::Resolved, A::RejectFix { reason }) => {
            required("reason", reason)?;
            S::InRemediation
        }
        (
            S::Open | S::InRemediation | S::Reactivated,
            A::AcceptRisk {
                approved_by,
                reason,
            },
        ) => {
            required("approver", approved_by)?;
            required("reason", reason)?;
            S::RiskAccepted
        }
        (S::Open | S::InRemediation | S::Reactivated, A::MarkFalsePositive { reason }) => {
            required("reason", reason)?;
            S::FalsePositive
        }
        (S::ClosedFixed | S::RiskAccepted | S::FalsePositive, A::Reactivate { reason }) => {
            required("reason", reason)?;
            S::Reactivated
        }
        _ => {
            return Err(TransitionError::Illegal {
                from,
                action: action.name(),
            })
        }
    };
    Ok(to)
}

/// Days allowed to fix a finding, by severity: company policy (the
/// regulation sets no remediation period); `None` means no target date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemediationPolicy {
    pub critical_days: Option<u32>,
    pub high_days: Option<u32>,
    pub medium_days: Option<u32>,
    pub low_days: Option<u32>,
    pub info_days: Option<u32>,
}

impl Default for RemediationPolicy {
    fn default() -> Self {
        RemediationPolicy {
            critical_days: Some(7),
            high_days: Some(30),
            medium_days: Some(90),
            low_days: Some(180),
            info_days: None,
        }
    }
}

impl RemediationPolicy {
    pub fn days(&self, severity: Severity) -> Option<u32> {
        match severity {
            Severity::Critical => self.critical_days,
            Severity::High => self.high_days,
            Severity::Medium => self.medium_days,
            Severity::Low => self.low_days,
            Severity::Info => self.info_days,
        }
    }

    /// Refuses a policy with a zero period, or one that gives a more severe
    /// finding longer than a less severe one.
    pub fn check(&self) -> Result<(), InvalidInput> {
        let mut previous: Option<(Severity, u32)> = None;
        for (severity, _) in SEVERITIES {
            let Some(days) = self.days(*severity) else {
                continue;
            };
            if days == 0 {
                return Err(InvalidInput::new(
                    format!("{severity}_days"),
                    "must be at least 1 day, or none for no target date",
                ));
            }
            if let Some((more, more_days)) = previous {
                if more_days > days {
                    return Err(InvalidInput::new(
                        format!("{severity}_days"),
                        format!(
                            "{days} days is shorter than the {more_days} days given to {more} findings"
                        ),
                    ));
                }
            }
            previous = Some((*severity, days));
        }
        Ok(())
    }

    /// The date by which a finding of `severity`, found (or reactivated) on
    /// `since`, should be fixed.
    pub fn target_date(&self, severity: Severity, since: NaiveDate) -> Option<NaiveDate> {
        self.days(severity).map(|days| {
            since
                .checked_add_days(Days::new(u64::from(days)))
                .unwrap_or(NaiveDate::MAX)
        })
    }
}

/// Whether a finding is past its target date on `today`: outstanding and
/// `today` is after the target.
pub fn is_overdue(status: FindingStatus, target: Option<NaiveDate>, today: NaiveDate) -> bool {
    status.is_outstanding() && target.is_some_and(|t| today > t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use FindingAction as A;
    use FindingStatus as S;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn reason(r: &str) -> String {
        r.to_string()
    }

    #[test]
    fn eval_8_severity_names_round_trip_and_order() {
        for (s, n) in SEVERITIES {
            assert_eq!(Severity::parse("s", n).unwrap(), *s);
        }
        assert!(Severity::Critical < Severity::Info);
        let e = Severity::parse("--severity", "urgent").unwrap_err();
        assert_eq!(e.field, "--severity");
        for (s, n) in STATUSES {
            assert_eq!(FindingStatus::parse("s", n).unwrap(), *s);
        }
    }

    #[test]
    fn eval_8_remediation_path_open_to_closed_fixed() {
        let mut s = S::Open;
        for a in [A::StartRemediation, A::Resolve, A::VerifyFix] {
            s = transition(s, &a).unwrap();
        }
        assert_eq!(s, S::ClosedFixed);
        assert!(!s.is_outstanding());
        let back = transition(
            S::Resolved,
            &A::RejectFix {
                reason: reason("port still open"),
            },
        );
        assert_eq!(back, Ok(S::InRemediation));
    }

    #[test]
    fn eval_8_fix_cannot_skip_the_audit_recheck() {
        assert_eq!(
            transition(S::Open, &A::VerifyFix),
            Err(TransitionError::Illegal {
                from: S::Open,
                action: "verify_fix"
            })
        );
        assert!(transition(S::Open, &A::Resolve).is_err());
        assert!(transition(S::InRemediation, &A::VerifyFix).is_err());
        let e = transition(S::ClosedFixed, &A::StartRemediation).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a finding that is closed_fixed cannot start_remediation"
        );
    }

    #[test]
    fn eval_8_risk_acceptance_needs_approver_and_reason() {
        let ok = A::AcceptRisk {
            approved_by: reason("CISO Wang"),
            reason: reason("legacy host retired in Q1"),
        };
        assert_eq!(transition(S::InRemediation, &ok), Ok(S::RiskAccepted));
        let no_approver = A::AcceptRisk {
            approved_by: reason(" "),
            reason: reason("x"),
        };
        assert_eq!(
            transition(S::Open, &no_approver),
            Err(TransitionError::Required {
                action: "accept_risk",
                field: "approver"
            })
        );
        assert!(transition(S::Resolved, &ok).is_err());
        assert!(transition(S::Open, &A::MarkFalsePositive { reason: reason("") }).is_err());
        assert_eq!(
            transition(
                S::Reactivated,
                &A::MarkFalsePositive {
                    reason: reason("scanner banner only")
                }
            ),
            Ok(S::FalsePositive)
        );
    }

    #[test]
    fn eval_8_closed_findings_can_be_reactivated_and_remediated_again() {
        for from in [S::ClosedFixed, S::RiskAccepted, S::FalsePositive] {
            let r = transition(
                from,
                &A::Reactivate {
                    reason: reason("seen in rescan"),
                },
            );
            assert_eq!(r, Ok(S::Reactivated));
        }
        assert!(transition(
            S::Open,
            &A::Reactivate {
                reason: reason("x")
            }
        )
        .is_err());
        assert!(transition(S::ClosedFixed, &A::Reactivate { reason: reason("") }).is_err());
        assert_eq!(
            transition(S::Reactivated, &A::StartRemediation),
            Ok(S::InRemediation)
        );
        assert!(S::Reactivated.is_outstanding());
    }

    #[test]
    fn eval_8_remediation_target_by_severity() {
        let p = RemediationPolicy::default();
        assert!(p.check().is_ok());
        let found = d("2026-11-28");
        assert_eq!(
            p.target_date(Severity::Critical, found),
            Some(d("2026-12-05"))
        );
        assert_eq!(
            p.target_date(Severity::Medium, found),
            Some(d("2027-02-26"))
        );
        assert_eq!(p.target_date(Severity::Low, found), Some(d("2027-05-27")));
        assert_eq!(p.target_date(Severity::High, found), Some(d("2026-12-28")));
        assert_eq!(p.target_date(Severity::Info, found), None);
        let target = p.target_date(Severity::Critical, found);
        assert!(!is_overdue(S::InRemediation, target, d("2026-12-05")));
        assert!(is_overdue(S::InRemediation, target, d("2026-12-06")));
        assert!(is_overdue(S::Resolved, target, d("2026-12-06")));
        assert!(!is_overdue(S::RiskAccepted, target, d("2027-12-14")));
        assert!(!is_overdue(S::Open, None, d("2030-01-01")));
    }

    #[test]
    fn eval_8_remediation_policy_is_checked() {
        let p = RemediationPolicy {
            critical_days: Some(60),
            high_days: Some(30),
            ..RemediationPolicy::default()
        };
        let e = p.check().unwrap_err();
        assert_eq!(e.field, "high_days");
        let zero = RemediationPolicy {
            low_days: Some(0),
            ..RemediationPolicy::default()
        };
        assert_eq!(zero.check().unwrap_err().field, "low_days");
        let custom = RemediationPolicy {
            critical_days: Some(14),
            ..RemediationPolicy::default()
        };
        assert_eq!(
            custom.target_date(Severity::Critical, d("2026-12-30")),
            Some(d("2027-01-13"))
        );
    }
}
