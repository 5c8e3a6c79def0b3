//! Nmap `-oX` XML: each open port a finding, each `vulners` entry another.

use std::io::BufRead;

use crate::clause;
use crate::error::ParseError;
use crate::finding::{Finding, Kind, Severity};
use crate::severity;
use crate::sink::Sink;
use crate::text::{is_cve, non_empty, push_cve};
use crate::xml::{Ev, Node, Xml};

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let mut xml = Xml::new(sink.input, r);
    let root = xml.root(&["nmaprun"], "an Nmap XML report")?;
    let version = root.attr("version").and_then(non_empty);
    loop {
        match xml.next()? {
            Ev::Start(t) if t.name == "host" => {
                let host = xml.subtree(t, &["trace", "os", "times"])?;
                for f in host_findings(&host, version.as_deref()) {
                    if sink.emit(f).is_err() {
                        return Err(sink.stop_error(xml.position()));
                    }
                }
            }
            Ev::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn host_findings(host: &Node, version: Option<&str>) -> Vec<Finding> {
    let mut ip = None;
    for a in host.children_named("address") {
        if matches!(a.attr("addrtype"), Some("ipv4") | Some("ipv6")) && ip.is_none() {
            ip = a.attr("addr").and_then(non_empty);
        }
    }
    let names: Vec<&Node> = host
        .child("hostnames")
        .map(|h| h.children_named("hostname").collect())
        .unwrap_or_default();
    let name = names
        .iter()
        .find(|n| n.attr("type") == Some("user"))
        .or(names.first())
        .and_then(|n| n.attr("name"))
        .and_then(non_empty);
    let mut out = Vec::new();
    let Some(ports) = host.child("ports") else {
        return out;
    };
    for port in ports.children_named("port") {
        let state = port.child("state").and_then(|s| s.attr("state"));
        if state != Some("open") {
            continue;
        }
        let number: Option<u16> = port.attr("portid").and_then(|p| p.parse().ok());
        let proto = port.attr("protocol").unwrap_or("tcp").to_string();
        let base = |mut f: Finding| {
            f.tool_version = version.map(str::to_string);
            f.host = name.clone().or_else(|| ip.clone());
            f.ip = ip.clone();
            f.port = number;
            f.protocol = Some(proto.clone());
            f
        };
        let service = port.child("service");
        let svc = |k: &str| service.and_then(|s| s.attr(k)).unwrap_or("");
        let mut f = base(Finding::new(
            "Nmap",
            Kind::OpenPort,
            "open-port",
            clause::OPEN_PORTS,
        ));
        let label = format!(
            "{}/{}",
            number.map(|n| n.to_string()).unwrap_or_default(),
            proto
        );
        f.title = match svc("name") {
            "" => format!("Open port {label}"),
            s => format!("Open port {label} ({s})"),
        };
        let product = [svc("product"), svc("version"), svc("extrainfo")]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        f.description = non_empty(&format!(
            "Port {label} is open{}{}.",
            match svc("name") {
                "" => String::new(),
                s => format!(", service {s}"),
            },
            match product.as_str() {
                "" => String::new(),
                p => format!(" ({p})"),
            }
        ));
        f.solution = Some(
            "Close the port unless the service is needed; restrict it by firewall otherwise."
                .into(),
        );
        f.tool_severity = "open".into();
        f.severity = Severity::Info;
        out.push(f);
        for script in port.children_named("script") {
            if script.attr("id") == Some("vulners") {
                for cpe in script.children_named("table") {
                    for entry in cpe.children_named("table") {
                        if let Some(v) = vulners_entry(cpe.attr("key"), entry) {
                            out.push(base(v));
                        }
                    }
                }
            }
        }
    }
    out
}

/// One `vulners` table entry (`id`, `type`, `cvss`, `is_exploit`); exploit
/// entries are skipped (they point at exploit code for a vulnerability that
/// has its own entry).
fn vulners_entry(cpe: Option<&str>, entry: &Node) -> Option<Finding> {
    let elem = |k: &str| {
        entry
            .children_named("elem")
            .find(|e| e.attr("key") == Some(k))
            .map(|e| e.own_text().to_string())
    };
    let id = elem("id").filter(|s| !s.is_empty())?;
    if elem("is_exploit").as_deref() == Some("true") {
        return None;
    }
    let kind = elem("type").unwrap_or_default();
    let mut f = Finding::new("Nmap", Kind::Vulnerability, &id, clause::VULNERABILITY_SCAN);
    if kind.eq_ignore_ascii_case("cve") || is_cve(&id) {
        push_cve(&mut f.cves, &id);
    }
    // The vulners database's `cvss` score is CVSS v2.
    f.cvss.v2_score = elem("cvss").and_then(|s| s.parse().ok());
    f.component = cpe.and_then(non_empty);
    f.title = match &f.component {
        Some(c) => format!("{id} in {c}"),
        None => id.clone(),
    };
    f.references = vec![format!(
        "https://vulners.com/{}/{}",
        kind.to_ascii_lowercase(),
        id
    )];
    f.tool_severity = f
        .cvss
        .v2_score
        .map(|s| format!("{s:.1}"))
        .unwrap_or_default();
    f.severity = f
        .cvss
        .v2_score
        .map(Severity::from_cvss)
        .unwrap_or(severity::words(""));
    Some(f)
}
