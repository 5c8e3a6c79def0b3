//! Input handling: gzip, detection and override, errors with their location,
//! a callback that stops the parse.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;

use common::{fixture, parse_bytes, sample};
use flate2::write::GzEncoder;
use flate2::Compression;
use zilv_scans::{detect, parse, parse_path, Format, Location, ParseError};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn gzip_input_gives_the_same_findings_as_plain() {
    for rel in [
        "nessus/nessus_v_unknown.xml",
        "sarif/codeQL-output.sarif",
        "nuclei/many_findings.json",
    ] {
        let plain = std::fs::read(sample(rel)).unwrap();
        let packed = gzip(&plain);
        assert_eq!(&packed[..2], &[0x1f, 0x8b]);
        let (a, sa) = parse_bytes(&plain, rel, None).unwrap();
        let (b, sb) = parse_bytes(&packed, rel, None).unwrap();
        assert_eq!(sa, sb, "{rel}");
        assert_eq!(a, b, "{rel}");
        assert!(!a.is_empty());
    }
}

#[test]
fn gzip_file_through_parse_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.nessus.gz");
    std::fs::write(
        &path,
        gzip(&std::fs::read(sample("nessus/nessus_many_vuln.xml")).unwrap()),
    )
    .unwrap();
    let mut n = 0;
    let s = parse_path(&path, None, |_| {
        n += 1;
        Ok::<(), std::io::Error>(())
    })
    .unwrap();
    assert_eq!(s.format, Format::Nessus);
    assert_eq!(s.findings, n);
    assert!(n > 0);
}

#[test]
fn corrupt_gzip_is_an_io_error_naming_the_input() {
    let mut packed = gzip(&std::fs::read(sample("zap/zap-results-first-scan.xml")).unwrap());
    let len = packed.len();
    packed.truncate(len / 2);
    let err = parse_bytes(&packed, "half.xml.gz", None).unwrap_err();
    assert!(err.to_string().starts_with("half.xml.gz: "), "{err}");
    assert!(
        matches!(err, ParseError::Io { .. } | ParseError::Malformed { .. }),
        "{err:?}"
    );
}

#[test]
fn detection_reads_root_elements_keys_and_headers() {
    let cases = [
        ("nessus/nessus_many_vuln.xml", Format::Nessus),
        ("openvas/many_vuln.xml", Format::OpenVas),
        ("nmap/nmap_multiple_port.xml", Format::Nmap),
        ("zap/zap-results-first-scan.xml", Format::ZapXml),
        ("burp/seven_findings.xml", Format::Burp),
        ("trivy/scheme_2_many_vulns.json", Format::Trivy),
        ("sarif/appendix_k.sarif", Format::Sarif),
        ("nuclei/many_findings.json", Format::NucleiJsonl),
    ];
    for (rel, want) in cases {
        let bytes = std::fs::read(sample(rel)).unwrap();
        assert_eq!(
            detect(&bytes[..bytes.len().min(16 * 1024)]),
            Some(want),
            "{rel}"
        );
    }
    for (name, want) in [
        ("zap-report.json", Format::ZapJson),
        ("nuclei-array.json", Format::NucleiJson),
        ("findings.csv", Format::Csv),
    ] {
        assert_eq!(
            detect(&std::fs::read(fixture(name)).unwrap()),
            Some(want),
            "{name}"
        );
    }
    assert_eq!(detect(b"hello, world"), None);
    assert_eq!(detect(b"<html><body/></html>"), None);
}

#[test]
fn explicit_format_overrides_detection() {
    let bytes = std::fs::read(sample("nmap/nmap_multiple_port.xml")).unwrap();
    let err = parse_bytes(&bytes, "ports.xml", Some(Format::Nessus)).unwrap_err();
    assert!(err.to_string().contains("root element <nmaprun>"), "{err}");
    // A Nuclei JSONL file whose content alone is ambiguous can be named.
    let (f, s) = parse_bytes(b"", "results.txt", Some(Format::NucleiJsonl)).unwrap();
    assert!(f.is_empty());
    assert_eq!(s.format, Format::NucleiJsonl);
    let (f, _) = parse_bytes(
        &std::fs::read(fixture("findings.csv")).unwrap(),
        "x",
        Some(Format::Csv),
    )
    .unwrap();
    assert!(!f.is_empty());
}

