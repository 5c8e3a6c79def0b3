//! Scanner report imports (EVAL-4.1.3, EVAL-4.1.4, EVAL-4.1.5): parse the
//! files, reconcile their findings with the system's findings of the same
//! tool, and apply the result in one transaction with one audit event.
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::PathBuf;

use serde::Serialize;
use sha2::{Digest, Sha256};
use zilv_domain::{FindingStatus, InvalidInput, RemediationPolicy, Severity};
use zilv_scans::{Format, ParseError, State};
use zilv_store::findings::{self, Change, NewFinding, NewState};
use zilv_store::orgs::Org;
use zilv_store::scan_findings::{self, Known};
use zilv_store::{assessments, systems, Conn, Store};

use crate::access::{scope, Permission};
use crate::assessments::{assessor_user, visible};
use crate::audit::record;
use crate::{Ctx, Result, ServiceError};

/// Where the bytes of one report come from.
#[derive(Debug, Clone)]
pub enum ReportSource {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

/// One report to import, named as the user knows it (errors name it).
#[derive(Debug, Clone)]
pub struct ReportFile {
    pub name: String,
    pub source: ReportSource,
}

/// Where the findings go.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// Organisation code (the operator may leave it out when there is one company).
    pub org: Option<String>,
    pub system: String,
    /// The assessment the findings belong to, if any.
    pub assessment: Option<String>,
}

/// What the caller gives to import scanner reports.
#[derive(Debug, Clone, Default)]
pub struct ImportInput {
    pub target: Target,
    pub files: Vec<ReportFile>,
    /// A format name (`nessus`, `zap-xml`, …) that overrides detection.
    pub format: Option<String>,
    /// Compute the report, change nothing.
    pub dry_run: bool,
}

/// One file as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub name: String,
    pub sha256: String,
    /// Bytes of the file as given (compressed, if it was).
    pub size: u64,
    pub format: String,
    /// Findings the file holds (before removing repeats).
    pub findings: u64,
}

/// Counts of one severity (or of all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Distinct findings in the files.
    pub scanned: u64,
    /// Not known before: added as open.
    pub new: u64,
    /// Known and outstanding, seen again: left as they are.
    pub unchanged: u64,
    /// Outstanding but absent from the new scan: closed as fixed by rescan.
    pub closed: u64,
    /// Closed as fixed but seen again: reactivated.
    pub reactivated: u64,
    /// Risk-accepted or false-positive: state kept, seen or not.
    pub kept: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.scanned += o.scanned;
        self.new += o.new;
        self.unchanged += o.unchanged;
        self.closed += o.closed;
        self.reactivated += o.reactivated;
        self.kept += o.kept;
    }
}

/// The counts of one severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    pub severity: Severity,
    #[serde(flatten)]
    pub counts: Counts,
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub org: String,
    pub system: String,
    pub assessment: Option<String>,
    pub dry_run: bool,
    pub files: Vec<FileReport>,
    /// Tool families reconciled (the `import:TOOL` sources).
    pub tools: Vec<String>,
    /// Findings that repeated one already read (same fingerprint).
    pub repeated: u64,
    /// Per severity, critical first.
    pub by_severity: Vec<SeverityCounts>,
    pub total: Counts,
}

/// One scanned finding, reduced to the row it becomes.
#[derive(Debug, Clone)]
struct Row {
    fingerprint: String,
    tool: String,
    title: String,
    severity: Severity,
    category: String,
    risk_description: String,
    recommendation: String,
}

/// The findings of a set of reports, read and not yet applied.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    files: Vec<FileReport>,
    /// Tool families seen, including those of empty reports whose format names one tool.
    tools: BTreeSet<String>,
    rows: Vec<Row>,
    repeated: u64,
}

impl Scan {
    pub fn files(&self) -> &[FileReport] {
        &self.files
    }

    /// Distinct findings read.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// A reader that hashes and counts what passes through it.
struct Hashing<R, F> {
    inner: R,
    hash: Sha256,
    bytes: u64,
    progress: F,
}

impl<R: Read, F: FnMut(u64)> Read for Hashing<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(chunk) = buf.get(..n) {
            self.hash.update(chunk);
        }
        self.bytes += n as u64;
        (self.progress)(n as u64);
        Ok(n)
    }
}

