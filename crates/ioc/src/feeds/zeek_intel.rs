//! Zeek intel framework files: `#fields indicator indicator_type meta.source
//! meta.desc …`, tab-separated; types `Intel::DOMAIN`, `Intel::ADDR`,
//! `Intel::SUBNET` and `Intel::URL` are read, other `Intel::` types ignored.
use super::{Feed, Meta};
use crate::error::Error;
use crate::indicator::Kind;

pub(super) fn parse(feed: &mut Feed<'_>, text: &str) -> Result<(), Error> {
    let mut cols: Option<(usize, usize, Option<usize>, Option<usize>)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("#fields") {
            let names: Vec<&str> = rest.split('\t').filter(|s| !s.is_empty()).collect();
            let pos = |w: &str| names.iter().position(|n| *n == w);
            let ind = pos("indicator")
                .ok_or_else(|| feed.fail(n, "#fields has no `indicator` column"))?;
            let ty = pos("indicator_type")
                .ok_or_else(|| feed.fail(n, "#fields has no `indicator_type` column"))?;
            cols = Some((ind, ty, pos("meta.source"), pos("meta.desc")));
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let Some((ind, ty, src, desc)) = cols else {
            return Err(feed.fail(n, "data before the #fields line of a Zeek intel file"));
        };
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(value), Some(kind)) = (f.get(ind), f.get(ty)) else {
            feed.reject(n, &format!("{} fields, fewer than #fields names", f.len()));
            continue;
        };
        let kind = match *kind {
            "Intel::DOMAIN" => Some(Kind::Domain),
            "Intel::ADDR" => None,
            "Intel::SUBNET" => Some(Kind::Cidr),
            "Intel::URL" => Some(Kind::Url),
            t if t.starts_with("Intel::") => {
                feed.b.ignore();
                continue;
            }
            t => {
                feed.reject(n, &format!("{t:?} is not a Zeek intel type (Intel::…)"));
                continue;
            }
        };
        let set = |c: Option<usize>| {
            c.and_then(|c| f.get(c))
                .copied()
                .filter(|s| !s.is_empty() && *s != "-" && *s != "(empty)")
        };
        let meta = Meta {
            source: set(src).map(|s| format!("{} ({s})", feed.source)),
            description: set(desc).unwrap_or("").to_string(),
            ..Meta::default()
        };
        if *f.get(ty).unwrap_or(&"") == "Intel::ADDR" {
            match crate::normalize::ip(value) {
                Some(a) => {
                    let k = if a.is_ipv4() { Kind::Ipv4 } else { Kind::Ipv6 };
                    feed.push(value, Some(k), &meta, n);
                }
                None => feed.reject(n, &format!("{value:?} is not an IP address (Intel::ADDR)")),
            }
        } else {
            feed.push(value, kind, &meta, n);
        }
    }
    Ok(())
}
