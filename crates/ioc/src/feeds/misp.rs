//! MISP JSON event exports: `Event.Attribute` and `Event.Object[].Attribute`
//! of types `domain`, `hostname`, `ip-src`, `ip-dst`, `url`, `domain|ip`,
//! `hostname|port`, `ip-src|port`, `ip-dst|port`; other types are ignored,
//! deleted attributes skipped.
use serde_json::Value;

use super::{Feed, Meta};
use crate::error::Error;
use crate::indicator::Kind;

pub(super) fn parse(feed: &mut Feed<'_>, text: &str) -> Result<(), Error> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| feed.fail(e.line() as u64, format!("not JSON: {e}")))?;
    let events: Vec<&Value> = match &doc {
        Value::Array(items) => items.iter().map(|v| v.get("Event").unwrap_or(v)).collect(),
        Value::Object(o) => match (o.get("Event"), o.get("response")) {
            (Some(e), _) => vec![e],
            (None, Some(Value::Array(items))) => {
                items.iter().map(|v| v.get("Event").unwrap_or(v)).collect()
            }
            _ if o.contains_key("Attribute") => vec![&doc],
            _ => return Err(feed.fail(1, "no \"Event\" object: not a MISP event export")),
        },
        _ => return Err(feed.fail(1, "not a MISP event export (expected an object or a list)")),
    };
    for (e, event) in events.into_iter().enumerate() {
        let info = event.get("info").and_then(Value::as_str).unwrap_or("");
        let org = event
            .get("Orgc")
            .and_then(|o| o.get("name"))
            .and_then(Value::as_str);
        let source = org.map(|o| format!("{} ({o})", feed.source));
        let mut attrs: Vec<&Value> = list(event.get("Attribute"));
        for obj in list(event.get("Object")) {
            attrs.extend(list(obj.get("Attribute")));
        }
        for (a, attr) in attrs.into_iter().enumerate() {
            attribute(feed, attr, info, source.as_ref(), e, a);
        }
    }
    Ok(())
}

fn list(v: Option<&Value>) -> Vec<&Value> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn attribute(
    feed: &mut Feed<'_>,
    attr: &Value,
    info: &str,
    source: Option<&String>,
    e: usize,
    a: usize,
) {
    let s = |k: &str| attr.get(k).and_then(Value::as_str).unwrap_or("");
    if attr.get("deleted").and_then(Value::as_bool) == Some(true) {
        return;
    }
    let ty = s("type");
    let value = s("value");
    let comment = s("comment");
    let meta = Meta {
        source: source.cloned(),
        description: if comment.is_empty() {
            info.to_string()
        } else {
            format!("{info}: {comment}")
        },
        ..Meta::default()
    };
    let values: Vec<(&str, Option<Kind>)> = match ty {
        "domain" | "hostname" => vec![(value, Some(Kind::Domain))],
        "ip-src" | "ip-dst" => vec![(value, None)],
        "url" => vec![(value, Some(Kind::Url))],
        "domain|ip" => match value.split_once('|') {
            Some((d, ip)) => vec![(d, Some(Kind::Domain)), (ip, None)],
            None => vec![(value, None)],
        },
        "hostname|port" => vec![(value.split('|').next().unwrap_or(""), Some(Kind::Domain))],
        "ip-src|port" | "ip-dst|port" => vec![(value.split('|').next().unwrap_or(""), None)],
        _ => {
            feed.b.ignore();
            return;
        }
    };
    for (v, kind) in values {
        if kind.is_none() && crate::normalize::ip(v).is_none() && !v.contains('/') {
            feed.reject(
                0,
                &format!(
                    "event {} attribute {} ({ty}): {v:?} is not an IP address",
                    e + 1,
                    a + 1
                ),
            );
            continue;
        }
        match super::normal(v, kind) {
            Ok(_) => feed.push(v, kind, &meta, 0),
            Err(reason) => feed.reject(
                0,
                &format!("event {} attribute {} ({ty}): {reason}", e + 1, a + 1),
            ),
        }
    }
}
