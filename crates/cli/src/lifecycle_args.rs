//! The command-line grammar of the assessment lifecycle: plans, assessors,
//! assessments, findings, drills, the dashboard and the demo.
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::args::{Json, OrgArg};

#[derive(Debug, Subcommand)]
pub enum PlanCmd {
    /// Draw up an assessment plan over the systems (EVAL-2.1).
    Add {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        title: String,
        /// Code of a system the plan covers (repeatable; default: every system).
        #[arg(long = "system", value_name = "CODE")]
        systems: Vec<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Record the plan's approval with its document (EVAL-2.2).
    Approve {
        id: i64,
        #[command(flatten)]
        org: OrgArg,
        /// board, authorised_management or branch_responsible_person.
        #[arg(long)]
        body: String,
        /// The board resolution authorising management to approve.
        #[arg(long)]
        board_authorisation: Option<String>,
        #[arg(long, value_name = "DATE")]
        approved_on: String,
        /// Reference of the resolution, e.g. the board meeting.
        #[arg(long)]
        resolution: String,
        /// The approved plan document.
        #[arg(long, value_name = "FILE")]
        document: PathBuf,
        /// The company is a foreign insurer's branch in Taiwan.
        #[arg(long)]
        foreign_branch: bool,
        #[command(flatten)]
        json: Json,
    },
    /// Record a review of the plan (EVAL-2.2).
    Review {
        id: i64,
        #[command(flatten)]
        org: OrgArg,
        #[arg(long, value_name = "DATE")]
        on: String,
        #[command(flatten)]
        json: Json,
    },
    /// One plan (default: the plan in force) with what it lacks.
    Show {
        id: Option<i64>,
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum AssessorCmd {
    /// Add an assessor (EVAL-7.1: an independent unit or an outside firm).
    Add {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        /// inside or outside_firm.
        #[arg(long, value_parser = ["inside", "outside_firm"])]
        affiliation: String,
        /// The unit's or the firm's name.
        #[arg(long)]
        unit: String,
        /// E-mail of the user (role assessor) the assessor signs in as.
        #[arg(long)]
        user: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Add a qualification with its evidence (EVAL-7.2).
    Qualify {
        id: i64,
        #[command(flatten)]
        org: OrgArg,
        /// security_management, security_technical, simulated_attack or financial_domain.
        #[arg(long)]
        kind: String,
        /// certificate, training or financial_experience.
        #[arg(long)]
        evidence: String,
        #[arg(long, default_value = "")]
        cert_name: String,
        #[arg(long, default_value = "")]
        cert_number: String,
        #[arg(long, default_value = "")]
        cert_issuer: String,
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
        #[arg(long)]
        hours: Option<u32>,
        #[arg(long)]
        years: Option<u32>,
        /// The certificate or the proof of training.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[command(flatten)]
        json: Json,
    },
    /// Record the signed confidentiality agreement (EVAL-7.3).
    Nda {
        id: i64,
        #[command(flatten)]
        org: OrgArg,
        #[arg(long, value_name = "DATE")]
        signed_on: String,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        json: Json,
    },
    /// List assessors with their qualifications.
    List {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
    /// Set the company's units independent of development and maintenance (EVAL-7.1).
    Units {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long = "unit", value_name = "NAME")]
        units: Vec<String>,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum AssessmentCmd {
    /// Create a planned assessment of one or more systems (EVAL-4).
    Create {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        code: String,
        #[arg(long)]
        title: String,
        #[arg(long = "system", value_name = "CODE", required = true)]
        systems: Vec<String>,
        #[arg(long, value_name = "DATE")]
        from: String,
        #[arg(long, value_name = "DATE")]
        to: String,
        /// EVAL-5 reliability and security countermeasures.
        #[arg(long, default_value = "")]
        countermeasures: String,
        #[command(flatten)]
        json: Json,
    },
    /// Add an assessor to the team with the independence declaration (EVAL-7.1).
    TeamAdd {
        code: String,
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        assessor: i64,
        #[arg(long, value_name = "DATE")]
        declared_on: Option<String>,
        /// The signed independence declaration.
        #[arg(long, value_name = "FILE")]
        declaration: Option<PathBuf>,
        #[command(flatten)]
        json: Json,
    },
    /// Choose the items of EVAL-4.1 (EVAL-4.2).
    Items {
        code: String,
        #[command(flatten)]
        org: OrgArg,
        /// Select every item.
        #[arg(long)]
        all: bool,
        /// Select an item (clause ID; repeatable).
        #[arg(long = "select", value_name = "ITEM")]
        select: Vec<String>,
        /// Leave an item out: ITEM=REASON (repeatable).
        #[arg(long = "leave-out", value_name = "ITEM=REASON")]
        leave_out: Vec<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Start the assessment: refused with every missing requirement listed.
    Start {
        code: String,
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
    /// Record an item's result.
    Result {
        code: String,
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        item: String,
        /// satisfied, not_satisfied or not_applicable.
        #[arg(long)]
        result: String,
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long, default_value = "")]
        notes: String,
        #[command(flatten)]
        json: Json,
    },
    /// Link an evidence file to an item.
    Evidence {
        code: String,
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        item: String,
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        #[command(flatten)]
        json: Json,
    },
    /// Complete the assessment: every selected item needs a result.
    Complete {
        code: String,
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
    /// List assessments.
    List {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
    /// One assessment in full.
    Show {
        code: String,
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Args)]
pub struct FindingFilter {
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub severity: Option<String>,
    #[arg(long)]
    pub system: Option<String>,
    #[arg(long)]
    pub assessment: Option<String>,
    /// Only outstanding findings past their due date.
    #[arg(long)]
    pub overdue: bool,
}

#[derive(Debug, Subcommand)]
pub enum FindingCmd {
    /// Record a finding; its due date follows from the severity policy.
    Add {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        system: String,
        #[arg(long)]
        assessment: Option<String>,
        #[arg(long)]
        asset: Option<String>,
        #[arg(long)]
        title: String,
        /// critical, high, medium, low or info.
        #[arg(long)]
        severity: String,
        /// The clause it falls under, e.g. EVAL-4.1.3.4.
        #[arg(long)]
        category: String,
        #[arg(long)]
        risk: String,
        #[arg(long)]
        recommendation: String,
        /// Who remediates it.
        #[arg(long)]
        owner: String,
        #[arg(long, value_name = "DATE")]
        found_on: Option<String>,
        #[arg(long, value_name = "DATE")]
        due_on: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// List findings, filtered and paginated.
    List {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        filter: FindingFilter,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 0)]
        offset: i64,
        #[command(flatten)]
        json: Json,
    },
    /// One finding with its history.
    Show {
        id: i64,
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
    /// Move a finding through its workflow (EVAL-8).
    Transition {
        id: i64,
        #[command(flatten)]
        org: OrgArg,
        /// start_remediation, resolve, verify_fix, reject_fix, accept_risk,
        /// mark_false_positive or reactivate.
        #[arg(long)]
        action: String,
        #[arg(long, default_value = "")]
        reason: String,
        /// Who approved a risk acceptance.
        #[arg(long, default_value = "")]
        approver: String,
        /// When a risk acceptance ends.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
        /// Evidence of the fix (required to resolve).
        #[arg(long, value_name = "FILE")]
        evidence: Option<PathBuf>,
        #[command(flatten)]
        json: Json,
    },
    /// Export findings as CSV (on standard output or to --output) or XLSX (to --output).
    Export {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        filter: FindingFilter,
        #[arg(long, default_value = "csv", value_parser = ["csv", "xlsx"])]
        format: String,
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DrillCmd {
    /// Record a social-engineering drill (EVAL-6).
    Add {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long, value_name = "DATE")]
        held_on: String,
        #[arg(long)]
        population: i64,
        #[arg(long)]
        sent: i64,
        #[arg(long)]
        opened: i64,
        #[arg(long)]
        clicked: i64,
        #[arg(long)]
        submitted: i64,
        #[arg(long)]
        reported: i64,
        #[arg(long)]
        material: String,
        #[command(flatten)]
        json: Json,
    },
    /// List drills.
    List {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Args)]
pub struct DashboardArgs {
    #[command(flatten)]
    pub org: OrgArg,
    /// Every deadline instead of the summary.
    #[arg(long)]
    pub deadlines: bool,
    #[command(flatten)]
    pub json: Json,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub json: Json,
}