/// The tool family of a format that names one tool, for empty reports.
fn format_tool(format: Format) -> Option<&'static str> {
    match format {
        Format::Nessus => Some("nessus"),
        Format::OpenVas => Some("openvas"),
        Format::Nmap => Some("nmap"),
        Format::ZapXml | Format::ZapJson => Some("zap"),
        Format::Burp => Some("burp-suite"),
        Format::Trivy => Some("trivy"),
        Format::NucleiJson | Format::NucleiJsonl => Some("nuclei"),
        Format::Sarif | Format::Csv => None,
    }
}

/// The tool as a `source` suffix: lowercased, runs of other characters
/// than letters, digits, `-` and `_` as one `-` (`Burp Suite` → `burp-suite`).
fn tool_family(tool: &str) -> String {
    let mut out = String::new();
    for c in tool.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "unknown".into()
    } else {
        out
    }
}

fn source_of(tool: &str) -> String {
    format!("import:{tool}")
}

fn severity(s: zilv_scans::Severity) -> Severity {
    match s {
        zilv_scans::Severity::Critical => Severity::Critical,
        zilv_scans::Severity::High => Severity::High,
        zilv_scans::Severity::Medium => Severity::Medium,
        zilv_scans::Severity::Low => Severity::Low,
        zilv_scans::Severity::Info => Severity::Info,
    }
}

/// The risk description: the scanner's description, then what is affected
/// and the tool's identifiers.
fn describe(f: &zilv_scans::Finding) -> String {
    let mut out = f.description.clone().unwrap_or_default().trim().to_string();
    let mut facts: Vec<String> = Vec::new();
    let mut target = String::new();
    match (&f.host, &f.ip) {
        (Some(h), Some(ip)) if h != ip => target = format!("{h} ({ip})"),
        (Some(h), _) => target.clone_from(h),
        (None, Some(ip)) => target.clone_from(ip),
        (None, None) => {}
    }
    if let Some(port) = f.port {
        let proto = f.protocol.as_deref().unwrap_or("tcp");
        target = if target.is_empty() {
            format!("port {port}/{proto}")
        } else {
            format!("{target} port {port}/{proto}")
        };
    }
    if !target.is_empty() {
        facts.push(format!("Host: {target}"));
    }
    if let Some(url) = &f.url {
        facts.push(format!("URL: {url}"));
    }
    if let Some(path) = &f.file_path {
        match f.line {
            Some(line) => facts.push(format!("File: {path}:{line}")),
            None => facts.push(format!("File: {path}")),
        }
    }
    if let Some(c) = &f.component {
        facts.push(format!("Component: {c}"));
    }
    let tool = match &f.tool_version {
        Some(v) => format!("{} {v}", f.tool),
        None => f.tool.clone(),
    };
    facts.push(format!("Rule: {tool} {}", f.rule_id));
    if !f.tool_severity.is_empty() {
        facts.push(format!("Tool severity: {}", f.tool_severity));
    }
    if !f.cves.is_empty() {
        facts.push(format!("CVE: {}", f.cves.join(", ")));
    }
    if !f.cwes.is_empty() {
        let cwes: Vec<String> = f.cwes.iter().map(|c| format!("CWE-{c}")).collect();
        facts.push(format!("CWE: {}", cwes.join(", ")));
    }
    if let Some(score) = f.cvss.best_score() {
        let vector = f
            .cvss
            .v3_vector
            .as_deref()
            .or(f.cvss.v2_vector.as_deref())
            .unwrap_or("");
        facts.push(format!("CVSS: {score:.1} {vector}").trim_end().to_string());
    }
    for r in &f.references {
        facts.push(format!("Reference: {r}"));
    }
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(&facts.join("\n"));
    out
}

/// Longest title and texts kept, as for findings recorded by hand.
const TITLE_CHARS: usize = 300;
const TEXT_CHARS: usize = 20_000;

