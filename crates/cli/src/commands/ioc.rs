//! `zilv ioc scan`: threat-intelligence indicators against DNS and
//! connection logs (EVAL-4.1.2.3), standalone: no database, no data
//! directory.
use std::fs::File;
use std::io::{BufWriter, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use zilv_ioc::output::AggregateView;
use zilv_ioc::{
    CsvColumns, HitWriter, IndicatorFormat, IndicatorSet, LogFormat, OutputFormat, ScanOptions,
    ScanOutcome,
};

use super::print_json;
use crate::args::Cli;
use crate::table;

#[derive(Debug, Subcommand)]
pub enum IocCmd {
    /// Match indicators (domains, addresses, ranges, URLs) against logs
    /// (Zeek, Suricata eve.json, BIND, CSV; gzip or plain).
    Scan(ScanArgs),
    /// Review an assessment's logs against indicators and record it
    /// (EVAL-4.1.2.3): the summary, and a finding per indicator and host.
    Review(super::ioc_review::ReviewArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum HitFormat {
    Jsonl,
    Csv,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// An indicator feed (repeat for several): plain list, hosts file, CSV,
    /// Zeek intel, MISP JSON or STIX 2.1 bundle.
    #[arg(long = "indicators", value_name = "FILE", required = true)]
    pub indicators: Vec<PathBuf>,
    /// Feed format instead of detection: plain, csv, csv:COLUMN, zeek-intel, misp, stix.
    #[arg(long, value_name = "F")]
    pub indicator_format: Option<String>,
    /// Log format instead of detection: zeek, zeek-json, eve, bind, csv.
    #[arg(long, value_name = "F")]
    pub log_format: Option<String>,
    /// CSV log columns: time=COL,source=COL,query=COL,address=COL,url=COL.
    #[arg(long, value_name = "MAP")]
    pub log_columns: Option<String>,
    /// Write every hit here (JSON Lines or CSV, per --format).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the hits aggregated per indicator and internal host here (JSON
    /// with --format jsonl, CSV with --format csv).
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Format of the --output and --summary files.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: HitFormat,
    /// Judge indicator validity at this time (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print the run summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Log files to scan.
    #[arg(value_name = "LOG", required = true)]
    pub logs: Vec<PathBuf>,
}

pub async fn run(cli: &Cli, cmd: &IocCmd) -> Result<ExitCode> {
    match cmd {
        IocCmd::Scan(a) => scan(a),
        IocCmd::Review(a) => super::ioc_review::run(cli, a).await,
    }
}

/// The feed and log formats given as options (`None`: detect per file).
pub(crate) fn parse_formats(
    indicator_format: Option<&str>,
    log_format: Option<&str>,
    log_columns: Option<&str>,
) -> Result<(Option<IndicatorFormat>, Option<LogFormat>)> {
    let ind_format: Option<IndicatorFormat> = indicator_format.map(str::parse).transpose()?;
    let mut log_format: Option<LogFormat> = log_format.map(str::parse).transpose()?;
    if let Some(spec) = log_columns {
        let cols = CsvColumns::parse(spec).map_err(|e| anyhow!("--log-columns: {e}"))?;
        match &log_format {
            None | Some(LogFormat::Csv(_)) => log_format = Some(LogFormat::Csv(cols)),
            Some(other) => return Err(anyhow!("--log-columns applies to CSV logs, not {other}")),
        }
    }
    Ok((ind_format, log_format))
}

fn scan(a: &ScanArgs) -> Result<ExitCode> {
    let now: DateTime<Utc> = match &a.now {
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map_err(|e| anyhow!("--now {t:?} is not an RFC 3339 time: {e}"))?
            .to_utc(),
        None => Utc::now(),
    };
    let (ind_format, log_format) = parse_formats(
        a.indicator_format.as_deref(),
        a.log_format.as_deref(),
        a.log_columns.as_deref(),
    )?;
    let set = zilv_ioc::load_indicators(&a.indicators, ind_format.as_ref(), now)?;
    let out_format = match a.format {
        HitFormat::Jsonl => OutputFormat::Json,
        HitFormat::Csv => OutputFormat::Csv,
    };

    let bar = log_progress(&a.logs);
    let progress_bar = bar.clone();
    let opts = ScanOptions {
        format: log_format,
        threads: a.threads.unwrap_or(0),
        progress: Some(Arc::new(move |n| progress_bar.inc(n))),
        batch_bytes: 0,
    };

    let mut hits_file = a.output.as_deref().map(Staged::create).transpose()?;
    let outcome = {
        let mut writer = hits_file
            .as_mut()
            .map(|s| HitWriter::new(BufWriter::new(s.file()), out_format))
            .transpose()?;
        let outcome = zilv_ioc::scan(&a.logs, &set, &opts, &mut |h| match writer.as_mut() {
            Some(w) => w.write(h),
            None => Ok(()),
        });
        bar.finish_and_clear();
        let outcome = outcome?;
        if let Some(w) = writer {
            w.finish()?;
        }
        outcome
    };
    if let Some(s) = hits_file {
        s.commit()?;
    }
    if let Some(path) = &a.summary {
        let staged = Staged::create(path)?;
        zilv_ioc::write_aggregates(
            BufWriter::new(staged.file()),
            out_format,
            &set,
            &outcome.aggregates,
        )?;
        staged.commit()?;
    }
    if a.json {
        // Standard output holds the JSON; what went wrong goes to standard
        // error so that it is seen.
        eprint!("{}", warnings(&outcome));
        let aggregates: Vec<AggregateView<'_>> = outcome
            .aggregates
            .iter()
            .map(|x| AggregateView::new(x, &set))
            .collect();
        print_json(&json!({"summary": outcome.summary, "aggregates": aggregates}))?;
    } else {
        print!("{}", human(&outcome, &set, a));
    }
    Ok(ExitCode::SUCCESS)
}

/// How many malformed records and rejected indicators are shown by place.
const SHOWN_PROBLEMS: usize = 5;

/// The rejected indicators and malformed log records, counted, with the
/// first few by file and line; empty when there are none.
fn warnings(o: &ScanOutcome) -> String {
    let s = &o.summary;
    let r = &s.indicators;
    let mut out = String::new();
    if r.rejected > 0 {
        out.push_str(&format!("warning: {} indicator(s) rejected\n", r.rejected));
        for why in r.rejections.iter().take(SHOWN_PROBLEMS) {
            out.push_str(&format!("  rejected {why}\n"));
        }
    }
    if s.malformed > 0 {
        out.push_str(&format!(
            "warning: {} malformed log record(s) skipped\n",
            s.malformed
        ));
        for why in s.malformed_examples.iter().take(SHOWN_PROBLEMS) {
            out.push_str(&format!("  malformed {why}\n"));
        }
    }
    out
}

/// How many aggregate rows the text summary shows.
const SHOWN: usize = 20;

fn human(o: &ScanOutcome, set: &IndicatorSet, a: &ScanArgs) -> String {
    let s = &o.summary;
    let r = &s.indicators;
    let mut out = format!(
        "indicators: {} loaded from {} file(s); {} expired, {} not yet valid, {} rejected, {} duplicate, {} ignored\n",
        r.loaded, r.files.len(), r.expired, r.not_yet_valid, r.rejected, r.duplicates, r.ignored
    );
    for why in r.rejections.iter().take(SHOWN_PROBLEMS) {
        out.push_str(&format!("  rejected {why}\n"));
    }
    out.push_str(&format!(
        "logs: {} file(s), {} records read, {} malformed, {} skipped\n",
        s.files.len(),
        s.records,
        s.malformed,
        s.skipped
    ));
    for why in s.malformed_examples.iter().take(SHOWN_PROBLEMS) {
        out.push_str(&format!("  malformed {why}\n"));
    }
    out.push_str(&format!(
        "hits: {} ({} indicator/host pairs)\n",
        s.hits, s.pairs
    ));
    if !o.aggregates.is_empty() {
        let mut aggs: Vec<&zilv_ioc::Aggregate> = o.aggregates.iter().collect();
        aggs.sort_by_key(|x| std::cmp::Reverse(x.count));
        let t = |x: Option<DateTime<Utc>>| {
            x.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default()
        };
        let rows: Vec<Vec<String>> = aggs
            .iter()
            .take(SHOWN)
            .map(|x| {
                let ind = set.get(x.indicator);
                vec![
                    ind.value.clone(),
                    ind.kind.to_string(),
                    x.internal_host.map(|h| h.to_string()).unwrap_or_default(),
                    x.count.to_string(),
                    t(x.first_seen),
                    t(x.last_seen),
                    ind.source.clone(),
                ]
            })
            .collect();
        out.push_str(&table::render(
            &[
                "INDICATOR",
                "KIND",
                "HOST",
                "HITS",
                "FIRST SEEN",
                "LAST SEEN",
                "SOURCE",
            ],
            &rows,
        ));
        if aggs.len() > SHOWN {
            out.push_str(&format!("… and {} more pairs\n", aggs.len() - SHOWN));
        }
    }
    if let Some(p) = &a.output {
        out.push_str(&format!("hits written to {}\n", p.display()));
    }
    if let Some(p) = &a.summary {
        out.push_str(&format!("aggregates written to {}\n", p.display()));
    }
    out
}

/// A file written beside its destination and renamed over it only when
/// complete, so a failed scan leaves no half-written result.
struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    file: File,
}

impl Staged {
    fn create(dest: &Path) -> Result<Staged> {
        let name = dest
            .file_name()
            .ok_or_else(|| anyhow!("{}: not a file name", dest.display()))?;
        let tmp = dest.with_file_name(format!(
            ".{}.{}.part",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::create(&tmp).with_context(|| format!("{}", dest.display()))?;
        Ok(Staged {
            tmp,
            dest: dest.to_path_buf(),
            file,
        })
    }

    fn file(&self) -> &File {
        &self.file
    }

    fn commit(self) -> Result<()> {
        self.file
            .sync_all()
            .with_context(|| format!("{}", self.dest.display()))?;
        std::fs::rename(&self.tmp, &self.dest).with_context(|| format!("{}", self.dest.display()))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // After a successful rename the temporary name no longer exists.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// A bar over the logs' total size on a terminal's standard error; hidden otherwise.
pub(crate) fn log_progress(logs: &[PathBuf]) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let total: u64 = logs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let bar = ProgressBar::new(total);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
    {
        bar.set_style(style);
    }
    bar
}
