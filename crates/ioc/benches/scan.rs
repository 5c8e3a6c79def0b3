//! Throughput of the matcher on a large Zeek dns.log against ~100k
//! indicators, compared in the same run with the baseline an assessor
//! would reach for: `grep -F -f indicators.txt` over the same file, and
//! `zgrep -F -f` over the same log gzip-compressed.
//!
//! The log is the shared sample replicated to `ZILV_IOC_BENCH_MB` MiB
//! (default 1024) in a temporary directory; its gzip twin is made of
//! concatenated gzip members (one per replica), which both sides read. Each side runs as its own
//! process so that its peak RSS (VmHWM) can be read the same way.
//! Run: `cargo bench -p zilv-ioc --bench scan`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/samples/zeek/dns.log.gz"
);
const CHILD: &str = "ZILV_IOC_BENCH_CHILD";

fn main() {
    if let Ok(args) = std::env::var(CHILD) {
        child(&args);
        return;
    }
    // `cargo bench` passes `--bench`; anything else (a test run) is a no-op.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let mb: u64 = std::env::var("ZILV_IOC_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dns.log");
    let indicators = dir.path().join("indicators.txt");

    let t = Instant::now();
    let (bytes, lines) = build_log(&log, mb << 20);
    let gz = dir.path().join("dns.log.gz");
    let gz_bytes = build_gz(&gz, mb << 20);
    let n = build_indicators(&indicators);
    println!(
        "setup: {:.0} MiB ({:.0} MiB gzip), {lines} lines, {n} indicators in {:.1}s",
        bytes as f64 / 1048576.0,
        gz_bytes as f64 / 1048576.0,
        t.elapsed().as_secs_f64()
    );

    // Warm the page cache so neither side pays for the first read.
    let mut sink = Vec::new();
    std::fs::File::open(&log)
        .unwrap()
        .take(u64::MAX)
        .read_to_end(&mut sink)
        .unwrap();
    drop(sink);

    let exe = std::env::current_exe().unwrap();
    let zilv_on = |file: &Path| {
        measure(Command::new(&exe).env(
            CHILD,
            format!("{}\t{}", indicators.display(), file.display()),
        ))
    };
    let grep = measure(
        Command::new("grep")
            .env("LC_ALL", "C")
            .args(["-F", "-c", "-f"])
            .arg(&indicators)
            .arg(&log),
    );
    let zilv = zilv_on(&log);
    report("plain", bytes, &grep, "grep -F -f", &zilv);
    let zgrep = measure(
        Command::new("zgrep")
            .env("LC_ALL", "C")
            .args(["-F", "-c", "-f"])
            .arg(&indicators)
            .arg(&gz),
    );
    let zilv_gz = zilv_on(&gz);
    report("gzip", bytes, &zgrep, "zgrep -F -f", &zilv_gz);
}

type Measured = (Duration, u64, String);

fn report(what: &str, bytes: u64, base: &Measured, base_name: &str, zilv: &Measured) {
    let mib = |kb: u64| kb as f64 / 1024.0;
    let rate = |d: Duration| bytes as f64 / 1048576.0 / d.as_secs_f64();
    println!("[{what}]");
    println!(
        "  {base_name:<12}: {:>7.2}s {:>7.0} MiB/s  peak RSS {:>7.1} MiB  matching lines {}",
        base.0.as_secs_f64(),
        rate(base.0),
        mib(base.1),
        base.2.trim()
    );
    println!(
        "  {:<12}: {:>7.2}s {:>7.0} MiB/s  peak RSS {:>7.1} MiB  {}",
        "zilv ioc",
        zilv.0.as_secs_f64(),
        rate(zilv.0),
        mib(zilv.1),
        zilv.2.trim()
    );
    println!(
        "  ratio zilv/{}: time {:.2}, peak RSS {:.2}",
        base_name.split(' ').next().unwrap_or(base_name),
        zilv.0.as_secs_f64() / base.0.as_secs_f64(),
        zilv.1 as f64 / base.1.max(1) as f64
    );
}

