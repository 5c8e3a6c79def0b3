//! The entry point: unwrap gzip, detect the format, run its parser.

use std::io::BufRead;
use std::path::Path;

use crate::error::{Location, ParseError};
use crate::finding::{Finding, Severity};
use crate::format::{detect, from_extension, Format};
use crate::formats;
use crate::input::{open, prepare};
use crate::sink::{BoxError, Sink};

/// Findings per Zilv severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeverityCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
}

impl SeverityCounts {
    /// The count for one severity.
    pub fn get(&self, s: Severity) -> u64 {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
}

/// What one parse produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSummary {
    /// The format parsed (given or detected).
    pub format: Format,
    /// Findings handed to the callback.
    pub findings: u64,
    pub by_severity: SeverityCounts,
}

/// Parses one report from `reader`, calling `on_finding` for each finding in
/// the order of the report.
///
/// `name` names the input in errors (a file name). A gzip stream is
/// unwrapped. `format` overrides detection; without it the format is
/// detected from the content ([`detect`]), and for an empty input from the
/// extension of `name` (`.jsonl`, `.csv`, `.sarif`, `.nessus`). An error
/// from `on_finding` stops the parse with [`ParseError::Stopped`]. Memory
/// stays bounded by the largest single item of the report (a Nessus
/// `ReportItem`, an Nmap `host`, a ZAP site in JSON, a Trivy result).
pub fn parse<R, E>(
    reader: R,
    name: &str,
    format: Option<Format>,
    mut on_finding: impl FnMut(Finding) -> Result<(), E>,
) -> Result<ParseSummary, ParseError>
where
    R: BufRead,
    E: Into<BoxError>,
{
    let io_err = |location, source| ParseError::Io {
        input: name.to_string(),
        location,
        source,
    };
    let (prefix, mut stream) =
        prepare(Box::new(reader)).map_err(|e| io_err(Location::Byte(0), e))?;
    let format = match format.or_else(|| detect(&prefix)) {
        Some(f) => f,
        None if prefix.iter().all(u8::is_ascii_whitespace) => {
            from_extension(name).ok_or_else(|| ParseError::UnknownFormat {
                input: name.to_string(),
                reason: "the input is empty; give the format explicitly".into(),
            })?
        }
        None => {
            return Err(ParseError::UnknownFormat {
                input: name.to_string(),
                reason: "the first bytes match no supported format (nessus, openvas, nmap, \
                         zap-xml, zap-json, burp, trivy, sarif, nuclei-json, nuclei-jsonl, csv)"
                    .into(),
            })
        }
    };
    let mut cb = |f: Finding| on_finding(f).map_err(Into::into);
    let mut sink = Sink::new(name, &mut cb);
    formats::run(format, &mut stream, &mut sink)?;
    let c = sink.by_severity;
    Ok(ParseSummary {
        format,
        findings: sink.count,
        by_severity: SeverityCounts {
            info: c[0],
            low: c[1],
            medium: c[2],
            high: c[3],
            critical: c[4],
        },
    })
}

/// [`parse`] over a file; the input is named by its path.
pub fn parse_path<E: Into<BoxError>>(
    path: &Path,
    format: Option<Format>,
    on_finding: impl FnMut(Finding) -> Result<(), E>,
) -> Result<ParseSummary, ParseError> {
    let name = path.display().to_string();
    let reader = open(path).map_err(|source| ParseError::Io {
        input: name.clone(),
        location: Location::Byte(0),
        source,
    })?;
    parse(reader, &name, format, on_finding)
}
