//! What ZAP's XML and JSON reports share: an alert and its findings.

use crate::clause;
use crate::finding::{Finding, Kind};
use crate::fingerprint::normalize_url;
use crate::severity;
use crate::text::{cwe_number, html_to_text, non_empty, references, url_host_port};

/// One ZAP alert (a rule that fired), with the URIs of its instances.
#[derive(Debug, Default)]
pub(crate) struct Alert {
    pub(crate) plugin_id: String,
    pub(crate) alert_ref: Option<String>,
    pub(crate) name: String,
    pub(crate) riskcode: String,
    pub(crate) riskdesc: String,
    pub(crate) desc: String,
    pub(crate) solution: String,
    pub(crate) reference: String,
    pub(crate) cweid: String,
    pub(crate) uris: Vec<String>,
}

/// One finding per distinct normalised URI of the alert (ZAP lists an
/// instance per request; `?id=1` and `?id=2` are one problem).
pub(crate) fn findings(a: &Alert, version: Option<&str>, site: Option<&str>) -> Vec<Finding> {
    let rule = a
        .alert_ref
        .as_deref()
        .and_then(non_empty)
        .unwrap_or_else(|| a.plugin_id.trim().to_string());
    let mut uris: Vec<&str> = a
        .uris
        .iter()
        .map(|u| u.trim())
        .filter(|u| !u.is_empty())
        .collect();
    if uris.is_empty() {
        uris.extend(site);
    }
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for uri in uris {
        let norm = normalize_url(uri);
        if seen.contains(&norm) {
            continue;
        }
        seen.push(norm);
        let mut f = Finding::new("ZAP", Kind::WebIssue, &rule, clause::WEBSITE_TEST);
        f.tool_version = version.map(str::to_string);
        f.title = non_empty(&a.name).unwrap_or_else(|| format!("ZAP alert {rule}"));
        f.description = non_empty(&html_to_text(&a.desc));
        f.solution = non_empty(&html_to_text(&a.solution));
        f.references = references(&html_to_text(&a.reference));
        f.cwes.extend(cwe_number(&a.cweid));
        f.tool_severity = non_empty(&a.riskdesc).unwrap_or_else(|| a.riskcode.clone());
        f.severity = severity::zap(&a.riskcode);
        let (host, port) = url_host_port(uri);
        f.host = host;
        f.port = port;
        f.url = Some(uri.to_string());
        out.push(f);
    }
    out
}
