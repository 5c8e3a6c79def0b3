//! The loaded indicators and their lookup index: domains by name and parent
//! names, addresses and ranges by longest prefix, URLs by normal form.
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::indicator::{Indicator, Kind, Validity};
use crate::normalize::{mask128, mask32, Cidr};

/// Position of an indicator in [`IndicatorSet::indicators`].
pub type IndicatorId = u32;

/// How many rejection reasons a report keeps.
pub const KEPT_REASONS: usize = 20;

/// What loading the feeds did: per file and in total.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoadReport {
    pub files: Vec<FeedReport>,
    /// Indicators in the set (after expiry and de-duplication).
    pub loaded: u64,
    /// Skipped because `valid_until` is before `now`.
    pub expired: u64,
    /// Skipped because `valid_from` is after `now`.
    pub not_yet_valid: u64,
    /// Entries that name an indicator but could not be read (bad value,
    /// unsupported pattern); see `rejections`.
    pub rejected: u64,
    /// The same kind, value and source seen again.
    pub duplicates: u64,
    /// Entries of kinds this matcher does not handle (file hashes, e-mail
    /// addresses, …) and hosts-file names such as `localhost`.
    pub ignored: u64,
    /// The first [`KEPT_REASONS`] rejections as `file:line: reason`.
    pub rejections: Vec<String>,
}

/// What one feed file gave.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FeedReport {
    pub path: String,
    pub format: String,
    pub loaded: u64,
    pub expired: u64,
    pub not_yet_valid: u64,
    pub rejected: u64,
    pub duplicates: u64,
    pub ignored: u64,
}

/// Indicators ready for matching.
#[derive(Debug, Default)]
pub struct IndicatorSet {
    indicators: Vec<Indicator>,
    domains: FxHashMap<Box<str>, Vec<IndicatorId>>,
    v4: PrefixTable<u32>,
    v6: PrefixTable<u128>,
    urls: FxHashMap<Box<str>, Vec<IndicatorId>>,
    report: LoadReport,
}

impl IndicatorSet {
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    pub fn get(&self, id: IndicatorId) -> &Indicator {
        &self.indicators[id as usize]
    }

    pub fn report(&self) -> &LoadReport {
        &self.report
    }

    pub fn len(&self) -> usize {
        self.indicators.len()
    }

    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    /// Calls `f` with every domain indicator equal to `name` or to one of
    /// its parents. `name` must be in the form of
    /// [`crate::normalize::observed_domain`].
    pub fn match_domain(&self, name: &str, mut f: impl FnMut(IndicatorId)) {
        if self.domains.is_empty() {
            return;
        }
        let mut rest = name;
        loop {
            if let Some(ids) = self.domains.get(rest) {
                ids.iter().copied().for_each(&mut f);
            }
            match rest.find('.') {
                Some(i) => rest = &rest[i + 1..],
                None => break,
            }
        }
    }

    /// The address or range indicators that cover `a` with the longest
    /// prefix (an address indicator is the longest of all).
    pub fn match_addr(&self, a: IpAddr) -> &[IndicatorId] {
        match a {
            IpAddr::V4(v) => self.v4.lookup(u32::from(v)),
            IpAddr::V6(v) => self.v6.lookup(u128::from(v)),
        }
    }

    /// The URL indicators equal to `url` (in the form of
    /// [`crate::normalize::url`]).
    pub fn match_url(&self, url: &str) -> &[IndicatorId] {
        self.urls.get(url).map_or(&[], Vec::as_slice)
    }

    /// True when there are URL indicators (logs can skip building URLs).
    pub fn has_urls(&self) -> bool {
        !self.urls.is_empty()
    }
}

/// Collects indicators from feeds: drops expired ones and duplicates,
/// counts rejections, and builds the index.
#[derive(Debug)]
pub struct Builder {
    now: DateTime<Utc>,
    seen: FxHashSet<(Kind, String, String)>,
    set: IndicatorSet,
}

