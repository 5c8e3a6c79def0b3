//! Reading indicator feeds: format names and detection, and the helpers
//! every format uses to turn a raw value into an indicator.
//!
//! Policy on bad input: a file that cannot be read as its format at all
//! (bad JSON, a CSV column that does not exist, a Zeek intel file without
//! `#fields`) is an [`Error`] naming the file and line. A single entry whose
//! value is not a valid domain, address, range or URL, or whose STIX pattern
//! is not supported, is *rejected*: counted, with its `file:line` and reason
//! kept in the [`LoadReport`](crate::LoadReport), and loading goes on.
mod csv;
mod misp;
mod plain;
mod stix;
mod stix_pattern;
mod zeek_intel;

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::indicator::Kind;
use crate::input;
use crate::normalize::{self, refang, Cidr};
use crate::set::{Builder, IndicatorSet};

/// Which column of a CSV feed holds the indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// 1-based column number.
    Number(usize),
    /// Header name (case-insensitive).
    Name(String),
}

/// The format of an indicator feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndicatorFormat {
    /// One indicator a line, `#` comments, hosts-file lines.
    Plain,
    /// CSV; without a column, the first of `indicator`, `value`, `ioc`,
    /// `domain`, `ip`, `url` in the header, else the first column.
    Csv(Option<Column>),
    /// Zeek intel framework file.
    ZeekIntel,
    /// MISP JSON event export.
    Misp,
    /// STIX 2.1 bundle.
    Stix,
}

impl FromStr for IndicatorFormat {
    type Err = Error;
    /// `plain` (or `hosts`), `csv`, `csv:N`, `csv:NAME`, `zeek-intel`,
    /// `misp`, `stix`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let (name, arg) = s.split_once(':').map_or((s, None), |(a, b)| (a, Some(b)));
        let f = match (name.to_ascii_lowercase().as_str(), arg) {
            ("plain" | "hosts" | "list", None) => IndicatorFormat::Plain,
            ("csv", None) => IndicatorFormat::Csv(None),
            ("csv", Some(c)) if !c.is_empty() => IndicatorFormat::Csv(Some(match c.parse() {
                Ok(0) => return Err(Error::Usage("CSV column numbers start at 1".into())),
                Ok(n) => Column::Number(n),
                Err(_) => Column::Name(c.to_string()),
            })),
            ("zeek-intel" | "zeek" | "intel", None) => IndicatorFormat::ZeekIntel,
            ("misp", None) => IndicatorFormat::Misp,
            ("stix" | "stix2", None) => IndicatorFormat::Stix,
            _ => {
                return Err(Error::Usage(format!(
                "unknown indicator format {s:?} (expected plain, csv, csv:COLUMN, zeek-intel, misp or stix)"
            )))
            }
        };
        Ok(f)
    }
}

impl fmt::Display for IndicatorFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndicatorFormat::Plain => f.write_str("plain"),
            IndicatorFormat::Csv(None) => f.write_str("csv"),
            IndicatorFormat::Csv(Some(Column::Number(n))) => write!(f, "csv:{n}"),
            IndicatorFormat::Csv(Some(Column::Name(n))) => write!(f, "csv:{n}"),
            IndicatorFormat::ZeekIntel => f.write_str("zeek-intel"),
            IndicatorFormat::Misp => f.write_str("misp"),
            IndicatorFormat::Stix => f.write_str("stix"),
        }
    }
}

/// Tells a feed's format from its content (and name, for CSV).
pub fn detect(path: &Path, text: &str) -> IndicatorFormat {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('{') || start.starts_with('[') {
        let head: String = start.chars().take(4096).collect();
        if head.contains("\"bundle\"")
            || head.contains("\"spec_version\"")
            || head.contains("\"objects\"")
        {
            return IndicatorFormat::Stix;
        }
        return IndicatorFormat::Misp;
    }
    let first = start.lines().next().unwrap_or("");
    if first.starts_with("#fields") && first.contains("indicator") {
        return IndicatorFormat::ZeekIntel;
    }
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".csv") || name.ends_with(".csv.gz") {
        return IndicatorFormat::Csv(None);
    }
    IndicatorFormat::Plain
}

/// Loads every feed into one set, judging validity at `now`. With `format`
/// `None` each file's format is detected.
pub fn load(
    paths: &[PathBuf],
    format: Option<&IndicatorFormat>,
    now: DateTime<Utc>,
) -> Result<IndicatorSet, Error> {
    let mut b = Builder::new(now);
    for p in paths {
        load_into(&mut b, p, format)?;
    }
    Ok(b.build())
}

