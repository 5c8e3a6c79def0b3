//! Nessus `.nessus` v2 XML: one finding per `ReportItem` of each `ReportHost`.

use std::io::BufRead;

use crate::clause;
use crate::error::ParseError;
use crate::finding::{Finding, Kind};
use crate::severity;
use crate::sink::Sink;
use crate::text::{cwe_number, non_empty, push_cve, references};
use crate::xml::{Ev, Node, Xml};

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let mut xml = Xml::new(sink.input, r);
    xml.root(&["NessusClientData_v2"], "a Nessus v2 report")?;
    let mut host = Host::default();
    loop {
        match xml.next()? {
            Ev::Start(t) if t.name == "ReportHost" => {
                host = Host {
                    name: t.attr("name").and_then(non_empty),
                    ..Host::default()
                };
            }
            Ev::Start(t) if t.name == "HostProperties" => {
                let props = xml.subtree(t, &[])?;
                for tag in props.children_named("tag") {
                    match tag.attr("name") {
                        Some("host-ip") => host.ip = non_empty(&tag.text),
                        Some("host-fqdn") => host.fqdn = non_empty(&tag.text),
                        _ => {}
                    }
                }
            }
            Ev::Start(t) if t.name == "ReportItem" => {
                let item = xml.subtree(t, &["attachment", "plugin_output"])?;
                if sink.emit(finding(&host, &item)).is_err() {
                    return Err(sink.stop_error(xml.position()));
                }
            }
            Ev::Empty(t) if t.name == "ReportItem" => {
                let item = Node {
                    name: t.name,
                    attrs: t.attrs,
                    ..Node::default()
                };
                if sink.emit(finding(&host, &item)).is_err() {
                    return Err(sink.stop_error(xml.position()));
                }
            }
            Ev::Eof => return Ok(()),
            _ => {}
        }
    }
}

#[derive(Default)]
struct Host {
    name: Option<String>,
    ip: Option<String>,
    fqdn: Option<String>,
}

fn finding(host: &Host, item: &Node) -> Finding {
    let plugin = item.attr("pluginID").unwrap_or("");
    let mut f = Finding::new(
        "Nessus",
        Kind::Vulnerability,
        plugin,
        clause::VULNERABILITY_SCAN,
    );
    f.title = item
        .attr("pluginName")
        .and_then(non_empty)
        .or_else(|| item.text_of("plugin_name"))
        .unwrap_or_else(|| format!("Nessus plugin {plugin}"));
    f.description = item
        .text_of("description")
        .or_else(|| item.text_of("synopsis"));
    f.solution = item.text_of("solution").filter(|s| s != "n/a");
    f.references = item
        .text_of("see_also")
        .map(|s| references(&s))
        .unwrap_or_default();
    for c in item.children_named("cve") {
        push_cve(&mut f.cves, &c.text);
    }
    for c in item.children_named("cwe") {
        f.cwes.extend(cwe_number(&c.text));
    }
    for x in item.children_named("xref") {
        if let Some(n) = x.own_text().strip_prefix("CWE:") {
            f.cwes.extend(cwe_number(n));
        }
    }
    f.cvss.v3_score = item
        .text_of("cvss3_base_score")
        .and_then(|s| s.parse().ok());
    f.cvss.v3_vector = item.text_of("cvss3_vector");
    f.cvss.v2_score = item.text_of("cvss_base_score").and_then(|s| s.parse().ok());
    f.cvss.v2_vector = item
        .text_of("cvss_vector")
        .map(|v| v.trim_start_matches("CVSS2#").to_string());
    let level = item.attr("severity").unwrap_or("0");
    f.tool_severity = item
        .text_of("risk_factor")
        .unwrap_or_else(|| level.to_string());
    f.severity = severity::nessus(level);
    f.host = host.name.clone().or_else(|| host.fqdn.clone());
    f.ip = host.ip.clone();
    f.port = item
        .attr("port")
        .and_then(|p| p.trim().parse().ok())
        .filter(|p| *p != 0);
    f.protocol = item.attr("protocol").and_then(non_empty);
    f
}
