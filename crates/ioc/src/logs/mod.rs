//! Log formats: names and detection, the record every parser fills, and
//! the per-line dispatch to the format's parser.
mod bind;
mod csv_log;
mod eve;
mod time;
mod zeek_json;
pub(crate) mod zeek_tsv;

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use csv_log::CsvColumns;
pub(crate) use csv_log::CsvHeader;
pub(crate) use zeek_tsv::TsvHeader;

use crate::error::Error;

/// The format of a log file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFormat {
    /// Zeek TSV logs (`dns.log`, `conn.log`, `http.log`, `ssl.log`), driven by
    /// their `#separator`, `#set_separator`, `#fields`, `#unset_field` and
    /// `#empty_field` header lines.
    ZeekTsv,
    /// Zeek JSON lines.
    ZeekJson,
    /// Suricata `eve.json` (event types dns, flow, http, tls).
    Eve,
    /// BIND 9 query log.
    Bind,
    /// CSV with a header row and a column mapping.
    Csv(CsvColumns),
}

impl FromStr for LogFormat {
    type Err = Error;
    /// `zeek` (or `zeek-tsv`), `zeek-json`, `eve` (or `suricata`), `bind`,
    /// `csv`.
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "zeek" | "zeek-tsv" | "tsv" => LogFormat::ZeekTsv,
            "zeek-json" => LogFormat::ZeekJson,
            "eve" | "suricata" | "eve-json" => LogFormat::Eve,
            "bind" | "bind9" | "named" => LogFormat::Bind,
            "csv" => LogFormat::Csv(CsvColumns::default()),
            _ => {
                return Err(Error::Usage(format!(
                    "unknown log format {s:?} (expected zeek, zeek-json, eve, bind or csv)"
                )))
            }
        })
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::ZeekTsv => "zeek",
            LogFormat::ZeekJson => "zeek-json",
            LogFormat::Eve => "eve",
            LogFormat::Bind => "bind",
            LogFormat::Csv(_) => "csv",
        })
    }
}

/// Tells a log's format from its first bytes; `None` when it cannot.
pub fn detect(path: &Path, head: &[u8]) -> Option<LogFormat> {
    let text = String::from_utf8_lossy(head);
    let first = text
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}').trim())
        .find(|l| !l.is_empty())?;
    if first.starts_with("#separator") || first.starts_with("#fields") {
        return Some(LogFormat::ZeekTsv);
    }
    if first.starts_with('{') {
        if first.contains("\"event_type\"") {
            return Some(LogFormat::Eve);
        }
        if first.contains("\"ts\"") || first.contains("\"uid\"") || first.contains("\"id.orig_h\"")
        {
            return Some(LogFormat::ZeekJson);
        }
        return None;
    }
    if text
        .lines()
        .take(50)
        .any(|l| l.contains("client ") && l.contains(" query: "))
    {
        return Some(LogFormat::Bind);
    }
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".csv") || name.ends_with(".csv.gz") {
        return Some(LogFormat::Csv(CsvColumns::default()));
    }
    None
}

/// How to read a record's time text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeKind {
    None,
    /// Seconds since the epoch with a fraction, or RFC 3339.
    Epoch,
    /// RFC 3339 / ISO 8601 with an offset (`+0000` allowed).
    Iso,
    /// BIND `12-Mar-2024 10:11:12.345`, taken as UTC.
    Bind,
    /// Any of the above, or `YYYY-MM-DD HH:MM:SS`.
    Any,
}

/// What a record shows that can match an indicator.
#[derive(Debug, Clone)]
pub(crate) enum Value<'a> {
    Name(Cow<'a, str>),
    Addr(IpAddr),
    /// A URL as `host[:port]` and path, normalised at match time.
    Url(Cow<'a, str>),
}

/// One observed value and the log field it came from.
#[derive(Debug, Clone)]
pub(crate) struct Obs<'a> {
    pub field: &'static str,
    pub value: Value<'a>,
}

/// One parsed log record.
#[derive(Debug, Default)]
pub(crate) struct Record<'a> {
    pub time_kind: Option<TimeKind>,
    pub time: Cow<'a, str>,
    pub client: Option<IpAddr>,
    pub obs: Vec<Obs<'a>>,
}

impl<'a> Record<'a> {
    pub fn clear(&mut self) {
        self.time_kind = None;
        self.time = Cow::Borrowed("");
        self.client = None;
        self.obs.clear();
    }

    pub fn name(&mut self, field: &'static str, v: impl Into<Cow<'a, str>>) {
        self.obs.push(Obs {
            field,
            value: Value::Name(v.into()),
        });
    }

    pub fn addr(&mut self, field: &'static str, a: IpAddr) {
        self.obs.push(Obs {
            field,
            value: Value::Addr(a),
        });
    }

    /// A value that may be an address or a name (DNS answers).
    pub fn answer(&mut self, field: &'static str, v: Cow<'a, str>) {
        match crate::normalize::fast_ip(&v) {
            Some(a) => self.addr(field, a),
            None => self.name(field, v),
        }
    }

    pub fn url(&mut self, field: &'static str, v: String) {
        self.obs.push(Obs {
            field,
            value: Value::Url(Cow::Owned(v)),
        });
    }

    pub fn parsed_time(&self) -> Option<DateTime<Utc>> {
        time::parse(self.time_kind.unwrap_or(TimeKind::None), &self.time)
    }
}

/// What became of one line.
#[derive(Debug)]
pub(crate) enum Outcome {
    Record,
    /// A line without a record (blank, other event type, non-query line).
    Skip,
    Malformed(String),
}

/// Per-file state a parser needs beyond the line itself.
#[derive(Debug, Clone)]
pub(crate) enum Context {
    None,
    Tsv(Arc<TsvHeader>),
    Csv(Arc<CsvHeader>),
}

/// Parses one line of `format` into `rec`. `urls`: build URL observations.
pub(crate) fn parse_line<'a>(
    format: &LogFormat,
    ctx: &'a Context,
    line: &'a str,
    rec: &mut Record<'a>,
    urls: bool,
) -> Outcome {
    rec.clear();
    let blank = match line.as_bytes().first() {
        None => true,
        Some(c) if c.is_ascii() && !c.is_ascii_whitespace() => false,
        Some(_) => line.trim().is_empty(),
    };
    if blank {
        return Outcome::Skip;
    }
    let r = match (format, ctx) {
        (LogFormat::ZeekTsv, Context::Tsv(h)) => zeek_tsv::parse(h, line, rec, urls),
        (LogFormat::ZeekTsv, _) => Err("data line before the #fields header".into()),
        (LogFormat::ZeekJson, _) => zeek_json::parse(line, rec, urls),
        (LogFormat::Eve, _) => eve::parse(line, rec, urls),
        (LogFormat::Bind, _) => bind::parse(line, rec),
        (LogFormat::Csv(_), Context::Csv(h)) => csv_log::parse(h, line, rec, urls),
        (LogFormat::Csv(_), _) => Err("data line before the CSV header".into()),
    };
    match r {
        Ok(true) => Outcome::Record,
        Ok(false) => Outcome::Skip,
        Err(reason) => Outcome::Malformed(reason),
    }
}

/// Builds `host[:port]` + `uri` into a URL text for matching.
pub(crate) fn join_url(host: &str, uri: &str) -> String {
    if uri.contains("://") {
        return uri.to_string();
    }
    let mut s = String::with_capacity(host.len() + uri.len() + 1);
    s.push_str(host);
    if !uri.starts_with('/') {
        s.push('/');
    }
    s.push_str(uri);
    s
}
