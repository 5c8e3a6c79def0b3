//! The quick no-hit check over a batch of Zeek TSV lines: separators and
//! line ends are found sixteen bytes at a time, and each line is either
//! settled as a record that matches nothing or handed to the full parse.
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
use crate::set::IndicatorSet;

/// Recent address texts and whether they missed, by a hash of the text:
/// logs repeat their resolvers, clients and answers. A worker keeps one
/// for all its batches (the answers depend on the indicator set alone).
pub(crate) struct Seen(Vec<(u128, bool)>);

impl Default for Seen {
    fn default() -> Self {
        // No key of a text of 1 to 15 bytes is 0 (its length is in it).
        Seen(vec![(0, false); SEEN])
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
        n: 0,
        odd: false,
        seps: [0; MAX_FIELDS],
    };
    let mut settled = 0;
    let mut end_line = |line: &mut Line, end: usize| {
        if line.plain(h, data, end) && check.misses(data, line, end) {
            settled += 1;
        } else {
            full(line.index, line.start, end);
        }
        line.index += 1;
        line.start = end + 1;
        line.n = 0;
        line.odd = false;
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
        if odd == 0 {
            // The usual block: separators up to each line end, then the
            // line end.
            loop {
                let before = if nls == 0 {
                    u64::MAX
                } else {
                    (nls & nls.wrapping_neg()) - 1
                };
                let mut s = seps & before;
                seps &= !before;
                while s != 0 {
                    line.sep(base + s.trailing_zeros() as usize);
                    s &= s - 1;
                }
                if nls == 0 {
                    break;
                }
                end_line(&mut line, base + nls.trailing_zeros() as usize);
                nls &= nls - 1;
            }
        } else {
            // A block with odd bytes: every mark in order.
            let mut marks = seps | nls | odd;
            while marks != 0 {
                let bit = marks.trailing_zeros();
                marks &= marks - 1;
                let one = 1u64 << bit;
                let at = base + bit as usize;
                if nls & one != 0 {
                    end_line(&mut line, at);
                } else if seps & one != 0 {
                    line.sep(at);
                } else {
                    line.odd = true;
                }
            }
        }
        base += 64;
    }
    if line.start < data.len() {
        end_line(&mut line, data.len());
    }
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

/// Entries of the cache of recent address texts.
const SEEN_BITS: u32 = 10;
const SEEN: usize = 1 << SEEN_BITS;

/// Most columns a log may have for the quick check (wider logs are parsed
/// in full).
const MAX_FIELDS: usize = 64;

/// The state of the line being read.
struct Line {
    index: u64,
    start: usize,
    /// Separators seen; the positions of the first [`MAX_FIELDS`] are in
    /// `seps`.
    n: usize,
    /// An escape, `--` or a byte outside ASCII was seen.
    odd: bool,
    seps: [usize; MAX_FIELDS],
}

impl Line {
    fn sep(&mut self, at: usize) {
        // Past the last slot positions wrap around; such a line is not
        // plain (see `plain`).
        self.seps[self.n % MAX_FIELDS] = at;
        self.n += 1;
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
            self.seps[col - 1] + 1
        };
        let b = if col < self.n { self.seps[col] } else { end };
        (a, b)
    }
}

struct Check<'s> {
    set: &'s IndicatorSet,
    h: &'s TsvHeader,
    set_sep: Option<u8>,
    /// The slots read that the quick check looks at, with their columns.
    read: Vec<(usize, usize)>,
    seen: &'s mut Seen,
}

impl<'s> Check<'s> {
    fn new(set: &'s IndicatorSet, h: &'s TsvHeader, seen: &'s mut Seen) -> Self {
        let read = h
            .roles
            .iter()
            .enumerate()
            .map(|(col, role)| (usize::from(*role), col))
            .filter(|(slot, _)| {
                [ORIG_H, RESP_H, QUERY, ANSWERS, HOST, URI, SERVER_NAME].contains(slot)
            })
            .collect();
        Check {
            set,
            h,
            set_sep: h.set_separator_byte(),
            read,
            seen,
        }
    }

    /// True when the plain line's columns certainly match nothing.
    fn misses(&mut self, data: &[u8], line: &Line, end: usize) -> bool {
        let mut host = None;
        let mut uri = false;
        for k in 0..self.read.len() {
            let (slot, col) = self.read[k];
            let (a, b) = line.column(col, end);
            let v = &data[a..b];
            if !self.is_set(v) {
                continue;
            }
            let miss = match slot {
                ORIG_H | RESP_H => self.addr_miss(data, a, b) == Some(true),
                ANSWERS => self.answers_miss(data, a, b),
                HOST => {
                    host = Some(v);
                    true
                }
                URI => {
                    uri = true;
                    true
                }
                // The query and the TLS server name.
                _ => self.name_misses(v),
            };
            if !miss {
                return false;
            }
        }
        match host {
            Some(v) => !(self.set.has_urls() && uri) && self.name_misses(v),
            None => true,
        }
    }

    /// True when `v` holds a value: not empty, not the unset or the empty
    /// marker.
    fn is_set(&self, v: &[u8]) -> bool {
        let same = |m: &[u8]| m.len() == v.len() && m.iter().zip(v).all(|(x, y)| x == y);
        !v.is_empty() && !same(self.h.unset.as_bytes()) && !same(self.h.empty.as_bytes())
    }

    /// True when every entry of the answers column `data[a..b]` misses.
    fn answers_miss(&mut self, data: &[u8], a: usize, b: usize) -> bool {
        let Some(sep) = self.set_sep else {
            return false;
        };
        let mut start = a;
        while start <= b {
            let end = find_byte(data, start, b, sep);
            if end > start {
                let miss = match self.addr_miss(data, start, end) {
                    Some(miss) => miss,
                    None => self.name_misses(&data[start..end]),
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
    /// parse reads it) matches nothing; `None` when it is no address.
    fn addr_miss(&mut self, data: &[u8], a: usize, b: usize) -> Option<bool> {
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
            Some(v4) => Some(self.set.v4_misses(v4)),
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

    /// [`Self::addr_miss`] for any text.
    fn addr_miss_text(&self, v: &[u8]) -> Option<bool> {
        let a = match dotted_quad(v) {
            Some(v4) => IpAddr::V4(v4),
            None => std::str::from_utf8(v).ok().and_then(fast_ip)?,
        };
        Some(self.set.match_addr(a).is_empty())
    }

    fn name_misses(&self, v: &[u8]) -> bool {
        !self.set.plain_domain_hits(v)
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
