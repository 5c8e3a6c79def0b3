//! Types and rules of the regulation: organisations, roles, assets, systems,
//! the deadlines that follow from them, and the security-assessment lifecycle
//! with its gates. Pure functions: no I/O, and the
//! date is always passed in.
pub mod assessment;
pub mod asset;
pub mod date;
pub mod finding;
pub mod ident;
pub mod independence;
pub mod items;
pub mod org;
pub mod plan;
pub mod qualification;
pub mod report_gate;
pub mod schedule;
pub mod system;
pub mod team;

pub use asset::{AssetKind, Cia, Level};
pub use date::{add_months, add_years, parse_date, roc_date};
pub use ident::{optional_text, required_text, Code, Email};
pub use org::{OrgKind, Role};
pub use schedule::{
    next_assessment_due, plan_review_due, Due, DueBasis, DueStatus, MajorIncident, DUE_SOON_DAYS,
};
pub use system::{Sourcing, SystemClass};

pub use assessment::{
    completion_gate, result_problems, start_gate, AssessmentStatus, CompletionProblem, ItemOutcome,
    ItemResult, StartInput, StartProblem,
};
pub use finding::{
    is_overdue, transition, FindingAction, FindingStatus, RemediationPolicy, Severity,
    TransitionError,
};
pub use independence::{
    independence_problems, normalise_unit, Affiliation, IndependenceProblem, SystemUnits,
};
pub use items::{validate_selection, AssessmentItem, ItemChoice, ItemDecision, SelectionProblem};
pub use plan::{
    check_approval, plan_coverage, ApprovingBody, CompanySystem, CoverageProblem, PlanApproval,
    PlanEntry,
};
pub use qualification::{
    needed_for, needed_kinds, Evidence, Need, NotCounted, Qualification, QualificationKind,
    QualificationPolicy,
};
pub use report_gate::{
    report_gate, FindingField, ReportAssessment, ReportDrill, ReportFinding, ReportInput,
    ReportProblem,
};
pub use team::{team_readiness, Assessor, Missing};

/// An input that a rule of the domain refuses, with the input named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidInput {
    /// The input's name as the user gave it (an option, a field).
    pub field: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Parses one of a fixed set of names, or says which names are allowed.
pub(crate) fn parse_name<T: Copy>(
    field: &str,
    value: &str,
    all: &[(T, &str)],
) -> Result<T, InvalidInput> {
    all.iter()
        .find(|(_, name)| *name == value)
        .map(|(v, _)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(|(_, n)| *n).collect();
            InvalidInput::new(
                field,
                format!("{value:?} is not one of: {}", names.join(", ")),
            )
        })
}
