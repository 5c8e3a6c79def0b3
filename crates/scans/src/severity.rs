//! Each tool's severity words mapped onto Zilv's scale (table in docs/scanners.md).

use crate::finding::Severity;

/// Nessus `severity` attribute: 0 info, 1 low, 2 medium, 3 high, 4 critical.
pub(crate) fn nessus(level: &str) -> Severity {
    match level.trim() {
        "4" => Severity::Critical,
        "3" => Severity::High,
        "2" => Severity::Medium,
        "1" => Severity::Low,
        _ => Severity::Info,
    }
}

/// OpenVAS: the CVSS score of the result in bands; without a score, the
/// threat word (`High`, `Medium`, `Low`, `Log`/`Debug` as info).
pub(crate) fn openvas(score: Option<f64>, threat: &str) -> Severity {
    match score {
        Some(s) => Severity::from_cvss(s),
        None => Severity::from_name(threat).unwrap_or(Severity::Info),
    }
}

/// ZAP `riskcode`: 0 info, 1 low, 2 medium, 3 high (ZAP has no critical).
pub(crate) fn zap(riskcode: &str) -> Severity {
    match riskcode.trim() {
        "3" => Severity::High,
        "2" => Severity::Medium,
        "1" => Severity::Low,
        _ => Severity::Info,
    }
}

/// SARIF: a numeric `security-severity` rule property (CodeQL) in CVSS
/// bands; otherwise the level: `error` high, `warning` medium, `note` low,
/// `none` info.
pub(crate) fn sarif(security_severity: Option<f64>, level: &str) -> Severity {
    if let Some(s) = security_severity {
        return Severity::from_cvss(s);
    }
    match level {
        "error" => Severity::High,
        "warning" => Severity::Medium,
        "note" => Severity::Low,
        _ => Severity::Info,
    }
}

/// Burp, Trivy, Nuclei and others that use words: `critical`, `high`,
/// `medium`, `low`; `information`, `info`, `unknown` and anything else info.
pub(crate) fn words(word: &str) -> Severity {
    Severity::from_name(word).unwrap_or(Severity::Info)
}
