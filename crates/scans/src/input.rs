//! Input plumbing: gzip unwrapping and the prefix that format detection reads.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;

/// How many leading bytes format detection looks at.
pub(crate) const PREFIX_LEN: usize = 16 * 1024;
const BUF_LEN: usize = 64 * 1024;

/// Opens a report file, buffered, unwrapping gzip (recognised by its magic
/// bytes, whatever the name). [`crate::parse`] also unwraps gzip itself, so
/// any reader may be passed to it; this is for callers that want the plain
/// bytes of a possibly compressed file.
pub fn open(path: &Path) -> io::Result<Box<dyn BufRead + Send>> {
    let mut file = BufReader::with_capacity(BUF_LEN, File::open(path)?);
    let gzip = file.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(BUF_LEN, MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    })
}

/// Reads up to `n` bytes (fewer only at the end of the input).
fn read_up_to(r: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(n);
    r.take(n as u64).read_to_end(&mut out)?;
    Ok(out)
}

/// The decompressed stream of `reader` (gzip detected by its magic bytes)
/// and its first [`PREFIX_LEN`] bytes; the stream still yields those bytes.
pub(crate) fn prepare<'a>(
    mut reader: Box<dyn BufRead + 'a>,
) -> io::Result<(Vec<u8>, Box<dyn BufRead + 'a>)> {
    let magic = read_up_to(&mut reader, 2)?;
    let gzip = magic == [0x1f, 0x8b];
    let whole = Cursor::new(magic).chain(reader);
    let mut stream: Box<dyn BufRead + 'a> = if gzip {
        Box::new(BufReader::with_capacity(
            BUF_LEN,
            MultiGzDecoder::new(whole),
        ))
    } else {
        Box::new(whole)
    };
    let prefix = read_up_to(&mut stream, PREFIX_LEN)?;
    // A chain of buffered readers is buffered: no copy through another buffer.
    let stream = Box::new(Cursor::new(prefix.clone()).chain(stream));
    Ok((prefix, stream))
}