/// Loads one feed into a builder.
pub fn load_into(
    b: &mut Builder,
    path: &Path,
    format: Option<&IndicatorFormat>,
) -> Result<(), Error> {
    let text = input::read_text(path)?;
    let format = format.cloned().unwrap_or_else(|| detect(path, &text));
    let source = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    b.begin_file(&path.display().to_string(), &format.to_string());
    let mut feed = Feed { path, source, b };
    match &format {
        IndicatorFormat::Plain => plain::parse(&mut feed, &text),
        IndicatorFormat::Csv(col) => csv::parse(&mut feed, &text, col.as_ref()),
        IndicatorFormat::ZeekIntel => zeek_intel::parse(&mut feed, &text),
        IndicatorFormat::Misp => misp::parse(&mut feed, &text),
        IndicatorFormat::Stix => stix::parse(&mut feed, &text),
    }
}

/// One feed being read: where it is, its source name, and the builder.
pub(crate) struct Feed<'a> {
    pub path: &'a Path,
    pub source: String,
    pub b: &'a mut Builder,
}

/// The parts of an indicator besides its value.
#[derive(Debug, Default, Clone)]
pub(crate) struct Meta {
    pub source: Option<String>,
    pub description: String,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
}

impl Feed<'_> {
    /// `file:line`, or `file` when `line` is 0.
    pub fn at(&self, line: u64) -> String {
        if line == 0 {
            self.path.display().to_string()
        } else {
            format!("{}:{line}", self.path.display())
        }
    }

    pub fn fail(&self, line: u64, reason: impl Into<String>) -> Error {
        Error::malformed(self.path, line, reason)
    }

    pub fn reject(&mut self, line: u64, reason: &str) {
        let at = self.at(line);
        self.b.reject(&at, reason);
    }

    /// Adds `raw` as an indicator of `kind` (inferred from the text when
    /// `None`), or rejects it with the reason.
    pub fn push(&mut self, raw: &str, kind: Option<Kind>, meta: &Meta, line: u64) {
        match normal(raw, kind) {
            Ok((kind, value)) => self.add(kind, &value, meta, line),
            Err(reason) => self.reject(line, &reason),
        }
    }

    /// Adds a value already in normal form.
    pub fn add(&mut self, kind: Kind, value: &str, meta: &Meta, line: u64) {
        let file = self.b.current_file();
        self.b.add_value(
            kind,
            value,
            meta.source.as_deref().unwrap_or(&self.source),
            &meta.description,
            (meta.valid_from, meta.valid_until),
            (file, u32::try_from(line).unwrap_or(u32::MAX)),
            None,
        );
    }
}

/// The kind and normal form of a raw indicator value. A value is a URL when
/// it has `://`, a range when it has `/` and parses as one, an address when
/// it parses as one, and a domain otherwise. Defanged text is refanged.
pub(crate) fn normal(raw: &str, kind: Option<Kind>) -> Result<(Kind, String), String> {
    let raw = refang(raw.trim());
    let raw = raw.as_ref();
    if raw.is_empty() {
        return Err("empty value".into());
    }
    let kind = match kind {
        Some(k) => k,
        None if has_scheme(raw) => Kind::Url,
        None if memchr::memchr(b'/', raw.as_bytes()).is_some() && looks_like_range(raw) => {
            Kind::Cidr
        }
        None => match normalize::ip(raw) {
            Some(std::net::IpAddr::V4(_)) => Kind::Ipv4,
            Some(std::net::IpAddr::V6(_)) => Kind::Ipv6,
            None if raw.contains('/') => Kind::Url,
            None => Kind::Domain,
        },
    };
    let value = match kind {
        Kind::Domain => {
            let d = normalize::domain(raw)?;
            if !d.contains('.') {
                return Err(format!("{d:?} is a single label, not a domain to watch"));
            }
            d
        }
        Kind::Ipv4 | Kind::Ipv6 => match normalize::ip(raw) {
            Some(a) if a.is_ipv4() == (kind == Kind::Ipv4) => normalize::addr_text(a),
            _ => {
                return Err(format!(
                    "{raw:?} is not an {} address",
                    if kind == Kind::Ipv4 { "IPv4" } else { "IPv6" }
                ))
            }
        },
        Kind::Cidr => match Cidr::parse(raw) {
            Ok(c) => c.to_string(),
            // A range written as a bare address is that address alone.
            Err(e) => match normalize::ip(raw) {
                Some(a) => Cidr {
                    addr: a,
                    len: if a.is_ipv4() { 32 } else { 128 },
                }
                .to_string(),
                None => return Err(e),
            },
        },
        Kind::Url => normalize::url(raw)?,
    };
    Ok((kind, value))
}

/// True when `raw` has `://`.
fn has_scheme(raw: &str) -> bool {
    memchr::memchr_iter(b':', raw.as_bytes()).any(|i| raw.as_bytes()[i + 1..].starts_with(b"//"))
}

/// True when the part before `/` is made of digits and dots, or has a
/// colon: an address range, even a bad one, and not a URL without scheme.
fn looks_like_range(raw: &str) -> bool {
    let head = raw.split('/').next().unwrap_or("");
    head.contains(':')
        || (!head.is_empty() && head.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Parses an RFC 3339 time as found in STIX and MISP.
pub(crate) fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
