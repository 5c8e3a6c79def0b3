//! SARIF 2.1.0 logs of any tool: one finding per failing result of each run.

use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::clause;
use crate::error::ParseError;
use crate::finding::{Finding, Kind};
use crate::json_stream::{self, Each};
use crate::severity;
use crate::sink::{Sink, Stop};
use crate::text::{cwe_number, non_empty};

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let res = json_stream::run(r, Top { sink: &mut *sink });
    res.map_err(|e| json_stream::error(sink, e))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Tool {
    driver: Driver,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Driver {
    name: String,
    version: Option<String>,
    semantic_version: Option<String>,
    rules: Vec<Rule>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Rule {
    id: String,
    name: Option<String>,
    short_description: Option<Message>,
    full_description: Option<Message>,
    help: Option<Message>,
    help_uri: Option<String>,
    default_configuration: Option<Config>,
    message_strings: BTreeMap<String, Message>,
    properties: Option<Value>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct Message {
    text: Option<String>,
    id: Option<String>,
    arguments: Vec<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Config {
    level: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SarifResult {
    rule_id: Option<String>,
    rule_index: Option<usize>,
    rule: Option<RuleRef>,
    kind: Option<String>,
    level: Option<String>,
    message: Message,
    locations: Vec<Location>,
    fingerprints: BTreeMap<String, Value>,
    partial_fingerprints: BTreeMap<String, Value>,
    properties: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RuleRef {
    id: Option<String>,
    index: Option<usize>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Location {
    physical_location: Option<Physical>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Physical {
    artifact_location: Option<Artifact>,
    region: Option<Region>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Artifact {
    uri: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Region {
    start_line: Option<u64>,
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
        f.write_str("a SARIF log object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "runs" {
                map.next_value_seed(Runs {
                    sink: &mut *self.sink,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct Runs<'a, 's> {
    sink: &'a mut Sink<'s>,
}

impl<'de> DeserializeSeed<'de> for Runs<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Runs<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of runs")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Run {
                sink: &mut *self.sink,
            })?
            .is_some()
        {}
        Ok(())
    }
}

struct Run<'a, 's> {
    sink: &'a mut Sink<'s>,
}

impl<'de> DeserializeSeed<'de> for Run<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Run<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a SARIF run object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let sink = self.sink;
        let mut tool: Option<Tool> = None;
        // Results that come before `tool` wait for it (unusual key order).
        let mut pending: Vec<SarifResult> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "tool" => tool = Some(map.next_value()?),
                "results" => {
                    let mut each = |r: SarifResult| match &tool {
                        Some(t) => emit(sink, t, r),
                        None => {
                            pending.push(r);
                            Ok(())
                        }
                    };
                    map.next_value_seed(Each::new(&mut each))?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let tool = tool.unwrap_or_default();
        for r in pending {
            emit(sink, &tool, r).map_err(json_stream::stop_error)?;
        }
        Ok(())
    }
}

fn message_text(m: &Message, rule: Option<&Rule>) -> Option<String> {
    if let Some(t) = m.text.as_deref().and_then(non_empty) {
        return Some(t);
    }
    let template = rule?.message_strings.get(m.id.as_deref()?)?.text.clone()?;
    let mut out = template;
    for (i, a) in m.arguments.iter().enumerate() {
        let s = match a {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out = out.replace(&format!("{{{i}}}"), &s);
    }
    Some(out)
}

fn tags(v: Option<&Value>) -> Vec<String> {
    v.and_then(|p| p.get("tags"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn emit(sink: &mut Sink<'_>, tool: &Tool, r: SarifResult) -> Result<(), Stop> {
    let kind = r.kind.as_deref().unwrap_or("fail");
    if kind == "pass" || kind == "notApplicable" {
        return Ok(());
    }
    let d = &tool.driver;
    let index = r.rule_index.or(r.rule.as_ref().and_then(|x| x.index));
    let id = r
        .rule_id
        .clone()
        .or_else(|| r.rule.as_ref().and_then(|x| x.id.clone()))
        .or_else(|| index.and_then(|i| d.rules.get(i)).map(|x| x.id.clone()))
        .unwrap_or_default();
    let rule = index
        .and_then(|i| d.rules.get(i))
        .filter(|x| x.id == id || id.is_empty())
        .or_else(|| d.rules.iter().find(|x| x.id == id));
    let mut all_tags = tags(rule.and_then(|x| x.properties.as_ref()));
    all_tags.extend(tags(r.properties.as_ref()));
    let secret = all_tags
        .iter()
        .any(|t| t.to_ascii_lowercase().contains("secret"))
        || id.to_ascii_lowercase().contains("secret");
    let (fkind, clause) = if secret {
        (Kind::Secret, clause::SECRETS)
    } else {
        (Kind::Code, clause::CODE_ANALYSIS)
    };
    let tool_name = non_empty(&d.name).unwrap_or_else(|| "SARIF".into());
    let mut f = Finding::new(&tool_name, fkind, &id, clause);
    f.tool_version = d.semantic_version.clone().or_else(|| d.version.clone());
    let message = message_text(&r.message, rule);
    let short = rule
        .and_then(|x| x.short_description.as_ref())
        .and_then(|m| message_text(m, rule));
    f.title = short
        .or_else(|| rule.and_then(|x| x.name.clone()))
        .or_else(|| {
            message
                .as_ref()
                .and_then(|m| m.lines().next().map(str::to_string))
        })
        .unwrap_or_else(|| id.clone());
    let full = rule
        .and_then(|x| x.full_description.as_ref())
        .and_then(|m| message_text(m, rule));
    f.description = non_empty(
        &[message, full]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n\n"),
    );
    f.solution = rule
        .and_then(|x| x.help.as_ref())
        .and_then(|m| message_text(m, rule));
    f.references = rule.and_then(|x| x.help_uri.clone()).into_iter().collect();
    f.cwes = all_tags
        .iter()
        .filter(|t| t.to_ascii_lowercase().contains("cwe"))
        .filter_map(|t| cwe_number(t))
        .collect();
    let sec_sev = rule
        .and_then(|x| x.properties.as_ref())
        .and_then(|p| p.get("security-severity"))
        .and_then(|v| match v {
            Value::String(s) => s.trim().parse().ok(),
            other => other.as_f64(),
        });
    let level = r
        .level
        .clone()
        .or_else(|| (kind != "fail").then(|| "none".to_string()))
        .or_else(|| {
            rule.and_then(|x| x.default_configuration.as_ref())
                .and_then(|c| c.level.clone())
        })
        .unwrap_or_else(|| "warning".into());
    f.severity = severity::sarif(sec_sev, &level);
    f.tool_severity = match sec_sev {
        Some(s) => format!("{level} (security-severity {s})"),
        None => level,
    };
    let phys = r
        .locations
        .first()
        .and_then(|l| l.physical_location.as_ref());
    f.file_path = phys
        .and_then(|p| p.artifact_location.as_ref())
        .and_then(|a| a.uri.as_deref())
        .map(|u| u.strip_prefix("file://").unwrap_or(u).to_string());
    f.line = phys
        .and_then(|p| p.region.as_ref())
        .and_then(|r| r.start_line);
    let prints = if r.fingerprints.is_empty() {
        &r.partial_fingerprints
    } else {
        &r.fingerprints
    };
    f.component = if prints.is_empty() {
        f.line.map(|l| format!("line:{l}"))
    } else {
        let parts: Vec<String> = prints
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect();
        Some(parts.join(";"))
    };
    sink.emit(f)
}
