//! The command-line grammar.
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "zilv",
    version,
    about = "Information-security self-regulation (財產保險業辦理資訊安全防護自律規範) for Taiwan's non-life insurers"
)]
pub struct Cli {
    /// Directory holding the SQLite database and stored files.
    #[arg(long, global = true, env = "ZILV_DATA", default_value = "./zilv-data")]
    pub data_dir: PathBuf,
    /// PostgreSQL instead of SQLite: postgres://USER[:PASSWORD]@HOST[:PORT]/DB.
    #[arg(long, global = true, env = "ZILV_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Load another catalog version from a TOML file, beside the built-in ones.
    #[arg(long = "catalog-file", global = true, value_name = "FILE")]
    pub catalog_files: Vec<PathBuf>,
    /// Compute deadlines as of this date (YYYY-MM-DD) instead of today in Taiwan.
    #[arg(long, global = true, env = "ZILV_TODAY", value_name = "DATE")]
    pub today: Option<String>,
    /// The font EVAL-8 report PDFs embed: a TTF/OTF/TTC file with Traditional
    /// Chinese glyphs, with :INDEX for a font of a collection (default: Noto
    /// Sans CJK TC from Debian's fonts-noto-cjk).
    #[arg(
        long,
        global = true,
        env = "ZILV_REPORT_FONT",
        value_name = "PATH[:INDEX]"
    )]
    pub report_font: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the data directory, the database and the first administrator.
    Init(InitArgs),
    /// Browse and export the regulation's clauses.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Organisations: the association, member companies, the regulator.
    #[command(subcommand)]
    Org(OrgCmd),
    /// Computer systems and their assessment deadlines (EVAL-2.1, EVAL-3).
    #[command(subcommand)]
    System(SystemCmd),
    /// Information assets (SR-2.1).
    #[command(subcommand)]
    Asset(AssetCmd),
    /// The tamper-evident audit trail.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Users: people who sign in to the web application and the API.
    #[command(subcommand)]
    User(UserCmd),
    /// Serve the web application, the REST API and /healthz.
    Serve(ServeArgs),
    /// Threat-intelligence indicators against DNS and connection logs (EVAL-4.1.2.3).
    #[command(subcommand)]
    Ioc(crate::commands::ioc::IocCmd),
    /// Assessment plans and their approval (EVAL-2).
    #[command(subcommand)]
    Plan(crate::lifecycle_args::PlanCmd),
    /// Assessors, qualifications and confidentiality agreements (EVAL-7).
    #[command(subcommand)]
    Assessor(crate::lifecycle_args::AssessorCmd),
    /// Security assessments (EVAL-4, EVAL-5).
    #[command(subcommand)]
    Assessment(crate::lifecycle_args::AssessmentCmd),
    /// Findings and their remediation (EVAL-8).
    #[command(subcommand)]
    Finding(crate::lifecycle_args::FindingCmd),
    /// Social-engineering drills (EVAL-6).
    #[command(subcommand)]
    Drill(crate::lifecycle_args::DrillCmd),
    /// What is overdue and due: findings, drills, the plan, systems.
    Dashboard(crate::lifecycle_args::DashboardArgs),
    /// Fill a fresh data directory with a demonstration company.
    Demo(crate::lifecycle_args::DemoArgs),
    /// Import scanner reports into a system's findings (EVAL-4.1.3 to EVAL-4.1.5).
    Import(ImportArgs),
    /// The EVAL-8 assessment report: render, finalise, keep five years, verify.
    #[command(subcommand)]
    Report(crate::commands::report::ReportCmd),
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Add a user. Without --password-stdin a one-time password is printed,
    /// which must be changed at first sign-in.
    Add {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        name: String,
        /// association_admin, committee_member, regulator_viewer,
        /// security_officer, system_owner, hr, internal_auditor or assessor.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        json: Json,
    },
    /// List the users of an organisation.
    List {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (port 0: any free port, printed at start).
    #[arg(long, env = "ZILV_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Mark cookies Secure: set when users reach the server over HTTPS (behind a TLS proxy).
    #[arg(long, env = "ZILV_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Failed sign-ins in a row that lock an account.
    #[arg(long, default_value_t = 5)]
    pub max_failed_sign_ins: i64,
    /// Minutes a locked account stays locked.
    #[arg(long, default_value_t = 15)]
    pub lockout_minutes: i64,
    /// Minutes of inactivity that end a session.
    #[arg(long, default_value_t = 30)]
    pub idle_minutes: i64,
    /// Hours after sign-in that end a session however active.
    #[arg(long, default_value_t = 12)]
    pub session_hours: i64,
    /// Directory whose log and indicator files IOC reviews in the web
    /// application may name instead of uploading them.
    #[arg(long, env = "ZILV_IOC_DIR", value_name = "DIR")]
    pub ioc_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct Json {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Code of the first organisation, e.g. ACME-INS.
    #[arg(long)]
    pub org_code: String,
    /// Name of the first organisation.
    #[arg(long)]
    pub org_name: String,
    /// Kind of the first organisation.
    #[arg(long, default_value = "company", value_parser = ["company", "association", "regulator"])]
    pub org_kind: String,
    /// E-mail of the first administrator.
    #[arg(long)]
    pub admin_email: String,
    /// Name of the first administrator.
    #[arg(long, default_value = "Administrator")]
    pub admin_name: String,
    #[command(flatten)]
    pub json: Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    #[value(name = "zh-TW")]
    ZhTw,
    En,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Oscal,
}

#[derive(Debug, Subcommand)]
pub enum CatalogCmd {
    /// The catalog versions known.
    Versions(Json),
    /// Every clause ID with its title.
    List {
        /// Catalog version (default: the newest).
        #[arg(long)]
        version: Option<String>,
        #[arg(long, value_enum, default_value = "zh-TW")]
        lang: LangArg,
        #[command(flatten)]
        json: Json,
    },
    /// One clause.
    Show {
        /// Clause ID, e.g. EVAL-3.1.
        id: String,
        #[arg(long)]
        version: Option<String>,
        #[arg(long, value_enum, default_value = "zh-TW")]
        lang: LangArg,
        #[command(flatten)]
        json: Json,
    },
    /// The catalog as a standard document on standard output.
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[arg(long)]
        version: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCmd {
    /// Add an organisation.
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["company", "association", "regulator"])]
        kind: String,
        #[command(flatten)]
        json: Json,
    },
    /// List organisations.
    List(Json),
}

