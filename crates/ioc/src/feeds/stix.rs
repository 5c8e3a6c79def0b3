//! STIX 2.1 bundles: `indicator` objects with a STIX pattern (see
//! `stix_pattern`), `name`/`description`, `valid_from`/`valid_until`;
//! revoked indicators and other object types are left out.
use serde_json::Value;

use super::{stix_pattern, time, Feed, Meta};
use crate::error::Error;
use crate::indicator::Kind;

pub(super) fn parse(feed: &mut Feed<'_>, text: &str) -> Result<(), Error> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| feed.fail(e.line() as u64, format!("not JSON: {e}")))?;
    let objects: Vec<&Value> = match &doc {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => match o.get("objects") {
            Some(Value::Array(a)) => a.iter().collect(),
            _ if o.get("type").and_then(Value::as_str) == Some("indicator") => vec![&doc],
            _ => return Err(feed.fail(1, "no \"objects\" list: not a STIX bundle")),
        },
        _ => return Err(feed.fail(1, "not a STIX bundle (expected an object)")),
    };
    for (i, obj) in objects.into_iter().enumerate() {
        if obj.get("type").and_then(Value::as_str) != Some("indicator") {
            continue;
        }
        indicator(feed, obj, i + 1);
    }
    Ok(())
}

fn indicator(feed: &mut Feed<'_>, obj: &Value, n: usize) {
    let s = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("");
    let id = if s("id").is_empty() {
        format!("object {n}")
    } else {
        s("id").to_string()
    };
    if obj.get("revoked").and_then(Value::as_bool) == Some(true) {
        feed.b.ignore();
        return;
    }
    let pt = s("pattern_type");
    if !pt.is_empty() && pt != "stix" {
        feed.b.ignore();
        return;
    }
    let mut meta = Meta::default();
    let (name, desc) = (s("name"), s("description"));
    meta.description = match (name.is_empty(), desc.is_empty()) {
        (false, false) => format!("{name}: {desc}"),
        (false, true) => name.to_string(),
        _ => desc.to_string(),
    };
    for (key, slot) in [
        ("valid_from", &mut meta.valid_from),
        ("valid_until", &mut meta.valid_until),
    ] {
        let v = obj.get(key).and_then(Value::as_str);
        if let Some(v) = v {
            match time(v) {
                Some(t) => *slot = Some(t),
                None => {
                    feed.reject(0, &format!("{id}: {key} {v:?} is not an RFC 3339 time"));
                    return;
                }
            }
        }
    }
    let comparisons = match stix_pattern::parse(s("pattern")) {
        Ok(c) => c,
        Err(reason) => {
            feed.reject(0, &format!("{id}: pattern {:?}: {reason}", s("pattern")));
            return;
        }
    };
    for c in comparisons {
        let (kind, v4) = match c.object {
            "domain-name" => (Some(Kind::Domain), None),
            "url" => (Some(Kind::Url), None),
            "ipv4-addr" => (None, Some(true)),
            _ => (None, Some(false)),
        };
        match super::normal(&c.value, kind) {
            Ok((k, _)) if v4.is_some() && !matches!(k, Kind::Ipv4 | Kind::Ipv6 | Kind::Cidr) => {
                feed.reject(0, &format!("{id}: {:?} is not an address", c.value));
            }
            Ok((_, value)) if v4.is_some_and(|v4| value.contains(':') == v4) => {
                feed.reject(0, &format!("{id}: {:?} does not fit {}", c.value, c.object));
            }
            Ok((k, value)) => {
                let ind = crate::Indicator {
                    kind: k,
                    value,
                    source: feed.source.clone(),
                    description: meta.description.clone(),
                    valid_from: meta.valid_from,
                    valid_until: meta.valid_until,
                    origin: format!("{} ({id})", feed.at(0)),
                };
                feed.b.add(ind);
            }
            Err(reason) => feed.reject(0, &format!("{id}: {reason}")),
        }
    }
}
