//! Zeek JSON-lines logs: the same fields as the TSV logs, as JSON keys
//! (`id.orig_h` flat, or nested under `id`).
use std::borrow::Cow;
use std::net::IpAddr;

use serde_json::Value;

use super::{join_url, Record, TimeKind};

pub(super) fn parse(line: &str, rec: &mut Record<'_>, urls: bool) -> Result<bool, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(o) = &v else {
        return Err("not a JSON object".into());
    };
    let s = |k: &str| o.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    match o.get("ts") {
        Some(Value::Number(n)) => {
            rec.time_kind = Some(TimeKind::Epoch);
            rec.time = Cow::Owned(n.to_string());
        }
        Some(Value::String(t)) => {
            rec.time_kind = Some(TimeKind::Any);
            rec.time = Cow::Owned(t.clone());
        }
        _ => {}
    }
    for (key, field) in [("orig_h", "id.orig_h"), ("resp_h", "id.resp_h")] {
        let text = s(field).or_else(|| {
            o.get("id")
                .and_then(|id| id.get(key))
                .and_then(Value::as_str)
        });
        if let Some(t) = text {
            let a: IpAddr = t
                .parse()
                .map_err(|_| format!("{field} {t:?} is not an IP address"))?;
            if key == "orig_h" {
                rec.client = Some(a);
            }
            rec.addr(field, a);
        }
    }
    if let Some(q) = s("query") {
        rec.name("query", q.to_string());
    }
    match o.get("answers") {
        Some(Value::Array(list)) => {
            for a in list.iter().filter_map(Value::as_str) {
                rec.answer("answers", Cow::Owned(a.to_string()));
            }
        }
        Some(Value::String(a)) => rec.answer("answers", Cow::Owned(a.clone())),
        _ => {}
    }
    if let Some(host) = s("host") {
        rec.name("host", host.to_string());
        if let (true, Some(uri)) = (urls, s("uri")) {
            rec.url("url", join_url(host, uri));
        }
    }
    if let Some(sni) = s("server_name") {
        rec.name("server_name", sni.to_string());
    }
    Ok(true)
}
