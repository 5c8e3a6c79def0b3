//! OpenVAS / Greenbone XML reports: one finding per `result` under `results`.

use std::io::BufRead;

use crate::clause;
use crate::error::ParseError;
use crate::finding::{Finding, Kind};
use crate::severity;
use crate::sink::Sink;
use crate::text::{cwe_number, non_empty, push_cve};
use crate::xml::{Ev, Node, Xml};

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let mut xml = Xml::new(sink.input, r);
    xml.root(&["report", "get_reports_response"], "an OpenVAS report")?;
    let mut version = None;
    let mut in_results = 0usize;
    loop {
        match xml.next()? {
            Ev::Start(t) if t.name == "gmp" || t.name == "omp" => {
                version = xml.subtree(t, &[])?.text_of("version");
            }
            Ev::Start(t) if t.name == "results" => in_results = xml.depth(),
            Ev::End(n) if n == "results" => in_results = 0,
            Ev::Start(t) if t.name == "result" && in_results > 0 => {
                let item = xml.subtree(t, &["detection", "notes", "overrides"])?;
                if sink.emit(finding(&item, version.as_deref())).is_err() {
                    return Err(sink.stop_error(xml.position()));
                }
            }
            Ev::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The `key=value|key=value` pairs of an NVT's `tags`.
fn tag<'a>(tags: &'a str, key: &str) -> Option<&'a str> {
    tags.split('|').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k.trim() == key).then_some(v.trim())
    })
}

/// Line-wrapped tag text joined back into paragraphs.
fn unwrap_lines(s: &str) -> String {
    let mut out = String::new();
    for para in s.split("\n\n") {
        let p: Vec<&str> = para.split_whitespace().collect();
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&p.join(" "));
    }
    out
}

fn finding(item: &Node, version: Option<&str>) -> Finding {
    let empty = Node::default();
    let nvt = item.child("nvt").unwrap_or(&empty);
    let oid = nvt.attr("oid").unwrap_or("");
    let mut f = Finding::new(
        "OpenVAS",
        Kind::Vulnerability,
        oid,
        clause::VULNERABILITY_SCAN,
    );
    f.tool_version = version.map(|v| format!("GMP {v}"));
    f.title = nvt
        .text_of("name")
        .or_else(|| item.text_of("name"))
        .map(|s| unwrap_lines(&s))
        .unwrap_or_else(|| format!("OpenVAS NVT {oid}"));
    let tags = nvt.text_of("tags").unwrap_or_default();
    let mut desc = Vec::new();
    for key in ["summary", "insight", "impact", "affected"] {
        if let Some(v) = tag(&tags, key).filter(|v| !v.is_empty()) {
            desc.push(unwrap_lines(v));
        }
    }
    f.description = non_empty(&desc.join("\n\n"));
    f.solution = nvt
        .text_of("solution")
        .or_else(|| tag(&tags, "solution").map(str::to_string))
        .map(|s| unwrap_lines(&s))
        .and_then(|s| non_empty(&s));
    if let Some(refs) = nvt.child("refs") {
        for r in refs.children_named("ref") {
            let id = r.attr("id").unwrap_or("");
            match r.attr("type").unwrap_or("").to_ascii_lowercase().as_str() {
                "cve" => push_cve(&mut f.cves, id),
                "cwe" => f.cwes.extend(cwe_number(id)),
                "url" => f.references.push(id.to_string()),
                _ => {}
            }
        }
    }
    if let Some(sevs) = nvt.child("severities") {
        for s in sevs.children_named("severity") {
            let ty = s.attr("type").unwrap_or("");
            let score = s.text_of("score").and_then(|x| x.parse().ok());
            let vector = s.text_of("value");
            if ty.starts_with("cvss_base_v3") {
                f.cvss.v3_score = score;
                f.cvss.v3_vector = vector;
            } else if ty.starts_with("cvss_base_v2") {
                f.cvss.v2_score = score;
                f.cvss.v2_vector = vector;
            }
        }
    }
    if f.cvss.v2_score.is_none() && f.cvss.v3_score.is_none() {
        f.cvss.v2_score = nvt.text_of("cvss_base").and_then(|s| s.parse().ok());
        f.cvss.v2_vector = tag(&tags, "cvss_base_vector").and_then(non_empty);
    }
    let score: Option<f64> = item.text_of("severity").and_then(|s| s.parse().ok());
    let threat = item.text_of("threat").unwrap_or_default();
    f.tool_severity = match score {
        Some(s) => format!("{threat} ({s:.1})"),
        None => threat.clone(),
    };
    f.severity = severity::openvas(score, &threat);
    if let Some(h) = item.child("host") {
        f.ip = non_empty(h.own_text());
        f.host = h.text_of("hostname").or_else(|| f.ip.clone());
    }
    if let Some(p) = item.text_of("port") {
        let (port, proto) = p.split_once('/').unwrap_or((p.as_str(), ""));
        f.port = port.trim().parse().ok().filter(|n| *n != 0);
        f.protocol = non_empty(proto);
    }
    f
}
