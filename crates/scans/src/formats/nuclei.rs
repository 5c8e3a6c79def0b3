//! Nuclei results, as a JSON array export or as JSON Lines: one finding each.

use std::io::{BufRead, Read};

use serde_json::Value;

use crate::clause;
use crate::error::{Location, ParseError};
use crate::finding::{Finding, Kind};
use crate::json_stream::{self, Each};
use crate::severity;
use crate::sink::{Sink, Stop};
use crate::text::{cwe_number, non_empty, push_cve, references, url_host_port};

pub(crate) fn parse_array(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let res = {
        let mut each = |v: Value| match finding(&v) {
            Some(f) => sink.emit(f),
            None => Ok(()),
        };
        json_stream::run(r, Each::new(&mut each))
    };
    res.map_err(|e| json_stream::error(sink, e))
}

/// Longest result line accepted.
const MAX_LINE: u64 = 64 * 1024 * 1024;

pub(crate) fn parse_lines(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let mut line = String::new();
    let mut number = 0u64;
    loop {
        line.clear();
        number += 1;
        let n = (&mut *r)
            .take(MAX_LINE + 1)
            .read_line(&mut line)
            .map_err(|source| ParseError::Io {
                input: sink.input.to_string(),
                location: Location::Line {
                    line: number,
                    column: 0,
                },
                source,
            })?;
        if n == 0 {
            return Ok(());
        }
        if n as u64 > MAX_LINE {
            return Err(sink.malformed(
                Location::Line {
                    line: number,
                    column: 0,
                },
                "a line longer than 64 MiB",
            ));
        }
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| {
            let msg = e.to_string();
            let reason = msg
                .rfind(" at line ")
                .map(|i| msg[..i].to_string())
                .unwrap_or(msg);
            sink.malformed(
                Location::Line {
                    line: number,
                    column: e.column() as u64,
                },
                format!("invalid JSON: {reason}"),
            )
        })?;
        if !v.is_object() {
            return Err(sink.malformed(
                Location::Line {
                    line: number,
                    column: 1,
                },
                "a Nuclei result line must be a JSON object",
            ));
        }
        if let Some(f) = finding(&v) {
            let r: Result<(), Stop> = sink.emit(f);
            if r.is_err() {
                return Err(sink.stop_error(Location::Line {
                    line: number,
                    column: 0,
                }));
            }
        }
    }
}

fn str_of<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .filter(|s| !s.trim().is_empty())
}

/// Strings of a value that may be a string, an array of strings, or null.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

fn finding(v: &Value) -> Option<Finding> {
    let template = str_of(v, &["template-id", "templateID", "template"])?;
    let info = v.get("info").cloned().unwrap_or(Value::Null);
    let ty = str_of(v, &["type"]).unwrap_or("http").to_ascii_lowercase();
    let matched = str_of(v, &["matched-at", "matched", "host"]).unwrap_or("");
    let http = ty == "http" || matched.contains("://") && ty != "network" && ty != "tcp";
    let (kind, clause) = if http {
        (Kind::WebIssue, clause::WEBSITE_TEST)
    } else {
        (Kind::Vulnerability, clause::VULNERABILITY_SCAN)
    };
    let mut f = Finding::new("Nuclei", kind, template, clause);
    f.title = str_of(&info, &["name"])
        .map(str::to_string)
        .unwrap_or_else(|| template.to_string());
    f.description = str_of(&info, &["description"]).and_then(non_empty);
    f.solution = str_of(&info, &["remediation"]).and_then(non_empty);
    for r in strings(info.get("reference")) {
        for word in references(&r) {
            if !f.references.contains(&word) {
                f.references.push(word);
            }
        }
    }
    let class = info.get("classification").cloned().unwrap_or(Value::Null);
    for c in strings(class.get("cve-id")) {
        push_cve(&mut f.cves, &c);
    }
    f.cwes = strings(class.get("cwe-id"))
        .iter()
        .filter_map(|c| cwe_number(c))
        .collect();
    let score = class.get("cvss-score").and_then(|s| match s {
        Value::String(s) => s.parse().ok(),
        other => other.as_f64(),
    });
    let metrics = str_of(&class, &["cvss-metrics"]).map(str::to_string);
    if metrics.as_deref().is_some_and(|m| m.starts_with("CVSS:2")) {
        f.cvss.v2_score = score;
        f.cvss.v2_vector = metrics;
    } else {
        f.cvss.v3_score = score;
        f.cvss.v3_vector = metrics;
    }
    let sev = str_of(&info, &["severity"]).unwrap_or("unknown");
    f.tool_severity = sev.to_string();
    f.severity = severity::words(sev);
    f.ip = str_of(v, &["ip"]).map(str::to_string);
    f.component = str_of(v, &["matcher-name", "matcher_name"]).map(str::to_string);
    if matched.contains("://") {
        let (host, port) = url_host_port(matched);
        f.host = host;
        f.port = port;
        f.url = Some(matched.to_string());
    } else {
        let (host, port) = match matched.rsplit_once(':') {
            Some((h, p)) if p.parse::<u16>().is_ok() => (h, p.parse().ok()),
            _ => (matched, None),
        };
        f.host = non_empty(&host.to_lowercase());
        f.port = port;
        f.protocol = (ty == "network" || ty == "tcp").then(|| "tcp".to_string());
    }
    Some(f)
}
