//! Burp Suite XML issue exports: one finding per `issue`.

use std::io::BufRead;

use crate::clause;
use crate::error::ParseError;
use crate::finding::{Finding, Kind};
use crate::severity;
use crate::sink::Sink;
use crate::text::{cwes_in, hrefs, html_to_text, non_empty, url_host_port};
use crate::xml::{Ev, Node, Xml};

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let mut xml = Xml::new(sink.input, r);
    let root = xml.root(&["issues"], "a Burp Suite issue export")?;
    let version = root.attr("burpVersion").and_then(non_empty);
    loop {
        match xml.next()? {
            Ev::Start(t) if t.name == "issue" => {
                let item = xml.subtree(
                    t,
                    &[
                        "requestresponse",
                        "collaboratorEvent",
                        "infiltratorEvent",
                        "staticAnalysis",
                        "dynamicAnalysis",
                    ],
                )?;
                if sink.emit(finding(&item, version.as_deref())).is_err() {
                    return Err(sink.stop_error(xml.position()));
                }
            }
            Ev::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn joined(item: &Node, keys: &[&str]) -> Option<String> {
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|k| item.text_of(k))
        .map(|s| html_to_text(&s))
        .filter(|s| !s.is_empty())
        .collect();
    non_empty(&parts.join("\n\n"))
}

fn finding(item: &Node, version: Option<&str>) -> Finding {
    let ty = item.text_of("type").unwrap_or_default();
    let mut f = Finding::new("Burp Suite", Kind::WebIssue, &ty, clause::WEBSITE_TEST);
    f.tool_version = version.map(str::to_string);
    f.title = item
        .text_of("name")
        .unwrap_or_else(|| format!("Burp issue {ty}"));
    f.description = joined(item, &["issueBackground", "issueDetail"]);
    f.solution = joined(item, &["remediationBackground", "remediationDetail"]);
    f.references = item
        .text_of("references")
        .map(|s| hrefs(&s))
        .unwrap_or_default();
    f.cwes = item
        .text_of("vulnerabilityClassifications")
        .map(|s| cwes_in(&s))
        .unwrap_or_default();
    let sev = item.text_of("severity").unwrap_or_default();
    f.severity = severity::words(&sev);
    f.tool_severity = sev;
    let base = item.text_of("host").unwrap_or_default();
    f.ip = item
        .child("host")
        .and_then(|h| h.attr("ip"))
        .and_then(non_empty);
    let (host, port) = url_host_port(&base);
    f.host = host;
    f.port = port;
    let path = item.text_of("path").unwrap_or_default();
    f.url = non_empty(&format!("{}{}", base.trim_end_matches('/'), path));
    f.component = item.text_of("location");
    f
}
