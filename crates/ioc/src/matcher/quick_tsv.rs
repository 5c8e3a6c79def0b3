//! The quick no-hit check over a batch of Zeek TSV lines: separators and
//! line ends are found sixteen bytes at a time, and each line is either
//! settled as a record that matches nothing or handed to the full parse.
//! The filter bits a group of lines needs (most reads of the indicator
//! set, and most of them from memory) are gathered first and read in one
//! pass, so that they overlap; the group's lines are then settled or
//! handed on in order.
//!
//! Only plain lines are settled: visible ASCII from the first byte, no
//! escape, no `--` (punycode labels are mapped by the full parse), no
//! carriage return at the end, enough fields, addresses that parse and
//! miss, names that miss. Everything else goes to the full parse, so that
//! this shortcut never changes a result.
use std::net::IpAddr;

use wide::u8x16;

use crate::logs::zeek_tsv::{ANSWERS, HOST, ORIG_H, QUERY, RESP_H, SERVER_NAME, URI};
use crate::logs::TsvHeader;
use crate::normalize::{dotted_quad, fast_ip, starts_like_v6, v4_window};
use crate::set::{FilterBit, IndicatorSet, Probe};

/// Recent address texts and whether they missed, by a hash of the text:
/// logs repeat their resolvers, clients and answers. A worker keeps one
/// for all its batches (the answers depend on the indicator set alone).
pub(crate) struct Seen(Vec<(u128, bool)>);

impl Default for Seen {
    fn default() -> Self {
        // No key of a text of 1 to 15 bytes is 0 (its length is in it).
        // The spare slot past them takes the writes made for names (see
        // `Check::resolve`) and is never looked up.
        Seen(vec![(0, false); SEEN + 1])
    }
}

