//! Cutting a log into batches of whole lines for the workers, reading it in
//! large chunks; header lines (Zeek `#` directives, the CSV header row) are
//! applied here so that each batch carries the header state of its lines.
//! Lines are not counted here: the workers count a batch's lines and the
//! results are put in order with the header lines skipped between them.
//! The workers take their batches from [`Lanes`], reading them in turn.
use std::io::{BufRead, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// Buffers handed back by the workers, to be filled again.
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

/// One log being cut into batches: the file, the header state of the
/// lines read so far, and the start of a line carried to the next batch.
struct FileReader<'a> {
    file: usize,
    path: &'a Path,
    format: &'a LogFormat,
    batch_bytes: usize,
    r: Box<dyn BufRead + Send>,
    ctx: Context,
    tsv: Option<TsvHeader>,
    seq: u64,
    /// Header lines since the last batch made.
    skipped: u64,
    buf: Vec<u8>,
    filled: usize,
    eof: bool,
}

impl<'a> FileReader<'a> {
    /// Opens log `file` (at `path`, of `format`). A failure comes with the
    /// position of the batch it takes the place of (0).
    fn open(
        file: usize,
        path: &'a Path,
        format: &'a LogFormat,
        batch_bytes: usize,
        progress: Option<Progress>,
        pool: &Pool,
    ) -> Result<Self, (u64, Error)> {
        let r = input::open(path, progress).map_err(|e| (0, e))?;
        Ok(FileReader {
            file,
            path,
            format,
            batch_bytes,
            r,
            ctx: Context::None,
            tsv: None,
            seq: 0,
            skipped: 0,
            buf: take(pool, batch_bytes + CHUNK),
            filled: 0,
            eof: false,
        })
    }

    /// The next batch, `None` at the end of the file. A failure comes with
    /// the position the batch would have had: the line of an
    /// [`Error::Malformed`] counts from the end of the batches made before
    /// (their lines are counted by the workers).
    fn next_batch(&mut self, pool: &Pool) -> Result<Option<Batch>, (u64, Error)> {
        let (batch_bytes, path) = (self.batch_bytes, self.path);
        loop {
            // Fill to a batch, and on until the buffer holds a line end.
            while !self.eof
                && (self.filled < batch_bytes
                    || memchr::memrchr(b'\n', &self.buf[..self.filled]).is_none())
            {
                // Up to the batch size (so that little is left over to carry
                // into the next batch), then a chunk at a time for a long
                // line.
                let upto = if self.filled < batch_bytes {
                    batch_bytes
                } else {
                    self.filled + CHUNK
                };
                if upto > self.buf.len() {
                    self.buf.resize(upto, 0);
                }
                let n = loop {
                    match self.r.read(&mut self.buf[self.filled..upto]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == ErrorKind::Interrupted => {}
                        Err(e) => {
                            let at = self.skipped + count_lines(&self.buf[..self.filled]) + 1;
                            let e = Error::malformed(path, at, format!("cannot read: {e}"));
                            return Err((self.seq, e));
                        }
                    }
                };
                self.filled += n;
                self.eof = n == 0;
            }
            if self.filled == 0 {
                return Ok(None);
            }
            let data = &self.buf[..self.filled];
            // Whole lines up to about a batch: the last line end within
            // `batch_bytes`, else the first one after (a long line), else
            // all that is left at the end of the file.
            let within = &data[..data.len().min(batch_bytes)];
            let mut cut = match memchr::memrchr(b'\n', within) {
                Some(i) => i + 1,
                None => match memchr::memchr(b'\n', data) {
                    Some(i) => i + 1,
                    None => data.len(),
                },
            };
            match header_start(self.format, &self.ctx, &data[..cut]) {
                Some(0) => {
                    // Every whole header line at the front, then one move of
                    // the rest (a move per line would cost a buffer's worth
                    // per line).
                    let at = self.header_lines()?;
                    self.buf.copy_within(at..self.filled, 0);
                    self.filled -= at;
                    continue;
                }
                Some(h) => cut = h,
                None => {}
            }
            let rest = self.filled - cut;
            let mut next = take(pool, (batch_bytes + CHUNK).max(rest));
            next[..rest].copy_from_slice(&self.buf[cut..self.filled]);
            let data = std::mem::replace(&mut self.buf, next);
            self.filled = rest;
            let batch = Batch {
                file: self.file,
                seq: self.seq,
                skipped: self.skipped,
                data,
                len: cut,
                ctx: self.ctx.clone(),
            };
            self.seq += 1;
            self.skipped = 0;
            return Ok(Some(batch));
        }
    }
}

