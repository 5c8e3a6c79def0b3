//! A buffered reader that counts lines, so that XML errors name a line and
//! column, not only a byte offset.
//!
//! The tokenizer consumes bytes as it reads events; every consumed newline
//! is counted. The offsets of the newlines read since the current event
//! began are kept too (at most [`MAX_RECENT`]), so a position anywhere in
//! the event being read is placed exactly.

use std::io::{self, BufRead, BufReader, Read};

use crate::error::Location;

/// Most newline offsets kept for the current event.
const MAX_RECENT: usize = 4096;

pub(crate) struct Lines<'r> {
    inner: BufReader<&'r mut dyn BufRead>,
    /// Bytes consumed so far, and the newlines among them.
    consumed: u64,
    lines: u64,
    last_newline: Option<u64>,
    /// The state when the current event began.
    mark_lines: u64,
    mark_newline: Option<u64>,
    /// Newline offsets consumed since the mark (the first [`MAX_RECENT`]).
    recent: Vec<u64>,
    truncated: bool,
}

impl<'r> Lines<'r> {
    pub(crate) fn new(r: &'r mut dyn BufRead) -> Self {
        Lines {
            inner: BufReader::with_capacity(64 * 1024, r),
            consumed: 0,
            lines: 0,
            last_newline: None,
            mark_lines: 0,
            mark_newline: None,
            recent: Vec::new(),
            truncated: false,
        }
    }

    /// An event begins at the current position.
    pub(crate) fn mark(&mut self) {
        self.mark_lines = self.lines;
        self.mark_newline = self.last_newline;
        self.recent.clear();
        self.truncated = false;
    }

    /// Line (from 1) and column (from 1, in bytes) of byte offset `byte`,
    /// if it lies in the current event or at the current position.
    pub(crate) fn locate(&self, byte: u64) -> Location {
        let at = |newlines: u64, last: Option<u64>| Location::Line {
            line: newlines + 1,
            column: byte - last.map_or(0, |n| n + 1) + 1,
        };
        if byte > self.consumed {
            return Location::Byte(byte);
        }
        if self.last_newline.is_none_or(|n| n < byte) {
            return at(self.lines, self.last_newline);
        }
        let k = self.recent.partition_point(|&o| o < byte);
        let mark = self.mark_newline.map_or(0, |n| n + 1);
        if byte < mark || (self.truncated && k == self.recent.len()) {
            return Location::Byte(byte);
        }
        let last = match k.checked_sub(1) {
            Some(i) => self.recent.get(i).copied(),
            None => self.mark_newline,
        };
        at(self.mark_lines + k as u64, last)
    }
}

impl Read for Lines<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
                to.copy_from_slice(from);
            }
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Lines<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        let chunk = self.inner.buffer().get(..amt).unwrap_or_default();
        for i in memchr::memchr_iter(b'\n', chunk) {
            let offset = self.consumed + i as u64;
            self.lines += 1;
            self.last_newline = Some(offset);
            if self.recent.len() < MAX_RECENT {
                self.recent.push(offset);
            } else {
                self.truncated = true;
            }
        }
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}
