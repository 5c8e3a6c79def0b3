//! CSV logs: a header row, and a mapping of the columns that hold the
//! time, the source (internal host), the queried domain, an address and a
//! URL. Quoted fields are read; a field may not span lines.
use std::borrow::Cow;
use std::net::IpAddr;

use super::{Record, TimeKind};

/// Which header names (or 1-based numbers) hold each role. A role left
/// `None` is looked up by usual names (`time`/`ts`/`timestamp`,
/// `source`/`src`/`src_ip`/`client`, `query`/`domain`/`qname`/`host`,
/// `address`/`dst`/`dest_ip`/`ip`/`answer`, `url`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvColumns {
    pub time: Option<String>,
    pub source: Option<String>,
    pub query: Option<String>,
    pub address: Option<String>,
    pub url: Option<String>,
}

impl CsvColumns {
    /// Parses `time=COL,source=COL,query=COL,address=COL,url=COL`.
    pub fn parse(spec: &str) -> Result<CsvColumns, String> {
        let mut c = CsvColumns::default();
        for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not ROLE=COLUMN"))?;
            let slot = match k.trim() {
                "time" => &mut c.time,
                "source" => &mut c.source,
                "query" | "domain" => &mut c.query,
                "address" => &mut c.address,
                "url" => &mut c.url,
                other => {
                    return Err(format!(
                        "unknown column role {other:?} (time, source, query, address, url)"
                    ))
                }
            };
            *slot = Some(v.trim().to_string());
        }
        Ok(c)
    }
}

/// Column positions resolved against a file's header row.
#[derive(Debug, Clone, Default)]
pub(crate) struct CsvHeader {
    time: Option<usize>,
    source: Option<usize>,
    query: Option<usize>,
    address: Option<usize>,
    url: Option<usize>,
}

impl CsvHeader {
    pub fn resolve(cols: &CsvColumns, header: &str) -> Result<CsvHeader, String> {
        let names: Vec<String> = split(header)?
            .iter()
            .map(|n| n.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
            .collect();
        let find = |given: &Option<String>, usual: &[&str]| -> Result<Option<usize>, String> {
            match given {
                Some(g) => {
                    if let Ok(n) = g.parse::<usize>() {
                        if n == 0 || n > names.len() {
                            return Err(format!(
                                "column {n} is outside the {} columns",
                                names.len()
                            ));
                        }
                        return Ok(Some(n - 1));
                    }
                    let lg = g.to_ascii_lowercase();
                    names
                        .iter()
                        .position(|n| *n == lg)
                        .map(Some)
                        .ok_or_else(|| {
                            format!("no column named {g:?} in the header ({})", names.join(", "))
                        })
                }
                None => Ok(names.iter().position(|n| usual.contains(&n.as_str()))),
            }
        };
        let h = CsvHeader {
            time: find(&cols.time, &["time", "ts", "timestamp", "date"])?,
            source: find(
                &cols.source,
                &["source", "src", "src_ip", "client", "client_ip"],
            )?,
            query: find(
                &cols.query,
                &["query", "domain", "qname", "host", "hostname"],
            )?,
            address: find(
                &cols.address,
                &[
                    "address",
                    "dst",
                    "dest_ip",
                    "dst_ip",
                    "ip",
                    "answer",
                    "destination",
                ],
            )?,
            url: find(&cols.url, &["url"])?,
        };
        if h.query.is_none() && h.address.is_none() && h.url.is_none() && h.source.is_none() {
            return Err(format!(
                "the header ({}) has no query, address, url or source column; name them with a column mapping",
                names.join(", ")
            ));
        }
        Ok(h)
    }
}

/// Splits one CSV line, honouring double quotes.
pub(crate) fn split(line: &str) -> Result<Vec<Cow<'_, str>>, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    let mut out = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    loop {
        if b.get(i) == Some(&b'"') {
            let mut s = String::new();
            let mut j = i + 1;
            loop {
                match b.get(j) {
                    None => return Err("unterminated quoted field".into()),
                    Some(b'"') if b.get(j + 1) == Some(&b'"') => {
                        s.push('"');
                        j += 2;
                    }
                    Some(b'"') => break,
                    Some(_) => {
                        let end = line[j..].find('"').map_or(line.len(), |e| j + e);
                        s.push_str(&line[j..end]);
                        j = end;
                    }
                }
            }
            out.push(Cow::Owned(s));
            i = j + 1;
            match b.get(i) {
                None => break,
                Some(b',') => i += 1,
                Some(_) => return Err("text after a closing quote".into()),
            }
        } else {
            let end = line[i..].find(',').map_or(line.len(), |e| i + e);
            out.push(Cow::Borrowed(&line[i..end]));
            if end == line.len() {
                break;
            }
            i = end + 1;
        }
    }
    Ok(out)
}

pub(super) fn parse<'a>(
    h: &CsvHeader,
    line: &'a str,
    rec: &mut Record<'a>,
    urls: bool,
) -> Result<bool, String> {
    let f = split(line)?;
    let get = |i: Option<usize>| {
        i.and_then(|i| f.get(i))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    if let Some(t) = get(h.time) {
        rec.time_kind = Some(TimeKind::Any);
        rec.time = Cow::Owned(t.to_string());
    }
    if let Some(s) = get(h.source) {
        let a: IpAddr = s
            .parse()
            .map_err(|_| format!("source {s:?} is not an IP address"))?;
        rec.client = Some(a);
        rec.addr("source", a);
    }
    if let Some(q) = get(h.query) {
        rec.name("query", q.to_string());
    }
    if let Some(a) = get(h.address) {
        let a: IpAddr = a
            .parse()
            .map_err(|_| format!("address {a:?} is not an IP address"))?;
        rec.addr("address", a);
    }
    if let (true, Some(u)) = (urls, get(h.url)) {
        rec.url("url", u.to_string());
    }
    Ok(true)
}