/// Runs the check over `data`, whole lines of a log with header `h`.
/// Calls `full(index, start, end)` for each line it cannot settle (its
/// 0-based index in `data` and its bytes without the line end), in
/// order; answers how many lines it settled and how many lines `data`
/// has.
pub(crate) fn settle_misses(
    set: &IndicatorSet,
    h: &TsvHeader,
    data: &[u8],
    seen: &mut Seen,
    mut full: impl FnMut(u64, usize, usize),
) -> (u64, u64) {
    let sep = h.separator;
    if h.width == 0 || h.width > MAX_FIELDS || matches!(sep, b'\n' | b'\r' | b'\\') || sep >= 0x80 {
        let mut start = 0;
        let mut index = 0;
        while start < data.len() {
            let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i);
            full(index, start, end);
            index += 1;
            start = end + 1;
        }
        return (0, index);
    }
    let mut check = Check::new(set, h, seen);
    let mut line = Line {
        index: 0,
        start: 0,
        first: 0,
        n: 0,
        odd: false,
        ring: [0; RING],
    };
    let mut settled = 0;
    let mut end_line = |line: &mut Line, end: usize| {
        let gathered = if line.plain(h, data, end) {
            check.gather(data, line, end)
        } else {
            Gathered::Hit
        };
        match gathered {
            Gathered::Miss => settled += 1,
            // In order with the lines that wait for their reads.
            Gathered::Hit | Gathered::Reads => check.waiting.push(Waiting {
                index: line.index,
                start: line.start,
                end,
                miss: matches!(gathered, Gathered::Reads),
            }),
        }
        if check.waiting.len() >= GROUP {
            settled += check.resolve(data, &mut full);
        }
        line.index += 1;
        line.start = end + 1;
    };
    let (sep_v, nl_v, bs_v, dash_v) = (
        u8x16::splat(sep),
        u8x16::splat(b'\n'),
        u8x16::splat(b'\\'),
        u8x16::splat(b'-'),
    );
    let mut tail = [0u8; 64];
    let mut base = 0;
    // The last byte of the previous block is a dash.
    let mut dash_before = 0u64;
    // Separators put in the ring so far.
    let mut head = 0;
    // One past the last odd byte of the blocks before (0: none).
    let mut odd_end = 0;
    while base < data.len() {
        let block: &[u8; 64] = match data[base..].first_chunk::<64>() {
            Some(b) => b,
            None => {
                let rest = &data[base..];
                tail[..rest.len()].copy_from_slice(rest);
                &tail
            }
        };
        let (mut seps, mut nls, mut odd, mut dashes) = (0u64, 0u64, 0u64, 0u64);
        for (k, part) in block.chunks_exact(16).enumerate() {
            let mut a = [0u8; 16];
            a.copy_from_slice(part);
            let v = u8x16::new(a);
            let at = 16 * k;
            seps |= u64::from(v.simd_eq(sep_v).to_bitmask()) << at;
            nls |= u64::from(v.simd_eq(nl_v).to_bitmask()) << at;
            dashes |= u64::from(v.simd_eq(dash_v).to_bitmask()) << at;
            // Escapes and bytes outside ASCII.
            odd |= u64::from((v.simd_eq(bs_v) | v).to_bitmask()) << at;
        }
        // `--`, as in punycode labels (marked at its second dash).
        odd |= dashes & ((dashes << 1) | dash_before);
        dash_before = dashes >> 63;
        if data.len() - base < 64 {
            // The padding of the last block holds no marks (zeros), but
            // the separator may be a zero byte.
            let keep = (1u64 << (data.len() - base)) - 1;
            seps &= keep;
        }
        line.put(head, base, seps);
        // Each line ending in the block: its separators are those before
        // its end, its odd bytes those from its start.
        while nls != 0 {
            let bit = nls.trailing_zeros();
            let below = (1u64 << bit) - 1;
            let from = line.start.saturating_sub(base);
            let from_start = if from >= 64 { 0 } else { u64::MAX << from };
            let ends_at = head + (seps & below).count_ones() as usize;
            line.n = ends_at - line.first;
            line.odd = odd & below & from_start != 0 || odd_end > line.start;
            end_line(&mut line, base + bit as usize);
            line.first = ends_at;
            nls &= nls - 1;
        }
        head += seps.count_ones() as usize;
        if odd != 0 {
            odd_end = base + 64 - odd.leading_zeros() as usize;
        }
        base += 64;
    }
    if line.start < data.len() {
        line.n = head - line.first;
        line.odd = odd_end > line.start;
        end_line(&mut line, data.len());
    }
    settled += check.resolve(data, &mut full);
    (settled, line.index)
}

/// The first `c` in `data[a..b]`, else `b`; eight bytes at a time (the
/// fields searched are short).
fn find_byte(data: &[u8], a: usize, b: usize, c: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut at = a;
    while at < b {
        let Some(w) = data[at..].first_chunk::<8>() else {
            return data[at..b]
                .iter()
                .position(|x| *x == c)
                .map_or(b, |i| at + i);
        };
        // The high bit of each byte equal to `c`.
        let x = u64::from_le_bytes(*w) ^ (ONES * u64::from(c));
        let eq = !((((x & LOW7).wrapping_add(LOW7)) | x) | LOW7);
        if eq != 0 {
            return (at + (eq.trailing_zeros() / 8) as usize).min(b);
        }
        at += 8;
    }
    b
}

/// True when `v` holds a value: not empty, not the unset or the empty
/// marker of `h`.
fn is_set(h: &TsvHeader, v: &[u8]) -> bool {
    // Lengths first: most values are neither marker.
    let same = |m: &str| m.len() == v.len() && m.as_bytes() == v;
    !v.is_empty() && !same(&h.unset) && !same(&h.empty)
}

/// Entries of the cache of recent address texts.
const SEEN_BITS: u32 = 10;
const SEEN: usize = 1 << SEEN_BITS;

/// Lines whose filter reads are gathered before they are read.
const GROUP: usize = 32;

/// Most columns a log may have for the quick check (wider logs are parsed
/// in full).
const MAX_FIELDS: usize = 64;

/// Separator positions kept, in a ring. A block adds at most 64 (and
/// writes at most 64 slots past the last), and a line that can settle has
/// fewer than [`MAX_FIELDS`]; so while a block is added, every position of
/// such a line is still in the ring (`RING >= MAX_FIELDS + 2 * 64`).
const RING: usize = 256;