impl Builder {
    /// A builder that judges validity at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Builder {
            now,
            seen: FxHashSet::default(),
            set: IndicatorSet::default(),
        }
    }

    /// Starts the report of one feed file.
    pub fn begin_file(&mut self, path: &str, format: &str) {
        self.set.report.files.push(FeedReport {
            path: path.to_string(),
            format: format.to_string(),
            ..FeedReport::default()
        });
    }

    fn file(&mut self) -> &mut FeedReport {
        let files = &mut self.set.report.files;
        if files.is_empty() {
            files.push(FeedReport::default());
        }
        let last = files.len() - 1;
        &mut files[last]
    }

    /// Adds one indicator (its value already in normal form).
    pub fn add(&mut self, ind: Indicator) {
        match ind.validity(self.now) {
            Validity::Expired => {
                self.set.report.expired += 1;
                self.file().expired += 1;
                return;
            }
            Validity::NotYetValid => {
                self.set.report.not_yet_valid += 1;
                self.file().not_yet_valid += 1;
                return;
            }
            Validity::Valid => {}
        }
        if !self
            .seen
            .insert((ind.kind, ind.value.clone(), ind.source.clone()))
        {
            self.set.report.duplicates += 1;
            self.file().duplicates += 1;
            return;
        }
        let id = self.set.indicators.len() as IndicatorId;
        let s = &mut self.set;
        match ind.kind {
            Kind::Domain => s
                .domains
                .entry(ind.value.as_str().into())
                .or_default()
                .push(id),
            Kind::Url => s
                .urls
                .entry(ind.value.as_str().into())
                .or_default()
                .push(id),
            Kind::Ipv4 | Kind::Ipv6 | Kind::Cidr => {
                let c = if ind.kind == Kind::Cidr {
                    Cidr::parse(&ind.value)
                } else {
                    Cidr::parse(&format!(
                        "{}/{}",
                        ind.value,
                        if ind.kind == Kind::Ipv4 { 32 } else { 128 }
                    ))
                };
                match c {
                    Ok(Cidr {
                        addr: IpAddr::V4(v),
                        len,
                    }) => s.v4.insert(u32::from(v), len, id),
                    Ok(Cidr {
                        addr: IpAddr::V6(v),
                        len,
                    }) => s.v6.insert(u128::from(v), len, id),
                    Err(reason) => {
                        let origin = ind.origin.clone();
                        self.reject(&origin, &reason);
                        return;
                    }
                }
            }
        }
        self.set.indicators.push(ind);
        self.set.report.loaded += 1;
        self.file().loaded += 1;
    }

    /// Counts an entry that could not be read; `at` is `file:line`.
    pub fn reject(&mut self, at: &str, reason: &str) {
        let r = &mut self.set.report;
        r.rejected += 1;
        if r.rejections.len() < KEPT_REASONS {
            r.rejections.push(format!("{at}: {reason}"));
        }
        self.file().rejected += 1;
    }

    /// Counts an entry of a kind the matcher does not handle.
    pub fn ignore(&mut self) {
        self.set.report.ignored += 1;
        self.file().ignored += 1;
    }

    pub fn build(self) -> IndicatorSet {
        self.set
    }
}

/// Integers that can stand for an address's bits.
trait Bits: Copy + Eq + std::hash::Hash + Default {
    const WIDTH: u8;
    fn mask(self, len: u8) -> Self;
}

impl Bits for u32 {
    const WIDTH: u8 = 32;
    fn mask(self, len: u8) -> Self {
        mask32(self, len)
    }
}

impl Bits for u128 {
    const WIDTH: u8 = 128;
    fn mask(self, len: u8) -> Self {
        mask128(self, len)
    }
}

/// Ranges grouped by prefix length; a lookup tries the lengths in use from
/// the longest down and answers the first that holds the masked address.
#[derive(Debug, Default)]
struct PrefixTable<T> {
    /// Lengths in use, longest first.
    lens: Vec<u8>,
    /// Indexed by prefix length.
    by_len: Vec<FxHashMap<T, Vec<IndicatorId>>>,
}

impl<T: Bits> PrefixTable<T> {
    fn insert(&mut self, net: T, len: u8, id: IndicatorId) {
        let len = len.min(T::WIDTH);
        if !self.lens.contains(&len) {
            self.lens.push(len);
            self.lens.sort_unstable_by(|a, b| b.cmp(a));
        }
        if self.by_len.is_empty() {
            self.by_len
                .resize_with(usize::from(T::WIDTH) + 1, FxHashMap::default);
        }
        self.by_len[usize::from(len)]
            .entry(net.mask(len))
            .or_default()
            .push(id);
    }

    fn lookup(&self, a: T) -> &[IndicatorId] {
        for len in &self.lens {
            if let Some(ids) = self.by_len[usize::from(*len)].get(&a.mask(*len)) {
                return ids;
            }
        }
        &[]
    }
}
