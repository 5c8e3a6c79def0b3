//! What every fuzz target checks: a parse of any bytes ends in findings or
//! an error naming the input, never a panic; each finding is fingerprinted.

use zilv_scans::{parse, Format};

/// Parses `data` as `format` (detected when `None`) and checks the outcome.
pub fn run(data: &[u8], format: Option<Format>) {
    let result = parse(data, "fuzz-input", format, |f| {
        assert_eq!(f.fingerprint.len(), 64, "fingerprint of {f:?}");
        Ok::<(), std::convert::Infallible>(())
    });
    if let Err(e) = result {
        assert_eq!(e.input(), "fuzz-input");
        assert!(!e.to_string().is_empty());
    }
}
