//! Scanning logs in bounded memory on all cores: worker threads take turns
//! cutting each file into line batches (one file per lane at a time), each
//! parses and matches the batch it cut (counting its lines), and the
//! calling thread puts each file's results back in line order, numbers
//! their lines, aggregates them and hands every hit to the caller's sink.
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};

use serde::Serialize;

use crate::batches::{give, Lanes, Pool};
use crate::error::Error;
use crate::hit::{Aggregate, Aggregator, Hit, HitView};
use crate::input::{self, Progress};
use crate::logs::{self, Context, LogFormat, Outcome, Record};
use crate::matcher::{match_record, observed_text, settle_misses, Seen};
use crate::set::{IndicatorSet, LoadReport};

/// How many malformed-record reasons a summary keeps.
pub const KEPT_MALFORMED: usize = 10;

/// How to scan.
#[derive(Clone, Default)]
pub struct ScanOptions {
    /// The format of every log; `None` detects each file's format.
    pub format: Option<LogFormat>,
    /// Worker threads; 0 uses every core.
    pub threads: usize,
    /// Receives the number of raw bytes read, for a progress display.
    pub progress: Option<Progress>,
    /// Size of the line batches handed to workers (default 1 MiB).
    pub batch_bytes: usize,
}

/// What a scan read and found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanSummary {
    pub files: Vec<FileSummary>,
    /// Records parsed.
    pub records: u64,
    /// Lines without a record (blank lines, other event types, non-query
    /// BIND lines).
    pub skipped: u64,
    /// Lines that could not be read as a record of their format.
    pub malformed: u64,
    /// The first [`KEPT_MALFORMED`] as `file:line: reason`.
    pub malformed_examples: Vec<String>,
    /// Hits: pairs of a log record and a matching indicator.
    pub hits: u64,
    /// Distinct (indicator, internal host) pairs.
    pub pairs: u64,
    pub indicators: LoadReport,
}

/// What one log file gave.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileSummary {
    pub path: String,
    pub format: String,
    pub records: u64,
    pub skipped: u64,
    pub malformed: u64,
    pub hits: u64,
}

/// The summary and the aggregates of a scan.
#[derive(Debug, Clone)]
pub struct ScanOutcome {
    pub summary: ScanSummary,
    pub aggregates: Vec<Aggregate>,
}

/// The formats of `paths`, detected unless `format` is given.
pub fn resolve_formats(
    paths: &[PathBuf],
    format: Option<&LogFormat>,
) -> Result<Vec<LogFormat>, Error> {
    paths
        .iter()
        .map(|p| {
            let head = input::head(p, 64 * 1024)?;
            match format {
                Some(f) => Ok(f.clone()),
                None => logs::detect(p, &head).ok_or_else(|| {
                    Error::malformed(
                        p,
                        1,
                        "cannot tell the log format (expected Zeek TSV or JSON, Suricata eve.json, a BIND query log or CSV); name it with a log format option",
                    )
                }),
            }
        })
        .collect()
}

