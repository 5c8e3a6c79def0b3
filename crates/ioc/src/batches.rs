//! Cutting a log into batches of whole lines for the workers, reading it in
//! large chunks; header lines (Zeek `#` directives, the CSV header row) are
//! applied here so that each batch carries the header state of its lines.
use std::io::{ErrorKind, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::Arc;

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
    /// 1-based number of the first line.
    pub first_line: u64,
    pub data: Vec<u8>,
    pub ctx: Context,
}

/// Reads `path` and sends its batches; stops early when `abort` is set or
/// the workers are gone.
pub(crate) fn read_file(
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
    let mut seq = 0u64;
    let mut line_no = 0u64;
    let mut buf: Vec<u8> = Vec::with_capacity(batch_bytes + CHUNK);
    let mut eof = false;
    loop {
        // Fill to a batch, and on until the buffer holds a line end.
        while !eof && (buf.len() < batch_bytes || memchr::memrchr(b'\n', &buf).is_none()) {
            let old = buf.len();
            buf.resize(old + CHUNK, 0);
            let n = loop {
                match r.read(&mut buf[old..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => {
                        let at = line_no + count_lines(&buf[..old]) + 1;
                        return Err(Error::malformed(path, at, format!("cannot read: {e}")));
                    }
                }
            };
            buf.truncate(old + n);
            eof = n == 0;
        }
        if buf.is_empty() {
            return Ok(());
        }
        // Whole lines up to about a batch: the last line end within
        // `batch_bytes`, else the first one after (a long line), else all
        // that is left at the end of the file.
        let within = &buf[..buf.len().min(batch_bytes)];
        let mut cut = match memchr::memrchr(b'\n', within) {
            Some(i) => i + 1,
            None => match memchr::memchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => buf.len(),
            },
        };
        match header_start(format, &ctx, &buf[..cut]) {
            Some(0) => {
                let end = memchr::memchr(b'\n', &buf).map_or(buf.len(), |i| i + 1);
                let line = String::from_utf8_lossy(&buf[..end]).into_owned();
                buf.drain(..end);
                line_no += 1;
                let fail = |e: String| Error::malformed(path, line_no, e);
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
        let mut next = Vec::with_capacity(batch_bytes + CHUNK);
        next.extend_from_slice(&buf[cut..]);
        buf.truncate(cut);
        let data = std::mem::replace(&mut buf, next);
        let lines = count_lines(&data);
        let batch = Batch {
            file,
            seq,
            first_line: line_no + 1,
            data,
            ctx: ctx.clone(),
        };
        seq += 1;
        line_no += lines;
        if tx.send(batch).is_err() || abort.load(Ordering::Relaxed) {
            return Ok(());
        }
    }
}

/// Lines in `data`, a last line without its end included.
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
        LogFormat::ZeekTsv => memchr::memmem::find(data, b"\n#").map(|i| i + 1),
        LogFormat::Csv(_) if matches!(ctx, Context::None) => Some(0),
        _ => None,
    }
}
