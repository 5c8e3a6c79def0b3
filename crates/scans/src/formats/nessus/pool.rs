//! Worker threads that parse whole report hosts, and the hand-over of their
//! findings in the order of the report.
//!
//! The reading thread finds where each host directly under `<Report>`
//! probably ends ([`split`]), gives its bytes to a worker and takes the
//! next. A worker parses the host as the reading thread would: with the
//! plain host reader ([`fast`]) if the host is written plainly, else with
//! the same tokenizer and rules, from the same place in the input; it sends
//! back the findings, completed. The reading thread hands them on host by
//! host, in order. A host that did not end exactly where it was cut, or
//! that a worker found an error in, is put back into the input with the
//! hosts after it, unread, and read in order (so every error is met by the
//! reading thread, as without workers). At most [`IN_FLIGHT`] hosts and
//! [`IN_FLIGHT_BYTES`] wait, so memory stays bounded by a few hosts.

use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::Scope;

use super::fast;
use super::split::{self, Scan};
use super::{walk, Host, Part, Walk, HOST_PARENTS};
use crate::error::ParseError;
use crate::lines::Position;
use crate::sink::{Emit, Kept};
use crate::xml::Xml;

/// Most hosts read ahead of the one whose findings are handed on next.
const IN_FLIGHT: usize = 8;
/// Most bytes of hosts read ahead so.
const IN_FLIGHT_BYTES: usize = 32 * 1024 * 1024;
/// Bytes looked at first for a host's end (most hosts are smaller).
const FIRST_LOOK: usize = 4 * 1024 * 1024;

/// How many workers to use: one per core when there is more than one
/// (else none: hosts are read on the reading thread).
pub(crate) fn workers() -> usize {
    match std::thread::available_parallelism().map(usize::from) {
        Ok(n) if n > 1 => n,
        _ => 0,
    }
}

/// One host to parse: its bytes and where they begin in the input.
struct Job {
    bytes: Vec<u8>,
    at: Position,
    reply: SyncSender<Done>,
}

/// The findings a worker read of a host.
enum Found {
    /// Completed, each with the input offset after its item, and the host
    /// as its end left it (items after it, outside any host, are still of
    /// it).
    Findings(Vec<(crate::finding::Finding, u64)>, Host),
    /// A host written plainly, and its bytes as text: its findings are
    /// made from them when handed on (so that the thread that frees their
    /// strings is the one that allocated them).
    Plain(fast::Plain, String),
}

/// What a worker made of a host.
struct Done {
    found: Found,
    /// Whether the bytes were the host and its end, read without error:
    /// otherwise they are read again in order.
    whole: bool,
    /// The host's bytes (unless they are in [`Found::Plain`]) and where
    /// they begin, to place a stop in them.
    bytes: Vec<u8>,
    at: Position,
}

impl Done {
    /// The host's bytes.
    fn into_bytes(self) -> Vec<u8> {
        match self.found {
            Found::Plain(_, text) => text.into_bytes(),
            Found::Findings(..) => self.bytes,
        }
    }
}

/// The workers of one parse, started when the first host is found.
pub(crate) struct Pool<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    input: &'env str,
    workers: usize,
    jobs: Option<SyncSender<Job>>,
    /// Replies to come, in the order of the report, and the size of each host.
    waiting: VecDeque<(Receiver<Done>, usize)>,
    waiting_bytes: usize,
    /// Hosts whose findings were handed on, and how many of them were
    /// written plainly ([`fast`]).
    pub(crate) hosts: usize,
    pub(crate) plain: usize,
}

impl<'scope, 'env> Pool<'scope, 'env> {
    pub(crate) fn new(
        scope: &'scope Scope<'scope, 'env>,
        input: &'env str,
        workers: usize,
    ) -> Self {
        Pool {
            scope,
            input,
            workers,
            jobs: None,
            waiting: VecDeque::new(),
            waiting_bytes: 0,
            hosts: 0,
            plain: 0,
        }
    }

