//! The regulation clause each kind of scanner finding falls under.

/// EVAL-4.1.3.1: vulnerability scanning and patching of network devices and
/// servers (Nessus, OpenVAS, Trivy vulnerabilities, Nmap `vulners`, Nuclei
/// non-HTTP templates).
pub const VULNERABILITY_SCAN: &str = "EVAL-4.1.3.1";
/// EVAL-4.1.4.1: website penetration test and vulnerability scan (ZAP, Burp,
/// Nuclei HTTP templates).
pub const WEBSITE_TEST: &str = "EVAL-4.1.4.1";
/// EVAL-4.1.5.2: risky or unnecessary open ports (Nmap open ports).
pub const OPEN_PORTS: &str = "EVAL-4.1.5.2";
/// EVAL-4.1.5.3: access control lists and privileged accounts (Trivy
/// misconfigurations: root containers, privileged pods, public buckets, broad
/// IAM policies are its bulk).
pub const MISCONFIGURATION: &str = "EVAL-4.1.5.3";
/// EVAL-4.1.5.5: key storage and access control (Trivy secrets, SARIF results
/// of secret-detection rules).
pub const SECRETS: &str = "EVAL-4.1.5.5";
/// EVAL-4.1.4.1 again for SARIF static analysis: the code scanned is the
/// application behind the website, and its flaws (injection, XSS) are what the
/// website vulnerability scan looks for.
pub const CODE_ANALYSIS: &str = WEBSITE_TEST;
