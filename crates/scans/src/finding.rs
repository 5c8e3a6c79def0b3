//! The typed finding every parser produces, and Zilv's severity scale.

use serde::Serialize;

/// Zilv's severity scale, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    /// The lowercase name (`critical`, `high`, `medium`, `low`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a Zilv severity name (case-insensitive; `informational` and
    /// `information` are accepted for `info`).
    pub fn from_name(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "critical" => Some(Severity::Critical),
            "high" => Some(Severity::High),
            "medium" | "moderate" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            "info" | "information" | "informational" | "none" => Some(Severity::Info),
            _ => None,
        }
    }

    /// CVSS base score bands (NVD): 9.0+ critical, 7.0+ high, 4.0+ medium,
    /// above 0 low, 0 info.
    pub fn from_cvss(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::Info
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What sort of problem a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A known vulnerability of a host, service or package.
    Vulnerability,
    /// An open network port.
    OpenPort,
    /// A weakness found by testing a website.
    WebIssue,
    /// A configuration that breaks a check (infrastructure as code, images).
    Misconfiguration,
    /// A secret (key, token, password) found in files.
    Secret,
    /// A static-analysis result in source code.
    Code,
    /// Anything else (CSV rows).
    Other,
}

/// CVSS scores and vectors as the tool gave them; v3 is preferred, v2 kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Cvss {
    pub v3_score: Option<f64>,
    pub v3_vector: Option<String>,
    pub v2_score: Option<f64>,
    pub v2_vector: Option<String>,
}

impl Cvss {
    /// The v3 score if there is one, else the v2 score.
    pub fn best_score(&self) -> Option<f64> {
        self.v3_score.or(self.v2_score)
    }
}

/// One problem on one target, as one scanner reported it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Tool name as reported (`Nessus`, `OpenVAS`, `Nmap`, `ZAP`, `Burp Suite`,
    /// `Trivy`, `Nuclei`, the SARIF driver name, the CSV `tool` column).
    pub tool: String,
    pub tool_version: Option<String>,
    pub kind: Kind,
    /// The tool's identifier of the check: plugin ID, NVT OID, rule ID,
    /// template ID, vulnerability ID.
    pub rule_id: String,
    pub title: String,
    pub description: Option<String>,
    pub solution: Option<String>,
    pub references: Vec<String>,
    /// `CVE-YYYY-NNNN` identifiers.
    pub cves: Vec<String>,
    /// CWE numbers (79 for CWE-79).
    pub cwes: Vec<u32>,
    pub cvss: Cvss,
    /// The severity in the tool's own words (`High`, `3`, `error`).
    pub tool_severity: String,
    /// The severity on Zilv's scale (mapping in `docs/scanners.md`).
    pub severity: Severity,
    /// Host name (or the target as the scanner was given it).
    pub host: Option<String>,
    pub ip: Option<String>,
    pub port: Option<u16>,
    /// Transport protocol (`tcp`, `udp`).
    pub protocol: Option<String>,
    pub url: Option<String>,
    pub file_path: Option<String>,
    pub line: Option<u64>,
    /// What distinguishes two findings of one rule on one target: package,
    /// Burp location, Nuclei matcher, Nmap CPE, SARIF partial fingerprint.
    pub component: Option<String>,
    /// The regulation clause the finding falls under (e.g. `EVAL-4.1.3.1`).
    pub clause: String,
    /// Hex SHA-256 identifying the problem on its target across scans.
    pub fingerprint: String,
}

impl Finding {
    /// A finding with the given identity and everything else empty.
    pub fn new(tool: &str, kind: Kind, rule_id: &str, clause: &str) -> Finding {
        Finding {
            tool: tool.to_string(),
            tool_version: None,
            kind,
            rule_id: rule_id.trim().to_string(),
            title: String::new(),
            description: None,
            solution: None,
            references: Vec::new(),
            cves: Vec::new(),
            cwes: Vec::new(),
            cvss: Cvss::default(),
            tool_severity: String::new(),
            severity: Severity::Info,
            host: None,
            ip: None,
            port: None,
            protocol: None,
            url: None,
            file_path: None,
            line: None,
            component: None,
            clause: clause.to_string(),
            fingerprint: String::new(),
        }
    }
}
