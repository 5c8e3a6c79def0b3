//! Zilv's CSV template for any other tool: one finding per row, named columns.

use std::io::BufRead;

use crate::error::{Location, ParseError};
use crate::finding::{Finding, Kind, Severity};
use crate::sink::Sink;
use crate::text::{cwe_number, is_cve, non_empty, references};

/// Columns that must be present and non-empty in every row.
pub(crate) const REQUIRED: [&str; 5] = ["tool", "rule_id", "title", "severity", "clause"];
/// Columns that may be present.
pub(crate) const OPTIONAL: [&str; 19] = [
    "tool_version",
    "tool_severity",
    "description",
    "solution",
    "references",
    "cves",
    "cwes",
    "cvss3_score",
    "cvss3_vector",
    "cvss2_score",
    "cvss2_vector",
    "host",
    "ip",
    "port",
    "protocol",
    "url",
    "file_path",
    "line",
    "component",
];

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(r);
    let err = |sink: &Sink<'_>, line: u64, reason: String| {
        sink.malformed(Location::Line { line, column: 0 }, reason)
    };
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(csv_error(sink, e)),
    };
    if headers.is_empty() {
        return Ok(());
    }
    let mut cols: Vec<String> = Vec::new();
    for h in headers.iter() {
        let name = h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        if !REQUIRED.contains(&name.as_str()) && !OPTIONAL.contains(&name.as_str()) {
            return Err(err(
                sink,
                1,
                format!("unknown column {name:?}; see docs/scanners.md for the template"),
            ));
        }
        if cols.contains(&name) {
            return Err(err(sink, 1, format!("column {name:?} appears twice")));
        }
        cols.push(name);
    }
    for req in REQUIRED {
        if !cols.iter().any(|c| c == req) {
            return Err(err(sink, 1, format!("required column {req:?} is missing")));
        }
    }
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(csv_error(sink, e)),
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let fields = Row {
            cols: &cols,
            record: &record,
        };
        let f = row(&fields).map_err(|reason| err(sink, line, reason))?;
        if sink.emit(f).is_err() {
            return Err(sink.stop_error(Location::Line { line, column: 0 }));
        }
    }
}

/// One row, its fields looked up by column name.
struct Row<'r> {
    cols: &'r [String],
    record: &'r csv::StringRecord,
}

impl<'r> Row<'r> {
    fn get(&self, k: &str) -> &'r str {
        self.cols
            .iter()
            .position(|c| c == k)
            .and_then(|i| self.record.get(i))
            .unwrap_or("")
    }
}

fn csv_error(sink: &Sink<'_>, e: csv::Error) -> ParseError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    sink.malformed(
        Location::Line { line, column: 0 },
        format!("invalid CSV: {e}"),
    )
}

fn well_formed_clause(s: &str) -> bool {
    let Some((prefix, rest)) = s.split_once('-') else {
        return false;
    };
    matches!(prefix, "SR" | "APP" | "EVAL")
        && !rest.is_empty()
        && rest
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

fn score(r: &Row<'_>, col: &str) -> Result<Option<f64>, String> {
    match r.get(col) {
        "" => Ok(None),
        s => match s.parse::<f64>() {
            Ok(v) if (0.0..=10.0).contains(&v) => Ok(Some(v)),
            _ => Err(format!("column {col}: {s:?} is not a score from 0 to 10")),
        },
    }
}

fn row(r: &Row<'_>) -> Result<Finding, String> {
    let get = |k: &str| r.get(k);
    for req in REQUIRED {
        if get(req).is_empty() {
            return Err(format!("column {req} is empty"));
        }
    }
    let clause = get("clause");
    if !well_formed_clause(clause) {
        return Err(format!(
            "column clause: {clause:?} is not a clause ID such as EVAL-4.1.3.1"
        ));
    }
    let sev = get("severity");
    let severity = Severity::from_name(sev).ok_or_else(|| {
        format!("column severity: {sev:?} is not one of critical, high, medium, low, info")
    })?;
    let mut f = Finding::new(get("tool"), Kind::Other, get("rule_id"), clause);
    f.title = get("title").to_string();
    f.severity = severity;
    f.tool_severity =
        non_empty(get("tool_severity")).unwrap_or_else(|| severity.as_str().to_string());
    f.tool_version = non_empty(get("tool_version"));
    f.description = non_empty(get("description"));
    f.solution = non_empty(get("solution"));
    f.references = references(get("references"));
    for c in get("cves")
        .split([',', ';', ' '])
        .filter(|c| !c.trim().is_empty())
    {
        if !is_cve(c) {
            return Err(format!("column cves: {c:?} is not a CVE ID"));
        }
        crate::text::push_cve(&mut f.cves, c);
    }
    for c in get("cwes")
        .split([',', ';', ' '])
        .filter(|c| !c.trim().is_empty())
    {
        f.cwes
            .push(cwe_number(c).ok_or_else(|| format!("column cwes: {c:?} is not a CWE"))?);
    }
    f.cvss.v3_score = score(r, "cvss3_score")?;
    f.cvss.v3_vector = non_empty(get("cvss3_vector"));
    f.cvss.v2_score = score(r, "cvss2_score")?;
    f.cvss.v2_vector = non_empty(get("cvss2_vector"));
    f.host = non_empty(get("host"));
    f.ip = non_empty(get("ip"));
    f.port = match get("port") {
        "" => None,
        p => Some(
            p.parse()
                .map_err(|_| format!("column port: {p:?} is not a port number"))?,
        ),
    };
    f.protocol = non_empty(get("protocol"));
    f.url = non_empty(get("url"));
    f.file_path = non_empty(get("file_path"));
    f.line = match get("line") {
        "" => None,
        l => Some(
            l.parse()
                .map_err(|_| format!("column line: {l:?} is not a line number"))?,
        ),
    };
    f.component = non_empty(get("component"));
    Ok(f)
}
