//! Cutting a log into batches of whole lines for the workers, reading it in
//! large chunks; header lines (Zeek `#` directives, the CSV header row) are
//! applied here so that each batch carries the header state of its lines.
//! Lines are not counted here: the workers count a batch's lines and the
//! results are put in order with the header lines skipped between them.
use std::io::{ErrorKind, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};

use crate::error::Error;
use crate::input::{self, Progress};
use crate::logs::{Context, CsvHeader, LogFormat, TsvHeader};

/// How much is read at a time.
const CHUNK: usize = 256 * 1024;

/// A run of whole lines of one file.
pub(crate) struct Batch {
    pub file: usize,
    /// Position among the file's batches, from 0.
    pub seq: u64,
    /// Header lines read since the previous batch (or the start).
    pub skipped: u64,
    /// The lines are `data[..len]` (the buffer is reused whole).
    pub data: Vec<u8>,
    pub len: usize,
    pub ctx: Context,
}

/// Buffers handed back by the workers for the reader to fill again.
pub(crate) type Pool = Mutex<Vec<Vec<u8>>>;

/// A buffer of at least `len` bytes from `pool`, or a new one.
fn take(pool: &Pool, len: usize) -> Vec<u8> {
    let mut b = pool
        .lock()
        .ok()
        .and_then(|mut p| p.pop())
        .unwrap_or_default();
    if b.len() < len {
        b.resize(len, 0);
    }
    b
}

/// Hands `buf` back for reuse (unless the pool holds enough already).
pub(crate) fn give(pool: &Pool, buf: Vec<u8>) {
    if let Ok(mut p) = pool.lock() {
        if p.len() < 16 {
            p.push(buf);
        }
    }
}

/// Reads `path` and sends its batches; stops early when `abort` is set or
/// the workers are gone. A failure comes with the position the next batch
/// would have had: the line of an [`Error::Malformed`] counts from the end
/// of the batches sent before (their lines are counted by the workers).
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_file(
    file: usize,
    path: &Path,
    format: &LogFormat,
    batch_bytes: usize,
    progress: Option<Progress>,
    tx: &SyncSender<Batch>,
    abort: &AtomicBool,
    pool: &Pool,
) -> Result<(), (u64, Error)> {
    let mut r = input::open(path, progress).map_err(|e| (0, e))?;
    let mut ctx = Context::None;
    let mut tsv: Option<TsvHeader> = None;
    let mut seq = 0u64;
    // Header lines since the last batch sent.
    let mut skipped = 0u64;
    let full = batch_bytes + CHUNK;
    let mut buf = take(pool, full);
    let mut filled = 0;
    let mut eof = false;
    loop {
        // Fill to a batch, and on until the buffer holds a line end.
        while !eof && (filled < batch_bytes || memchr::memrchr(b'\n', &buf[..filled]).is_none()) {
            // Up to the batch size (so that little is left over to carry
            // into the next batch), then a chunk at a time for a long line.
            let upto = if filled < batch_bytes {
                batch_bytes
            } else {
                filled + CHUNK
            };
            if upto > buf.len() {
                buf.resize(upto, 0);
            }
            let n = loop {
                match r.read(&mut buf[filled..upto]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => {
                        let at = skipped + count_lines(&buf[..filled]) + 1;
                        let e = Error::malformed(path, at, format!("cannot read: {e}"));
                        return Err((seq, e));
                    }
                }
            };
            filled += n;
            eof = n == 0;
        }
        if filled == 0 {
            return Ok(());
        }
        let data = &buf[..filled];
        // Whole lines up to about a batch: the last line end within
        // `batch_bytes`, else the first one after (a long line), else all
        // that is left at the end of the file.
        let within = &data[..data.len().min(batch_bytes)];
        let mut cut = match memchr::memrchr(b'\n', within) {
            Some(i) => i + 1,
            None => match memchr::memchr(b'\n', data) {
                Some(i) => i + 1,
                None => data.len(),
            },
        };
        match header_start(format, &ctx, &data[..cut]) {
            Some(0) => {
                let end = memchr::memchr(b'\n', data).map_or(data.len(), |i| i + 1);
                let line = String::from_utf8_lossy(&data[..end]).into_owned();
                buf.copy_within(end..filled, 0);
                filled -= end;
                skipped += 1;
                let fail = |e: String| (seq, Error::malformed(path, skipped, e));
                match format {
                    LogFormat::Csv(_) if line.trim().is_empty() => {}
                    LogFormat::Csv(cols) => {
                        ctx =
                            Context::Csv(Arc::new(CsvHeader::resolve(cols, &line).map_err(fail)?));
                    }
                    _ => {
                        let mut h = tsv.take().unwrap_or_default();
                        h.directive(&line).map_err(fail)?;
                        ctx = Context::Tsv(Arc::new(h.clone()));
                        tsv = Some(h);
                    }
                }
                continue;
            }
            Some(h) => cut = h,
            None => {}
        }
        let rest = filled - cut;
        let mut next = take(pool, full.max(rest));
        next[..rest].copy_from_slice(&buf[cut..filled]);
        let data = std::mem::replace(&mut buf, next);
        filled = rest;
        let batch = Batch {
            file,
            seq,
            skipped,
            data,
            len: cut,
            ctx: ctx.clone(),
        };
        seq += 1;
        skipped = 0;
        if tx.send(batch).is_err() || abort.load(Ordering::Relaxed) {
            return Ok(());
        }
    }
}

/// Lines in `data`, a last line without its end included (for the place
/// of a read error).
fn count_lines(data: &[u8]) -> u64 {
    let ends = memchr::memchr_iter(b'\n', data).count() as u64;
    ends + u64::from(data.last().is_some_and(|b| *b != b'\n'))
}

/// Where the first header line in `data` (which starts at a line start)
/// begins: any `#` line of a Zeek TSV log, the first line of a CSV log
/// until its header is read.
fn header_start(format: &LogFormat, ctx: &Context, data: &[u8]) -> Option<usize> {
    match format {
        LogFormat::ZeekTsv if data.first() == Some(&b'#') => Some(0),
        // `#` is rare in data lines, line ends are not: look for the `#`.
        LogFormat::ZeekTsv => {
            memchr::memchr_iter(b'#', data).find(|&i| i > 0 && data[i - 1] == b'\n')
        }
        LogFormat::Csv(_) if matches!(ctx, Context::None) => Some(0),
        _ => None,
    }
}
