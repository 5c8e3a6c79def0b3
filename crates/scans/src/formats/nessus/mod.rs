//! Nessus `.nessus` v2 XML: one finding per `ReportItem` of each `ReportHost`.
//!
//! Report items are read straight from the XML events, keeping only the
//! text of the elements a finding uses (no element tree), since Nessus
//! reports are the largest a user brings. The report hosts directly under
//! `<Report>` are parsed on worker threads when the machine has more than
//! one core ([`pool`]); findings still come out in the order of the report.

use std::io::BufRead;

use quick_xml::events::Event;

use crate::error::{Location, ParseError};
use crate::sink::{Emit, Sink};
use crate::text::non_empty;
use crate::xml::Xml;

mod fast;
mod find;
mod item;
mod pool;
mod split;

use item::{attr_of, Host, Item};

/// The elements open around a report host that workers may parse.
const HOST_PARENTS: [&[u8]; 2] = [b"NessusClientData_v2", b"Report"];

pub(crate) fn parse(r: &mut dyn BufRead, sink: &mut Sink<'_>) -> Result<(), ParseError> {
    parse_with(r, sink, Hosts::Split(pool::workers())).map(|_| ())
}

/// How the report hosts directly under `<Report>` are read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Hosts {
    /// By the tokenizer, in order, as the rest of the report (what the
    /// tests compare the other ways with).
    #[cfg_attr(not(test), allow(dead_code))]
    InOrder,
    /// Each cut out whole and read by the plain host reader if it is
    /// written plainly (else by the tokenizer), on this many worker
    /// threads (none: on this one).
    Split(usize),
}

/// [`parse`], reading the hosts as `hosts` says; the number of hosts cut
/// out whole, and of those written plainly among them.
pub(crate) fn parse_with(
    r: &mut dyn BufRead,
    sink: &mut Sink<'_>,
    hosts: Hosts,
) -> Result<(usize, usize), ParseError> {
    let mut xml = Xml::new(sink.input, r);
    let input = sink.input;
    let result = std::thread::scope(|scope| {
        let mut pool = match hosts {
            Hosts::InOrder => None,
            Hosts::Split(workers) => Some(pool::Pool::new(scope, input, workers)),
        };
        xml.root(&["NessusClientData_v2"], "a Nessus v2 report")?;
        walk(
            &mut xml,
            sink,
            &mut Walk::default(),
            Part::Report(pool.as_mut()),
        )?;
        Ok(pool.map_or((0, 0), |p| (p.hosts, p.plain)))
    });
    result.map_err(|e| xml.relocate(e))
}

/// The state of a reader of report items between two events.
#[derive(Default)]
struct Walk {
    host: Host,
    /// The report item being read, and how deep inside it the reader is
    /// (0: directly in the item).
    item: Option<Item>,
    depth: usize,
}

/// What [`walk`] reads.
enum Part<'a, 'scope, 'env> {
    /// The rest of the report; report hosts directly under `<Report>` go to
    /// the pool if there is one.
    Report(Option<&'a mut pool::Pool<'scope, 'env>>),
    /// One report host directly under `<Report>`, which begins the input.
    Host,
}

/// Reads events, emitting each item, until the end of the part.
fn walk<E: Emit>(
    xml: &mut Xml<'_, '_>,
    out: &mut E,
    w: &mut Walk,
    part: Part<'_, '_, '_>,
) -> Result<(), ParseError> {
    let input = xml.input;
    let (mut pool, host_only) = match part {
        Part::Report(pool) => (pool, false),
        Part::Host => (None, true),
    };
    let mut started = false;
    loop {
        if host_only && started && xml.depth() == HOST_PARENTS.len() {
            // The host that is the whole part has ended.
            return Ok(());
        }
        started = true;
        if let Some(pool) = pool.as_deref_mut() {
            if w.item.is_none() && xml.depth() == HOST_PARENTS.len() && xml.open_are(&HOST_PARENTS)
            {
                if let Some(host) = pool.run(xml, out)? {
                    w.host = host;
                }
            }
        }
        let (ev, pos) = xml.next_raw()?;
        match (ev, w.item.as_mut()) {
            (Event::Start(e), None) => match e.local_name().as_ref() {
                b"ReportHost" => {
                    w.host = Host {
                        name: attr_of(&e, b"name", input, pos)?
                            .as_deref()
                            .and_then(non_empty),
                        ..Host::default()
                    }
                }
                b"ReportItem" => {
                    w.item = Some(Item::start(&e, input, pos)?);
                    w.depth = 0;
                }
                b"HostProperties" => {
                    let tag = Xml::tag(&e, input, pos)?;
                    let props = xml.subtree(tag, &[])?;
                    for tag in props.children_named("tag") {
                        match tag.attr("name") {
                            Some("host-ip") => w.host.ip = non_empty(&tag.text),
                            Some("host-fqdn") => w.host.fqdn = non_empty(&tag.text),
                            _ => {}
                        }
                    }
                }
                _ => {}
            },
            (Event::Empty(e), None) if e.local_name().as_ref() == b"ReportItem" => {
                let done = Item::start(&e, input, pos)?;
                if out.emit(done.finding(&w.host, ""), pos).is_err() {
                    return Err(out.stop_error(Location::Byte(pos)));
                }
            }
            (Event::Start(e), Some(it)) => {
                w.depth += 1;
                if w.depth == 1 {
                    it.open(e.local_name().as_ref());
                }
            }
            (Event::Empty(e), Some(it)) if w.depth == 0 => {
                it.open(e.local_name().as_ref());
                it.close("");
            }
            (Event::Text(e), Some(it)) if w.depth == 1 && it.wants_text() => match e.unescape() {
                Ok(t) => it.add_text(t, input, pos)?,
                Err(_) => it.add_text(String::from_utf8_lossy(&e), input, pos)?,
            },
            (Event::CData(e), Some(it)) if w.depth == 1 && it.wants_text() => {
                it.add_text(String::from_utf8_lossy(&e), input, pos)?;
            }
            (Event::End(_), Some(it)) => {
                if w.depth == 0 {
                    if let Some(done) = w.item.take() {
                        if out.emit(done.finding(&w.host, ""), pos).is_err() {
                            return Err(out.stop_error(Location::Byte(pos)));
                        }
                    }
                } else {
                    if w.depth == 1 {
                        it.close("");
                    }
                    w.depth -= 1;
                }
            }
            (Event::Eof, _) => return Ok(()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
