//! Hashes of a name and of every part of it after a dot (its parent
//! names), all made in one pass from the right, eight bytes at a time,
//! ignoring ASCII case.
//!
//! A name is cut into words of eight bytes counted from its end, so a name
//! and its parents share their full words: the hash of a parent is the
//! hash of the full words it shares with the name, then its remaining
//! bytes (the part of a word after the dot) and its length.

/// The hash of `b`, ASCII case ignored; the same as the hash the suffix
/// walk gives for the whole of `b`.
pub(crate) fn hash(b: &[u8]) -> u64 {
    let mut h = SEED;
    let mut end = b.len();
    while end >= 8 {
        h = step(h, lower(word_at(b, end - 8)));
        end -= 8;
    }
    finish(h, lower(word_before(b, end)), b.len())
}

/// Calls `visit(start, hash)` for the part of `b` from `start` to its end,
/// for `start` 0 and every position after a dot, the shortest part first;
/// stops and answers true when `visit` answers true.
pub(crate) fn suffixes(b: &[u8], mut visit: impl FnMut(usize, u64) -> bool) -> bool {
    let n = b.len();
    let mut h = SEED;
    let mut end = n;
    loop {
        let full = end >= 8;
        let w = lower(if full {
            word_at(b, end - 8)
        } else {
            word_before(b, end)
        });
        // Dots from the right: the part after a dot at byte `j` of the word
        // keeps the bytes above `j`.
        let mut dots = eq_mask(w, b'.');
        let base = end as isize - 8;
        while dots != 0 {
            let top = 63 - dots.leading_zeros();
            dots &= !(1u64 << top);
            let j = (top / 8) as usize;
            let keep = if j == 7 {
                0
            } else {
                w & (u64::MAX << (8 * (j + 1)))
            };
            let start = (base + j as isize + 1) as usize;
            if visit(start, finish(h, keep, n - start)) {
                return true;
            }
        }
        if !full {
            return visit(0, finish(h, w, n));
        }
        h = step(h, w);
        end -= 8;
        if end == 0 {
            return visit(0, finish(h, 0, n));
        }
    }
}

const SEED: u64 = 0xcbf2_9ce4_8422_2325;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const ONES: u64 = 0x0101_0101_0101_0101;

fn step(h: u64, w: u64) -> u64 {
    (h ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29)
}

fn finish(h: u64, rest: u64, len: usize) -> u64 {
    step(h, rest) ^ len as u64
}

/// The eight bytes of `b` from `at`, little-endian.
fn word_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The `end` (< 8) first bytes of `b` as the high bytes of a word, as if
/// read from `end - 8` with zeros before the name.
fn word_before(b: &[u8], end: usize) -> u64 {
    let mut w = [0u8; 8];
    w[8 - end..].copy_from_slice(&b[..end]);
    u64::from_le_bytes(w)
}

/// The high bit of each byte of `w` equal to `c`, exactly.
fn eq_mask(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    !((((x & LOW7).wrapping_add(LOW7)) | x) | LOW7)
}

/// `w` with its ASCII capitals made small (other bytes unchanged).
fn lower(w: u64) -> u64 {
    let low = w & LOW7;
    // High bit set where the low seven bits are at least `A`, and where
    // they are above `Z`.
    let ge_a = low.wrapping_add(ONES * u64::from(0x80 - b'A'));
    let gt_z = low.wrapping_add(ONES * u64::from(0x7f - b'Z'));
    let upper = ge_a & !gt_z & !w & HIGH;
    w | (upper >> 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(name: &str) -> Vec<(usize, u64)> {
        let b = name.as_bytes();
        let mut starts: Vec<usize> = std::iter::once(0)
            .chain(
                b.iter()
                    .enumerate()
                    .filter(|(_, c)| **c == b'.')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        starts.reverse();
        starts.into_iter().map(|s| (s, hash(&b[s..]))).collect()
    }

    #[test]
    fn the_walk_gives_each_part_the_hash_of_the_part_alone() {
        let names = [
            "a",
            "evil.example",
            "x1f.cdn-7ab.login123.com",
            "A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P.Q.R.S.T.example",
            "abcdefgh.abcdefgh",
            "abcdefg.abcdefgh",
            "abcdefghi.abcdefg",
            ".leading.and.trailing.",
            "..",
            "",
            "verylonglabelverylonglabelverylonglabel.example.co.uk",
        ];
        for n in names {
            let mut got = Vec::new();
            let r = suffixes(n.as_bytes(), |s, h| {
                got.push((s, h));
                false
            });
            assert!(!r, "{n}");
            assert_eq!(got, naive(n), "{n}");
        }
    }

    #[test]
    fn case_is_ignored_and_other_bytes_count() {
        assert_eq!(hash(b"Evil.EXAMPLE"), hash(b"evil.example"));
        assert_ne!(hash(b"evil.example"), hash(b"evil.exampl"));
        assert_ne!(hash(b"evil.example"), hash(b"evil-example"));
        assert_ne!(hash(b"a"), hash(b"\0a"));
        assert_eq!(
            lower(u64::from_le_bytes(*b"@AZ[`az{")),
            u64::from_le_bytes(*b"@az[`az{")
        );
    }

    #[test]
    fn the_walk_stops_when_told() {
        let mut seen = 0;
        let stop = suffixes(b"a.b.c", |_, _| {
            seen += 1;
            seen == 2
        });
        assert_eq!((stop, seen), (true, 2));
    }
}
