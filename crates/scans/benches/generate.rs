//! Generated Nessus v2 reports for the benchmarks: hosts of 200 report items,
//! each with the elements a real item carries, every finding distinct.
//! Shared by the parse benchmark of zilv-scans and the import benchmark of
//! zilv-services (included by path).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Report items per host.
pub const ITEMS_PER_HOST: u64 = 200;

/// How much to generate.
#[derive(Debug, Clone, Copy)]
pub enum Size {
    /// Exactly this many findings.
    Findings(u64),
    /// Whole hosts until the file holds at least this many bytes.
    Bytes(u64),
}

/// What was written.
#[derive(Debug, Clone, Copy)]
pub struct Generated {
    pub bytes: u64,
    pub findings: u64,
}

/// Writes a report of `size` to `path`.
pub fn generate(path: &Path, size: Size) -> io::Result<Generated> {
    let mut w = Out {
        w: BufWriter::with_capacity(1 << 20, File::create(path)?),
        bytes: 0,
    };
    let mut findings = 0u64;
    w.put(
        "<?xml version=\"1.0\" ?>\n<NessusClientData_v2>\n<Policy><policyName>bench</policyName></Policy>\n<Report name=\"bench\">\n",
    )?;
    let mut host = 0u64;
    loop {
        let more = match size {
            Size::Findings(n) => findings < n,
            Size::Bytes(b) => w.bytes < b,
        };
        if !more {
            break;
        }
        w.put(&format!(
                "<ReportHost name=\"host{host}.example.tw\"><HostProperties>\n<tag name=\"host-ip\">10.{}.{}.{}</tag>\n<tag name=\"HOST_START\">Mon Jul  1 11:33:11 2013</tag>\n</HostProperties>\n",
                host >> 16 & 255,
                host >> 8 & 255,
                host & 255
            ),
        )?;
        for i in 0..ITEMS_PER_HOST {
            if let Size::Findings(n) = size {
                if findings == n {
                    break;
                }
            }
            let plugin = 10000 + (host * 7 + i) % 50000;
            w.put(&format!(
                    "<ReportItem port=\"{}\" svc_name=\"www\" protocol=\"tcp\" severity=\"{}\" pluginID=\"{plugin}\" pluginName=\"Example plugin {plugin} &amp; friends\" pluginFamily=\"Web Servers\">\n\
<cve>CVE-2013-{plugin}</cve>\n<cvss_base_score>5.0</cvss_base_score>\n<cvss_vector>CVSS2#AV:N/AC:L/Au:N/C:P/I:N/A:N</cvss_vector>\n\
<cvss3_base_score>7.5</cvss3_base_score>\n<cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N</cvss3_vector>\n\
<description>The remote web server is affected by an information disclosure vulnerability. An unauthenticated, remote attacker can exploit this, via a crafted request, to disclose sensitive information about the server configuration and the applications it hosts.</description>\n\
<fname>example_{plugin}.nasl</fname>\n<plugin_modification_date>2013/05/31</plugin_modification_date>\n<risk_factor>Medium</risk_factor>\n\
<see_also>https://www.example.org/advisory/{plugin}\nhttps://www.example.org/kb/{plugin}</see_also>\n\
<solution>Upgrade to the latest version or apply the vendor patch.</solution>\n<synopsis>The remote web server discloses information.</synopsis>\n\
<plugin_output>\n  URL : http://host{host}.example.tw/cgi-bin/test-{i}.cgi\n  Response : HTTP/1.1 200 OK\n</plugin_output>\n<xref>CWE:200</xref>\n</ReportItem>\n",
                    80 + i % 20,
                    i % 5
                ),
            )?;
            findings += 1;
        }
        w.put("</ReportHost>\n")?;
        host += 1;
    }
    w.put("</Report>\n</NessusClientData_v2>\n")?;
    w.w.flush()?;
    Ok(Generated {
        bytes: w.bytes,
        findings,
    })
}

/// A file being written, and how many bytes so far.
struct Out {
    w: BufWriter<File>,
    bytes: u64,
}

impl Out {
    fn put(&mut self, s: &str) -> io::Result<()> {
        self.bytes += s.len() as u64;
        self.w.write_all(s.as_bytes())
    }
}
