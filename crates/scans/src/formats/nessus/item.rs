//! One Nessus `ReportItem` as it is read, and the finding it becomes.

use std::borrow::Cow;

use quick_xml::events::BytesStart;

use crate::clause;
use crate::error::{Location, ParseError};
use crate::finding::{Finding, Kind};
use crate::severity;
use crate::text::{cwe_number, non_empty_owned, push_cve_owned, references};

/// Most text kept from one report item.
const MAX_ITEM_TEXT: usize = 64 * 1024 * 1024;

/// What the report says of the host being read.
#[derive(Debug, Default)]
pub(crate) struct Host {
    pub(crate) name: Option<String>,
    pub(crate) ip: Option<String>,
    pub(crate) fqdn: Option<String>,
}

/// The value of attribute `key` of `e`, unescaped (as it stands if it
/// cannot be).
pub(crate) fn attr_of(
    e: &BytesStart<'_>,
    key: &[u8],
    input: &str,
    pos: u64,
) -> Result<Option<String>, ParseError> {
    for a in e.attributes() {
        let a = a.map_err(|err| bad_attr(e, err, input, pos))?;
        if a.key.local_name().as_ref() == key {
            return Ok(Some(match a.unescape_value() {
                Ok(v) => v.into_owned(),
                Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
            }));
        }
    }
    Ok(None)
}

fn bad_attr(
    e: &BytesStart<'_>,
    err: quick_xml::events::attributes::AttrError,
    input: &str,
    pos: u64,
) -> ParseError {
    ParseError::Malformed {
        input: input.to_string(),
        location: Location::Byte(pos),
        reason: format!(
            "attribute of <{}>: {err}",
            String::from_utf8_lossy(e.local_name().as_ref())
        ),
    }
}

/// A child element of a report item whose text a finding uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    PluginName,
    Description,
    Synopsis,
    Solution,
    SeeAlso,
    RiskFactor,
    Cvss3Score,
    Cvss3Vector,
    CvssScore,
    CvssVector,
    Cve,
    Cwe,
    Xref,
}

/// Fields of which only the first element counts, in [`Item::single`] order.
const SINGLE: [Field; 10] = [
    Field::PluginName,
    Field::Description,
    Field::Synopsis,
    Field::Solution,
    Field::SeeAlso,
    Field::RiskFactor,
    Field::Cvss3Score,
    Field::Cvss3Vector,
    Field::CvssScore,
    Field::CvssVector,
];

fn field(name: &[u8]) -> Option<Field> {
    Some(match name {
        b"plugin_name" => Field::PluginName,
        b"description" => Field::Description,
        b"synopsis" => Field::Synopsis,
        b"solution" => Field::Solution,
        b"see_also" => Field::SeeAlso,
        b"risk_factor" => Field::RiskFactor,
        b"cvss3_base_score" => Field::Cvss3Score,
        b"cvss3_vector" => Field::Cvss3Vector,
        b"cvss_base_score" => Field::CvssScore,
        b"cvss_vector" => Field::CvssVector,
        b"cve" => Field::Cve,
        b"cwe" => Field::Cwe,
        b"xref" => Field::Xref,
        _ => return None,
    })
}

/// What one report item holds, as read so far.
#[derive(Default)]
pub(crate) struct Item {
    plugin_id: String,
    plugin_name: Option<String>,
    severity: Option<String>,
    port: Option<String>,
    protocol: Option<String>,
    /// The text of the first child of each [`SINGLE`] field, if any.
    single: [Option<String>; SINGLE.len()],
    cves: Vec<String>,
    cwes: Vec<u32>,
    /// The child being read and the text read of it so far.
    current: Option<(Field, String)>,
    text_len: usize,
}

impl Item {
    pub(crate) fn start(e: &BytesStart<'_>, input: &str, pos: u64) -> Result<Item, ParseError> {
        let mut item = Item::default();
        for a in e.attributes() {
            let a = a.map_err(|err| bad_attr(e, err, input, pos))?;
            item.attr(a.key.local_name().as_ref(), || match a.unescape_value() {
                Ok(v) => v.into_owned(),
                Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
            });
        }
        Ok(item)
    }

    /// An attribute of the item's start tag, by local name; `value` gives
    /// its value, unescaped, if the item uses it.
    pub(crate) fn attr(&mut self, name: &[u8], value: impl FnOnce() -> String) {
        let slot = match name {
            b"pluginID" => &mut self.plugin_id,
            b"pluginName" => self.plugin_name.get_or_insert_with(String::new),
            b"severity" => self.severity.get_or_insert_with(String::new),
            b"port" => self.port.get_or_insert_with(String::new),
            b"protocol" => self.protocol.get_or_insert_with(String::new),
            _ => return,
        };
        *slot = value();
    }

