//! Writers: hits as JSON Lines or CSV, aggregates as JSON or CSV.
use std::io::Write;

use serde::Serialize;

use crate::error::Error;
use crate::hit::{Aggregate, HitView};
use crate::indicator::Kind;
use crate::set::IndicatorSet;

/// The file format of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON object a line (hits) or one JSON array (aggregates).
    Json,
    Csv,
}

/// The CSV columns of a hit, in order (JSON Lines uses the same names).
pub const HIT_COLUMNS: &[&str] = &[
    "time",
    "internal_host",
    "field",
    "observed",
    "indicator",
    "kind",
    "source",
    "description",
    "log_file",
    "log_line",
];

/// The columns of an aggregate, in order.
pub const AGGREGATE_COLUMNS: &[&str] = &[
    "indicator",
    "kind",
    "source",
    "description",
    "internal_host",
    "first_seen",
    "last_seen",
    "count",
];

/// Times as in the JSON output: RFC 3339 in UTC with `Z`.
fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn out(e: impl std::fmt::Display) -> Error {
    Error::Output(e.to_string())
}

/// Writes hits one by one.
pub struct HitWriter<W: Write> {
    format: OutputFormat,
    json: Option<W>,
    csv: Option<csv::Writer<W>>,
}

impl<W: Write> HitWriter<W> {
    pub fn new(w: W, format: OutputFormat) -> Result<Self, Error> {
        Ok(match format {
            OutputFormat::Json => HitWriter {
                format,
                json: Some(w),
                csv: None,
            },
            OutputFormat::Csv => {
                let mut c = csv::Writer::from_writer(w);
                c.write_record(HIT_COLUMNS).map_err(out)?;
                HitWriter {
                    format,
                    json: None,
                    csv: Some(c),
                }
            }
        })
    }

    pub fn write(&mut self, h: &HitView<'_>) -> Result<(), Error> {
        match (self.format, &mut self.json, &mut self.csv) {
            (OutputFormat::Json, Some(w), _) => {
                serde_json::to_writer(&mut *w, h).map_err(out)?;
                w.write_all(b"\n").map_err(out)
            }
            (_, _, Some(c)) => {
                let line = h.log_line.to_string();
                let host = h.internal_host.map(|a| a.to_string()).unwrap_or_default();
                let time = h.time.map(rfc3339).unwrap_or_default();
                c.write_record([
                    time.as_str(),
                    &host,
                    h.field,
                    h.observed,
                    h.indicator,
                    h.kind.as_str(),
                    h.source,
                    h.description,
                    h.log_file,
                    &line,
                ])
                .map_err(out)
            }
            _ => Ok(()),
        }
    }

    /// Flushes and returns the underlying writer.
    pub fn finish(self) -> Result<(), Error> {
        if let Some(mut w) = self.json {
            w.flush().map_err(out)?;
        }
        if let Some(mut c) = self.csv {
            c.flush().map_err(out)?;
        }
        Ok(())
    }
}

/// An aggregate with its indicator, as written out.
#[derive(Debug, Serialize)]
pub struct AggregateView<'a> {
    pub indicator: &'a str,
    pub kind: Kind,
    pub source: &'a str,
    pub description: &'a str,
    pub internal_host: Option<std::net::IpAddr>,
    pub first_seen: Option<chrono::DateTime<chrono::Utc>>,
    pub last_seen: Option<chrono::DateTime<chrono::Utc>>,
    pub count: u64,
}

impl<'a> AggregateView<'a> {
    pub fn new(a: &'a Aggregate, set: &'a IndicatorSet) -> Self {
        let ind = set.view(a.indicator);
        AggregateView {
            indicator: ind.value,
            kind: ind.kind,
            source: ind.source,
            description: ind.description,
            internal_host: a.internal_host,
            first_seen: a.first_seen,
            last_seen: a.last_seen,
            count: a.count,
        }
    }
}

/// Writes the aggregates as one JSON array or as CSV.
pub fn write_aggregates<W: Write>(
    mut w: W,
    format: OutputFormat,
    set: &IndicatorSet,
    aggs: &[Aggregate],
) -> Result<(), Error> {
    let views: Vec<AggregateView<'_>> = aggs.iter().map(|a| AggregateView::new(a, set)).collect();
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut w, &views).map_err(out)?;
            w.write_all(b"\n").map_err(out)?;
            w.flush().map_err(out)
        }
        OutputFormat::Csv => {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(AGGREGATE_COLUMNS).map_err(out)?;
            for v in &views {
                let t =
                    |x: Option<chrono::DateTime<chrono::Utc>>| x.map(rfc3339).unwrap_or_default();
                c.write_record([
                    v.indicator,
                    v.kind.as_str(),
                    v.source,
                    v.description,
                    &v.internal_host.map(|a| a.to_string()).unwrap_or_default(),
                    &t(v.first_seen),
                    &t(v.last_seen),
                    &v.count.to_string(),
                ])
                .map_err(out)?;
            }
            c.flush().map_err(out)
        }
    }
}
