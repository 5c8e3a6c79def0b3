//! The loaded indicators and their lookup index: domains by name and parent
//! names, addresses and ranges by longest prefix, URLs by normal form.
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::indicator::{Indicator, Kind};
use crate::name_hash;
use crate::normalize::{self, mask128, mask32, Cidr};

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

/// An indicator as stored in the set, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorRef<'a> {
    pub kind: Kind,
    pub value: &'a str,
    pub source: &'a str,
    pub description: &'a str,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
}

/// What indicators share: their feed's name, description and validity,
/// kept once however many indicators carry it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Meta {
    source: Box<str>,
    description: Box<str>,
    valid_from: Option<DateTime<Utc>>,
    valid_until: Option<DateTime<Utc>>,
}

/// Indicators ready for matching, stored compactly: every value in one
/// text arena, the metadata interned, the origin as a file and a line.
#[derive(Debug, Default)]
pub struct IndicatorSet {
    kinds: Vec<Kind>,
    /// Value `i` is `text[ends[i - 1]..ends[i]]` (from 0 for the first).
    ends: Vec<usize>,
    text: String,
    meta_of: Vec<u32>,
    metas: Vec<Meta>,
    /// File (index into `origin_files`) and 1-based line (0: none).
    origin_of: Vec<(u32, u32)>,
    origin_files: Vec<Box<str>>,
    /// Origins that are not a file and line (a STIX object id).
    origin_notes: FxHashMap<IndicatorId, Box<str>>,
    domains: NameIndex,
    /// Some domain indicator is a single label (feeds refuse them, but
    /// [`Builder::add`] takes what it is given).
    single_label: bool,
    /// One bit per hash of the last two labels of a domain indicator (the
    /// whole of it when it has two): a name whose last two labels miss
    /// here matches no domain indicator, whatever its other labels.
    last_two: Vec<u64>,
    v4: PrefixTable<u32>,
    v6: PrefixTable<u128>,
    urls: NameIndex,
    report: LoadReport,
}

impl IndicatorSet {
    /// Every indicator, in the order they were loaded.
    pub fn indicators(&self) -> Vec<Indicator> {
        (0..self.len() as IndicatorId)
            .map(|i| self.get(i))
            .collect()
    }

    /// The indicator `id`, as an owned value.
    pub fn get(&self, id: IndicatorId) -> Indicator {
        let r = self.view(id);
        Indicator {
            kind: r.kind,
            value: r.value.to_string(),
            source: r.source.to_string(),
            description: r.description.to_string(),
            valid_from: r.valid_from,
            valid_until: r.valid_until,
            origin: self.origin(id),
        }
    }

