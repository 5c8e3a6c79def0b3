//! Parse throughput and peak memory of the Nessus parser on generated
//! reports, against a Python baseline measured in the same run.
//!
//! 1. A report of `ZILV_BENCH_FINDINGS` findings (default 100,000) is parsed
//!    by zilv-scans and by `nessus_lxml.py` (lxml `iterparse`, the same
//!    fields); prints findings/s and MB/s of both and their ratio (target:
//!    zilv-scans at least 10× Python). The quick-xml tokenizer alone is
//!    timed too, as the ceiling of any quick-xml parser on one thread
//!    (zilv-scans parses Nessus report hosts on one worker thread per core:
//!    the cores and the load average are printed, since other work on a
//!    shared machine takes cores from it, not from the Python baseline).
//! 2. A report of `ZILV_BENCH_MEMORY_MB` MB (default 1024; 0 skips it) is
//!    parsed in a child process whose peak resident memory (VmHWM) is
//!    printed (target: under 300 MB), with that of a report ten times
//!    smaller: bounded memory means a ratio near 1.
//!
//! The Python baseline runs in a virtualenv with lxml: `ZILV_BENCH_PYTHON`
//! names its interpreter; otherwise `$ZILV_CACHE/bench-venv` (default
//! `~/.cache/zilv/bench-venv`) is created with `python3 -m venv` and lxml
//! installed with pip if missing.
//!
//! `cargo bench -p zilv-scans --bench throughput`.

use std::error::Error;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use quick_xml::events::Event;
use quick_xml::Reader;

mod generate;
use generate::{generate, Size};

/// The allocator of the `zilv` program, so that the parse is measured as
/// it runs there.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

type Res<T> = Result<T, Box<dyn Error>>;

const CHILD: &str = "ZILV_BENCH_CHILD";
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/nessus_lxml.py");
/// zilv-scans must parse at least this many times as fast as Python.
const PARSE_TARGET_RATIO: f64 = 10.0;
/// Peak memory must stay under this for a report of 1 GB.
const MEMORY_TARGET_MB: f64 = 300.0;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(default)
}

fn main() -> Res<()> {
    if let Ok(path) = std::env::var(CHILD) {
        return child(Path::new(&path));
    }
    let findings = env_u64("ZILV_BENCH_FINDINGS", 100_000);
    let memory_mb = env_u64("ZILV_BENCH_MEMORY_MB", 1024);
    let python = python()?;
    let dir = tempfile::tempdir()?;

    // 1. Throughput against the Python baseline.
    let path = dir.path().join("bench.nessus");
    let g = generate(&path, Size::Findings(findings))?;
    let size = mb(g.bytes);
    println!(
        "generated a {size:.1} MB Nessus report of {} findings",
        g.findings
    );
    let mut tok = f64::MAX;
    let mut rust = f64::MAX;
    let mut py = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        tokenize(&path)?;
        tok = tok.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let n = parse_count(&path)?;
        rust = rust.min(t.elapsed().as_secs_f64());
        check_count("zilv-scans", n, g.findings)?;
        let (n, s) = run_python(&python, &path)?;
        check_count("nessus_lxml.py", n, g.findings)?;
        py = py.min(s);
    }
    let n = g.findings as f64;
    println!(
        "(best of 3 runs each; {} cores; load average {})",
        std::thread::available_parallelism().map_or(1, usize::from),
        load_average()
    );
    println!(
        "quick-xml tokenizer only (ceiling):                    {:8.1} MB/s",
        size / tok
    );
    println!(
        "zilv-scans parse to findings:       {:9.0} findings/s {:8.1} MB/s",
        n / rust,
        size / rust
    );
    println!(
        "Python lxml iterparse (baseline):   {:9.0} findings/s {:8.1} MB/s",
        n / py,
        size / py
    );
    let ratio = py / rust;
    println!(
        "ratio zilv-scans/Python: {ratio:.1}x findings/s, {ratio:.1}x MB/s (target {PARSE_TARGET_RATIO:.0}x: {})",
        verdict(ratio >= PARSE_TARGET_RATIO)
    );

    // 2. Peak memory of a large report, against one ten times smaller.
    if memory_mb == 0 {
        println!("peak memory run skipped (ZILV_BENCH_MEMORY_MB=0)");
        return Ok(());
    }
    let small = dir.path().join("small.nessus");
    let large = dir.path().join("large.nessus");
    let t = Instant::now();
    let gs = generate(&small, Size::Bytes(memory_mb * 1024 * 1024 / 10))?;
    let gl = generate(&large, Size::Bytes(memory_mb * 1024 * 1024))?;
    println!(
        "generated {:.0} MB ({} findings) and {:.0} MB ({} findings) reports in {:.1} s",
        mb(gs.bytes),
        gs.findings,
        mb(gl.bytes),
        gl.findings,
        t.elapsed().as_secs_f64()
    );
    let (peak_small, _) = peak_kib(&small)?;
    let (peak_large, secs) = peak_kib(&large)?;
    let (peak_small, peak_large) = (peak_small as f64 / 1024.0, peak_large as f64 / 1024.0);
    println!(
        "peak memory (VmHWM) parsing {:.0} MB: {peak_small:.1} MB; parsing {:.0} MB: {peak_large:.1} MB in {secs:.1} s ({:.1} MB/s)",
        mb(gs.bytes),
        mb(gl.bytes),
        mb(gl.bytes) / secs
    );
    println!(
        "peak memory ratio large/small (input {:.0}x): {:.2}; {:.0} MB is {:.2} of the {MEMORY_TARGET_MB:.0} MB target ({})",
        gl.bytes as f64 / gs.bytes as f64,
        peak_large / peak_small,
        peak_large,
        peak_large / MEMORY_TARGET_MB,
        verdict(peak_large < MEMORY_TARGET_MB)
    );
    Ok(())
}

