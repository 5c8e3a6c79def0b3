//! Opening inputs: plain or gzip (told by its magic bytes), with an optional
//! count of the raw bytes read for progress reporting.
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use flate2::read::MultiGzDecoder;

use crate::error::Error;

/// Called with the number of raw (possibly compressed) bytes just read.
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

const BUF: usize = 256 * 1024;

struct Counting<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.progress)(n as u64);
        Ok(n)
    }
}

/// Opens `path` for reading its decompressed content.
pub fn open(path: &Path, progress: Option<Progress>) -> Result<Box<dyn BufRead + Send>, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let raw: Box<dyn Read + Send> = match progress {
        Some(p) => Box::new(Counting {
            inner: file,
            progress: p,
        }),
        None => Box::new(file),
    };
    let mut raw = BufReader::with_capacity(BUF, raw);
    let head = raw.fill_buf().map_err(|e| Error::io(path, e))?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            BUF,
            MultiGzDecoder::new(raw),
        )))
    } else {
        Ok(Box::new(raw))
    }
}

/// Up to `max` bytes of the decompressed start of `path`.
pub fn head(path: &Path, max: usize) -> Result<Vec<u8>, Error> {
    let mut r = open(path, None)?;
    let mut out = Vec::new();
    r.by_ref()
        .take(max as u64)
        .read_to_end(&mut out)
        .map_err(|e| Error::io(path, e))?;
    Ok(out)
}

/// The whole decompressed content of `path` as text.
pub fn read_text(path: &Path) -> Result<String, Error> {
    let mut r = open(path, None)?;
    let mut bytes = Vec::new();
    r.read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        Error::malformed(path, line, format!("not UTF-8 text (byte offset {at})"))
    })
}