    /// The indicator `id`, borrowed.
    pub fn view(&self, id: IndicatorId) -> IndicatorRef<'_> {
        let i = id as usize;
        let m = &self.metas[self.meta_of[i] as usize];
        IndicatorRef {
            kind: self.kinds[i],
            value: self.value(id),
            source: &m.source,
            description: &m.description,
            valid_from: m.valid_from,
            valid_until: m.valid_until,
        }
    }

    /// The value of indicator `id` in normal form.
    pub fn value(&self, id: IndicatorId) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// Where indicator `id` was read: `file:line`, or `file` when the
    /// format has no lines, or the file and the object it came from.
    pub fn origin(&self, id: IndicatorId) -> String {
        if let Some(n) = self.origin_notes.get(&id) {
            return n.to_string();
        }
        let (f, line) = self.origin_of[id as usize];
        let file = self.origin_files.get(f as usize).map_or("", |f| f);
        if line == 0 {
            file.to_string()
        } else {
            format!("{file}:{line}")
        }
    }

    fn source(&self, id: IndicatorId) -> &str {
        &self.metas[self.meta_of[id as usize] as usize].source
    }

    pub fn report(&self) -> &LoadReport {
        &self.report
    }

    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Calls `f` with every domain indicator equal to `name` or to one of
    /// its parents, the longest first. `name` is compared ignoring ASCII
    /// case; it must otherwise be in the form of
    /// [`crate::normalize::observed_domain`] (no trailing dot, punycode).
    pub fn match_domain(&self, name: &str, mut f: impl FnMut(IndicatorId)) {
        if self.domains.is_empty() {
            return;
        }
        let b = name.as_bytes();
        // The parts from the shortest (on the stack for the usual number of
        // labels); they are looked up from the longest.
        let mut few = [(0usize, 0u64); 32];
        let mut n = 0;
        let mut more: Vec<(usize, u64)> = Vec::new();
        name_hash::suffixes(b, |start, h| {
            if n < few.len() {
                few[n] = (start, h);
                n += 1;
            } else {
                more.push((start, h));
            }
            false
        });
        // The first part is the last label alone.
        let skip = usize::from(!self.single_label);
        for k in (skip..n + more.len()).rev() {
            let (start, h) = if k < n { few[k] } else { more[k - n] };
            let part = &b[start..];
            self.domains.each(h, |id| {
                if self.value(id).as_bytes().eq_ignore_ascii_case(part) {
                    f(id);
                    true
                } else {
                    false
                }
            });
        }
    }

    /// The quick check's domain lookup, in one pass from the right over
    /// `name` (a trailing dot ignored, ASCII case ignored): true when a
    /// domain indicator equals it or one of its parents. The caller has
    /// made sure that `name` is ASCII without `--` (a punycode label must
    /// be mapped first, by [`Self::match_domain`]'s callers).
    pub(crate) fn plain_domain_hits(&self, name: &[u8]) -> bool {
        if self.domains.is_empty() {
            return false;
        }
        let b = name.strip_suffix(b".").unwrap_or(name);
        if b.is_empty() {
            return false;
        }
        // The last label alone is looked up only when some indicator is a
        // single label, as in `match_domain`.
        let mut probe = self.single_label;
        let (mut parts, mut hit) = (0, false);
        name_hash::suffixes(b, |start, h| {
            parts += 1;
            // No indicator ends with the last two labels: none equals them
            // or a longer part either (checked before the index, whose
            // probe is the dearer read).
            if parts == 2 && !self.single_label && !self.ends_known(h) {
                return true;
            }
            if probe && self.domain_equal(h, &b[start..]) {
                hit = true;
                return true;
            }
            probe = true;
            false
        });
        hit
    }

    /// True when some domain indicator may end with the two labels of
    /// hash `h`.
    fn ends_known(&self, h: u64) -> bool {
        self.filter_hit(FilterBit {
            v4: false,
            bit: ends_bit(h),
        })
    }

    /// What the quick check must read to settle the IPv4 address `a`: no
    /// read when there are no IPv4 indicators, the filter's bit (a clear
    /// bit is a miss), or an exact lookup when the filter cannot tell.
    pub(crate) fn v4_probe(&self, a: u32) -> Probe {
        if self.v4.lens.is_empty() {
            Probe::Miss
        } else if self.v4.unfiltered {
            Probe::Unsure
        } else {
            Probe::Read(FilterBit {
                v4: true,
                bit: fold(a.block()),
            })
        }
    }

    /// What the quick check must read to settle `name`, as
    /// [`Self::plain_domain_hits`] reads it: no read when it can match
    /// nothing (no domain indicators, a single label), the bit of its last
    /// two labels (a clear bit is a miss), or the whole lookup when some
    /// indicator is a single label.
    pub(crate) fn name_probe(&self, name: &[u8]) -> Probe {
        if self.domains.is_empty() {
            return Probe::Miss;
        }
        if self.single_label {
            return Probe::Unsure;
        }
        let b = name.strip_suffix(b".").unwrap_or(name);
        let (mut parts, mut bit) = (0, None);
        name_hash::suffixes(b, |_, h| {
            parts += 1;
            if parts == 2 {
                bit = Some(ends_bit(h));
            }
            parts == 2
        });
        bit.map_or(Probe::Miss, |bit| Probe::Read(FilterBit { v4: false, bit }))
    }

    /// True when the filter bit `f` is set (the value may match).
    pub(crate) fn filter_hit(&self, f: FilterBit) -> bool {
        // Chosen by index, not by a branch (the two kinds interleave).
        let words = [&self.last_two[..], &self.v4.filter[..]][usize::from(f.v4)];
        let b = f.bit as usize;
        words.get(b / 64).copied().unwrap_or(0) >> (b % 64) & 1 != 0
    }

    /// True when no address or range indicator covers the IPv4 address
    /// `a`.
    pub(crate) fn v4_misses(&self, a: u32) -> bool {
        // The lookup reads the filter first.
        self.v4.lookup(a).is_empty()
    }

    /// True when a domain indicator of hash `h` equals `part`.
    fn domain_equal(&self, h: u64, part: &[u8]) -> bool {
        let mut hit = false;
        self.domains.each(h, |id| {
            hit = self.value(id).as_bytes().eq_ignore_ascii_case(part);
            hit
        });
        hit
    }

    /// The address or range indicators that cover `a` with the longest
    /// prefix (an address indicator is the longest of all).
    pub fn match_addr(&self, a: IpAddr) -> &[IndicatorId] {
        match a {
            IpAddr::V4(v) => self.v4.lookup(u32::from(v)),
            IpAddr::V6(v) => self.v6.lookup(u128::from(v)),
        }
    }

    /// True when there are address or range indicators.
    pub fn has_addrs(&self) -> bool {
        !self.v4.lens.is_empty() || !self.v6.lens.is_empty()
    }

    /// True when there are domain indicators.
    pub fn has_domains(&self) -> bool {
        !self.domains.is_empty()
    }

    /// Calls `f` with the URL indicators equal to `url` (in the form of
    /// [`crate::normalize::url`]).
    pub fn match_url(&self, url: &str, mut f: impl FnMut(IndicatorId)) {
        self.urls.each(name_hash::hash(url.as_bytes()), |id| {
            if self.value(id) == url {
                f(id);
                true
            } else {
                false
            }
        });
    }

    /// True when there are URL indicators (logs can skip building URLs).
    pub fn has_urls(&self) -> bool {
        !self.urls.is_empty()
    }
}

