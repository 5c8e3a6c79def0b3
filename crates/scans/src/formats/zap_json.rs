//! OWASP ZAP JSON reports (traditional-json): `site` array holding `alerts`.

use std::fmt;
use std::io::BufRead;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::zap::{findings, Alert};
use crate::error::ParseError;
use crate::json_stream::{self, Each};
use crate::sink::{Sink, Stop};

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let res = json_stream::run(r, Top { sink: &mut *sink });
    res.map_err(|e| json_stream::error(sink, e))
}

/// One site with its alerts (a site is held in memory while its findings
/// are produced).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Site {
    #[serde(rename = "@name")]
    name: Option<String>,
    alerts: Vec<Value>,
}

struct Top<'a, 's> {
    sink: &'a mut Sink<'s>,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ZAP JSON report object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let sink = self.sink;
        let mut version: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "@version" => version = map.next_value()?,
                "site" => {
                    let mut each = |s: Site| emit_site(sink, version.as_deref(), s);
                    map.next_value_seed(Each::new(&mut each))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A field that ZAP writes as a string (sometimes a number).
fn s(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn emit_site(sink: &mut Sink<'_>, version: Option<&str>, site: Site) -> Result<(), Stop> {
    for a in &site.alerts {
        let uris = a
            .get("instances")
            .and_then(Value::as_array)
            .map(|i| i.iter().map(|x| s(x, "uri")).collect())
            .unwrap_or_default();
        let alert = Alert {
            plugin_id: s(a, "pluginid"),
            alert_ref: Some(s(a, "alertRef")).filter(|r| !r.is_empty()),
            name: Some(s(a, "name"))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| s(a, "alert")),
            riskcode: s(a, "riskcode"),
            riskdesc: s(a, "riskdesc"),
            desc: s(a, "desc"),
            solution: s(a, "solution"),
            reference: s(a, "reference"),
            cweid: s(a, "cweid"),
            uris,
        };
        for f in findings(&alert, version, site.name.as_deref()) {
            sink.emit(f)?;
        }
    }
    Ok(())
}
