//! Hits (one log record matching one indicator) and their aggregates per
//! (indicator, internal host).
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::indicator::Kind;
use crate::set::{IndicatorId, IndicatorRef};

/// One log record matching one indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The record's time, when it has one that could be read.
    pub time: Option<DateTime<Utc>>,
    /// The client of the record: `id.orig_h`, `src_ip` (the client of a DNS
    /// answer event), the BIND client, or the CSV source column.
    pub internal_host: Option<IpAddr>,
    /// The log field the matching value came from (`query`, `answers`,
    /// `id.resp_h`, `dns.rrname`, `http.url`, …).
    pub field: &'static str,
    /// The value as observed.
    pub observed: String,
    pub indicator: IndicatorId,
    /// Position of the log file in the scanned list.
    pub file: usize,
    /// 1-based line of the record in the (decompressed) log.
    pub line: u64,
}

/// A hit with its indicator and log file, as written out.
#[derive(Debug, Clone, Serialize)]
pub struct HitView<'a> {
    pub time: Option<DateTime<Utc>>,
    pub internal_host: Option<IpAddr>,
    pub field: &'static str,
    pub observed: &'a str,
    pub indicator: &'a str,
    pub kind: Kind,
    pub source: &'a str,
    pub description: &'a str,
    pub log_file: &'a str,
    pub log_line: u64,
}

impl<'a> HitView<'a> {
    pub fn new(hit: &'a Hit, ind: IndicatorRef<'a>, log_file: &'a str) -> Self {
        HitView {
            time: hit.time,
            internal_host: hit.internal_host,
            field: hit.field,
            observed: &hit.observed,
            indicator: ind.value,
            kind: ind.kind,
            source: ind.source,
            description: ind.description,
            log_file,
            log_line: hit.line,
        }
    }
}

/// All hits of one indicator from one internal host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Aggregate {
    pub indicator: IndicatorId,
    pub internal_host: Option<IpAddr>,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub count: u64,
}

/// Folds hits into aggregates.
#[derive(Debug, Default)]
pub struct Aggregator {
    map: FxHashMap<(IndicatorId, Option<IpAddr>), Aggregate>,
}

impl Aggregator {
    pub fn add(&mut self, hit: &Hit) {
        let a = self
            .map
            .entry((hit.indicator, hit.internal_host))
            .or_insert_with(|| Aggregate {
                indicator: hit.indicator,
                internal_host: hit.internal_host,
                first_seen: None,
                last_seen: None,
                count: 0,
            });
        a.count += 1;
        if let Some(t) = hit.time {
            a.first_seen = Some(a.first_seen.map_or(t, |f| f.min(t)));
            a.last_seen = Some(a.last_seen.map_or(t, |l| l.max(t)));
        }
    }

    /// The aggregates, by indicator then internal host.
    pub fn finish(self) -> Vec<Aggregate> {
        let mut v: Vec<Aggregate> = self.map.into_values().collect();
        v.sort_by_key(|a| (a.indicator, a.internal_host));
        v
    }
}
