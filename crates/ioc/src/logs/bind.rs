//! BIND 9 query logs: `[DD-Mon-YYYY HH:MM:SS.mmm] [queries: info:] client
//! [@0x…] ADDR#PORT [(name)]: [view V: ]query: NAME CLASS TYPE FLAGS
//! [(SERVER)]`, also behind a syslog prefix. Lines that are not query lines
//! are skipped.
use std::borrow::Cow;
use std::net::IpAddr;

use super::{Record, TimeKind};

pub(super) fn parse<'a>(line: &'a str, rec: &mut Record<'a>) -> Result<bool, String> {
    let line = line.trim_end_matches('\r');
    let Some(q) = line.find(" query: ") else {
        return Ok(false);
    };
    let Some(c) = line[..q].find("client ") else {
        return Ok(false);
    };
    // A leading `DD-Mon-YYYY HH:MM:SS.mmm` is the time.
    let mut words = line[..c].split_whitespace();
    if let (Some(d), Some(t)) = (words.next(), words.next()) {
        if d.len() == 11 && d.as_bytes().get(2) == Some(&b'-') && t.contains(':') {
            if let Some(stamp) = line.get(..d.len() + 1 + t.len()) {
                rec.time_kind = Some(TimeKind::Bind);
                rec.time = Cow::Borrowed(stamp);
            }
        }
    }
    let mut after = line[c + 7..q].split_whitespace();
    let mut endpoint = after.next().ok_or("nothing after `client`")?;
    if endpoint.starts_with("@0x") {
        endpoint = after
            .next()
            .ok_or("no client address after the client object")?;
    }
    let endpoint = endpoint.trim_end_matches(':');
    let addr = endpoint.rsplit_once('#').map_or(endpoint, |(a, _)| a);
    let client: IpAddr = addr
        .parse()
        .map_err(|_| format!("client {addr:?} is not an IP address"))?;
    rec.client = Some(client);
    rec.addr("client", client);
    let mut rest = line[q + 8..].split_whitespace();
    let name = rest.next().ok_or("no name after `query:`")?;
    rec.name("query", name);
    if let Some(last) = rest.last() {
        if let Some(server) = last.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
            if let Ok(a) = server.parse::<IpAddr>() {
                rec.addr("server", a);
            }
        }
    }
    Ok(true)
}
