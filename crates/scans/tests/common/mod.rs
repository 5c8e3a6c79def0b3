//! Helpers shared by the integration tests: sample paths and collecting parses.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use zilv_scans::{parse, Finding, Format, ParseError, ParseSummary};

/// A file under `shared/samples/scans/`.
pub fn sample(rel: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/samples/scans/"
    ))
    .join(rel)
}

/// A file under this crate's `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/")).join(rel)
}

/// Every finding of `bytes`, and the summary.
pub fn parse_bytes(
    bytes: &[u8],
    name: &str,
    format: Option<Format>,
) -> Result<(Vec<Finding>, ParseSummary), ParseError> {
    let mut out = Vec::new();
    let summary = parse(bytes, name, format, |f| {
        out.push(f);
        Ok::<(), std::convert::Infallible>(())
    })?;
    Ok((out, summary))
}

/// Every finding of a file (detected format), and the summary.
pub fn parse_file(path: &PathBuf) -> (Vec<Finding>, ParseSummary) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    parse_bytes(&bytes, &name, None).unwrap_or_else(|e| panic!("{e}"))
}

/// The file's text.
pub fn text(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// For each ZAP `<alertitem>`, its plugin ID and its distinct URIs with
/// query values and fragment removed — by plain string scanning, to check
/// the parser against.
pub fn zap_pairs(xml: &str) -> Vec<(String, BTreeSet<String>)> {
    let between = |s: &str, open: &str, close: &str| -> Vec<String> {
        s.split(open)
            .skip(1)
            .filter_map(|p| p.split(close).next())
            .map(|p| p.trim().replace("&amp;", "&"))
            .collect()
    };
    xml.split("<alertitem>")
        .skip(1)
        .map(|item| {
            let id = between(item, "<pluginid>", "</pluginid>")
                .pop()
                .unwrap_or_default();
            let uris = between(item, "<uri>", "</uri>")
                .into_iter()
                .map(|u| {
                    let u = u.split('#').next().unwrap_or("").to_string();
                    match u.split_once('?') {
                        None => u,
                        Some((base, q)) => {
                            let mut names: Vec<&str> = q
                                .split('&')
                                .map(|kv| kv.split('=').next().unwrap_or(""))
                                .collect();
                            names.sort();
                            names.dedup();
                            format!("{base}?{}", names.join(","))
                        }
                    }
                })
                .collect();
            (id, uris)
        })
        .collect()
}

/// The set of `pluginid|uri` keys of a ZAP XML report (see [`zap_pairs`]).
pub fn zap_keys(xml: &str) -> BTreeSet<String> {
    zap_pairs(xml)
        .into_iter()
        .flat_map(|(id, uris)| uris.into_iter().map(move |u| format!("{id}|{u}")))
        .collect()
}
