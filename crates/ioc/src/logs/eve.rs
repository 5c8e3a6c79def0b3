//! Suricata `eve.json`: event types `dns` (query names, answers in the v1
//! and v2 layouts), `flow` (endpoints), `http` (host and URL) and `tls`
//! (SNI); other event types are skipped. The internal host is `src_ip`,
//! or `dest_ip` for a v1 DNS `answer` event, whose source is the server.
use std::borrow::Cow;
use std::net::IpAddr;

use serde_json::Value;

use super::{join_url, Record, TimeKind};

pub(super) fn parse(line: &str, rec: &mut Record<'_>, urls: bool) -> Result<bool, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let event = v
        .get("event_type")
        .and_then(Value::as_str)
        .ok_or("no event_type")?;
    if !matches!(event, "dns" | "flow" | "http" | "tls") {
        return Ok(false);
    }
    if let Some(t) = v.get("timestamp").and_then(Value::as_str) {
        rec.time_kind = Some(TimeKind::Iso);
        rec.time = Cow::Owned(t.to_string());
    }
    let addr = |k: &str| -> Result<Option<IpAddr>, String> {
        match v.get(k).and_then(Value::as_str) {
            Some(t) => t
                .parse()
                .map(Some)
                .map_err(|_| format!("{k} {t:?} is not an IP address")),
            None => Ok(None),
        }
    };
    let (src, dest) = (addr("src_ip")?, addr("dest_ip")?);
    let dns = v.get("dns");
    let answer_event = dns.and_then(|d| d.get("type")).and_then(Value::as_str) == Some("answer");
    rec.client = if answer_event { dest } else { src };
    if let Some(a) = src {
        rec.addr("src_ip", a);
    }
    if let Some(a) = dest {
        rec.addr("dest_ip", a);
    }
    match event {
        "dns" => {
            let Some(d) = dns else {
                return Err("dns event without a dns object".into());
            };
            dns_fields(d, rec);
        }
        "http" => {
            let h = v.get("http");
            let s = |k: &str| {
                h.and_then(|h| h.get(k))
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
            };
            if let Some(host) = s("hostname") {
                rec.name("http.hostname", host.to_string());
                if let (true, Some(url)) = (urls, s("url")) {
                    let port = h.and_then(|h| h.get("http_port")).and_then(Value::as_u64);
                    let authority = match port {
                        Some(p) if p != 80 => format!("{host}:{p}"),
                        _ => host.to_string(),
                    };
                    rec.url("http.url", join_url(&authority, url));
                }
            }
        }
        "tls" => {
            if let Some(sni) = v
                .get("tls")
                .and_then(|t| t.get("sni"))
                .and_then(Value::as_str)
            {
                rec.name("tls.sni", sni.to_string());
            }
        }
        _ => {}
    }
    Ok(true)
}

fn dns_fields(d: &Value, rec: &mut Record<'_>) {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    if let Some(q) = text(d, "rrname") {
        rec.name("dns.rrname", q);
    }
    for q in d
        .get("queries")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(n) = text(q, "rrname") {
            rec.name("dns.rrname", n);
        }
    }
    if let Some(r) = text(d, "rdata") {
        rec.answer("dns.rdata", Cow::Owned(r));
    }
    for a in d
        .get("answers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(r) = text(a, "rdata") {
            rec.answer("dns.answers", Cow::Owned(r));
        }
    }
    if let Some(Value::Object(g)) = d.get("grouped") {
        for (ty, list) in g {
            if !matches!(ty.as_str(), "A" | "AAAA" | "CNAME") {
                continue;
            }
            for r in list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                rec.answer("dns.grouped", Cow::Owned(r.to_string()));
            }
        }
    }
}
