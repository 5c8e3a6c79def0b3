//! The supported report formats and their detection from the first bytes.

use std::fmt;
use std::str::FromStr;

/// A report format this crate parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Nessus `.nessus` v2 XML (`<NessusClientData_v2>`).
    Nessus,
    /// OpenVAS / Greenbone XML report (`<report>`).
    OpenVas,
    /// Nmap `-oX` XML (`<nmaprun>`).
    Nmap,
    /// OWASP ZAP XML report (`<OWASPZAPReport>`).
    ZapXml,
    /// OWASP ZAP JSON report (`{"@version": …, "site": […]}`).
    ZapJson,
    /// Burp Suite XML issue export (`<issues burpVersion=…>`).
    Burp,
    /// Trivy JSON, schema 2 (`{"SchemaVersion": 2, …}`) or legacy (`[…]`).
    Trivy,
    /// SARIF 2.1.0 log of any tool.
    Sarif,
    /// Nuclei JSON array export.
    NucleiJson,
    /// Nuclei JSON Lines (`-jsonl`), one result per line.
    NucleiJsonl,
    /// Zilv's CSV template for any other tool.
    Csv,
}

impl Format {
    /// Every format, in documentation order.
    pub const ALL: [Format; 11] = [
        Format::Nessus,
        Format::OpenVas,
        Format::Nmap,
        Format::ZapXml,
        Format::ZapJson,
        Format::Burp,
        Format::Trivy,
        Format::Sarif,
        Format::NucleiJson,
        Format::NucleiJsonl,
        Format::Csv,
    ];

    /// The name used on the command line and in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Nessus => "nessus",
            Format::OpenVas => "openvas",
            Format::Nmap => "nmap",
            Format::ZapXml => "zap-xml",
            Format::ZapJson => "zap-json",
            Format::Burp => "burp",
            Format::Trivy => "trivy",
            Format::Sarif => "sarif",
            Format::NucleiJson => "nuclei-json",
            Format::NucleiJsonl => "nuclei-jsonl",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown format {s:?}; known: {}", names.join(", "))
            })
    }
}

/// The format of a report from its first bytes (a few KiB, decompressed):
/// the root element for XML, the first keys for JSON, the header for CSV.
/// `None` when the bytes match no supported format.
pub fn detect(prefix: &[u8]) -> Option<Format> {
    let text = String::from_utf8_lossy(prefix);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    match t.chars().next()? {
        '<' => xml_root(t).and_then(|root| match root.as_str() {
            "NessusClientData_v2" => Some(Format::Nessus),
            "nmaprun" => Some(Format::Nmap),
            "OWASPZAPReport" => Some(Format::ZapXml),
            "issues" => Some(Format::Burp),
            "report" | "get_reports_response" => Some(Format::OpenVas),
            _ => None,
        }),
        '{' | '[' => detect_json(t),
        'n' if t.trim_end() == "null" => Some(Format::Trivy),
        _ => detect_csv(t),
    }
}

/// A format from the file name's extension, for inputs whose content says
/// nothing (an empty file).
pub(crate) fn from_extension(name: &str) -> Option<Format> {
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
    let ext = lower.rsplit('.').next()?;
    match ext {
        "nessus" => Some(Format::Nessus),
        "sarif" => Some(Format::Sarif),
        "jsonl" => Some(Format::NucleiJsonl),
        "csv" => Some(Format::Csv),
        _ => None,
    }
}

fn detect_json(t: &str) -> Option<Format> {
    let has = |k: &str| t.contains(k);
    if has("\"runs\"") && (has("sarif") || has("\"version\"")) {
        Some(Format::Sarif)
    } else if has("\"SchemaVersion\"")
        || has("\"ArtifactName\"")
        || (t.starts_with('[') && has("\"Target\""))
    {
        Some(Format::Trivy)
    } else if has("\"template-id\"") || has("\"templateID\"") || has("\"matched-at\"") {
        if t.starts_with('[') {
            Some(Format::NucleiJson)
        } else {
            Some(Format::NucleiJsonl)
        }
    } else if has("\"site\"") && (has("\"@version\"") || has("\"alerts\"")) {
        Some(Format::ZapJson)
    } else {
        None
    }
}

fn detect_csv(t: &str) -> Option<Format> {
    let header = t.lines().next()?.to_ascii_lowercase();
    let cols: Vec<&str> = header
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    ["tool", "rule_id", "title"]
        .iter()
        .all(|c| cols.contains(c))
        .then_some(Format::Csv)
}

/// The name of the first element, skipping the XML declaration, processing
/// instructions, comments and a DOCTYPE with its internal subset.
fn xml_root(mut t: &str) -> Option<String> {
    loop {
        t = t.trim_start_matches(|c: char| c.is_whitespace() || c == ']' || c == '>');
        if let Some(r) = t.strip_prefix("<?") {
            t = &r[r.find("?>")? + 2..];
        } else if let Some(r) = t.strip_prefix("<!--") {
            t = &r[r.find("-->")? + 3..];
        } else if let Some(r) = t.strip_prefix("<!") {
            let end = r.find('>')?;
            t = match r.find('[') {
                Some(b) if b < end => &r[b + 1..],
                _ => &r[end + 1..],
            };
        } else if let Some(r) = t.strip_prefix('<') {
            let name: String = r
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
                .collect();
            let local = name.rsplit(':').next().unwrap_or("").to_string();
            return (!local.is_empty()).then_some(local);
        } else {
            return None;
        }
    }
}