#[test]
fn unknown_and_empty_inputs_are_refused_with_a_reason() {
    let err = parse_bytes(b"just some text\n", "notes.txt", None).unwrap_err();
    assert!(matches!(err, ParseError::UnknownFormat { .. }));
    assert!(err.to_string().starts_with("notes.txt: "));
    let err = parse_bytes(b"  \n", "empty.bin", None).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}

fn location_of(bytes: &[u8], name: &str, format: Option<Format>) -> (ParseError, Location) {
    let err = parse_bytes(bytes, name, format).unwrap_err();
    let loc = err
        .location()
        .unwrap_or_else(|| panic!("no location in {err}"));
    assert_eq!(err.input(), name);
    (err, loc)
}

/// Line (from 1) and column (from 1, in bytes) of byte offset `at` of `text`.
fn line_col(text: &str, at: usize) -> (u64, u64) {
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let column = (at - before.rfind('\n').map_or(0, |n| n + 1)) as u64 + 1;
    (line, column)
}

#[test]
fn malformed_xml_names_line_and_column() {
    for (rel, close) in [
        ("openvas/many_vuln.xml", "</nvt>"),
        ("nessus/nessus_many_vuln.xml", "</ReportItem>"),
        ("zap/zap-results-first-scan.xml", "</alertitem>"),
        ("burp/seven_findings.xml", "</issue>"),
        ("nmap/nmap_multiple_port.xml", "</port>"),
    ] {
        let good = std::fs::read_to_string(sample(rel)).unwrap();
        // The third closing tag misspelt: the error points at it.
        let at = good.match_indices(close).nth(2).unwrap().0;
        let mut broken = good.clone();
        broken.replace_range(at..at + close.len(), &close.replace('>', "x>"));
        let (err, loc) = location_of(broken.as_bytes(), "broken.xml", None);
        let Location::Line { line, column } = loc else {
            panic!("{rel}: {err}")
        };
        let (want_line, want_column) = line_col(&good, at);
        assert_eq!(line, want_line, "{rel}: {err}");
        assert!(
            column >= want_column && column <= want_column + close.len() as u64 + 1,
            "{rel}: {err} (tag at column {want_column})"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("broken.xml: line {line}, column {column}: ")),
            "{err}"
        );
    }
    // Truncated inside the report: the end of the input, with its line.
    let good = std::fs::read_to_string(sample("openvas/many_vuln.xml")).unwrap();
    let cut = &good[..good.len() / 2];
    let (err, loc) = location_of(cut.as_bytes(), "cut.xml", None);
    let (line, _) = line_col(cut, cut.len());
    assert!(
        matches!(loc, Location::Line { line: l, .. } if l == line),
        "{err} (the input ends on line {line})"
    );
    assert!(err.to_string().contains("end of input"), "{err}");
}

#[test]
fn malformed_json_names_line_and_column() {
    let good = std::fs::read_to_string(sample("trivy/scheme_2_many_vulns.json")).unwrap();
    let line_no = good
        .lines()
        .position(|l| l.contains("\"PkgName\": \"freetype\""))
        .unwrap() as u64
        + 1;
    let broken = good.replacen("\"PkgName\": \"freetype\",", "\"PkgName\": freetype,", 1);
    let (err, loc) = location_of(broken.as_bytes(), "trivy.json", None);
    assert!(
        matches!(loc, Location::Line { line, .. } if line == line_no),
        "{err} (expected line {line_no})"
    );
    assert!(
        err.to_string().contains(&format!("line {line_no}")),
        "{err}"
    );
}

