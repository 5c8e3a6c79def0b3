//! Trivy JSON (schema 2 and legacy): vulnerabilities, misconfigurations, secrets.

use std::collections::BTreeMap;
use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::clause;
use crate::error::ParseError;
use crate::finding::{Finding, Kind};
use crate::json_stream::{self, Each};
use crate::severity;
use crate::sink::{Sink, Stop};
use crate::text::{cwe_number, non_empty, push_cve};

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let res = json_stream::run(r, Top { sink: &mut *sink });
    res.map_err(|e| json_stream::error(sink, e))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct TrivyResult {
    target: String,
    class: String,
    #[serde(rename = "Type")]
    ty: String,
    vulnerabilities: Option<Vec<Vuln>>,
    misconfigurations: Option<Vec<Misconf>>,
    secrets: Option<Vec<Secret>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Vuln {
    #[serde(rename = "VulnerabilityID")]
    id: String,
    pkg_name: String,
    pkg_path: Option<String>,
    installed_version: Option<String>,
    fixed_version: Option<String>,
    title: Option<String>,
    description: Option<String>,
    severity: String,
    severity_source: Option<String>,
    #[serde(rename = "CweIDs")]
    cwe_ids: Option<Vec<String>>,
    #[serde(rename = "CVSS")]
    cvss: Option<BTreeMap<String, CvssEntry>>,
    references: Option<Vec<String>>,
    #[serde(rename = "PrimaryURL")]
    primary_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct CvssEntry {
    v2_vector: Option<String>,
    v3_vector: Option<String>,
    v2_score: Option<f64>,
    v3_score: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Misconf {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "AVDID")]
    avd_id: Option<String>,
    title: Option<String>,
    description: Option<String>,
    message: Option<String>,
    resolution: Option<String>,
    severity: String,
    #[serde(rename = "PrimaryURL")]
    primary_url: Option<String>,
    references: Option<Vec<String>>,
    status: Option<String>,
    cause_metadata: Option<Cause>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Cause {
    resource: Option<String>,
    start_line: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Secret {
    #[serde(rename = "RuleID")]
    rule_id: String,
    category: Option<String>,
    severity: String,
    title: Option<String>,
    start_line: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct TrivyInfo {
    version: Option<String>,
}

struct Top<'a, 's> {
    sink: &'a mut Sink<'s>,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Trivy report (an object with Results, or a legacy array)")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let sink = self.sink;
        let mut each = |r: TrivyResult| emit(sink, &Ctx::default(), r);
        Each::new(&mut each).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let sink = self.sink;
        let mut ctx = Ctx::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "ArtifactName" => ctx.artifact = map.next_value::<Option<String>>()?,
                "Trivy" => ctx.version = map.next_value::<TrivyInfo>()?.version,
                "Results" => {
                    let mut each = |r: TrivyResult| emit(sink, &ctx, r);
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

#[derive(Default)]
struct Ctx {
    artifact: Option<String>,
    version: Option<String>,
}

fn emit(sink: &mut Sink<'_>, ctx: &Ctx, r: TrivyResult) -> Result<(), Stop> {
    let host = ctx.artifact.clone().or_else(|| non_empty(&r.target));
    // OS packages are not files; other targets (lock files, manifests) are.
    let file = (r.class != "os-pkgs")
        .then(|| non_empty(&r.target))
        .flatten();
    let base = |mut f: Finding| {
        f.tool_version = ctx.version.clone();
        f.host = host.clone();
        f.file_path = file.clone();
        f
    };
    for v in r.vulnerabilities.unwrap_or_default() {
        let mut f = base(Finding::new(
            "Trivy",
            Kind::Vulnerability,
            &v.id,
            clause::VULNERABILITY_SCAN,
        ));
        push_cve(&mut f.cves, &v.id);
        f.title = match v.title.as_deref().and_then(non_empty) {
            Some(t) => format!("{}: {t}", v.id),
            None => format!("{} in {}", v.id, v.pkg_name),
        };
        let installed = v.installed_version.as_deref().unwrap_or("?");
        f.description = non_empty(&format!(
            "{}\n\nPackage {} {installed} ({} {}).",
            v.description.as_deref().unwrap_or(""),
            v.pkg_name,
            r.ty,
            r.target
        ));
        f.solution = v
            .fixed_version
            .as_deref()
            .and_then(non_empty)
            .map(|fx| format!("Upgrade {} to {fx}.", v.pkg_name));
        f.references = v
            .primary_url
            .into_iter()
            .chain(v.references.unwrap_or_default())
            .collect();
        f.references.dedup();
        f.cwes = v
            .cwe_ids
            .unwrap_or_default()
            .iter()
            .filter_map(|c| cwe_number(c))
            .collect();
        if let Some(cvss) = v.cvss {
            let preferred = v
                .severity_source
                .as_deref()
                .and_then(|s| cvss.get(s))
                .or_else(|| cvss.get("nvd"))
                .or_else(|| cvss.values().next());
            if let Some(c) = preferred {
                f.cvss.v3_score = c.v3_score;
                f.cvss.v3_vector = c.v3_vector.clone();
                f.cvss.v2_score = c.v2_score;
                f.cvss.v2_vector = c.v2_vector.clone();
            }
        }
        f.severity = severity::words(&v.severity);
        f.tool_severity = v.severity;
        f.component = non_empty(&match v.pkg_path.as_deref().and_then(non_empty) {
            Some(p) => format!("{}@{p}", v.pkg_name),
            None => v.pkg_name.clone(),
        });
        sink.emit(f)?;
    }
    for m in r.misconfigurations.unwrap_or_default() {
        if m.status
            .as_deref()
            .is_some_and(|s| !s.eq_ignore_ascii_case("FAIL"))
        {
            continue;
        }
        let rule = m
            .avd_id
            .as_deref()
            .and_then(non_empty)
            .unwrap_or(m.id.clone());
        let mut f = base(Finding::new(
            "Trivy",
            Kind::Misconfiguration,
            &rule,
            clause::MISCONFIGURATION,
        ));
        f.title = m.title.clone().unwrap_or_else(|| rule.clone());
        f.description = non_empty(&format!(
            "{}\n\n{}",
            m.description.as_deref().unwrap_or(""),
            m.message.as_deref().unwrap_or("")
        ));
        f.solution = m.resolution.as_deref().and_then(non_empty);
        f.references = m
            .primary_url
            .into_iter()
            .chain(m.references.unwrap_or_default())
            .collect();
        f.references.dedup();
        f.severity = severity::words(&m.severity);
        f.tool_severity = m.severity;
        if let Some(c) = m.cause_metadata {
            f.line = c.start_line.filter(|l| *l > 0);
            f.component = c.resource.as_deref().and_then(non_empty);
        }
        sink.emit(f)?;
    }
    for s in r.secrets.unwrap_or_default() {
        let mut f = base(Finding::new(
            "Trivy",
            Kind::Secret,
            &s.rule_id,
            clause::SECRETS,
        ));
        f.title = s
            .title
            .clone()
            .unwrap_or_else(|| format!("Secret {}", s.rule_id));
        f.description = s
            .category
            .as_deref()
            .map(|c| format!("A {c} secret is stored in {}.", r.target));
        f.solution = Some(
            "Remove the secret from the file, revoke it and store it in a secret manager.".into(),
        );
        f.severity = severity::words(&s.severity);
        f.tool_severity = s.severity;
        f.line = s.start_line.filter(|l| *l > 0);
        sink.emit(f)?;
    }
    Ok(())
}
