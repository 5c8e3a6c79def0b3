//! Formats the shared samples lack, from small fixtures written for them:
//! ZAP JSON, Nuclei JSON array, Trivy misconfigurations and secrets, the CSV
//! template, Nmap `vulners` output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fixture, parse_file, text};
use zilv_scans::{Format, Kind, Severity};

#[test]
fn eval_4_1_4_1_zap_json_sites_alerts_and_distinct_uris() {
    let path = fixture("zap-report.json");
    let (findings, s) = parse_file(&path);
    assert_eq!(s.format, Format::ZapJson);
    let doc: serde_json::Value = serde_json::from_str(&text(&path)).unwrap();
    // Distinct URIs per alert once query values and fragments are dropped.
    let mut expected = 0;
    for site in doc["site"].as_array().unwrap() {
        for a in site["alerts"].as_array().unwrap() {
            let mut uris: Vec<String> = a["instances"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    let u = i["uri"].as_str().unwrap().split('#').next().unwrap();
                    u.split('?').next().unwrap().to_string()
                })
                .collect();
            uris.sort();
            uris.dedup();
            expected += uris.len();
        }
    }
    assert_eq!(findings.len(), expected);
    let xss: Vec<_> = findings.iter().filter(|f| f.rule_id == "40012").collect();
    assert_eq!(
        xss.len(),
        2,
        "search?q=…&page=… twice is one finding, /login another"
    );
    assert_eq!(xss[0].severity, Severity::High);
    assert_eq!(xss[0].cwes, vec![79]);
    assert_eq!(xss[0].tool_version.as_deref(), Some("2.14.0"));
    assert_eq!(xss[0].port, Some(443));
    assert_eq!(xss[0].references.len(), 2);
    assert!(
        findings.iter().any(|f| f.rule_id == "10038-1"),
        "alertRef is the rule ID"
    );
    let api = findings.iter().find(|f| f.rule_id == "10021").unwrap();
    assert_eq!(
        (api.host.as_deref(), api.port),
        (Some("api.example.tw"), Some(8080))
    );
    assert!(findings
        .iter()
        .all(|f| f.clause == "EVAL-4.1.4.1" && f.kind == Kind::WebIssue));
}

#[test]
fn nuclei_json_array_with_classification() {
    let path = fixture("nuclei-array.json");
    let (findings, s) = parse_file(&path);
    assert_eq!(s.format, Format::NucleiJson);
    let doc: serde_json::Value = serde_json::from_str(&text(&path)).unwrap();
    assert_eq!(findings.len(), doc.as_array().unwrap().len());
    let log4j = &findings[0];
    assert_eq!(log4j.rule_id, "CVE-2021-44228");
    assert_eq!(log4j.cves, vec!["CVE-2021-44228"]);
    assert_eq!(log4j.cwes, vec![77, 917]);
    assert_eq!(log4j.cvss.v3_score, Some(10.0));
    assert_eq!(log4j.severity, Severity::Critical);
    assert_eq!(log4j.clause, "EVAL-4.1.4.1");
    assert_eq!(
        log4j.solution.as_deref(),
        Some("Upgrade to Log4j 2.17.1 or later.")
    );
    let ssl = &findings[1];
    assert_eq!(
        ssl.clause, "EVAL-4.1.3.1",
        "non-HTTP templates are device scans"
    );
    assert_eq!(
        (ssl.host.as_deref(), ssl.port),
        (Some("portal.example.tw"), Some(443))
    );
    assert_eq!(findings[2].component.as_deref(), Some("nginx"));
}

