//! Parses scanner reports — bytes in, typed findings out; no database, no HTTP.
//!
//! [`parse`] reads one report as a stream (gzip is unwrapped transparently),
//! detects its format from its content unless one is given, and hands each
//! [`Finding`] to a callback, so a report of gigabytes is parsed in bounded
//! memory. [`reconcile`] compares the fingerprints of a new scan with the
//! findings already known for the same tool and target. The formats, the
//! severity and clause tables and the fingerprint definition are documented
//! in `docs/scanners.md`.

mod clause;
mod error;
mod finding;
mod fingerprint;
mod format;
mod formats;
mod input;
mod json_stream;
mod lines;
mod parse;
mod reconcile;
mod severity;
mod sink;
mod text;
mod xml;

pub use clause::{
    CODE_ANALYSIS, MISCONFIGURATION, OPEN_PORTS, SECRETS, VULNERABILITY_SCAN, WEBSITE_TEST,
};
pub use error::{Location, ParseError};
pub use finding::{Cvss, Finding, Kind, Severity};
pub use fingerprint::{fingerprint, normalize_url};
pub use format::{detect, Format};
pub use input::open;
pub use parse::{parse, parse_path, ParseSummary, SeverityCounts};
pub use reconcile::{reconcile, Reconciliation, State};