    /// A child element `name` starts directly in the item.
    pub(crate) fn open(&mut self, name: &[u8]) {
        self.current = field(name)
            .filter(|f| match SINGLE.iter().position(|s| s == f) {
                Some(i) => self.single.get(i).is_some_and(Option::is_none),
                None => true,
            })
            .map(|f| (f, String::new()));
    }

    pub(crate) fn wants_text(&self) -> bool {
        self.current.is_some()
    }

    /// Text directly in the current child; chunks are joined by a space.
    pub(crate) fn add_text(
        &mut self,
        chunk: Cow<'_, str>,
        input: &str,
        pos: u64,
    ) -> Result<(), ParseError> {
        let Some((_, text)) = self.current.as_mut() else {
            return Ok(());
        };
        self.text_len += chunk.len();
        if self.text_len > MAX_ITEM_TEXT {
            return Err(ParseError::Malformed {
                input: input.to_string(),
                location: Location::Byte(pos),
                reason: "one item holds more than 64 MiB of text".into(),
            });
        }
        if text.is_empty() {
            *text = chunk.into_owned();
        } else {
            text.push(' ');
            text.push_str(&chunk);
        }
        Ok(())
    }

    /// The current child ends.
    pub(crate) fn close(&mut self) {
        let Some((f, text)) = self.current.take() else {
            return;
        };
        match f {
            Field::Cve => push_cve_owned(&mut self.cves, text),
            Field::Cwe => self.cwes.extend(cwe_number(&text)),
            Field::Xref => {
                if let Some(n) = text.trim().strip_prefix("CWE:") {
                    self.cwes.extend(cwe_number(n));
                }
            }
            single => {
                if let Some(slot) = SINGLE
                    .iter()
                    .position(|s| *s == single)
                    .and_then(|i| self.single.get_mut(i))
                {
                    *slot = Some(text);
                }
            }
        }
    }

    /// The trimmed text of the first child of field `f`, if not blank.
    fn text_of(&mut self, f: Field) -> Option<String> {
        let i = SINGLE.iter().position(|s| *s == f)?;
        let t = self.single.get_mut(i)?.take()?;
        let trimmed = t.trim();
        if trimmed.is_empty() {
            None
        } else if trimmed.len() == t.len() {
            Some(t)
        } else {
            Some(trimmed.to_string())
        }
    }

    pub(crate) fn finding(mut self, host: &Host) -> Finding {
        let mut f = Finding::new(
            "Nessus",
            Kind::Vulnerability,
            &self.plugin_id,
            clause::VULNERABILITY_SCAN,
        );
        let from_attr = self.plugin_name.take().and_then(non_empty_owned);
        let from_child = self.text_of(Field::PluginName);
        f.title = from_attr
            .or(from_child)
            .unwrap_or_else(|| format!("Nessus plugin {}", self.plugin_id));
        let description = self.text_of(Field::Description);
        let synopsis = self.text_of(Field::Synopsis);
        f.description = description.or(synopsis);
        f.solution = self.text_of(Field::Solution).filter(|s| s != "n/a");
        f.references = self
            .text_of(Field::SeeAlso)
            .map(|s| references(&s))
            .unwrap_or_default();
        f.cves = std::mem::take(&mut self.cves);
        f.cwes = std::mem::take(&mut self.cwes);
        f.cvss.v3_score = self.text_of(Field::Cvss3Score).and_then(|s| s.parse().ok());
        f.cvss.v3_vector = self.text_of(Field::Cvss3Vector);
        f.cvss.v2_score = self.text_of(Field::CvssScore).and_then(|s| s.parse().ok());
        f.cvss.v2_vector = self
            .text_of(Field::CvssVector)
            .map(|v| v.trim_start_matches("CVSS2#").to_string());
        let risk = self.text_of(Field::RiskFactor);
        let level = self.severity.as_deref().unwrap_or("0");
        f.severity = severity::nessus(level);
        f.tool_severity = risk.unwrap_or_else(|| level.to_string());
        f.host = host.name.clone().or_else(|| host.fqdn.clone());
        f.ip = host.ip.clone();
        f.port = self
            .port
            .as_deref()
            .and_then(|p| p.trim().parse().ok())
            .filter(|p| *p != 0);
        f.protocol = self.protocol.take().and_then(non_empty_owned);
        f
    }
}
