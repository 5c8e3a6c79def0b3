//! One Nessus `ReportItem` as it is read, and the finding it becomes.

use std::borrow::Cow;

use quick_xml::events::BytesStart;

use crate::clause;
use crate::error::{Location, ParseError};
use crate::finding::{Finding, Kind};
use crate::fingerprint::Identity;
use crate::severity;
use crate::text::{cwe_number, non_empty, non_empty_owned, push_cve, push_cve_owned, references};

/// The tool name of every finding.
const TOOL: &str = "Nessus";

/// Most text kept from one report item.
const MAX_ITEM_TEXT: usize = 64 * 1024 * 1024;

/// What the report says of the host being read.
#[derive(Debug, Default, Clone)]
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

/// A text of a report item: a range of the host's text (as the plain
/// host reader finds it, [`super::fast`]) or text of its own.
///
/// Ranges let a worker thread read a host without copying its text: the
/// finding's strings are made where the finding is handed on, so that the
/// thread that frees them is the one that allocated them.
#[derive(Debug)]
pub(crate) enum Piece {
    /// Bytes `start..end` of the host's text, on character boundaries.
    At(usize, usize),
    Own(String),
}

impl Default for Piece {
    fn default() -> Self {
        Piece::Own(String::new())
    }
}

impl Piece {
    /// The text, in `src` for a range. A range is always one the plain
    /// reader took from this same `src` (checked text, cut at ASCII
    /// marks), so it is in bounds; were it not, the text would be empty.
    pub(crate) fn get<'a>(&'a self, src: &'a str) -> &'a str {
        match self {
            Piece::At(a, b) => src.get(*a..*b).unwrap_or_default(),
            Piece::Own(s) => s,
        }
    }

    fn into_string(self, src: &str) -> String {
        match self {
            Piece::At(..) => self.get(src).to_string(),
            Piece::Own(s) => s,
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Piece::At(a, b) => a == b,
            Piece::Own(s) => s.is_empty(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Piece::At(a, b) => b - a,
            Piece::Own(s) => s.len(),
        }
    }
}

/// The piece's text with its ends trimmed, if not blank: moved when it is
/// text of its own.
fn trimmed(p: Piece, src: &str) -> Option<String> {
    match p {
        Piece::Own(s) => non_empty_owned(s),
        at => non_empty(at.get(src)),
    }
}

/// What one report item holds, as read so far.
#[derive(Default)]
pub(crate) struct Item {
    plugin_id: Piece,
    plugin_name: Option<Piece>,
    severity: Option<Piece>,
    port: Option<Piece>,
    protocol: Option<Piece>,
    /// The text of the first child of each [`SINGLE`] field, if any.
    single: [Option<Piece>; SINGLE.len()],
    cves: Vec<Piece>,
    cwes: Vec<u32>,
    /// The child being read and the text read of it so far.
    current: Option<(Field, Piece)>,
    text_len: usize,
}

impl Item {
    pub(crate) fn start(e: &BytesStart<'_>, input: &str, pos: u64) -> Result<Item, ParseError> {
        let mut item = Item::default();
        for a in e.attributes() {
            let a = a.map_err(|err| bad_attr(e, err, input, pos))?;
            item.attr(a.key.local_name().as_ref(), || {
                Piece::Own(match a.unescape_value() {
                    Ok(v) => v.into_owned(),
                    Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
                })
            });
        }
        Ok(item)
    }

    /// An attribute of the item's start tag, by local name; `value` gives
    /// its value, unescaped, if the item uses it.
    pub(crate) fn attr(&mut self, name: &[u8], value: impl FnOnce() -> Piece) {
        let slot = match name {
            b"pluginID" => &mut self.plugin_id,
            b"pluginName" => self.plugin_name.get_or_insert_with(Piece::default),
            b"severity" => self.severity.get_or_insert_with(Piece::default),
            b"port" => self.port.get_or_insert_with(Piece::default),
            b"protocol" => self.protocol.get_or_insert_with(Piece::default),
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
            .map(|f| (f, Piece::default()));
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
        self.add_piece(Piece::Own(chunk.into_owned()), "", input, pos)
    }

    /// [`Self::add_text`] of a piece of the host's text `src`.
    pub(crate) fn add_piece(
        &mut self,
        chunk: Piece,
        src: &str,
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
            *text = chunk;
        } else {
            let mut joined = std::mem::take(text).into_string(src);
            joined.push(' ');
            joined.push_str(chunk.get(src));
            *text = Piece::Own(joined);
        }
        Ok(())
    }

