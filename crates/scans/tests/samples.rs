//! Every real report under shared/samples/scans parses; counts and fields
//! are checked against the files' own content.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{parse_file, sample, text};
use zilv_scans::{Format, Kind, Severity};

/// Occurrences of `needle` in the file.
fn count(rel: &str, needle: &str) -> u64 {
    text(&sample(rel)).matches(needle).count() as u64
}

#[test]
fn every_sample_parses_with_the_detected_format() {
    let dir = sample("");
    let mut seen = 0;
    for tool in std::fs::read_dir(&dir).unwrap() {
        for file in std::fs::read_dir(tool.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let (findings, summary) = parse_file(&path);
            assert_eq!(
                findings.len() as u64,
                summary.findings,
                "{}",
                path.display()
            );
            for f in &findings {
                assert_eq!(f.fingerprint.len(), 64, "{}", path.display());
                assert!(f.clause.starts_with("EVAL-4.1."), "{}", path.display());
                assert!(
                    !f.rule_id.is_empty() && !f.title.is_empty(),
                    "{}: {f:?}",
                    path.display()
                );
            }
            seen += 1;
        }
    }
    assert!(
        seen >= 18,
        "only {seen} sample files found under {}",
        dir.display()
    );
}

#[test]
fn empty_reports_yield_zero_findings() {
    for (rel, format) in [
        ("zap/empty_2.9.0.xml", Format::ZapXml),
        ("nuclei/empty.jsonl", Format::NucleiJsonl),
        ("sarif/no_runs.sarif", Format::Sarif),
        ("trivy/legacy_no_vuln.json", Format::Trivy),
        ("openvas/no_vuln.xml", Format::OpenVas),
        ("nmap/nmap_0port.xml", Format::Nmap),
    ] {
        let (findings, summary) = parse_file(&sample(rel));
        assert_eq!(summary.format, format, "{rel}");
        assert!(findings.is_empty(), "{rel}: {findings:?}");
        assert_eq!(summary.findings, 0, "{rel}");
    }
}

#[test]
fn eval_4_1_3_1_nessus_every_report_item_is_a_finding() {
    for rel in ["nessus/nessus_many_vuln.xml", "nessus/nessus_v_unknown.xml"] {
        let (findings, s) = parse_file(&sample(rel));
        assert_eq!(s.format, Format::Nessus);
        assert_eq!(s.findings, count(rel, "<ReportItem "), "{rel}");
        assert!(findings
            .iter()
            .all(|f| f.clause == "EVAL-4.1.3.1" && f.tool == "Nessus"));
        let medium = count(rel, "severity=\"2\"");
        assert_eq!(s.by_severity.medium, medium, "{rel}");
    }
    let (findings, _) = parse_file(&sample("nessus/nessus_v_unknown.xml"));
    // <ReportItem port="3389" svc_name="msrdp" protocol="tcp" severity="2" pluginID="18405" …> on host qa3app09
    let rdp = findings
        .iter()
        .find(|f| f.rule_id == "18405" && f.host.as_deref() == Some("qa3app09"))
        .unwrap();
    assert_eq!(rdp.cves, vec!["CVE-2005-1794"]);
    assert_eq!(rdp.port, Some(3389));
    assert_eq!(rdp.protocol.as_deref(), Some("tcp"));
    assert_eq!(rdp.ip.as_deref(), Some("10.31.112.29"));
    assert_eq!(rdp.cvss.v2_score, Some(5.1));
    assert_eq!(
        rdp.cvss.v2_vector.as_deref(),
        Some("AV:N/AC:H/Au:N/C:P/I:P/A:P")
    );
    assert_eq!(rdp.tool_severity, "Medium");
    assert_eq!(rdp.severity, Severity::Medium);
    assert!(rdp
        .references
        .contains(&"http://www.oxid.it/downloads/rdp-gbu.pdf".to_string()));
    assert!(rdp
        .solution
        .as_deref()
        .unwrap()
        .contains("Allow connections only from computers"));
    let cves: BTreeSet<&str> = findings
        .iter()
        .flat_map(|f| f.cves.iter().map(String::as_str))
        .collect();
    let in_file = text(&sample("nessus/nessus_v_unknown.xml"));
    for c in &cves {
        assert!(in_file.contains(&format!("<cve>{c}</cve>")), "{c}");
    }
    assert_eq!(
        findings.iter().map(|f| f.cves.len()).sum::<usize>() as u64,
        count("nessus/nessus_v_unknown.xml", "<cve>")
    );
}

