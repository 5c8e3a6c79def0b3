//! Parse throughput and peak memory of the Nessus parser on generated reports.
//!
//! Throughput is compared with a baseline measured in the same run: the same
//! file read through the same quick-xml tokenizer without building findings.
//! Peak memory (VmHWM) is measured in child processes for a small report and
//! one ten times larger; bounded memory means a ratio near 1.
//!
//! `cargo bench -p zilv-scans --bench throughput`; `ZILV_BENCH_MB` sets the
//! large file's size in MB (default 200).

use std::error::Error;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use quick_xml::events::Event;
use quick_xml::Reader;

type Res<T> = Result<T, Box<dyn Error>>;

const CHILD: &str = "ZILV_BENCH_CHILD";

fn main() -> Res<()> {
    if let Ok(path) = std::env::var(CHILD) {
        return child(Path::new(&path));
    }
    let large_mb: u64 = std::env::var("ZILV_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir()?;
    let small = dir.path().join("small.nessus");
    let large = dir.path().join("large.nessus");
    let t = Instant::now();
    let small_bytes = generate(&small, large_mb * 1024 * 1024 / 10)?;
    let large_bytes = generate(&large, large_mb * 1024 * 1024)?;
    println!(
        "generated {:.1} MB and {:.1} MB Nessus reports in {:.1} s",
        mb(small_bytes),
        mb(large_bytes),
        t.elapsed().as_secs_f64()
    );

    let mut base = f64::MAX;
    let mut parse = f64::MAX;
    let mut events = 0;
    let mut findings = 0;
    for _ in 0..2 {
        let t = Instant::now();
        events = tokenize(&large)?;
        base = base.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        findings = parse_count(&large)?;
        parse = parse.min(t.elapsed().as_secs_f64());
    }
    let (base_rate, parse_rate) = (mb(large_bytes) / base, mb(large_bytes) / parse);
    println!("baseline  quick-xml tokenizer only: {base_rate:8.1} MB/s ({events} events)");
    println!("zilv-scans parse to findings:       {parse_rate:8.1} MB/s ({findings} findings)");
    println!(
        "throughput ratio parse/baseline:    {:8.2}",
        parse_rate / base_rate
    );

    let peak_small = peak_kib(&small)?;
    let peak_large = peak_kib(&large)?;
    println!(
        "peak memory (VmHWM) {:.1} MB file: {:.1} MB; {:.1} MB file: {:.1} MB",
        mb(small_bytes),
        peak_small as f64 / 1024.0,
        mb(large_bytes),
        peak_large as f64 / 1024.0
    );
    println!(
        "peak memory ratio large/small (input {:.0}x): {:.2}",
        large_bytes as f64 / small_bytes as f64,
        peak_large as f64 / peak_small as f64
    );
    Ok(())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// Writes a Nessus v2 report of about `target` bytes: hosts of 200 items
/// each, with the elements a real report item carries.
fn generate(path: &PathBuf, target: u64) -> Res<u64> {
    let mut w = Out {
        w: BufWriter::new(File::create(path)?),
        written: 0,
    };
    w.put("<?xml version=\"1.0\" ?>\n<NessusClientData_v2>\n<Policy><policyName>bench</policyName></Policy>\n<Report name=\"bench\">\n")?;
    let mut host = 0u32;
    while w.written < target {
        host += 1;
        w.put(&format!(
            "<ReportHost name=\"host{host}.example.tw\"><HostProperties>\n<tag name=\"host-ip\">10.{}.{}.{}</tag>\n<tag name=\"HOST_START\">Mon Jul  1 11:33:11 2013</tag>\n</HostProperties>\n",
            host >> 16 & 255, host >> 8 & 255, host & 255
        ))?;
        for i in 0..200u32 {
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
                80 + i % 20, i % 5
            ))?;
        }
        w.put("</ReportHost>\n")?;
    }
    w.put("</Report>\n</NessusClientData_v2>\n")?;
    w.w.flush()?;
    Ok(w.written)
}

/// A file being written, and how many bytes so far.
struct Out {
    w: BufWriter<File>,
    written: u64,
}

impl Out {
    fn put(&mut self, s: &str) -> Res<()> {
        self.w.write_all(s.as_bytes())?;
        self.written += s.len() as u64;
        Ok(())
    }
}

/// The baseline: every event of the file through quick-xml, nothing kept.
fn tokenize(path: &Path) -> Res<u64> {
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, File::open(path)?));
    reader.config_mut().trim_text(true);
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut n = 0u64;
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf)? {
            Event::Eof => return Ok(n),
            _ => n += 1,
        }
    }
}

fn parse_count(path: &Path) -> Res<u64> {
    let mut n = 0u64;
    let mut sev = 0u64;
    zilv_scans::parse_path(path, None, |f| {
        n += 1;
        sev += f.severity as u64;
        Ok::<(), std::convert::Infallible>(())
    })?;
    std::hint::black_box(sev);
    Ok(n)
}

/// Peak resident memory of a child process that parses `path`, in KiB.
fn peak_kib(path: &Path) -> Res<u64> {
    let out = Command::new(std::env::current_exe()?)
        .env(CHILD, path)
        .output()?;
    if !out.status.success() {
        return Err(format!("child failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let text = String::from_utf8(out.stdout)?;
    Ok(text.trim().parse()?)
}

fn child(path: &Path) -> Res<()> {
    let n = parse_count(path)?;
    std::hint::black_box(n);
    let status = std::fs::read_to_string("/proc/self/status")?;
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .ok_or("no VmHWM in /proc/self/status")?;
    println!("{hwm}");
    Ok(())
}