#[test]
fn malformed_jsonl_and_csv_name_the_line() {
    let good = std::fs::read_to_string(sample("nuclei/many_findings.json")).unwrap();
    let mut lines: Vec<&str> = good.lines().collect();
    lines[4] = "{\"templateID\": \"x\", ";
    let (err, loc) = location_of(lines.join("\n").as_bytes(), "n.jsonl", None);
    assert!(matches!(loc, Location::Line { line: 5, .. }), "{err}");

    let csv = std::fs::read_to_string(fixture("findings.csv")).unwrap();
    let bad = csv.replacen(",low,WARNING,", ",severe,WARNING,", 1);
    let bad_line = bad.lines().position(|l| l.contains(",severe,")).unwrap() as u64 + 1;
    let (err, loc) = location_of(bad.as_bytes(), "f.csv", None);
    assert_eq!(
        loc,
        Location::Line {
            line: bad_line,
            column: 0
        },
        "{err}"
    );
    assert!(err.to_string().contains("severity"), "{err}");
    let (err, loc) = location_of(
        b"tool,rule_id,title,severity,clause,colour\n",
        "h.csv",
        None,
    );
    assert_eq!(loc, Location::Line { line: 1, column: 0 });
    assert!(err.to_string().contains("colour"), "{err}");
}

#[test]
fn a_callback_error_stops_the_parse_where_it_happened() {
    let path = sample("nessus/nessus_v_unknown.xml");
    let bytes = std::fs::read(&path).unwrap();
    let mut seen = 0;
    let err = parse(&bytes[..], "scan.nessus", None, |_| {
        seen += 1;
        if seen == 3 {
            Err(std::io::Error::other("database full"))
        } else {
            Ok(())
        }
    })
    .unwrap_err();
    assert_eq!(seen, 3);
    assert!(matches!(err, ParseError::Stopped { .. }));
    assert!(err.to_string().contains("database full"), "{err}");
    for (rel, fmt) in [
        ("sarif/codeQL-output.sarif", None),
        ("nuclei/many_findings.json", None),
    ] {
        let mut n = 0;
        let bytes = std::fs::read(sample(rel)).unwrap();
        let err = parse(&bytes[..], rel, fmt, |_| {
            n += 1;
            Err::<(), _>(std::io::Error::other("no"))
        })
        .unwrap_err();
        assert_eq!(n, 1, "{rel}");
        assert!(matches!(err, ParseError::Stopped { .. }), "{rel}: {err:?}");
    }
}

#[test]
fn open_unwraps_gzip_files() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let plain = std::fs::read(sample("sarif/appendix_k.sarif")).unwrap();
    let path = dir.path().join("log.sarif.gz");
    std::fs::write(&path, gzip(&plain)).unwrap();
    let mut back = Vec::new();
    zilv_scans::open(&path)
        .unwrap()
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, plain);
    let mut same = Vec::new();
    zilv_scans::open(&sample("sarif/appendix_k.sarif"))
        .unwrap()
        .read_to_end(&mut same)
        .unwrap();
    assert_eq!(same, plain);
}

/// External entities and entity expansion are refused, never fetched or
/// expanded, for every XML format.
#[test]
fn xml_entity_declarations_are_refused() {
    let xxe = r#"<?xml version="1.0"?>
<!DOCTYPE NessusClientData_v2 [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<NessusClientData_v2><Report name="r"><ReportHost name="&xxe;"></ReportHost></Report></NessusClientData_v2>
"#;
    let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE OWASPZAPReport [
 <!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<OWASPZAPReport version="2.9.0"><site name="&c;"></site></OWASPZAPReport>
"#;
    for (doc, format) in [(xxe, Format::Nessus), (laughs, Format::ZapXml)] {
        for f in [None, Some(format)] {
            let err = parse_bytes(doc.as_bytes(), "evil.xml", f).unwrap_err();
            let text = err.to_string();
            assert!(
                text.contains("evil.xml") && text.contains("entit"),
                "{text}"
            );
            assert!(!text.contains("root:"), "nothing was fetched: {text}");
        }
    }
    // A DOCTYPE without entity declarations is harmless and still parses.
    let plain = r#"<?xml version="1.0"?><!DOCTYPE OWASPZAPReport><OWASPZAPReport version="2.9.0"></OWASPZAPReport>"#;
    let (findings, _) = parse_bytes(plain.as_bytes(), "plain.xml", Some(Format::ZapXml)).unwrap();
    assert!(findings.is_empty());
}

#[test]
fn a_truncated_gzip_is_an_error_naming_the_input() {
    let packed = gzip(&std::fs::read(sample("nessus/nessus_many_vuln.xml")).unwrap());
    let cut = &packed[..packed.len() / 2];
    let err = parse_bytes(cut, "cut.nessus.gz", None).unwrap_err();
    assert!(err.to_string().contains("cut.nessus.gz"), "{err}");
}