#[test]
fn eval_4_1_3_1_openvas_results_with_nvt_refs_and_scores() {
    let rel = "openvas/many_vuln.xml";
    let (findings, s) = parse_file(&sample(rel));
    assert_eq!(s.format, Format::OpenVas);
    assert_eq!(s.findings, count(rel, "<result id="));
    let rexec = findings
        .iter()
        .find(|f| f.rule_id == "1.3.6.1.4.1.25623.1.0.100111")
        .unwrap();
    assert_eq!(rexec.title, "The rexec service is running");
    assert_eq!(rexec.cves, vec!["CVE-1999-0618"]);
    assert_eq!(
        (rexec.port, rexec.protocol.as_deref()),
        (Some(512), Some("tcp"))
    );
    assert_eq!(rexec.ip.as_deref(), Some("192.168.1.1001"));
    assert_eq!(rexec.host.as_deref(), Some("b6b9f466d63"));
    assert_eq!(
        rexec.severity,
        Severity::Critical,
        "severity 10.0 is critical on the CVSS bands"
    );
    assert!(rexec
        .solution
        .as_deref()
        .unwrap()
        .starts_with("Disable the rexec service"));
    assert_eq!(rexec.clause, "EVAL-4.1.3.1");
    // Results on "general/tcp" carry no port number.
    let src = text(&sample(rel));
    let results = &src[src.find("<results").unwrap()..];
    let general = results.matches("<port>general/").count() as u64;
    assert_eq!(
        findings.iter().filter(|f| f.port.is_none()).count() as u64,
        general
    );
}

#[test]
fn eval_4_1_5_2_nmap_each_open_port_is_a_finding() {
    let rel = "nmap/nmap_multiple_port.xml";
    let (findings, s) = parse_file(&sample(rel));
    assert_eq!(s.format, Format::Nmap);
    assert_eq!(s.findings, count(rel, "<state state=\"open\""));
    let src = text(&sample(rel));
    for f in &findings {
        assert_eq!(f.kind, Kind::OpenPort);
        assert_eq!(f.clause, "EVAL-4.1.5.2");
        assert_eq!(f.ip.as_deref(), Some("198.38.82.159"));
        assert_eq!(
            f.host.as_deref(),
            Some("joaquinlp.me"),
            "the user-given name wins over PTR"
        );
        assert_eq!(f.tool_version.as_deref(), Some("7.12"));
        let port = f.port.unwrap();
        assert!(
            src.contains(&format!("portid=\"{port}\"><state state=\"open\"")),
            "{port}"
        );
    }
    let mysql = findings.iter().find(|f| f.port == Some(3306)).unwrap();
    assert!(mysql.title.contains("mysql"));
}

#[test]
fn eval_4_1_4_1_zap_one_finding_per_alert_and_distinct_uri() {
    for rel in [
        "zap/zap-results-first-scan.xml",
        "zap/zap-results-second-scan.xml",
    ] {
        let (findings, s) = parse_file(&sample(rel));
        assert_eq!(s.format, Format::ZapXml);
        let pairs = common::zap_pairs(&text(&sample(rel)));
        let per_alert: u64 = pairs.iter().map(|(_, uris)| uris.len() as u64).sum();
        assert_eq!(s.findings, per_alert, "{rel}");
        assert!(findings
            .iter()
            .all(|f| f.clause == "EVAL-4.1.4.1" && f.tool_version.as_deref() == Some("2.10.0")));
        let high = text(&sample(rel))
            .split("<alertitem>")
            .skip(1)
            .filter(|a| a.contains("<riskcode>3</riskcode>"))
            .count();
        let high_alerts: BTreeSet<&str> = findings
            .iter()
            .filter(|f| f.severity == Severity::High)
            .map(|f| f.rule_id.as_str())
            .collect();
        assert_eq!(high_alerts.len(), high, "{rel}");
    }
    let (findings, _) = parse_file(&sample("zap/zap-results-first-scan.xml"));
    let xss = findings.iter().find(|f| f.rule_id == "10031").unwrap();
    assert_eq!(
        xss.title,
        "User Controllable HTML Element Attribute (Potential XSS)"
    );
    assert_eq!(xss.cwes, vec![20]);
    assert_eq!(xss.host.as_deref(), Some("bodgeit.securecodebox-demo.svc"));
    assert_eq!(xss.port, Some(8080));
    assert_eq!(xss.severity, Severity::Info);
    assert!(xss
        .description
        .as_deref()
        .unwrap()
        .starts_with("This check looks at user-supplied input"));
    // product.jsp?prodid=22 and ?prodid=18 are one problem.
    let product = findings
        .iter()
        .filter(|f| {
            f.rule_id == "10031"
                && f.url
                    .as_deref()
                    .unwrap_or("")
                    .contains("/bodgeit/product.jsp?")
        })
        .count();
    assert_eq!(product, 1);
}

