//! The plain report model: everything the EVAL-8 report shows, with no database types.
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
/// The language of a rendered report's labels and clause titles: the catalog's own.
pub use zilv_catalog::Lang;

fn default_lang() -> Lang {
    Lang::ZhTw
}

/// One EVAL-8 assessment report, as plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportModel {
    pub company: String,
    pub title: String,
    /// Traditional Chinese (`zh-TW`) unless set.
    #[serde(default = "default_lang")]
    pub language: Lang,
    pub assessment: Assessment,
    /// When the report was generated; printed on the cover.
    pub generated_at: DateTime<FixedOffset>,
    /// EVAL-7.2: who assessed, with their qualifications.
    pub assessors: Vec<Assessor>,
    pub scope: Scope,
    /// One result per assessment item (EVAL-4.1.x.y).
    pub item_results: Vec<ItemResult>,
    pub findings: Vec<Finding>,
    /// EVAL-6: the social-engineering drills of the year.
    pub drills: Vec<Drill>,
    /// EVAL-5: the countermeasures.
    pub countermeasures: Countermeasures,
    pub summary: String,
}

/// The assessment the report is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: String,
    pub name: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

/// Whether an assessor belongs to the company or to an outside firm (EVAL-7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessorKind {
    Internal,
    External,
}

/// An assessor and the qualifications EVAL-7.2 asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessor {
    pub name: String,
    pub organisation: String,
    pub kind: AssessorKind,
    pub qualifications: Vec<Qualification>,
}

/// The four abilities of EVAL-7.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QualificationArea {
    /// EVAL-7.2 (1): security-management knowledge.
    SecurityManagement,
    /// EVAL-7.2 (2): security-technical ability.
    SecurityTechnical,
    /// EVAL-7.2 (3): simulated-attack ability.
    SimulatedAttack,
    /// EVAL-7.2 (4): familiarity with financial applications, development or audit.
    FinancialApplications,
}

/// One qualification of an assessor: an area and what proves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Qualification {
    pub area: QualificationArea,
    pub basis: QualificationBasis,
}

/// What proves a qualification (EVAL-7.2): a certificate, training hours or experience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QualificationBasis {
    Certificate {
        name: String,
        number: String,
        issuer: String,
        #[serde(default)]
        expires: Option<NaiveDate>,
    },
    Training {
        hours: u32,
        description: String,
    },
    Experience {
        years: u32,
        description: String,
    },
}

/// What was assessed: systems, items done and items left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scope {
    pub systems: Vec<ScopedSystem>,
    /// Item IDs (EVAL-4.1.1.1 … EVAL-4.1.5.5) that were performed.
    pub items_done: Vec<String>,
    pub items_left_out: Vec<LeftOutItem>,
}

/// A computer system in scope with its EVAL-3.1 class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScopedSystem {
    pub name: String,
    /// 1, 2 or 3 (EVAL-3.1).
    pub class: u8,
    #[serde(default)]
    pub description: String,
}

/// An assessment item not performed, and why (EVAL-4.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeftOutItem {
    pub item: String,
    pub reason: String,
}

/// The outcome of one assessment item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Satisfied,
    NotSatisfied,
    NotApplicable,
}

/// The result of one assessment item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub item: String,
    pub outcome: Outcome,
    #[serde(default)]
    pub notes: String,
}

/// How severe a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];
}

/// Where the remediation of a finding stands (tracked by internal audit, EVAL-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemediationStatus {
    Open,
    InProgress,
    Resolved,
    RiskAccepted,
}

impl RemediationStatus {
    /// Every status, in the order reports list them.
    pub const ALL: [RemediationStatus; 4] = [
        RemediationStatus::Open,
        RemediationStatus::InProgress,
        RemediationStatus::Resolved,
        RemediationStatus::RiskAccepted,
    ];
}

/// One finding with every field EVAL-8 asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub category: String,
    /// The clause or item ID the finding falls under, e.g. `EVAL-4.1.3.1`.
    pub clause: String,
    pub target: String,
    pub risk: String,
    pub recommendation: String,
    pub status: RemediationStatus,
    #[serde(default)]
    pub due: Option<NaiveDate>,
}

/// One social-engineering drill (EVAL-6), as counts of recipients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drill {
    pub date: NaiveDate,
    pub recipients: u32,
    pub opened: u32,
    pub clicked: u32,
    pub reported: u32,
    #[serde(default)]
    pub notes: String,
}

/// The EVAL-5 countermeasures, as text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Countermeasures {
    /// EVAL-5.1: reliability countermeasures.
    pub reliability: String,
    /// EVAL-5.2: security countermeasures.
    pub security: String,
}

/// `part / whole` as a percentage with one decimal, or 0 when `whole` is 0.
pub fn rate(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0
    }
}