/// The state of the line being read.
struct Line {
    index: u64,
    start: usize,
    /// The line's separators are the ring's `first..first + n` (counted
    /// from the batch's first separator).
    first: usize,
    n: usize,
    /// An escape, `--` or a byte outside ASCII is in the line.
    odd: bool,
    ring: [usize; RING],
}

impl Line {
    /// Puts the separators of the block at `base` (bits of `seps`) in the
    /// ring from position `head`. Eight are written whether or not there
    /// are that many (the extra slots are past `head` and never read
    /// before they are written again), so that the usual block takes no
    /// branch.
    fn put(&mut self, head: usize, base: usize, seps: u64) {
        let mut s = seps;
        let mut j = head;
        for _ in 0..8 {
            self.ring[j % RING] = base + s.trailing_zeros() as usize;
            s &= s.wrapping_sub(1);
            j += 1;
        }
        while s != 0 {
            self.ring[j % RING] = base + s.trailing_zeros() as usize;
            s &= s - 1;
            j += 1;
        }
    }

    /// True when the line ending at `end` is plain enough to settle.
    fn plain(&self, h: &TsvHeader, data: &[u8], end: usize) -> bool {
        !self.odd
            && self.n + 1 >= h.width
            && self.n < MAX_FIELDS
            && end > self.start
            && data
                .get(self.start)
                .is_some_and(|c| c.is_ascii_graphic() && *c != b'#')
            && data[end - 1] != b'\r'
    }

    /// The byte range of column `col` of the line ending at `end` (a plain
    /// line, `col` below the header's width).
    fn column(&self, col: usize, end: usize) -> (usize, usize) {
        let a = if col == 0 {
            self.start
        } else {
            self.ring[(self.first + col - 1) % RING] + 1
        };
        let b = if col < self.n {
            self.ring[(self.first + col) % RING]
        } else {
            end
        };
        (a, b)
    }
}

/// What gathering a line left to do.
enum Gathered {
    /// Settled: the line matches nothing.
    Miss,
    /// Not settled: the line goes to the full parse.
    Hit,
    /// Settled once its filter reads (in `Check::reads`) all miss.
    Reads,
}

/// A filter read put off until a group of lines is gathered, and what it
/// was read for.
struct Read {
    bit: FilterBit,
    obs: Obs,
    /// The key and slot in the cache of recent address texts that take the
    /// answer once known (for a name, the spare slot).
    key: u128,
    slot: usize,
    /// The waiting line it is for (its index in `Check::waiting`).
    line: usize,
    /// The bit was set (filled in by `Check::resolve`).
    hit: bool,
}

#[derive(Clone, Copy)]
enum Obs {
    /// An IPv4 address.
    V4(u32),
    /// A name: its byte range in the batch.
    Name(usize, usize),
}

/// A line of the group: waiting for its filter reads, or for those of the
/// lines before it (it goes to the full parse after them).
struct Waiting {
    index: u64,
    start: usize,
    end: usize,
    /// Settled unless a read hits; false: it goes to the full parse
    /// whatever the reads say.
    miss: bool,
}

/// The columns the quick check reads, by role.
#[derive(Clone, Copy, Default)]
struct Cols {
    /// The client and the server.
    addrs: [Option<usize>; 2],
    /// The query and the TLS server name.
    names: [Option<usize>; 2],
    answers: Option<usize>,
    host: Option<usize>,
    uri: Option<usize>,
}

struct Check<'s> {
    set: &'s IndicatorSet,
    h: &'s TsvHeader,
    set_sep: Option<u8>,
    cols: Cols,
    seen: &'s mut Seen,
    waiting: Vec<Waiting>,
    reads: Vec<Read>,
}