/// `text` cut to at most `max` characters (an ellipsis marks a cut).
fn clip(text: String, max: usize) -> String {
    // No more bytes than `max` means no more characters either.
    if text.len() <= max || text.chars().count() <= max {
        return text;
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn row(f: zilv_scans::Finding) -> Row {
    let title = if f.title.trim().is_empty() {
        format!("{} {}", f.tool, f.rule_id)
    } else {
        f.title.trim().to_string()
    };
    let recommendation = match f.solution.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => format!(
            "{} gives no solution for {}; see its references.",
            f.tool, f.rule_id
        ),
    };
    Row {
        risk_description: clip(describe(&f), TEXT_CHARS),
        recommendation: clip(recommendation, TEXT_CHARS),
        severity: severity(f.severity),
        category: f.clause,
        tool: tool_family(&f.tool),
        fingerprint: f.fingerprint,
        title: clip(title, TITLE_CHARS),
    }
}

/// The error of one file, naming it, where in it and why.
fn file_error(name: &str, e: ParseError) -> ServiceError {
    let text = e.to_string();
    let reason = text
        .strip_prefix(&format!("{}: ", e.input()))
        .unwrap_or(&text)
        .to_string();
    ServiceError::Invalid(InvalidInput::new(name, reason))
}

fn parse_format(format: Option<&str>) -> Result<Option<Format>> {
    format
        .filter(|f| !f.trim().is_empty())
        .map(|f| {
            f.parse::<Format>()
                .map_err(|m| ServiceError::Invalid(InvalidInput::new("format", m)))
        })
        .transpose()
}

/// Reads and parses every file (CPU work, no database): the findings,
/// reduced to rows, and each file's SHA-256. `progress` is called with the
/// number of bytes read from the files as they are read. The first bad
/// file ends the read with an error naming it.
pub fn read_reports(
    files: &[ReportFile],
    format: Option<&str>,
    progress: &mut dyn FnMut(u64),
) -> Result<Scan> {
    let format = parse_format(format)?;
    if files.is_empty() {
        return Err(InvalidInput::new("files", "give at least one report file").into());
    }
    let mut scan = Scan::default();
    let mut seen: HashSet<String> = HashSet::new();
    for file in files {
        let name = file.name.as_str();
        let inner: Box<dyn Read> = match &file.source {
            ReportSource::Bytes(b) => Box::new(b.as_slice()),
            ReportSource::Path(p) => Box::new(File::open(p).map_err(|e| {
                ServiceError::Invalid(InvalidInput::new(name, format!("cannot open: {e}")))
            })?),
        };
        let mut reader = BufReader::with_capacity(
            64 * 1024,
            Hashing {
                inner,
                hash: Sha256::new(),
                bytes: 0,
                progress: &mut *progress,
            },
        );
        let mut count = 0u64;
        let summary = zilv_scans::parse(&mut reader, name, format, |f| {
            count += 1;
            let r = row(f);
            if !seen.insert(r.fingerprint.clone()) {
                scan.repeated += 1;
            } else {
                scan.tools.insert(r.tool.clone());
                scan.rows.push(r);
            }
            Ok::<(), std::convert::Infallible>(())
        })
        .map_err(|e| file_error(name, e))?;
        // Hash what the parser left unread (trailing bytes) too.
        io::copy(&mut reader, &mut io::sink()).map_err(|e| {
            ServiceError::Invalid(InvalidInput::new(name, format!("cannot read: {e}")))
        })?;
        let hashing = reader.into_inner();
        if count == 0 {
            if let Some(tool) = format_tool(summary.format) {
                scan.tools.insert(tool.to_string());
            }
        }
        scan.files.push(FileReport {
            name: name.to_string(),
            sha256: hex::encode(hashing.hash.finalize()),
            size: hashing.bytes,
            format: summary.format.to_string(),
            findings: summary.findings,
        });
    }
    Ok(scan)
}

struct Resolved {
    org: Org,
    system: systems::System,
    assessment: Option<assessments::Assessment>,
}

/// Checks the caller and resolves the organisation, system and assessment:
/// the security officer, a system owner, and an assessor into an
/// assessment whose team they are on (findings they may edit). Another
/// organisation's system or assessment is "not found".
async fn resolve_target(conn: &mut Conn, ctx: &Ctx, target: &Target) -> Result<Resolved> {
    let org = scope(conn, ctx, target.org.as_deref(), Permission::EditFindings).await?;
    let system = systems::by_code(conn, org.id, target.system.trim())
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "system",
            key: target.system.clone(),
        })?;
    let assessment = match target
        .assessment
        .as_deref()
        .filter(|a| !a.trim().is_empty())
    {
        None if assessor_user(ctx).is_some() => {
            return Err(InvalidInput::new(
                "assessment",
                "an assessor imports findings into an assessment they are on",
            )
            .into())
        }
        None => None,
        Some(code) => {
            let a = visible(conn, ctx, org.id, code.trim()).await?;
            if !assessments::system_ids(conn, org.id, a.id)
                .await?
                .contains(&system.id)
            {
                return Err(InvalidInput::new(
                    "system",
                    format!(
                        "{} is not in the scope of assessment {}",
                        system.code, a.code
                    ),
                )
                .into());
            }
            Some(a)
        }
    };
    Ok(Resolved {
        org,
        system,
        assessment,
    })
}