#[derive(Debug, Args)]
pub struct OrgArg {
    /// Organisation code (may be left out when there is one member company).
    #[arg(long)]
    pub org: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SystemCmd {
    /// Add a computer system.
    Add {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// EVAL-3.1 class: 1, 2 or 3.
        #[arg(long)]
        class: String,
        #[arg(long, default_value = "in-house", value_parser = ["in-house", "outsourced"])]
        sourcing: String,
        /// The unit that develops it.
        #[arg(long)]
        dev_unit: String,
        /// The unit that maintains it.
        #[arg(long)]
        maint_unit: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Date of the last completed assessment (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        last_assessed: Option<String>,
        /// Code of an asset the system uses (repeatable).
        #[arg(long = "asset", value_name = "CODE")]
        assets: Vec<String>,
        #[command(flatten)]
        json: Json,
    },
    /// List systems with class, last assessment and next due date.
    List {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
    /// One system in full.
    Show {
        code: String,
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
    /// Record a major incident of a system (EVAL-3.2).
    Incident {
        code: String,
        #[command(flatten)]
        org: OrgArg,
        /// The day it happened (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        on: String,
        /// It harmed consumers' rights: re-assessment within the EVAL-3.2 period.
        #[arg(long)]
        harms_consumers: bool,
        #[arg(long)]
        summary: String,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum AssetCmd {
    /// Add an information asset.
    Add {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// One of the seven kinds of SR-2.1.
        #[arg(long, value_parser = ["software", "hardware", "environment", "document", "communication", "data", "people"])]
        kind: String,
        /// The person or unit that owns it.
        #[arg(long)]
        owner: String,
        /// Confidentiality 1-3.
        #[arg(long, short = 'c')]
        confidentiality: String,
        /// Integrity 1-3.
        #[arg(long, short = 'i')]
        integrity: String,
        /// Availability 1-3.
        #[arg(long, short = 'a')]
        availability: String,
        #[arg(long, default_value = "")]
        description: String,
        #[command(flatten)]
        json: Json,
    },
    /// List information assets.
    List {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Walk the hash chain; exit 0 when intact, 1 naming the first broken event.
    Verify(Json),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Report files (Nessus, OpenVAS, Nmap, ZAP, Burp, Trivy, SARIF, Nuclei, CSV; gzip too).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub org: OrgArg,
    /// Code of the system the findings belong to.
    #[arg(long)]
    pub system: String,
    /// Code of the assessment the findings belong to.
    #[arg(long)]
    pub assessment: Option<String>,
    /// Report format instead of detecting it: nessus, openvas, nmap, zap-xml,
    /// zap-json, burp, trivy, sarif, nuclei-json, nuclei-jsonl or csv.
    #[arg(long)]
    pub format: Option<String>,
    /// Show what would change without changing anything.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub json: Json,
}