impl<'s> Check<'s> {
    fn new(set: &'s IndicatorSet, h: &'s TsvHeader, seen: &'s mut Seen) -> Self {
        let mut cols = Cols::default();
        for (col, role) in h.roles.iter().enumerate() {
            let c = Some(col);
            match usize::from(*role) {
                ORIG_H => cols.addrs[0] = c,
                RESP_H => cols.addrs[1] = c,
                QUERY => cols.names[0] = c,
                SERVER_NAME => cols.names[1] = c,
                ANSWERS => cols.answers = c,
                HOST => cols.host = c,
                URI => cols.uri = c,
                _ => {}
            }
        }
        Check {
            set,
            h,
            set_sep: h.set_separator_byte(),
            cols,
            seen,
            waiting: Vec::with_capacity(GROUP),
            reads: Vec::with_capacity(GROUP * 8),
        }
    }

    /// Settles what it can of the plain line's columns at once, and
    /// gathers the filter reads the rest needs.
    fn gather(&mut self, data: &[u8], line: &Line, end: usize) -> Gathered {
        let mark = self.reads.len();
        if !self.gather_cols(data, line, end) {
            self.reads.truncate(mark);
            Gathered::Hit
        } else if self.reads.len() == mark {
            Gathered::Miss
        } else {
            Gathered::Reads
        }
    }

    /// False when some column may match (the line is not settled).
    fn gather_cols(&mut self, data: &[u8], line: &Line, end: usize) -> bool {
        let (cols, h) = (self.cols, self.h);
        let value = |col: usize| {
            let (a, b) = line.column(col, end);
            is_set(h, &data[a..b]).then_some((a, b))
        };
        // Plain loops: iterator adapters cost more here than the work.
        for col in cols.addrs {
            if let Some((a, b)) = col.and_then(value) {
                if self.gather_addr(data, a, b) != Some(true) {
                    return false;
                }
            }
        }
        for col in cols.names {
            if let Some((a, b)) = col.and_then(value) {
                if !self.gather_name(data, a, b) {
                    return false;
                }
            }
        }
        if let Some((a, b)) = cols.answers.and_then(value) {
            if !self.gather_answers(data, a, b) {
                return false;
            }
        }
        if let Some((a, b)) = cols.host.and_then(value) {
            // A URL is made of the host and the URI.
            let uri = cols.uri.and_then(value).is_some();
            if (self.set.has_urls() && uri) || !self.gather_name(data, a, b) {
                return false;
            }
        }
        true
    }

    /// Puts off reading `bit` for the line being gathered.
    #[inline(always)]
    fn defer(&mut self, bit: FilterBit, obs: Obs, key: u128, slot: usize) {
        self.reads.push(Read {
            bit,
            obs,
            key,
            slot,
            line: self.waiting.len(),
            hit: false,
        });
    }

    /// Reads the gathered filter bits, then settles or hands on each
    /// waiting line in order; answers how many it settled.
    fn resolve(&mut self, data: &[u8], full: &mut impl FnMut(u64, usize, usize)) -> u64 {
        // One pass of independent reads, so that they overlap.
        for r in &mut self.reads {
            r.hit = self.set.filter_hit(r.bit);
        }
        for k in 0..self.reads.len() {
            let r = &self.reads[k];
            let (hit, obs, key, slot, line) = (r.hit, r.obs, r.key, r.slot, r.line);
            let miss = !hit || self.exact_miss(data, obs);
            if let Some(s) = self.seen.0.get_mut(slot) {
                *s = (key, miss);
            }
            if let Some(w) = self.waiting.get_mut(line) {
                w.miss &= miss;
            }
        }
        let mut settled = 0;
        for w in self.waiting.drain(..) {
            if w.miss {
                settled += 1;
            } else {
                full(w.index, w.start, w.end);
            }
        }
        self.reads.clear();
        settled
    }

    /// The exact lookup of an observation whose filter bit is set.
    fn exact_miss(&self, data: &[u8], obs: Obs) -> bool {
        match obs {
            Obs::V4(addr) => self.set.v4_misses(addr),
            Obs::Name(a, b) => !self.set.plain_domain_hits(&data[a..b]),
        }
    }