    /// The current child ends; `src`: the host's text, for pieces of it.
    pub(crate) fn close(&mut self, src: &str) {
        let Some((f, text)) = self.current.take() else {
            return;
        };
        match f {
            // Checked and normalised when the finding is made.
            Field::Cve => self.cves.push(text),
            Field::Cwe => self.cwes.extend(cwe_number(text.get(src))),
            Field::Xref => {
                if let Some(n) = text.get(src).trim().strip_prefix("CWE:") {
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
    fn text_of<'a>(&'a self, f: Field, src: &'a str) -> Option<&'a str> {
        let i = SINGLE.iter().position(|s| *s == f)?;
        let t = self.single.get(i)?.as_ref()?.get(src).trim();
        (!t.is_empty()).then_some(t)
    }

    /// [`Self::text_of`], taken: text of its own is moved, not copied.
    fn take_text(&mut self, f: Field, src: &str) -> Option<String> {
        let i = SINGLE.iter().position(|s| *s == f)?;
        trimmed(self.single.get_mut(i)?.take()?, src)
    }

    /// The port, if a number other than 0.
    fn port(&self, src: &str) -> Option<u16> {
        self.port
            .as_ref()
            .and_then(|p| p.get(src).trim().parse().ok())
            .filter(|p| *p != 0)
    }

    /// What the fingerprint of the item's finding on `host` hashes: the
    /// fields as [`Self::finding`] sets them.
    pub(crate) fn identity<'a>(&'a self, host: &'a Host, src: &'a str) -> Identity<'a> {
        Identity {
            tool: TOOL,
            rule_id: self.plugin_id.get(src).trim(),
            host: host.name.as_deref().or(host.fqdn.as_deref()),
            ip: host.ip.as_deref(),
            port: self.port(src),
            protocol: self
                .protocol
                .as_ref()
                .map(|p| p.get(src).trim())
                .filter(|p| !p.is_empty()),
            url: None,
            file_path: None,
            component: None,
        }
    }

    /// The finding; `src`: the host's text, for pieces of it.
    pub(crate) fn finding(mut self, host: &Host, src: &str) -> Finding {
        let plugin_id = self.plugin_id.get(src);
        let mut f = Finding::new(
            TOOL,
            Kind::Vulnerability,
            plugin_id,
            clause::VULNERABILITY_SCAN,
        );
        let from_attr = self.plugin_name.take().and_then(|p| trimmed(p, src));
        let from_child = self.take_text(Field::PluginName, src);
        f.title = from_attr
            .or(from_child)
            .unwrap_or_else(|| format!("Nessus plugin {}", self.plugin_id.get(src)));
        let description = self.take_text(Field::Description, src);
        let synopsis = self.take_text(Field::Synopsis, src);
        f.description = description.or(synopsis);
        f.solution = self.take_text(Field::Solution, src).filter(|s| s != "n/a");
        f.references = self
            .text_of(Field::SeeAlso, src)
            .map(references)
            .unwrap_or_default();
        for c in std::mem::take(&mut self.cves) {
            match c {
                Piece::Own(s) => push_cve_owned(&mut f.cves, s),
                at => push_cve(&mut f.cves, at.get(src)),
            }
        }
        f.cwes = std::mem::take(&mut self.cwes);
        f.cvss.v3_score = self
            .text_of(Field::Cvss3Score, src)
            .and_then(|s| s.parse().ok());
        f.cvss.v3_vector = self.take_text(Field::Cvss3Vector, src);
        f.cvss.v2_score = self
            .text_of(Field::CvssScore, src)
            .and_then(|s| s.parse().ok());
        f.cvss.v2_vector = self.text_of(Field::CvssVector, src).map(|mut v| {
            while let Some(rest) = v.strip_prefix("CVSS2#") {
                v = rest;
            }
            v.to_string()
        });
        let level = self.severity.as_ref().map_or("0", |s| s.get(src));
        f.severity = severity::nessus(level);
        f.tool_severity = match self.take_text(Field::RiskFactor, src) {
            Some(risk) => risk,
            None => self
                .severity
                .take()
                .map_or_else(|| "0".to_string(), |s| s.into_string(src)),
        };
        f.host = host.name.clone().or_else(|| host.fqdn.clone());
        f.ip = host.ip.clone();
        f.port = self.port(src);
        f.protocol = self.protocol.take().and_then(|p| trimmed(p, src));
        f
    }
}