/// Scans `paths` against `set`, calling `sink` with every hit: the hits of
/// one file in line order (files read at once interleave by batch).
pub fn scan(
    paths: &[PathBuf],
    set: &IndicatorSet,
    opts: &ScanOptions,
    sink: &mut dyn FnMut(&HitView<'_>) -> Result<(), Error>,
) -> Result<ScanOutcome, Error> {
    let formats = resolve_formats(paths, opts.format.as_ref())?;
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(2, usize::from)
    } else {
        opts.threads
    };
    let batch_bytes = if opts.batch_bytes == 0 {
        1 << 20
    } else {
        opts.batch_bytes
    };
    let mut summary = ScanSummary {
        files: names
            .iter()
            .zip(&formats)
            .map(|(p, f)| FileSummary {
                path: p.clone(),
                format: f.to_string(),
                ..FileSummary::default()
            })
            .collect(),
        indicators: set.report().clone(),
        ..ScanSummary::default()
    };
    let mut agg = Aggregator::default();
    let abort = AtomicBool::new(false);
    let mut failure: Option<Error> = None;
    let pool: Pool = Pool::default();

    let lanes = Lanes::new(
        threads.min(paths.len()),
        paths,
        &formats,
        batch_bytes,
        opts.progress.clone(),
    );

    std::thread::scope(|s| {
        let (res_tx, res_rx) = sync_channel::<Done>(threads * 4);
        for w in 0..threads {
            let res_tx = res_tx.clone();
            let (abort, formats, pool, lanes) = (&abort, &formats, &pool, &lanes);
            s.spawn(move || work(set, formats, lanes, w, &res_tx, abort, pool));
        }
        drop(res_tx);
        // Per file: the next batch to emit, those waiting, and the lines
        // before the next batch.
        let mut pending: Vec<(u64, BTreeMap<u64, Done>, u64)> =
            paths.iter().map(|_| (0, BTreeMap::new(), 0)).collect();
        for done in res_rx {
            if failure.is_some() {
                continue;
            }
            let (next, waiting, lines) = &mut pending[done.file];
            waiting.insert(done.seq, done);
            while let Some(d) = waiting.remove(next) {
                *next += 1;
                if let Err(e) = emit(d, lines, set, &names, &mut summary, &mut agg, sink) {
                    failure = Some(e);
                    abort.store(true, Ordering::Relaxed);
                    break;
                }
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    let aggregates = agg.finish();
    summary.pairs = aggregates.len() as u64;
    Ok(ScanOutcome {
        summary,
        aggregates,
    })
}

/// Hands on the results of a batch, its lines numbered from `lines`, the
/// lines of its file before it (updated).
fn emit(
    mut d: Done,
    lines: &mut u64,
    set: &IndicatorSet,
    names: &[String],
    summary: &mut ScanSummary,
    agg: &mut Aggregator,
    sink: &mut dyn FnMut(&HitView<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    if let Some(mut e) = d.fatal {
        if let Error::Malformed { line, .. } = &mut e {
            *line += *lines;
        }
        return Err(e);
    }
    let base = *lines + d.headers;
    *lines = base + d.lines;
    for hit in &mut d.hits {
        hit.line += base;
    }
    let f = &mut summary.files[d.file];
    f.records += d.records;
    f.skipped += d.skipped;
    f.malformed += d.malformed;
    f.hits += d.hits.len() as u64;
    summary.records += d.records;
    summary.skipped += d.skipped;
    summary.malformed += d.malformed;
    summary.hits += d.hits.len() as u64;
    for (line, reason) in d.examples {
        if summary.malformed_examples.len() < KEPT_MALFORMED {
            summary
                .malformed_examples
                .push(format!("{}:{}: {reason}", names[d.file], base + line));
        }
    }
    for hit in &d.hits {
        agg.add(hit);
        sink(&HitView::new(hit, set.view(hit.indicator), &names[d.file]))?;
    }
    Ok(())
}

/// What a worker made of one batch (lines numbered from 1 in the batch),
/// or the failure of reading its file, in the place of the batch that
/// could not be made.
struct Done {
    file: usize,
    seq: u64,
    /// Header lines before the batch (after the previous one).
    headers: u64,
    /// Lines in the batch.
    lines: u64,
    fatal: Option<Error>,
    records: u64,
    skipped: u64,
    malformed: u64,
    examples: Vec<(u64, String)>,
    hits: Vec<Hit>,
}

impl Done {
    fn new(file: usize, seq: u64, headers: u64) -> Self {
        Done {
            file,
            seq,
            headers,
            lines: 0,
            fatal: None,
            records: 0,
            skipped: 0,
            malformed: 0,
            examples: Vec::new(),
            hits: Vec::new(),
        }
    }

    fn fatal(file: usize, seq: u64, e: Error) -> Self {
        Done {
            fatal: Some(e),
            ..Done::new(file, seq, 0)
        }
    }
}

/// A worker: reads a batch (see [`Lanes`]), checks it and sends what it
/// found, until every log is read or the scan is stopped.
fn work(
    set: &IndicatorSet,
    formats: &[LogFormat],
    lanes: &Lanes<'_>,
    index: usize,
    tx: &SyncSender<Done>,
    abort: &AtomicBool,
    pool: &Pool,
) {
    let urls = set.has_urls();
    let mut matched = Vec::new();
    let mut seen = Seen::default();
    loop {
        if abort.load(Ordering::Relaxed) {
            return;
        }
        let batch = match lanes.next(index, pool) {
            None => return,
            Some(Ok(b)) => b,
            Some(Err((file, seq, e))) => {
                // In its place among the file's batches, where its line
                // can be counted.
                let _ = tx.send(Done::fatal(file, seq, e));
                return;
            }
        };
        let mut d = Done::new(batch.file, batch.seq, batch.skipped);
        let format = &formats[batch.file];
        let data = &batch.data[..batch.len];
        let mut rec = Record::default();
        let mut one = Full {
            set,
            format,
            ctx: &batch.ctx,
            urls,
            file: batch.file,
        };
        if let (LogFormat::ZeekTsv, Context::Tsv(h)) = (format, &batch.ctx) {
            // Zeek TSV lines first get the quick check for a record that
            // matches nothing; the others are parsed in full.
            let (settled, lines) = settle_misses(set, h, data, &mut seen, |i, a, b| {
                let line = std::str::from_utf8(&data[a..b]);
                one.line(line, i + 1, &mut rec, &mut matched, &mut d);
            });
            d.records += settled;
            d.lines = lines;
        } else {
            // Checked once for the batch; a batch with bad bytes is checked
            // line by line so that only those lines are malformed.
            let text = std::str::from_utf8(data).ok();
            let mut line_no = 1;
            let mut pos = 0;
            while pos < data.len() {
                let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
                let (a, b) = (pos, end);
                pos = end + 1;
                let line = match text {
                    Some(t) => Ok(&t[a..b]),
                    None => std::str::from_utf8(&data[a..b]),
                };
                one.line(line, line_no, &mut rec, &mut matched, &mut d);
                line_no += 1;
            }
            d.lines = line_no - 1;
        }
        drop(rec);
        give(pool, batch.data);
        if tx.send(d).is_err() {
            return;
        }
    }
}

/// Parses and matches lines in full.
struct Full<'s> {
    set: &'s IndicatorSet,
    format: &'s LogFormat,
    ctx: &'s Context,
    urls: bool,
    file: usize,
}

impl<'s> Full<'s> {
    /// Reads line `line_no` (or the reason it is not text) into `d`.
    fn line<'a>(
        &mut self,
        line: Result<&'a str, std::str::Utf8Error>,
        line_no: u64,
        rec: &mut Record<'a>,
        matched: &mut Vec<(crate::set::IndicatorId, usize)>,
        d: &mut Done,
    ) where
        's: 'a,
    {
        let outcome = match line {
            Ok(line) => logs::parse_line(self.format, self.ctx, line, rec, self.urls),
            Err(e) => Outcome::Malformed(format!(
                "not UTF-8 (byte {} of the line)",
                e.valid_up_to() + 1
            )),
        };
        match outcome {
            Outcome::Record => {
                d.records += 1;
                match_record(self.set, rec, matched);
                if !matched.is_empty() {
                    let time = rec.parsed_time();
                    for (id, i) in matched.iter() {
                        let o = &rec.obs[*i];
                        d.hits.push(Hit {
                            time,
                            internal_host: rec.client,
                            field: o.field,
                            observed: observed_text(&o.value),
                            indicator: *id,
                            file: self.file,
                            line: line_no,
                        });
                    }
                }
            }
            Outcome::Skip => d.skipped += 1,
            Outcome::Malformed(reason) => {
                d.malformed += 1;
                if d.examples.len() < KEPT_MALFORMED {
                    d.examples.push((line_no, reason));
                }
            }
        }
    }
}
