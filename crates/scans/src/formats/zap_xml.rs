//! OWASP ZAP XML reports: `site` elements holding `alertitem`s.

use std::io::BufRead;

use super::zap::{findings, Alert};
use crate::error::ParseError;
use crate::sink::Sink;
use crate::xml::{Ev, Node, Xml};

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let mut xml = Xml::new(sink.input, r);
    let root = xml.root(&["OWASPZAPReport"], "a ZAP XML report")?;
    let version = root.attr("version").map(str::to_string);
    let mut site: Option<String> = None;
    loop {
        match xml.next()? {
            Ev::Start(t) if t.name == "site" => site = t.attr("name").map(str::to_string),
            Ev::Start(t) if t.name == "alertitem" => {
                let item = xml.subtree(t, &["evidence", "attack", "otherinfo"])?;
                for f in findings(&alert(&item), version.as_deref(), site.as_deref()) {
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

fn alert(item: &Node) -> Alert {
    let t = |k: &str| item.text_of(k).unwrap_or_default();
    let mut uris: Vec<String> = Vec::new();
    if let Some(instances) = item.child("instances") {
        uris.extend(
            instances
                .children_named("instance")
                .filter_map(|i| i.text_of("uri")),
        );
    }
    uris.extend(item.children_named("uri").map(|u| u.own_text().to_string()));
    Alert {
        plugin_id: t("pluginid"),
        alert_ref: item.text_of("alertRef"),
        name: item.text_of("name").unwrap_or_else(|| t("alert")),
        riskcode: t("riskcode"),
        riskdesc: t("riskdesc"),
        desc: t("desc"),
        solution: t("solution"),
        reference: t("reference"),
        cweid: t("cweid"),
        uris,
    }
}
