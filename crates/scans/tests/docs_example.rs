//! The CSV example in docs/scanners.md parses as documented.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use zilv_scans::Format;

#[test]
fn csv_example_in_the_documentation_parses() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/scanners.md"
    ))
    .unwrap();
    let start = doc
        .find("```csv\n")
        .expect("a csv block in docs/scanners.md")
        + 7;
    let block = &doc[start..start + doc[start..].find("```").unwrap()];
    let (findings, s) = common::parse_bytes(block.as_bytes(), "example.csv", None).unwrap();
    assert_eq!(s.format, Format::Csv);
    let rows = csv::Reader::from_reader(block.as_bytes()).records().count();
    assert_eq!(findings.len(), rows);
    assert!(findings.iter().all(|f| f.clause.starts_with("EVAL-4.1.5.")));
    assert!(findings[1].description.as_deref().unwrap().contains('\n'));
}