/// One bit of the IPv4 filter or of the filter of last two labels, to be
/// read later: a caller gathers many and reads them together, so that the
/// reads (mostly from memory) overlap.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FilterBit {
    v4: bool,
    bit: u32,
}

/// What settling a value against the set takes.
pub(crate) enum Probe {
    /// Nothing: it matches nothing.
    Miss,
    /// The filter bit: clear, it matches nothing; set, it needs the exact
    /// lookup.
    Read(FilterBit),
    /// The exact lookup.
    Unsure,
}

/// The filter of last two labels (`IndicatorSet::last_two`) has `2^(64 - ENDS_SHIFT)` bits (1 MiB).
const ENDS_SHIFT: u32 = 41;

/// The bit of the filter of last two labels for the hash `h` of two labels.
fn ends_bit(h: u64) -> u32 {
    (mix(h) >> ENDS_SHIFT) as u32
}

/// Indicator ids by the hash of their value, in open addressing: one
/// 64-bit slot per entry (a 32-bit tag of the hash and the id), the first
/// indicator of a value in the table and the others chained behind it.
/// The slot index comes from the tag's high bits and the filter bit from
/// its low bits, so that growing never reads the values again.
#[derive(Debug, Default)]
struct NameIndex {
    /// `(hash tag << 32) | (id + 1)`; 0 is an empty slot.
    slots: Vec<u64>,
    /// One bit per hash tag (four bits per slot): a clear bit answers a
    /// miss from a table small enough to stay in cache.
    bloom: Vec<u64>,
    used: usize,
    /// The next indicator with the same value as this one.
    same: FxHashMap<IndicatorId, IndicatorId>,
}