/// The 1-minute load average (Linux), or `?`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT MET"
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn check_count(who: &str, got: u64, want: u64) -> Res<()> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{who} read {got} findings, the report holds {want}").into())
    }
}

/// The Python interpreter with lxml: `ZILV_BENCH_PYTHON`, or the bench
/// virtualenv, created (with lxml installed) if missing.
fn python() -> Res<PathBuf> {
    if let Ok(p) = std::env::var("ZILV_BENCH_PYTHON") {
        let p = PathBuf::from(p);
        if !has_lxml(&p) {
            return Err(format!("ZILV_BENCH_PYTHON={}: cannot import lxml", p.display()).into());
        }
        return Ok(p);
    }
    let cache = match std::env::var_os("ZILV_CACHE") {
        Some(c) => PathBuf::from(c),
        None => {
            PathBuf::from(std::env::var_os("HOME").ok_or("HOME is not set")?).join(".cache/zilv")
        }
    };
    let venv = cache.join("bench-venv");
    let py = venv.join("bin/python");
    if has_lxml(&py) {
        return Ok(py);
    }
    println!(
        "setting up the Python baseline: python3 -m venv {0} && {0}/bin/pip install lxml",
        venv.display()
    );
    let ok = Command::new("python3")
        .arg("-m")
        .arg("venv")
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "lxml"])
            .status()
            .is_ok_and(|s| s.success());
    if !ok || !has_lxml(&py) {
        return Err(format!(
            "cannot set up the Python baseline in {}: `python3 -m venv` (Debian package \
             python3-venv) and `pip install lxml` (network access to PyPI) are needed; or set \
             ZILV_BENCH_PYTHON to a Python that has lxml",
            venv.display()
        )
        .into());
    }
    Ok(py)
}

fn has_lxml(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import lxml.etree"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Findings and parse seconds of the Python baseline on `path`.
fn run_python(python: &Path, path: &Path) -> Res<(u64, f64)> {
    let out = Command::new(python).arg(SCRIPT).arg(path).output()?;
    if !out.status.success() {
        return Err(format!("{SCRIPT} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let text = String::from_utf8(out.stdout)?;
    let field = |key: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .map(str::to_string)
            .ok_or_else(|| format!("{SCRIPT} printed no {key}: {text:?}"))
    };
    Ok((field("findings=")?.parse()?, field("seconds=")?.parse()?))
}

/// Every event of the file through quick-xml, nothing kept.
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

/// Peak resident memory (KiB) of a child process that parses `path`, and
/// the seconds it took.
fn peak_kib(path: &Path) -> Res<(u64, f64)> {
    let t = Instant::now();
    let out = Command::new(std::env::current_exe()?)
        .env(CHILD, path)
        .output()?;
    let secs = t.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!("child failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let text = String::from_utf8(out.stdout)?;
    Ok((text.trim().parse()?, secs))
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