    /// The queue of jobs, the workers started on first use.
    fn jobs(&mut self) -> Option<&SyncSender<Job>> {
        if self.jobs.is_none() {
            let (tx, rx) = mpsc::sync_channel::<Job>(self.workers);
            let rx = Arc::new(Mutex::new(rx));
            for _ in 0..self.workers {
                let rx = Arc::clone(&rx);
                let input = self.input;
                self.scope.spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    // The reader may have stopped waiting (an error before).
                    let _ = job.reply.send(parse_host(input, job.bytes, job.at));
                });
            }
            self.jobs = Some(tx);
        }
        self.jobs.as_ref()
    }

    /// Hands the report hosts that follow (directly under `<Report>`, where
    /// `xml` is) to the workers, and their findings on to `out` in order,
    /// until something else follows. Returns the last host read, if any.
    pub(crate) fn run<E: Emit>(
        &mut self,
        xml: &mut Xml<'_, '_>,
        out: &mut E,
    ) -> Result<Option<Host>, ParseError> {
        let mut last = None;
        while let Some(len) = next_host(xml)? {
            let at = xml.consumed();
            let bytes = match xml.lines().map(|l| l.ahead(len)) {
                Some(Ok(b)) => b.get(..len).unwrap_or_default().to_vec(),
                Some(Err(e)) => return Err(xml.io_error(e)),
                None => break,
            };
            xml.skip(len);
            if self.workers == 0 {
                // No workers: the host is read here, at once.
                let done = parse_host(self.input, bytes, at);
                match self.hand_on(Some(done), out, xml)? {
                    Some(host) => last = Some(host),
                    None => return Ok(last),
                }
                continue;
            }
            let (reply, done) = mpsc::sync_channel(1);
            let Some(jobs) = self.jobs() else { break };
            if jobs.send(Job { bytes, at, reply }).is_err() {
                return Err(stopped(xml));
            }
            self.waiting.push_back((done, len));
            self.waiting_bytes += len;
            while let Some((front, _)) = self.waiting.front() {
                let full = self.waiting.len() > IN_FLIGHT || self.waiting_bytes > IN_FLIGHT_BYTES;
                let done = if full {
                    front.recv().ok()
                } else {
                    match front.try_recv() {
                        Ok(d) => Some(d),
                        Err(mpsc::TryRecvError::Empty) => break,
                        Err(mpsc::TryRecvError::Disconnected) => None,
                    }
                };
                self.pop();
                match self.hand_on(done, out, xml)? {
                    Some(host) => last = Some(host),
                    None => return Ok(last),
                }
            }
        }
        while let Some(front) = self.pop() {
            match self.hand_on(front.recv().ok(), out, xml)? {
                Some(host) => last = Some(host),
                None => break,
            }
        }
        Ok(last)
    }

    /// The reply to come first, no longer waited for in turn.
    fn pop(&mut self) -> Option<Receiver<Done>> {
        let (rx, len) = self.waiting.pop_front()?;
        self.waiting_bytes -= len;
        Some(rx)
    }

    /// Hands on the findings of one host; the host, or none if the worker
    /// did not read it whole: then it and those after it are put back, to
    /// be read in order.
    fn hand_on<E: Emit>(
        &mut self,
        done: Option<Done>,
        out: &mut E,
        xml: &mut Xml<'_, '_>,
    ) -> Result<Option<Host>, ParseError> {
        let Some(done) = done else {
            return Err(stopped(xml));
        };
        if !done.whole {
            let at = done.at;
            let mut bytes = done.into_bytes();
            while let Some(next) = self.pop() {
                let Ok(next) = next.recv() else {
                    return Err(stopped(xml));
                };
                bytes.extend_from_slice(&next.into_bytes());
            }
            xml.unskip(bytes, at);
            return Ok(None);
        }
        let at = done.at;
        let plain = matches!(done.found, Found::Plain(..));
        let host = match done.found {
            Found::Findings(findings, host) => {
                for (f, after) in findings {
                    if out.deliver(f).is_err() {
                        return Err(out.stop_error(at.locate_in(&done.bytes, after)));
                    }
                }
                host
            }
            Found::Plain(items, text) => {
                let host = items.host();
                for (f, after) in items.findings(&text) {
                    if out.deliver(f).is_err() {
                        return Err(out.stop_error(at.locate_in(text.as_bytes(), after)));
                    }
                }
                host
            }
        };
        self.hosts += 1;
        self.plain += usize::from(plain);
        Ok(Some(host))
    }
}

fn stopped(xml: &Xml<'_, '_>) -> ParseError {
    xml.malformed("a worker thread of the parse has stopped")
}

/// The length of the report host that comes next with the white space
/// before it, if one does that a worker may parse.
fn next_host(xml: &mut Xml<'_, '_>) -> Result<Option<usize>, ParseError> {
    let space = match xml.lines().map(|l| l.ahead(b"<ReportHost>".len() + 64)) {
        Some(Ok(b)) => split::host_ahead(b),
        Some(Err(e)) => return Err(xml.io_error(e)),
        None => None,
    };
    let Some(space) = space else {
        return Ok(None);
    };
    // First what is at hand, then more as needed.
    let mut want = 0;
    let mut seen = 0;
    loop {
        let bytes = match xml.lines().map(|l| l.ahead(want)) {
            Some(Ok(b)) => b,
            Some(Err(e)) => return Err(xml.io_error(e)),
            None => return Ok(None),
        };
        let eof = bytes.len() < want;
        let host = bytes.get(space..).unwrap_or_default();
        match split::host(host, seen, eof) {
            Scan::Host(len) => return Ok(Some(space + len)),
            Scan::No => return Ok(None),
            Scan::More => {
                seen = host.len();
                want = (bytes.len() * 2).max(FIRST_LOOK);
            }
        }
    }
}

/// Parses one report host, `bytes` from `at` in the input, as the reading
/// thread would.
fn parse_host(input: &str, bytes: Vec<u8>, at: Position) -> Done {
    let end = at.offset + bytes.len() as u64;
    let mut w = Walk::default();
    let mut kept = Kept::default();
    // A host written plainly is read as text, checked once here.
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => match fast::host(&text, at.offset) {
            Some(plain) => {
                return Done {
                    found: Found::Plain(plain, text),
                    whole: true,
                    bytes: Vec::new(),
                    at,
                }
            }
            None => text.into_bytes(),
        },
        Err(e) => e.into_bytes(),
    };
    let whole = {
        let mut xml = Xml::of_bytes(input, &bytes, at);
        xml.assume_open(&HOST_PARENTS);
        // The cut was right if the host ended there. An error may come of
        // a wrong cut: the host is then read again in order, and the
        // reading thread meets the error itself, if it is one.
        walk(&mut xml, &mut kept, &mut w, Part::Host).is_ok() && xml.consumed().offset == end
    };
    Done {
        found: Found::Findings(kept.findings, w.host),
        whole,
        bytes,
        at,
    }
}
