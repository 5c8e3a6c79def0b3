//! Searches for the marks of XML over the short distances between them:
//! the first sixteen bytes compared at once, farther ones by `memchr`.

use wide::u8x16;

/// The index of the first of `a`, `b` and `c` in `bytes` at or after
/// `from`.
#[inline]
pub(crate) fn first_of3(bytes: &[u8], from: usize, a: u8, b: u8, c: u8) -> Option<usize> {
    let rest = bytes.get(from..)?;
    match rest.first_chunk::<16>() {
        Some(w) => {
            let v = u8x16::new(*w);
            let m = (v.simd_eq(u8x16::splat(a))
                | v.simd_eq(u8x16::splat(b))
                | v.simd_eq(u8x16::splat(c)))
            .to_bitmask();
            if m != 0 {
                return Some(from + m.trailing_zeros() as usize);
            }
            memchr::memchr3(a, b, c, rest.get(16..)?).map(|i| from + 16 + i)
        }
        None => memchr::memchr3(a, b, c, rest).map(|i| from + i),
    }
}

/// The index of the first `a` in `bytes` at or after `from`.
#[inline]
pub(crate) fn first(bytes: &[u8], from: usize, a: u8) -> Option<usize> {
    let rest = bytes.get(from..)?;
    match rest.first_chunk::<16>() {
        Some(w) => {
            let m = u8x16::new(*w).simd_eq(u8x16::splat(a)).to_bitmask();
            if m != 0 {
                return Some(from + m.trailing_zeros() as usize);
            }
            memchr::memchr(a, rest.get(16..)?).map(|i| from + 16 + i)
        }
        None => memchr::memchr(a, rest).map(|i| from + i),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_a_plain_search_finds_at_every_distance() {
        for len in 0..70 {
            for at in 0..=len {
                let mut bytes = vec![b'x'; len];
                if at < len {
                    bytes[at] = b'>';
                }
                let want = (at < len).then_some(at);
                for from in 0..=len {
                    let plain = bytes
                        .iter()
                        .skip(from)
                        .position(|b| *b == b'>')
                        .map(|i| from + i);
                    assert_eq!(first(&bytes, from, b'>'), plain, "{len} {at} {from}");
                    assert_eq!(first_of3(&bytes, from, b'"', b'>', b'\''), plain);
                }
                assert_eq!(first(&bytes, 0, b'>'), want);
            }
        }
        assert_eq!(first(b"ab", 3, b'a'), None);
        assert_eq!(first_of3(b"a'b\"", 0, b'"', b'\'', b'>'), Some(1));
    }
}
