//! Scanning logs in bounded memory on all cores: one reader thread per file
//! being read cuts it into line batches, worker threads parse and match
//! them, and the calling thread puts each file's results back in line
//! order, aggregates them and hands every hit to the caller's sink.
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::error::Error;
use crate::hit::{Aggregate, Aggregator, Hit, HitView};
use crate::input::{self, Progress};
use crate::logs::{self, Context, CsvHeader, LogFormat, Outcome, Record, TsvHeader};
use crate::matcher::{match_record, observed_text};
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
    let next_file = AtomicUsize::new(0);
    let mut failure: Option<Error> = None;

    std::thread::scope(|s| {
        let (work_tx, work_rx) = sync_channel::<Batch>(threads * 2);
        let (res_tx, res_rx) = sync_channel::<Msg>(threads * 4);
        let work_rx = Arc::new(Mutex::new(work_rx));
        for _ in 0..threads.min(paths.len()) {
            let (work_tx, res_tx) = (work_tx.clone(), res_tx.clone());
            let (abort, next_file, formats) = (&abort, &next_file, &formats);
            let progress = opts.progress.clone();
            s.spawn(move || loop {
                let i = next_file.fetch_add(1, Ordering::SeqCst);
                if i >= paths.len() || abort.load(Ordering::Relaxed) {
                    break;
                }
                let r = read_file(
                    i,
                    &paths[i],
                    &formats[i],
                    batch_bytes,
                    progress.clone(),
                    &work_tx,
                    abort,
                );
                if let Err(e) = r {
                    let _ = res_tx.send(Msg::Fatal(e));
                    break;
                }
            });
        }
        drop(work_tx);
        for _ in 0..threads {
            let (work_rx, res_tx) = (Arc::clone(&work_rx), res_tx.clone());
            let (abort, formats) = (&abort, &formats);
            s.spawn(move || work(set, formats, &work_rx, &res_tx, abort));
        }
        drop(res_tx);
        let mut pending: Vec<(u64, BTreeMap<u64, Done>)> = vec![(0, BTreeMap::new()); paths.len()];
        for msg in res_rx {
            if failure.is_some() {
                continue;
            }
            let done = match msg {
                Msg::Fatal(e) => {
                    failure = Some(e);
                    abort.store(true, Ordering::Relaxed);
                    continue;
                }
                Msg::Done(d) => d,
            };
            let (next, waiting) = &mut pending[done.file];
            waiting.insert(done.seq, done);
            while let Some(d) = waiting.remove(next) {
                *next += 1;
                if let Err(e) = emit(d, set, &names, &mut summary, &mut agg, sink) {
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

fn emit(
    d: Done,
    set: &IndicatorSet,
    names: &[String],
    summary: &mut ScanSummary,
    agg: &mut Aggregator,
    sink: &mut dyn FnMut(&HitView<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
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
                .push(format!("{}:{line}: {reason}", names[d.file]));
        }
    }
    for hit in &d.hits {
        agg.add(hit);
        sink(&HitView::new(hit, set.get(hit.indicator), &names[d.file]))?;
    }
    Ok(())
}

/// A run of whole lines of one file.
struct Batch {
    file: usize,
    seq: u64,
    first_line: u64,
    data: Vec<u8>,
    ctx: Context,
}

/// What a worker made of one batch.
#[derive(Clone)]
struct Done {
    file: usize,
    seq: u64,
    records: u64,
    skipped: u64,
    malformed: u64,
    examples: Vec<(u64, String)>,
    hits: Vec<Hit>,
}

enum Msg {
    Done(Done),
    Fatal(Error),
}

fn read_file(
    file: usize,
    path: &Path,
    format: &LogFormat,
    batch_bytes: usize,
    progress: Option<Progress>,
    tx: &SyncSender<Batch>,
    abort: &AtomicBool,
) -> Result<(), Error> {
    let mut r = input::open(path, progress)?;
    let mut ctx = Context::None;
    let mut tsv: Option<TsvHeader> = None;
    let mut seq = 0;
    let mut line_no = 0u64;
    let new_batch = |seq: u64, ctx: &Context| Batch {
        file,
        seq,
        first_line: 0,
        data: Vec::with_capacity(batch_bytes + 4096),
        ctx: ctx.clone(),
    };
    let mut batch = new_batch(seq, &ctx);
    let send = |b: Batch| tx.send(b).is_ok() && !abort.load(Ordering::Relaxed);
    loop {
        let start = batch.data.len();
        if start == 0 {
            batch.first_line = line_no + 1;
        }
        let n = r
            .read_until(b'\n', &mut batch.data)
            .map_err(|e| Error::malformed(path, line_no + 1, format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        let header = match format {
            LogFormat::ZeekTsv => batch.data[start] == b'#',
            LogFormat::Csv(_) => {
                matches!(ctx, Context::None) && !batch.data[start..].trim_ascii().is_empty()
            }
            _ => false,
        };
        if header {
            let line = String::from_utf8_lossy(&batch.data[start..]).into_owned();
            batch.data.truncate(start);
            if !batch.data.is_empty() {
                seq += 1;
                if !send(std::mem::replace(&mut batch, new_batch(seq, &ctx))) {
                    return Ok(());
                }
            }
            ctx = match format {
                LogFormat::Csv(cols) => Context::Csv(Arc::new(
                    CsvHeader::resolve(cols, &line)
                        .map_err(|e| Error::malformed(path, line_no, e))?,
                )),
                _ => {
                    let mut h = tsv.take().unwrap_or_default();
                    h.directive(&line)
                        .map_err(|e| Error::malformed(path, line_no, e))?;
                    let c = Context::Tsv(Arc::new(h.clone()));
                    tsv = Some(h);
                    c
                }
            };
            batch.ctx = ctx.clone();
            continue;
        }
        if batch.data.len() >= batch_bytes {
            seq += 1;
            if !send(std::mem::replace(&mut batch, new_batch(seq, &ctx))) {
                return Ok(());
            }
        }
    }
    if !batch.data.is_empty() {
        send(batch);
    }
    Ok(())
}

fn work(
    set: &IndicatorSet,
    formats: &[LogFormat],
    rx: &Mutex<Receiver<Batch>>,
    tx: &SyncSender<Msg>,
    abort: &AtomicBool,
) {
    let urls = set.has_urls();
    let mut matched = Vec::new();
    loop {
        let batch = match rx.lock() {
            Ok(guard) => match guard.recv() {
                Ok(b) => b,
                Err(_) => return,
            },
            Err(_) => return,
        };
        if abort.load(Ordering::Relaxed) {
            continue;
        }
        let mut d = Done {
            file: batch.file,
            seq: batch.seq,
            records: 0,
            skipped: 0,
            malformed: 0,
            examples: Vec::new(),
            hits: Vec::new(),
        };
        let format = &formats[batch.file];
        let mut rec = Record::default();
        let mut line_no = batch.first_line;
        let mut data = batch.data.as_slice();
        while !data.is_empty() {
            let end = memchr::memchr(b'\n', data).map_or(data.len(), |i| i + 1);
            let raw = &data[..end];
            data = &data[end..];
            let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
            let outcome = match std::str::from_utf8(raw) {
                Ok(line) => logs::parse_line(format, &batch.ctx, line, &mut rec, urls),
                Err(e) => Outcome::Malformed(format!(
                    "not UTF-8 (byte {} of the line)",
                    e.valid_up_to() + 1
                )),
            };
            match outcome {
                Outcome::Record => {
                    d.records += 1;
                    match_record(set, &rec, &mut matched);
                    if !matched.is_empty() {
                        let time = rec.parsed_time();
                        for (id, i) in &matched {
                            let o = &rec.obs[*i];
                            d.hits.push(Hit {
                                time,
                                internal_host: rec.client,
                                field: o.field,
                                observed: observed_text(&o.value),
                                indicator: *id,
                                file: batch.file,
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
            line_no += 1;
        }
        if tx.send(Msg::Done(d)).is_err() {
            return;
        }
    }
}
