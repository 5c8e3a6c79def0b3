//! No input makes a parser panic: truncated and randomly mutated versions of
//! every sample and fixture end in `Ok` or `Err`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use common::{fixture, parse_bytes, sample};
use zilv_scans::Format;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for tool in std::fs::read_dir(sample("")).unwrap() {
        for f in std::fs::read_dir(tool.unwrap().path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    for f in std::fs::read_dir(fixture("")).unwrap() {
        out.push(f.unwrap().path());
    }
    out
}

/// Parses `bytes` detected and as every format; a panic fails the test.
fn no_panic(bytes: &[u8], what: &str) {
    let formats = std::iter::once(None).chain(Format::ALL.into_iter().map(Some));
    for fmt in formats {
        let r = catch_unwind(AssertUnwindSafe(|| {
            let _ = parse_bytes(bytes, what, fmt);
        }));
        assert!(r.is_ok(), "panic on {what} as {fmt:?}");
    }
}

#[test]
fn truncated_inputs_never_panic() {
    for path in inputs() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ bytes.len() as u64);
        let mut cuts: Vec<usize> = (0..12).map(|_| rng.below(bytes.len() + 1)).collect();
        cuts.extend([0, 1, bytes.len() / 2, bytes.len().saturating_sub(1)]);
        for cut in cuts {
            no_panic(
                &bytes[..cut.min(bytes.len())],
                &format!("{name} cut at {cut}"),
            );
        }
    }
}

#[test]
fn mutated_inputs_never_panic() {
    const SPECIAL: &[u8] = b"<>/\"'{}[],:&;#\n\0\xff\xc3";
    for path in inputs() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        let mut rng = Rng(0xdead_beef_cafe_f00d ^ bytes.len() as u64);
        for round in 0..24 {
            let mut m = bytes.clone();
            for _ in 0..1 + rng.below(8) {
                if m.is_empty() {
                    break;
                }
                let at = rng.below(m.len());
                match rng.below(4) {
                    0 => m[at] = SPECIAL[rng.below(SPECIAL.len())],
                    1 => m[at] = rng.next() as u8,
                    2 => {
                        m.remove(at);
                    }
                    _ => {
                        let len = rng.below(64).min(m.len() - at);
                        let chunk: Vec<u8> = m[at..at + len].to_vec();
                        let to = rng.below(m.len());
                        m.splice(to..to, chunk);
                    }
                }
            }
            no_panic(&m, &format!("{name} mutation {round}"));
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let depth = 200_000;
    let mut xml = String::from(
        "<NessusClientData_v2><Report><ReportHost name=\"h\"><ReportItem pluginID=\"1\">",
    );
    xml.push_str(&"<a>".repeat(depth));
    xml.push_str(&"</a>".repeat(depth));
    xml.push_str("</ReportItem></ReportHost></Report></NessusClientData_v2>");
    let err = parse_bytes(xml.as_bytes(), "deep.nessus", None).unwrap_err();
    assert!(err.to_string().contains("nested"), "{err}");

    let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let err = parse_bytes(json.as_bytes(), "deep.json", Some(Format::NucleiJson)).unwrap_err();
    assert!(err.to_string().starts_with("deep.json: line 1"), "{err}");
}