#[test]
fn eval_4_1_4_1_burp_issues_with_location_and_cwe() {
    let rel = "burp/seven_findings.xml";
    let (findings, s) = parse_file(&sample(rel));
    assert_eq!(s.format, Format::Burp);
    assert_eq!(s.findings, count(rel, "<issue>"));
    assert_eq!(s.by_severity.high, count(rel, "<severity>High</severity>"));
    let sqli: Vec<_> = findings.iter().filter(|f| f.rule_id == "1049088").collect();
    assert_eq!(sqli.len() as u64, count(rel, "<type>1049088</type>"));
    let fps: BTreeSet<&str> = sqli.iter().map(|f| f.fingerprint.as_str()).collect();
    assert_eq!(
        fps.len(),
        sqli.len(),
        "different parameter locations are different findings"
    );
    let login = sqli
        .iter()
        .find(|f| f.component.as_deref() == Some("/bodgeit/login.jsp [username parameter]"))
        .unwrap();
    assert_eq!(login.url.as_deref(), Some("http://bwa/bodgeit/login.jsp"));
    assert_eq!(login.ip.as_deref(), Some("192.168.187.137"));
    assert_eq!(login.tool_version.as_deref(), Some("1.6.05"));
    assert_eq!(login.clause, "EVAL-4.1.4.1");

    let (one, _) = parse_file(&sample("burp/one_finding_with_cwe.xml"));
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].cwes, vec![524, 525]);
    assert_eq!(one[0].title, "Cacheable HTTPS response");
    assert_eq!(
        one[0].url.as_deref(),
        Some("https://example.com/test/v4/public/users/fake")
    );
}

#[test]
fn eval_4_1_3_1_trivy_schema_2_vulnerabilities() {
    let rel = "trivy/scheme_2_many_vulns.json";
    let (findings, s) = parse_file(&sample(rel));
    assert_eq!(s.format, Format::Trivy);
    assert_eq!(s.findings, count(rel, "\"VulnerabilityID\""));
    let ft = findings
        .iter()
        .find(|f| f.rule_id == "CVE-2020-15999")
        .unwrap();
    assert_eq!(
        ft.component.as_deref(),
        Some("freetype@app/libs/freetype-2.9.1-r2")
    );
    assert_eq!(ft.host.as_deref(), Some("teamdojo:latest"));
    assert_eq!(ft.file_path, None, "OS packages are not files");
    assert_eq!(ft.cwes, vec![787]);
    assert_eq!(
        ft.cvss.v3_score,
        Some(6.5),
        "the nvd entry (SeveritySource) is used"
    );
    assert_eq!(ft.severity, Severity::Medium);
    assert_eq!(
        ft.solution.as_deref(),
        Some("Upgrade freetype to 2.9.1-r3.")
    );
    assert_eq!(ft.clause, "EVAL-4.1.3.1");
    assert_eq!(
        s.by_severity.critical,
        count(rel, "\"Severity\": \"CRITICAL\"")
    );
}

#[test]
fn eval_4_1_4_1_sarif_codeql_results() {
    let rel = "sarif/codeQL-output.sarif";
    let (findings, s) = parse_file(&sample(rel));
    assert_eq!(s.format, Format::Sarif);
    let doc: serde_json::Value = serde_json::from_str(&text(&sample(rel))).unwrap();
    let results: Vec<&serde_json::Value> = doc["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["results"].as_array().unwrap())
        .collect();
    assert_eq!(s.findings, results.len() as u64);
    for (f, r) in findings.iter().zip(&results) {
        assert_eq!(f.tool, "CodeQL");
        assert_eq!(f.tool_version.as_deref(), Some("2.5.4"));
        assert_eq!(f.rule_id, r["ruleId"].as_str().unwrap());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            f.file_path.as_deref(),
            loc["artifactLocation"]["uri"].as_str()
        );
        assert_eq!(f.line, loc["region"]["startLine"].as_u64());
        assert_eq!(f.clause, "EVAL-4.1.4.1");
    }
    let first = &findings[0];
    assert_eq!(first.rule_id, "py/empty-except");
    assert_eq!(first.cwes, vec![390]);
    assert!(first
        .component
        .as_deref()
        .unwrap()
        .contains("9cbc869fbfffeb60:1"));

    let (k, _) = parse_file(&sample("sarif/appendix_k.sarif"));
    assert_eq!(k.len(), 1);
    assert_eq!(k[0].tool, "CodeScanner");
    assert_eq!(k[0].severity, Severity::High, "level error");
    assert!(k[0]
        .description
        .as_deref()
        .unwrap()
        .starts_with("Variable \"ptr\" was used without being initialized."));
}

#[test]
fn nuclei_jsonl_lines_are_findings_http_and_network_split_by_clause() {
    let rel = "nuclei/many_findings.json";
    let (findings, s) = parse_file(&sample(rel));
    assert_eq!(s.format, Format::NucleiJsonl);
    let lines = text(&sample(rel))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count() as u64;
    assert_eq!(s.findings, lines);
    let network = count(rel, "\"type\":\"network\"");
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.clause == "EVAL-4.1.3.1")
            .count() as u64,
        network
    );
    assert_eq!(
        findings
            .iter()
            .filter(|f| f.clause == "EVAL-4.1.4.1")
            .count() as u64,
        count(rel, "\"type\":\"http\"")
    );
    let ssh = findings
        .iter()
        .find(|f| f.rule_id == "openssh5.3-detect")
        .unwrap();
    assert_eq!(
        (ssh.host.as_deref(), ssh.port),
        (Some("nuclei-example.com"), Some(22))
    );
    assert_eq!(ssh.severity, Severity::Low);
    let tech: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f.rule_id == "tech-detect")
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(
        tech.len() as u64,
        count(rel, "\"templateID\":\"tech-detect\""),
        "matcher names keep them apart"
    );
}
