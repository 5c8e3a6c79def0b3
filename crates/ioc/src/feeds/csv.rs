//! CSV indicator feeds: the indicator from a column chosen by number or
//! header name; `description`/`desc`/`comment`, `source`, `valid_from` and
//! `valid_until` columns are used when the header has them.
use super::{time, Column, Feed, Meta};
use crate::error::Error;

const VALUE_NAMES: &[&str] = &["indicator", "value", "ioc", "domain", "ip", "url", "host"];

pub(super) fn parse(feed: &mut Feed<'_>, text: &str, col: Option<&Column>) -> Result<(), Error> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut records = rdr.records();
    let first = match records.next() {
        None => return Ok(()),
        Some(r) => r.map_err(|e| csv_error(feed, &e))?,
    };
    let names: Vec<String> = first
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
    // The first row is a header unless it already holds an indicator value
    // in the chosen column.
    let named = find(VALUE_NAMES);
    let (value_col, header) = match col {
        Some(Column::Number(0)) => return Err(feed.fail(0, "CSV column numbers start at 1")),
        Some(Column::Number(n)) => (
            n - 1,
            named.is_some() || super::normal(first.get(n - 1).unwrap_or(""), None).is_err(),
        ),
        Some(Column::Name(name)) => {
            let lname = name.to_ascii_lowercase();
            let i = names.iter().position(|n| *n == lname).ok_or_else(|| {
                feed.fail(
                    1,
                    format!(
                        "no column named {name:?} in the header ({})",
                        names.join(", ")
                    ),
                )
            })?;
            (i, true)
        }
        None => match named {
            Some(i) => (i, true),
            None => (0, super::normal(first.get(0).unwrap_or(""), None).is_err()),
        },
    };
    let desc = if header {
        find(&["description", "desc", "comment", "comments"])
    } else {
        None
    };
    let source = if header {
        find(&["source", "feed"])
    } else {
        None
    };
    let from = if header {
        find(&["valid_from", "first_seen"])
    } else {
        None
    };
    let until = if header {
        find(&["valid_until", "expires", "expiration"])
    } else {
        None
    };
    let handle = |feed: &mut Feed<'_>, rec: &csv::StringRecord| {
        let line = rec.position().map_or(0, |p| p.line());
        let Some(raw) = rec.get(value_col) else {
            feed.reject(line, &format!("no column {}", value_col + 1));
            return;
        };
        if raw.trim().is_empty() {
            return;
        }
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let mut meta = Meta {
            source: get(source).map(|s| format!("{} ({s})", feed.source)),
            description: get(desc).unwrap_or("").to_string(),
            ..Meta::default()
        };
        for (c, slot) in [(from, &mut meta.valid_from), (until, &mut meta.valid_until)] {
            if let Some(t) = get(c) {
                match time(t) {
                    Some(t) => *slot = Some(t),
                    None => {
                        feed.reject(line, &format!("{t:?} is not an RFC 3339 time"));
                        return;
                    }
                }
            }
        }
        feed.push(raw, None, &meta, line);
    };
    if !header {
        handle(feed, &first);
    }
    for rec in records {
        let rec = rec.map_err(|e| csv_error(feed, &e))?;
        handle(feed, &rec);
    }
    Ok(())
}

fn csv_error(feed: &Feed<'_>, e: &csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    feed.fail(line, format!("bad CSV: {e}"))
}