/// Checks that the caller may import into the target, without reading
/// anything: lets an interface refuse before it receives a large upload.
pub async fn authorize(store: &Store, ctx: &Ctx, target: &Target) -> Result<()> {
    let mut tx = store.begin().await?;
    resolve_target(&mut tx, ctx, target).await?;
    tx.rollback().await.map_err(zilv_store::StoreError::from)?;
    Ok(())
}

fn state_of(status: FindingStatus) -> State {
    match status {
        FindingStatus::Open
        | FindingStatus::InRemediation
        | FindingStatus::Resolved
        | FindingStatus::Reactivated => State::Open,
        FindingStatus::ClosedFixed => State::ClosedFixed,
        FindingStatus::RiskAccepted => State::RiskAccepted,
        FindingStatus::FalsePositive => State::FalsePositive,
    }
}

#[derive(Serialize)]
struct AuditAfter<'a> {
    system: &'a str,
    assessment: Option<&'a str>,
    files: &'a [FileReport],
    tools: &'a [String],
    total: &'a Counts,
    by_severity: &'a [SeverityCounts],
}

/// Applies a read scan to the target: new findings added as open (due by
/// `policy`), outstanding findings absent from the scan closed as fixed by
/// rescan, closed findings seen again reactivated, risk-accepted and
/// false-positive findings left alone. One transaction, one audit event
/// (`import.apply`); a dry run computes the same report and rolls back.
pub async fn apply(
    store: &Store,
    ctx: &Ctx,
    policy: &RemediationPolicy,
    target: &Target,
    scan: Scan,
    dry_run: bool,
) -> Result<ImportReport> {
    let mut tx = store.begin().await?;
    let Resolved {
        org,
        system,
        assessment,
    } = resolve_target(&mut tx, ctx, target).await?;
    let known = scan_findings::known(&mut tx, org.id, system.id).await?;
    let by_fp: HashMap<&str, &Known> = known.iter().map(|k| (k.fingerprint.as_str(), k)).collect();
    let sources: BTreeSet<String> = scan.tools.iter().map(|t| source_of(t)).collect();

    // Known findings that take part: those of the scanned tools, and any
    // finding whose fingerprint the scan holds (whatever its source).
    let scanned: Vec<&str> = scan.rows.iter().map(|r| r.fingerprint.as_str()).collect();
    let scanned_set: HashSet<&str> = scanned.iter().copied().collect();
    let existing: Vec<(&str, State)> = known
        .iter()
        .filter(|k| sources.contains(&k.source) || scanned_set.contains(k.fingerprint.as_str()))
        .map(|k| (k.fingerprint.as_str(), state_of(k.status)))
        .collect();
    let rec = zilv_scans::reconcile(existing.iter().copied(), scanned.iter().copied());

    let row_of: HashMap<&str, &Row> = scan
        .rows
        .iter()
        .map(|r| (r.fingerprint.as_str(), r))
        .collect();
    let mut per: BTreeMap<Severity, Counts> = BTreeMap::new();
    for r in &scan.rows {
        per.entry(r.severity).or_default().scanned += 1;
    }
    let sev_new = |fp: &str| row_of.get(fp).map_or(Severity::Info, |r| r.severity);
    let sev_known = |fp: &str| by_fp.get(fp).map_or(Severity::Info, |k| k.severity);
    for fp in &rec.new {
        per.entry(sev_new(fp)).or_default().new += 1;
    }
    for fp in &rec.unchanged {
        per.entry(sev_known(fp)).or_default().unchanged += 1;
    }
    for fp in &rec.closed {
        per.entry(sev_known(fp)).or_default().closed += 1;
    }
    for fp in &rec.reactivated {
        per.entry(sev_known(fp)).or_default().reactivated += 1;
    }
    for fp in &rec.kept {
        per.entry(sev_known(fp)).or_default().kept += 1;
    }
    let by_severity: Vec<SeverityCounts> = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ]
    .into_iter()
    .map(|s| SeverityCounts {
        severity: s,
        counts: per.get(&s).copied().unwrap_or_default(),
    })
    .collect();
    let mut total = Counts::default();
    for s in &by_severity {
        total.add(&s.counts);
    }
    let report = ImportReport {
        org: org.code.clone(),
        system: system.code.clone(),
        assessment: assessment.as_ref().map(|a| a.code.clone()),
        dry_run,
        files: scan.files.clone(),
        tools: scan.tools.iter().cloned().collect(),
        repeated: scan.repeated,
        by_severity,
        total,
    };
    if dry_run {
        tx.rollback().await.map_err(zilv_store::StoreError::from)?;
        return Ok(report);
    }

    let now = ctx.stamp();
    let shas: Vec<&str> = scan.files.iter().map(|f| f.sha256.as_str()).collect();
    let names: Vec<&str> = scan.files.iter().map(|f| f.name.as_str()).collect();
    let scan_note = format!("{} (SHA-256 {})", names.join(", "), shas.join(", "));
    let source_of_tool: HashMap<&str, String> = scan
        .tools
        .iter()
        .map(|t| (t.as_str(), source_of(t)))
        .collect();
    let unknown_source = source_of("");
    let sources_of_rows: Vec<&String> = rec
        .new
        .iter()
        .map(|fp| {
            row_of
                .get(fp.as_str())
                .and_then(|r| source_of_tool.get(r.tool.as_str()))
                .unwrap_or(&unknown_source)
        })
        .collect();
    let new_rows: Vec<NewFinding<'_>> = rec
        .new
        .iter()
        .zip(&sources_of_rows)
        .filter_map(|(fp, source)| row_of.get(fp.as_str()).map(|r| (r, source)))
        .map(|(r, source)| NewFinding {
            org_id: org.id,
            assessment_id: assessment.as_ref().map(|a| a.id),
            system_id: system.id,
            asset_id: None,
            title: &r.title,
            severity: r.severity,
            category: &r.category,
            risk_description: &r.risk_description,
            recommendation: &r.recommendation,
            source,
            fingerprint: Some(&r.fingerprint),
            owner: &system.maint_unit,
            found_on: ctx.today,
            due_on: policy.target_date(r.severity, ctx.today),
        })
        .collect();
    scan_findings::insert_many(&mut tx, &new_rows, &now).await?;
    for fp in &rec.closed {
        let Some(k) = by_fp.get(fp.as_str()) else {
            continue;
        };
        findings::update_state(
            &mut tx,
            org.id,
            k.id,
            &NewState {
                status: FindingStatus::ClosedFixed,
                due_on: k.due_on,
                accepted_by: None,
                accepted_reason: None,
                accepted_until: None,
                false_positive_reason: None,
            },
            &now,
        )
        .await?;
        findings::add_change(
            &mut tx,
            org.id,
            k.id,
            &Change {
                at: now.clone(),
                actor: ctx.actor.clone(),
                from: Some(k.status),
                to: FindingStatus::ClosedFixed,
                note: format!("fixed by rescan: absent from {scan_note}"),
                evidence_sha256: shas.first().map(|s| s.to_string()),
                evidence_name: names.first().map(|s| s.to_string()),
            },
        )
        .await?;
    }
    for fp in &rec.reactivated {
        let Some(k) = by_fp.get(fp.as_str()) else {
            continue;
        };
        findings::update_state(
            &mut tx,
            org.id,
            k.id,
            &NewState {
                status: FindingStatus::Reactivated,
                due_on: policy.target_date(k.severity, ctx.today),
                accepted_by: None,
                accepted_reason: None,
                accepted_until: None,
                false_positive_reason: None,
            },
            &now,
        )
        .await?;
        findings::add_change(
            &mut tx,
            org.id,
            k.id,
            &Change {
                at: now.clone(),
                actor: ctx.actor.clone(),
                from: Some(k.status),
                to: FindingStatus::Reactivated,
                note: format!("seen again by rescan: {scan_note}"),
                evidence_sha256: shas.first().map(|s| s.to_string()),
                evidence_name: names.first().map(|s| s.to_string()),
            },
        )
        .await?;
    }
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "import.apply",
        "system",
        &system.code,
        &AuditAfter {
            system: &system.code,
            assessment: report.assessment.as_deref(),
            files: &report.files,
            tools: &report.tools,
            total: &report.total,
            by_severity: &report.by_severity,
        },
    )
    .await?;
    tx.commit().await.map_err(zilv_store::StoreError::from)?;
    Ok(report)
}

/// Reads the files and applies them ([`read_reports`], then [`apply`]).
/// The caller's permission is checked before any file is read.
pub async fn import(
    store: &Store,
    ctx: &Ctx,
    policy: &RemediationPolicy,
    input: &ImportInput,
) -> Result<ImportReport> {
    authorize(store, ctx, &input.target).await?;
    let scan = read_reports(&input.files, input.format.as_deref(), &mut |_| {})?;
    apply(store, ctx, policy, &input.target, scan, input.dry_run).await
}