impl FileReader<'_> {
    /// Applies the header lines at the start of the buffer (the first is
    /// one, and whole) up to the first line that is not one or not whole;
    /// answers where they end.
    fn header_lines(&mut self) -> Result<usize, (u64, Error)> {
        let mut at = 0;
        loop {
            let end = match memchr::memchr(b'\n', &self.buf[at..self.filled]) {
                Some(i) => at + i + 1,
                None if self.eof || at == 0 => self.filled,
                // Read on before taking it.
                None => return Ok(self.header_read(at)),
            };
            let line = String::from_utf8_lossy(&self.buf[at..end]).into_owned();
            self.skipped += 1;
            let (seq, skipped, path) = (self.seq, self.skipped, self.path);
            let fail = |e: String| (seq, Error::malformed(path, skipped, e));
            match self.format {
                LogFormat::Csv(_) if line.trim().is_empty() => {}
                LogFormat::Csv(cols) => {
                    let h = CsvHeader::resolve(cols, &line).map_err(fail)?;
                    self.ctx = Context::Csv(Arc::new(h));
                }
                _ => {
                    let h = self.tsv.get_or_insert_with(TsvHeader::default);
                    h.directive(&line).map_err(fail)?;
                }
            }
            at = end;
            let rest = &self.buf[at..self.filled];
            if rest.is_empty() || header_start(self.format, &self.ctx, rest) != Some(0) {
                return Ok(self.header_read(at));
            }
        }
    }

    /// The header state after a run of header lines ending at `at`.
    fn header_read(&mut self, at: usize) -> usize {
        // Only Zeek directives fill `tsv`.
        if let Some(h) = &self.tsv {
            self.ctx = Context::Tsv(Arc::new(h.clone()));
        }
        at
    }
}

/// Where the workers get their batches: up to one open log per lane, the
/// logs taken in order. A worker reads a batch itself, under its lane's
/// lock, and then checks it: the bytes it checks are those its core just
/// copied, and no thread only reads. Lanes let logs that cost much to
/// read (gzip) be read at once.
pub(crate) struct Lanes<'a> {
    lanes: Vec<Mutex<Lane<'a>>>,
    paths: &'a [PathBuf],
    formats: &'a [LogFormat],
    batch_bytes: usize,
    progress: Option<Progress>,
    next_file: AtomicUsize,
}

enum Lane<'a> {
    /// No log open: the next one is opened on demand.
    Idle,
    Reading(Box<FileReader<'a>>),
    /// No log left for it, or a log failed.
    Done,
}

impl<'a> Lanes<'a> {
    pub fn new(
        lanes: usize,
        paths: &'a [PathBuf],
        formats: &'a [LogFormat],
        batch_bytes: usize,
        progress: Option<Progress>,
    ) -> Self {
        Lanes {
            lanes: (0..lanes.max(1)).map(|_| Mutex::new(Lane::Idle)).collect(),
            paths,
            formats,
            batch_bytes,
            progress,
            next_file: AtomicUsize::new(0),
        }
    }

    /// The next batch for the worker whose first lane is `first`, or the
    /// failure of a log (with its file and the position of the batch it
    /// takes the place of); `None` when every log is read.
    pub fn next(&self, first: usize, pool: &Pool) -> Option<Result<Batch, (usize, u64, Error)>> {
        let n = self.lanes.len();
        // A free lane first, else wait for the worker's own. A lane whose
        // lock is poisoned is passed over: the worker that panicked holding
        // it ends the scan with its panic.
        for wait in [false, true] {
            for k in 0..n {
                let lane = &self.lanes[(first + k) % n];
                let guard = if wait {
                    lane.lock().ok()
                } else {
                    lane.try_lock().ok()
                };
                if let Some(r) = guard.and_then(|mut l| self.read(&mut l, pool)) {
                    return Some(r);
                }
            }
        }
        None
    }

    /// A batch from `lane`, opening logs until one gives a batch.
    fn read(&self, lane: &mut Lane<'a>, pool: &Pool) -> Option<Result<Batch, (usize, u64, Error)>> {
        loop {
            match lane {
                Lane::Done => return None,
                Lane::Idle => {
                    let i = self.next_file.fetch_add(1, Ordering::SeqCst);
                    if i >= self.paths.len() {
                        *lane = Lane::Done;
                        return None;
                    }
                    match FileReader::open(
                        i,
                        &self.paths[i],
                        &self.formats[i],
                        self.batch_bytes,
                        self.progress.clone(),
                        pool,
                    ) {
                        Ok(r) => *lane = Lane::Reading(Box::new(r)),
                        Err((seq, e)) => {
                            *lane = Lane::Done;
                            return Some(Err((i, seq, e)));
                        }
                    }
                }
                Lane::Reading(r) => match r.next_batch(pool) {
                    Ok(Some(b)) => return Some(Ok(b)),
                    Ok(None) => {
                        // The file's last buffer, for the next one.
                        if let Lane::Reading(r) = std::mem::replace(lane, Lane::Idle) {
                            give(pool, r.buf);
                        }
                    }
                    Err((seq, e)) => {
                        let file = r.file;
                        *lane = Lane::Done;
                        return Some(Err((file, seq, e)));
                    }
                },
            }
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
