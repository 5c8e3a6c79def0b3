//! Matches threat-intelligence indicators against DNS and connection logs
//! (EVAL-4.1.2.3: abnormal connections and DNS queries compared with known
//! malicious IPs and C2 servers); no database, no HTTP.
//!
//! Load indicators with [`load_indicators`] (plain lists, hosts files, CSV,
//! Zeek intel, MISP, STIX 2.1), then [`scan`] logs (Zeek TSV/JSON,
//! Suricata eve.json, BIND query logs, CSV; gzip or plain) and write the
//! hits and aggregates with [`HitWriter`] and [`write_aggregates`].
mod batches;
pub mod error;
pub mod feeds;
pub mod hit;
pub mod indicator;
pub mod input;
pub mod logs;
mod matcher;
mod name_hash;
pub mod normalize;
pub mod output;
pub mod scan;
pub mod set;

pub use error::Error;
pub use feeds::{load as load_indicators, Column, IndicatorFormat};
pub use hit::{Aggregate, Hit, HitView};
pub use indicator::{Indicator, Kind, Validity};
pub use logs::{CsvColumns, LogFormat};
pub use output::{write_aggregates, HitWriter, OutputFormat};
pub use scan::{scan, FileSummary, ScanOptions, ScanOutcome, ScanSummary};
pub use set::{Builder, IndicatorId, IndicatorRef, IndicatorSet, LoadReport};
