//! A buffered reader that counts lines, so that XML errors name a line and
//! column, not only a byte offset, and that can look ahead by more than one
//! buffer (the Nessus parser looks at whole report hosts before taking them).
//!
//! The tokenizer consumes bytes as it reads events; every consumed newline
//! is counted. The offsets of the newlines read since the current event
//! began are kept too (at most [`MAX_RECENT`]), so a position anywhere in
//! the event being read is placed exactly.

use std::io::{self, BufRead, Read};

use crate::error::Location;

/// Most newline offsets kept for the current event.
const MAX_RECENT: usize = 4096;
/// Size of the buffer until a look-ahead needs more.
const BUF_LEN: usize = 64 * 1024;

/// How far a reader has consumed: bytes, newlines and the offset of the
/// last newline among them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) offset: u64,
    pub(crate) lines: u64,
    pub(crate) last_newline: Option<u64>,
}

impl Position {
    /// The position after `bytes` read from here.
    pub(crate) fn after(self, bytes: &[u8]) -> Position {
        let mut p = self;
        let mut newlines = memchr::memchr_iter(b'\n', bytes);
        if let Some(last) = newlines.next_back() {
            p.lines += 1 + newlines.count() as u64;
            p.last_newline = Some(self.offset + last as u64);
        }
        p.offset += bytes.len() as u64;
        p
    }

    /// Line and column of `byte`, where `bytes` are the bytes from here on
    /// (a byte offset when `byte` is not among them or just after them).
    pub(crate) fn locate_in(self, bytes: &[u8], byte: u64) -> Location {
        let Some(upto) = byte
            .checked_sub(self.offset)
            .and_then(|n| usize::try_from(n).ok())
            .and_then(|n| bytes.get(..n))
        else {
            return Location::Byte(byte);
        };
        let p = self.after(upto);
        Location::Line {
            line: p.lines + 1,
            column: byte - p.last_newline.map_or(0, |n| n + 1) + 1,
        }
    }
}

pub(crate) struct Lines<'r> {
    inner: &'r mut dyn BufRead,
    buf: Vec<u8>,
    /// Unconsumed bytes are `buf[pos..filled]`.
    pos: usize,
    filled: usize,
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
    pub(crate) fn new(inner: &'r mut dyn BufRead) -> Self {
        Lines {
            inner,
            buf: vec![0; BUF_LEN],
            pos: 0,
            filled: 0,
            consumed: 0,
            lines: 0,
            last_newline: None,
            mark_lines: 0,
            mark_newline: None,
            recent: Vec::new(),
            truncated: false,
        }
    }

    /// Where the reader is: what it has consumed.
    pub(crate) fn position(&self) -> Position {
        Position {
            offset: self.consumed,
            lines: self.lines,
            last_newline: self.last_newline,
        }
    }

    /// The unconsumed bytes, at least `want` of them unless the input ends
    /// first (the buffer grows as needed).
    pub(crate) fn ahead(&mut self, want: usize) -> io::Result<&[u8]> {
        if self.filled - self.pos < want {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.pos = 0;
            if self.buf.len() < want {
                self.buf.resize(want.max(self.buf.len() * 2), 0);
            }
            while self.filled < want {
                let to = self.buf.get_mut(self.filled..).unwrap_or_default();
                let n = self.inner.read(to)?;
                if n == 0 {
                    break;
                }
                self.filled += n;
            }
        }
        Ok(self.buf.get(self.pos..self.filled).unwrap_or_default())
    }

    /// Consumes `n` bytes (at most those at hand) that hold no event, so
    /// that no newline offset in them need be kept.
    pub(crate) fn skip(&mut self, n: usize) {
        let end = (self.pos + n).min(self.filled);
        let chunk = self.buf.get(self.pos..end).unwrap_or_default();
        let after = self.position().after(chunk);
        self.consumed = after.offset;
        self.lines = after.lines;
        self.last_newline = after.last_newline;
        self.pos = end;
    }

    /// Puts `bytes` back before the unconsumed bytes; they begin at `at`.
    pub(crate) fn unread(&mut self, mut bytes: Vec<u8>, at: Position) {
        bytes.extend_from_slice(self.buf.get(self.pos..self.filled).unwrap_or_default());
        self.filled = bytes.len();
        self.pos = 0;
        if bytes.len() < BUF_LEN {
            bytes.resize(BUF_LEN, 0);
        }
        self.buf = bytes;
        self.consumed = at.offset;
        self.lines = at.lines;
        self.last_newline = at.last_newline;
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
        if self.pos >= self.filled {
            self.pos = 0;
            self.filled = self.inner.read(&mut self.buf)?;
        }
        Ok(self.buf.get(self.pos..self.filled).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        let end = (self.pos + amt).min(self.filled);
        let chunk = self.buf.get(self.pos..end).unwrap_or_default();
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
        self.consumed += (end - self.pos) as u64;
        self.pos = end;
    }
}
