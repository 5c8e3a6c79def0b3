//! Any bytes given as Trivy JSON must parse or fail with an error, never panic.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::run(data, Some(zilv_scans::Format::Trivy)));