    /// True when every entry of the answers column `data[a..b]` misses or
    /// waits for its read.
    fn gather_answers(&mut self, data: &[u8], a: usize, b: usize) -> bool {
        let Some(sep) = self.set_sep else {
            return false;
        };
        let mut start = a;
        while start <= b {
            let end = find_byte(data, start, b, sep);
            if end > start {
                let miss = match self.gather_addr(data, start, end) {
                    Some(miss) => miss,
                    None => self.gather_name(data, start, end),
                };
                if !miss {
                    return false;
                }
            }
            start = end + 1;
        }
        true
    }

    /// Whether the address `data[a..b]` reads as (exactly as the full
    /// parse reads it) matches nothing, true too when that waits for a
    /// filter read; `None` when it is no address.
    fn gather_addr(&mut self, data: &[u8], a: usize, b: usize) -> Option<bool> {
        let first = data[a];
        if !first.is_ascii_digit() {
            // As in `fast_ip`: a name unless it starts like IPv6 and has a
            // colon.
            if !starts_like_v6(first) || find_byte(data, a, b, b':') == b {
                return None;
            }
            return self.addr_miss_text(&data[a..b]);
        }
        let Some(w) = data[a..].first_chunk::<16>() else {
            return self.addr_miss_text(&data[a..b]);
        };
        let n = b - a;
        if n >= 16 {
            return self.addr_miss_text(&data[a..b]);
        }
        // The text and its length (in the top byte, which the text leaves
        // clear) as the key of the cache of recent answers.
        let key = (u128::from_le_bytes(*w) & ((1u128 << (8 * n)) - 1)) | ((n as u128) << 120);
        let slot = (((key as u64) ^ ((key >> 64) as u64)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            >> (64 - SEEN_BITS)) as usize;
        if let Some((k, miss)) = self.seen.0.get(slot) {
            if *k == key {
                return Some(*miss);
            }
        }
        let miss = match v4_window(w, n) {
            Some(v4) => match self.set.v4_probe(v4) {
                Probe::Miss => Some(true),
                Probe::Unsure => Some(self.set.v4_misses(v4)),
                Probe::Read(bit) => {
                    // The cache is filled in once the bit is read.
                    self.defer(bit, Obs::V4(v4), key, slot);
                    return Some(true);
                }
            },
            // Without a colon only the dotted form is an address (as in
            // `fast_ip`), and that was just refused: a name.
            None if !w[..n].contains(&b':') => None,
            None => self.addr_miss_text(&data[a..b]),
        };
        // Only addresses are kept (names go on to the name lookup).
        if let (Some(m), Some(s)) = (miss, self.seen.0.get_mut(slot)) {
            *s = (key, m);
        }
        miss
    }

    /// Whether the address `v` (any text) matches nothing; `None` when it
    /// is no address.
    fn addr_miss_text(&self, v: &[u8]) -> Option<bool> {
        let a = match dotted_quad(v) {
            Some(v4) => IpAddr::V4(v4),
            None => std::str::from_utf8(v).ok().and_then(fast_ip)?,
        };
        Some(self.set.match_addr(a).is_empty())
    }

    /// True when the name `data[a..b]` misses or waits for its read.
    fn gather_name(&mut self, data: &[u8], a: usize, b: usize) -> bool {
        match self.set.name_probe(&data[a..b]) {
            Probe::Miss => true,
            Probe::Unsure => !self.set.plain_domain_hits(&data[a..b]),
            Probe::Read(bit) => {
                self.defer(bit, Obs::Name(a, b), 0, SEEN);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find_byte;

    #[test]
    fn find_byte_answers_the_first_match_within_the_range() {
        let data = b"1.2.3.4,5.6.7.8,abcdefghijklmnop,q,,r:s:t,0123456789abcdef:x";
        for a in 0..data.len() {
            for b in a..=data.len() {
                for c in [b',', b':', b'x', b'.', b'z'] {
                    let want = data[a..b].iter().position(|x| *x == c).map_or(b, |i| a + i);
                    assert_eq!(find_byte(data, a, b, c), want, "{a}..{b} {}", c as char);
                }
            }
        }
    }
}
