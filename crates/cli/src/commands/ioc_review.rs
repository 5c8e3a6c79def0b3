//! `zilv ioc review`: the indicator matcher over an assessment's logs,
//! recorded as a review of its EVAL-4.1.2.3 item with a finding per
//! indicator and internal host.
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use chrono::DateTime;
use clap::Args;
use zilv_services::ioc_reviews::{self, ReviewFile, ReviewOptions, ReviewReport};

use super::ioc::{log_progress, parse_formats};
use super::print_json;
use crate::args::Cli;
use crate::{env, table};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The assessment (its code) whose EVAL-4.1.2.3 item the review belongs to.
    #[arg(long, value_name = "CODE")]
    pub assessment: String,
    /// The organisation, when the installation has several.
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    /// The system the findings are recorded against (default: the first
    /// system in the assessment's scope).
    #[arg(long, value_name = "CODE")]
    pub system: Option<String>,
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
    /// Judge indicator validity at this time (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Worker threads (default: every core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print the recorded review as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Log files to review.
    #[arg(value_name = "LOG", required = true)]
    pub logs: Vec<PathBuf>,
}

pub async fn run(cli: &Cli, a: &ReviewArgs) -> Result<ExitCode> {
    let valid_at = a
        .now
        .as_deref()
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|t| t.to_utc())
                .map_err(|e| anyhow!("--now {t:?} is not an RFC 3339 time: {e}"))
        })
        .transpose()?;
    let (indicator_format, log_format) = parse_formats(
        a.indicator_format.as_deref(),
        a.log_format.as_deref(),
        a.log_columns.as_deref(),
    )?;
    let (store, _) = env::open(cli, false).await?;
    let ctx = env::ctx(cli)?;
    let bar = log_progress(&a.logs);
    let progress_bar = bar.clone();
    let opts = ReviewOptions {
        org: a.org.clone(),
        system: a.system.clone(),
        indicator_format,
        log_format,
        threads: a.threads.unwrap_or(0),
        valid_at,
        progress: Some(Arc::new(move |n| progress_bar.inc(n))),
        ..ReviewOptions::default()
    };
    let indicators: Vec<ReviewFile> = a.indicators.iter().map(ReviewFile::at).collect();
    let logs: Vec<ReviewFile> = a.logs.iter().map(ReviewFile::at).collect();
    let report = ioc_reviews::review(&store, &ctx, &a.assessment, &indicators, &logs, &opts).await;
    bar.finish_and_clear();
    store.close().await;
    let report = report?;
    if a.json {
        print_json(&report)?;
    } else {
        print!("{}", human(&report));
    }
    Ok(ExitCode::SUCCESS)
}

/// How many aggregate rows the text output shows.
const SHOWN: usize = 20;

fn human(r: &ReviewReport) -> String {
    let v = &r.review;
    let s = &v.summary;
    let n = |k: &str| s[k].as_u64().unwrap_or(0);
    let ind = |k: &str| s["indicators"][k].as_u64().unwrap_or(0);
    let mut out = format!(
        "review {} of assessment {} ({}), findings on system {}\n",
        v.id, v.assessment, v.item, v.system
    );
    out.push_str(&format!(
        "indicators: {} loaded, {} expired, {} rejected\n",
        ind("loaded"),
        ind("expired"),
        ind("rejected")
    ));
    out.push_str(&format!(
        "logs: {} records read, {} malformed; hits: {} ({} indicator/host pairs)\n",
        n("records"),
        n("malformed"),
        n("hits"),
        n("pairs")
    ));
    out.push_str(&format!(
        "findings: {} new, {} already recorded\n",
        v.findings_created, v.findings_existing
    ));
    let mut aggs: Vec<_> = r.aggregates.iter().collect();
    aggs.sort_by_key(|x| std::cmp::Reverse(x.count));
    let rows: Vec<Vec<String>> = aggs
        .iter()
        .take(SHOWN)
        .map(|x| {
            vec![
                x.indicator.clone(),
                x.kind.clone(),
                x.internal_host.clone().unwrap_or_default(),
                x.count.to_string(),
                x.first_seen.clone().unwrap_or_default(),
                x.last_seen.clone().unwrap_or_default(),
                x.finding_id.map(|i| i.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push_str(&table::render(
            &[
                "INDICATOR",
                "KIND",
                "HOST",
                "HITS",
                "FIRST SEEN",
                "LAST SEEN",
                "FINDING",
            ],
            &rows,
        ));
    }
    if aggs.len() > SHOWN {
        out.push_str(&format!("… and {} more pairs\n", aggs.len() - SHOWN));
    }
    out
}