#[test]
fn eval_4_1_5_3_and_eval_4_1_5_5_trivy_misconfigurations_and_secrets() {
    let path = fixture("trivy-misconfig-secret.json");
    let (findings, s) = parse_file(&path);
    assert_eq!(s.format, Format::Trivy);
    let src = text(&path);
    let failing = src.matches("\"Status\": \"FAIL\"").count();
    let secrets = src.matches("\"RuleID\"").count();
    let vulns = src.matches("\"VulnerabilityID\"").count();
    assert_eq!(
        findings.len(),
        failing + secrets + vulns,
        "PASS checks are not findings"
    );
    let mis = findings
        .iter()
        .find(|f| f.kind == Kind::Misconfiguration)
        .unwrap();
    assert_eq!(mis.rule_id, "AVD-DS-0002");
    assert_eq!(mis.clause, "EVAL-4.1.5.3");
    assert_eq!(mis.file_path.as_deref(), Some("Dockerfile"));
    assert_eq!(mis.line, Some(1));
    assert_eq!(mis.severity, Severity::High);
    assert_eq!(mis.tool_version.as_deref(), Some("0.49.1"));
    assert_eq!(mis.host.as_deref(), Some("./claims-service"));
    let sec = findings.iter().find(|f| f.kind == Kind::Secret).unwrap();
    assert_eq!(sec.rule_id, "aws-access-key-id");
    assert_eq!(sec.clause, "EVAL-4.1.5.5");
    assert_eq!(
        (sec.file_path.as_deref(), sec.line),
        (Some("config/settings.py"), Some(12))
    );
    assert_eq!(sec.severity, Severity::Critical);
    assert!(
        !format!("{sec:?}").contains("AWS_KEY"),
        "the matched secret line is not kept"
    );
    let v = findings
        .iter()
        .find(|f| f.kind == Kind::Vulnerability)
        .unwrap();
    assert_eq!(v.file_path.as_deref(), Some("requirements.txt"));
    assert_eq!(v.cvss.v3_score, Some(7.5));
    assert_eq!(v.clause, "EVAL-4.1.3.1");
}

#[test]
fn csv_template_rows_become_findings_with_their_clause_column() {
    let path = fixture("findings.csv");
    let (findings, s) = parse_file(&path);
    assert_eq!(s.format, Format::Csv);
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(findings.len(), rows.len());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    for (f, r) in findings.iter().zip(&rows) {
        assert_eq!(f.tool, r[col("tool")]);
        assert_eq!(f.rule_id, r[col("rule_id")]);
        assert_eq!(f.clause, r[col("clause")]);
        assert_eq!(f.severity.as_str(), &r[col("severity")]);
    }
    assert_eq!(findings[0].port, Some(443));
    assert_eq!(findings[0].cvss.v3_score, Some(5.3));
    assert_eq!(findings[0].cwes, vec![327]);
    assert!(findings[1]
        .description
        .as_deref()
        .unwrap()
        .contains("no lockout threshold"));
    assert_eq!(
        findings[1].tool_severity, "high",
        "defaults to the Zilv severity"
    );
    assert_eq!(findings[2].cves, vec!["CVE-2022-0001", "CVE-2022-0002"]);
    assert_eq!(
        (findings[2].file_path.as_deref(), findings[2].line),
        (Some("app/views.py"), Some(88))
    );
}

#[test]
fn eval_4_1_3_1_nmap_vulners_entries_are_vulnerabilities() {
    let path = fixture("nmap-vulners.xml");
    let (findings, _) = parse_file(&path);
    let src = text(&path);
    let open = src.matches("<state state=\"open\"").count();
    let vulners = src.matches("<elem key=\"is_exploit\">false</elem>").count();
    assert_eq!(
        findings.len(),
        open + vulners,
        "exploit entries are skipped"
    );
    let ports: Vec<_> = findings
        .iter()
        .filter(|f| f.kind == Kind::OpenPort)
        .collect();
    assert_eq!(ports.len(), open);
    assert!(ports.iter().all(|f| f.clause == "EVAL-4.1.5.2"));
    let cve = findings
        .iter()
        .find(|f| f.rule_id == "CVE-2023-38408")
        .unwrap();
    assert_eq!(cve.clause, "EVAL-4.1.3.1");
    assert_eq!(cve.cves, vec!["CVE-2023-38408"]);
    assert_eq!(cve.cvss.v2_score, Some(9.8));
    assert_eq!(cve.severity, Severity::Critical);
    assert_eq!(
        (cve.port, cve.host.as_deref()),
        (Some(22), Some("db1.example.tw"))
    );
    assert_eq!(cve.component.as_deref(), Some("cpe:/a:openbsd:openssh:7.4"));
    let ssh = ports.iter().find(|f| f.port == Some(22)).unwrap();
    assert!(ssh.description.as_deref().unwrap().contains("OpenSSH 7.4"));
}