fn mix(h: u64) -> u64 {
    let h = (h ^ (h >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 29)
}

impl NameIndex {
    fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// Calls `is` with each first-of-its-value id whose hash tag matches
    /// until it answers true, then with the rest of that value's chain.
    fn each(&self, hash: u64, mut is: impl FnMut(IndicatorId) -> bool) {
        if self.used == 0 {
            return;
        }
        let tag = mix(hash) >> 32;
        let bit = (tag as usize) & (self.bloom.len() * 64 - 1);
        if self.bloom[bit / 64] & (1 << (bit % 64)) == 0 {
            return;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag);
        loop {
            let s = self.slots[i];
            if s == 0 {
                return;
            }
            if s >> 32 == tag {
                let id = (s as u32).wrapping_sub(1);
                if is(id) {
                    let mut next = self.same.get(&id);
                    while let Some(&n) = next {
                        is(n);
                        next = self.same.get(&n);
                    }
                    return;
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The first indicator of the value `eq` recognises, if any.
    fn find(&self, hash: u64, mut eq: impl FnMut(IndicatorId) -> bool) -> Option<IndicatorId> {
        let mut found = None;
        self.each(hash, |id| {
            if found.is_none() && eq(id) {
                found = Some(id);
                true
            } else {
                false
            }
        });
        found
    }

    /// Adds `id` as the first indicator of its value.
    fn insert_new(&mut self, hash: u64, id: IndicatorId) {
        if (self.used + 1) * 2 > self.slots.len() {
            let cap = (self.slots.len() * 2).max(1024);
            let old = std::mem::replace(&mut self.slots, vec![0; cap]);
            self.bloom = vec![0; cap * 4 / 64];
            for s in old.into_iter().filter(|s| *s != 0) {
                self.place(s);
            }
        }
        self.place(((mix(hash) >> 32) << 32) | u64::from(id.wrapping_add(1)));
        self.used += 1;
    }

    /// The first slot to try for `tag` (its high bits scaled to the table).
    fn home(&self, tag: u64) -> usize {
        ((tag * self.slots.len() as u64) >> 32) as usize
    }

    /// Puts a slot value (tag and id) in the first free slot from its home.
    fn place(&mut self, slot: u64) {
        let tag = slot >> 32;
        let mask = self.slots.len() - 1;
        let mut i = self.home(tag);
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
        let bit = (tag as usize) & (self.bloom.len() * 64 - 1);
        self.bloom[bit / 64] |= 1 << (bit % 64);
    }

    /// Chains `id` behind `first`, which has the same value.
    fn insert_same(&mut self, first: IndicatorId, id: IndicatorId) {
        let mut last = first;
        while let Some(&n) = self.same.get(&last) {
            last = n;
        }
        self.same.insert(last, id);
    }
}

/// Collects indicators from feeds: drops expired ones and duplicates,
/// counts rejections, and builds the index.
#[derive(Debug)]
pub struct Builder {
    now: DateTime<Utc>,
    metas: FxHashMap<Meta, u32>,
    /// The last meta interned, to skip the map for runs of the same one.
    last_meta: Option<(Meta, u32)>,
    set: IndicatorSet,
}

impl Builder {
    /// A builder that judges validity at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Builder {
            now,
            metas: FxHashMap::default(),
            last_meta: None,
            set: IndicatorSet::default(),
        }
    }

    /// Starts the report of one feed file.
    pub fn begin_file(&mut self, path: &str, format: &str) {
        self.set.origin_files.push(path.into());
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
        let file = self.current_file();
        let name = self.set.origin_files.last().map_or("", |f| f);
        let line = match ind.origin.strip_prefix(name) {
            Some("") => Some(0),
            Some(rest) => rest.strip_prefix(':').and_then(|l| l.parse().ok()),
            None => None,
        };
        let note = line.is_none().then_some(ind.origin.as_str());
        self.add_value(
            ind.kind,
            &ind.value,
            &ind.source,
            &ind.description,
            (ind.valid_from, ind.valid_until),
            (file, line.unwrap_or(0)),
            note,
        );
    }

    /// Adds one indicator from its parts: `origin` is the file (index of
    /// its [`Self::begin_file`]) and line, `note` an origin of another
    /// form that replaces it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_value(
        &mut self,
        kind: Kind,
        value: &str,
        source: &str,
        description: &str,
        (valid_from, valid_until): (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
        origin: (u32, u32),
        note: Option<&str>,
    ) {
        if valid_until.is_some_and(|u| u < self.now) {
            self.set.report.expired += 1;
            self.file().expired += 1;
            return;
        }
        if valid_from.is_some_and(|f| f > self.now) {
            self.set.report.not_yet_valid += 1;
            self.file().not_yet_valid += 1;
            return;
        }
        let id = self.set.kinds.len() as IndicatorId;
        let s = &self.set;
        let dup = |other: IndicatorId| s.kinds[other as usize] == kind && s.source(other) == source;
        match kind {
            Kind::Domain | Kind::Url => {
                let index = if kind == Kind::Domain {
                    &self.set.domains
                } else {
                    &self.set.urls
                };
                let h = name_hash::hash(value.as_bytes());
                let first = index.find(h, |o| s.value(o) == value);
                let mut is_dup = false;
                if let Some(first) = first {
                    let mut next = Some(first);
                    while let Some(o) = next {
                        is_dup |= dup(o);
                        next = index.same.get(&o).copied();
                    }
                }
                if is_dup {
                    return self.duplicate();
                }
                let index = if kind == Kind::Domain {
                    &mut self.set.domains
                } else {
                    &mut self.set.urls
                };
                match first {
                    Some(first) => index.insert_same(first, id),
                    None => index.insert_new(h, id),
                }
            }
            Kind::Ipv4 | Kind::Ipv6 | Kind::Cidr => {
                let c = if kind == Kind::Cidr {
                    Cidr::parse(value)
                } else {
                    normalize::ip(value)
                        .filter(|a| a.is_ipv4() == (kind == Kind::Ipv4))
                        .map(|addr| Cidr {
                            addr,
                            len: if addr.is_ipv4() { 32 } else { 128 },
                        })
                        .ok_or_else(|| format!("{value:?} is not an {kind} address"))
                };
                let c = match c {
                    Ok(c) => c,
                    Err(reason) => {
                        let at = match note {
                            Some(n) => n.to_string(),
                            None => self.at(origin),
                        };
                        return self.reject(&at, &reason);
                    }
                };
                let existing = match c.addr {
                    IpAddr::V4(v) => self.set.v4.get(u32::from(v), c.len),
                    IpAddr::V6(v) => self.set.v6.get(u128::from(v), c.len),
                };
                if existing.iter().any(|o| dup(*o)) {
                    return self.duplicate();
                }
                match c.addr {
                    IpAddr::V4(v) => self.set.v4.insert(u32::from(v), c.len, id),
                    IpAddr::V6(v) => self.set.v6.insert(u128::from(v), c.len, id),
                }
            }
        }
        if kind == Kind::Domain {
            if !value.contains('.') {
                self.set.single_label = true;
            }
            let b = value.as_bytes();
            let end = memchr::memrchr_iter(b'.', b).nth(1).map_or(0, |i| i + 1);
            let bit = ends_bit(name_hash::hash(&b[end..])) as usize;
            let ends = &mut self.set.last_two;
            if ends.is_empty() {
                ends.resize(1 << (64 - ENDS_SHIFT - 6), 0);
            }
            ends[bit / 64] |= 1 << (bit % 64);
        }
        let meta = self.meta(source, description, valid_from, valid_until);
        let set = &mut self.set;
        set.kinds.push(kind);
        set.text.push_str(value);
        set.ends.push(set.text.len());
        set.meta_of.push(meta);
        set.origin_of.push(origin);
        if let Some(n) = note {
            set.origin_notes.insert(id, n.into());
        }
        set.report.loaded += 1;
        self.file().loaded += 1;
    }

    fn duplicate(&mut self) {
        self.set.report.duplicates += 1;
        self.file().duplicates += 1;
    }

    fn at(&self, (file, line): (u32, u32)) -> String {
        let f = self.set.origin_files.get(file as usize).map_or("", |f| f);
        if line == 0 {
            f.to_string()
        } else {
            format!("{f}:{line}")
        }
    }

    /// The id of this metadata, interned.
    fn meta(
        &mut self,
        source: &str,
        description: &str,
        valid_from: Option<DateTime<Utc>>,
        valid_until: Option<DateTime<Utc>>,
    ) -> u32 {
        if let Some((m, id)) = &self.last_meta {
            if &*m.source == source
                && &*m.description == description
                && m.valid_from == valid_from
                && m.valid_until == valid_until
            {
                return *id;
            }
        }
        let m = Meta {
            source: source.into(),
            description: description.into(),
            valid_from,
            valid_until,
        };
        let id = match self.metas.get(&m) {
            Some(id) => *id,
            None => {
                let id = self.set.metas.len() as u32;
                self.set.metas.push(m.clone());
                self.metas.insert(m.clone(), id);
                id
            }
        };
        self.last_meta = Some((m, id));
        id
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

    /// The index of the file begun last, for origins.
    pub(crate) fn current_file(&self) -> u32 {
        self.set.origin_files.len().saturating_sub(1) as u32
    }

    pub fn build(self) -> IndicatorSet {
        self.set
    }
}

/// Integers that can stand for an address's bits.
trait Bits: Copy + Eq + std::hash::Hash + Default {
    const WIDTH: u8;
    fn mask(self, len: u8) -> Self;
    /// The filter bits of the addresses of `self/len` (`None`: too many
    /// to mark, the filter is off).
    fn blocks(self, len: u8) -> Option<std::ops::Range<u32>>;
    /// The filter bit of one address.
    fn block(self) -> u32;
}

/// Bits of the filter in front of a prefix table (512 KiB, to stay in
/// cache); block numbers are folded into them.
const FILTER_BITS: u32 = 22;

/// A block number folded into the filter's bits.
fn fold(block: u32) -> u32 {
    (block ^ (block >> FILTER_BITS)) & ((1 << FILTER_BITS) - 1)
}

impl Bits for u32 {
    const WIDTH: u8 = 32;
    fn mask(self, len: u8) -> Self {
        mask32(self, len)
    }
    /// IPv4: the /24 block (folded into the filter); a shorter range
    /// marks each of its blocks.
    fn blocks(self, len: u8) -> Option<std::ops::Range<u32>> {
        let first = self >> 8;
        let n = if len >= 24 { 1 } else { 1u32 << (24 - len) };
        Some(first..first + n)
    }
    fn block(self) -> u32 {
        self >> 8
    }
}

impl Bits for u128 {
    const WIDTH: u8 = 128;
    fn mask(self, len: u8) -> Self {
        mask128(self, len)
    }
    /// IPv6: one bit per hash of the /32 block; a range shorter than /32
    /// turns the filter off.
    fn blocks(self, len: u8) -> Option<std::ops::Range<u32>> {
        (len >= 32).then(|| {
            let b = self.block();
            b..b + 1
        })
    }
    fn block(self) -> u32 {
        (mix((self >> 96) as u64) >> 40) as u32
    }
}

/// Ranges grouped by prefix length; a lookup tries the lengths in use from
/// the longest down and answers the first that holds the masked address.
/// A bitmap over address blocks answers most misses with one read.
#[derive(Debug, Default)]
struct PrefixTable<T> {
    /// Lengths in use, longest first.
    lens: Vec<u8>,
    /// Indexed by prefix length.
    by_len: Vec<FxHashMap<T, Vec<IndicatorId>>>,
    /// One bit per block of addresses that some entry covers.
    filter: Vec<u64>,
    /// The filter cannot tell (a range too wide for it).
    unfiltered: bool,
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
            self.filter = vec![0; (1usize << FILTER_BITS) / 64];
        }
        let net = net.mask(len);
        match net.blocks(len) {
            Some(r) => {
                for b in r {
                    let b = fold(b);
                    self.filter[(b / 64) as usize] |= 1 << (b % 64);
                }
            }
            None => self.unfiltered = true,
        }
        self.by_len[usize::from(len)]
            .entry(net)
            .or_default()
            .push(id);
    }

    /// The entries of exactly `net/len`.
    fn get(&self, net: T, len: u8) -> &[IndicatorId] {
        let len = len.min(T::WIDTH);
        self.by_len
            .get(usize::from(len))
            .and_then(|m| m.get(&net.mask(len)))
            .map_or(&[], Vec::as_slice)
    }

    /// The indicators of the longest prefix that covers `a` (the block
    /// filter read first).
    fn lookup(&self, a: T) -> &[IndicatorId] {
        if self.lens.is_empty() {
            return &[];
        }
        let b = fold(a.block());
        if !self.unfiltered && self.filter[(b / 64) as usize] & (1 << (b % 64)) == 0 {
            return &[];
        }
        for len in &self.lens {
            if let Some(ids) = self.by_len[usize::from(*len)].get(&a.mask(*len)) {
                return ids;
            }
        }
        &[]
    }
}