/// Runs `cmd`, polling the VmHWM of it and of its descendants (zgrep is a
/// script running gzip and grep); returns wall time, the sum of their
/// peaks in KiB and its standard output.
fn measure(cmd: &mut Command) -> Measured {
    let t = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
    let root = child.id();
    let mut peaks: HashMap<u32, u64> = HashMap::new();
    loop {
        for pid in tree(root) {
            if let Some(kb) = vm_hwm(pid) {
                let p = peaks.entry(pid).or_default();
                *p = (*p).max(kb);
            }
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = t.elapsed();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    (elapsed, peaks.values().sum(), out)
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `root` and every process below it.
fn tree(root: u32) -> Vec<u32> {
    let mut parent: Vec<(u32, u32)> = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // `pid (comm) state ppid …`; comm may hold spaces.
            if let Some(ppid) = stat
                .rsplit_once(')')
                .and_then(|(_, r)| r.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok())
            {
                parent.push((pid, ppid));
            }
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        out.extend(parent.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    out
}

/// The matcher side: load, scan, print the counts.
fn child(args: &str) {
    let (ind, log) = args.split_once('\t').unwrap();
    let set = zilv_ioc::load_indicators(&[PathBuf::from(ind)], None, chrono::Utc::now()).unwrap();
    let mut hits = 0u64;
    let out = zilv_ioc::scan(
        &[PathBuf::from(log)],
        &set,
        &Default::default(),
        &mut |_| {
            hits += 1;
            Ok(())
        },
    )
    .unwrap();
    println!(
        "records {} hits {hits} pairs {} indicators {}",
        out.summary.records,
        out.summary.pairs,
        set.len()
    );
}

fn sample_text() -> String {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(SAMPLE).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The sample's header, then its records again and again up to `target`
/// bytes.
fn build_log(path: &Path, target: u64) -> (u64, u64) {
    let text = sample_text();
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let per = body.lines().count() as u64;
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    w.write_all(header.as_bytes()).unwrap();
    let (mut bytes, mut lines) = (header.len() as u64, 0);
    while bytes < target {
        w.write_all(body.as_bytes()).unwrap();
        bytes += body.len() as u64;
        lines += per;
    }
    w.flush().unwrap();
    (bytes, lines)
}

/// The same log as concatenated gzip members: the header, then the body
/// compressed once and repeated; returns the compressed size.
fn build_gz(path: &Path, target: u64) -> u64 {
    let text = sample_text();
    let header: String = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let member = |s: &str| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(s.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let (h, b) = (member(&header), member(&body));
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    w.write_all(&h).unwrap();
    let (mut plain, mut written) = (header.len() as u64, h.len() as u64);
    while plain < target {
        w.write_all(&b).unwrap();
        plain += body.len() as u64;
        written += b.len() as u64;
    }
    w.flush().unwrap();
    written
}

/// ~100k domains (a few hundred taken from the log, the rest made up) and
/// ~2k address ranges and addresses, one a line.
fn build_indicators(path: &Path) -> usize {
    let text = sample_text();
    let mut real: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(9))
        .filter(|q| {
            q.contains('.')
                && q.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        })
        .map(|q| q.splitn(2, '.').last().unwrap_or(q).to_string())
        .filter(|q| q.contains('.'))
        .collect();
    real.sort();
    real.dedup();
    let mut out: Vec<String> = real.iter().step_by(3).cloned().collect();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let tlds = ["com", "net", "org", "info", "xyz", "top", "ru", "cn"];
    while out.len() < 100_000 {
        let r = next();
        out.push(format!(
            "c2-{:x}.bad{}.{}",
            r >> 20,
            r % 997,
            tlds[(r % 8) as usize]
        ));
    }
    for i in 0..2_000u64 {
        let r = next();
        let len = [16, 20, 24, 28, 32][(i % 5) as usize];
        let a = std::net::Ipv4Addr::from((r as u32) & (u32::MAX << (32 - len)));
        out.push(if len == 32 {
            a.to_string()
        } else {
            format!("{a}/{len}")
        });
    }
    out.push("134.71.3.0/24".into());
    out.push("172.217.11.78".into());
    std::fs::write(path, out.join("\n") + "\n").unwrap();
    out.len()
}
