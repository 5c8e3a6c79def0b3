//! `zilv import`: scanner reports into a system's findings, with a progress
//! bar on a terminal and a summary per severity.
use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{anyhow, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zilv_domain::RemediationPolicy;
use zilv_services::imports::{self, ImportReport, ReportFile, ReportSource, Target};

use super::print_json;
use crate::args::{Cli, ImportArgs};
use crate::{env, table};

/// A byte progress bar on standard error when it is a terminal, hidden otherwise.
fn progress_bar(total: u64) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("reading");
    bar
}

/// The summary table: one row per severity and a total.
pub fn summary(report: &ImportReport) -> String {
    let header = [
        "SEVERITY",
        "SCANNED",
        "NEW",
        "UNCHANGED",
        "CLOSED",
        "REACTIVATED",
        "KEPT",
    ];
    let cells = |name: &str, c: &imports::Counts| {
        vec![
            name.to_string(),
            c.scanned.to_string(),
            c.new.to_string(),
            c.unchanged.to_string(),
            c.closed.to_string(),
            c.reactivated.to_string(),
            c.kept.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = report
        .by_severity
        .iter()
        .map(|s| cells(s.severity.as_str(), &s.counts))
        .collect();
    rows.push(cells("total", &report.total));
    table::render(&header, &rows)
}

pub async fn run(cli: &Cli, args: &ImportArgs) -> Result<ExitCode> {
    let ctx = env::ctx(cli)?;
    let (store, _) = env::open(cli, false).await?;
    let target = Target {
        org: args.org.org.clone(),
        system: args.system.clone(),
        assessment: args.assessment.clone(),
    };
    imports::authorize(&store, &ctx, &target).await?;
    let mut total = 0u64;
    let mut files = Vec::new();
    for path in &args.files {
        let meta =
            std::fs::metadata(path).map_err(|e| anyhow!("{}: cannot read: {e}", path.display()))?;
        total += meta.len();
        files.push(ReportFile {
            name: path.display().to_string(),
            source: ReportSource::Path(path.clone()),
        });
    }
    let bar = progress_bar(total);
    let reading = bar.clone();
    let format = args.format.clone();
    let scan = tokio::task::spawn_blocking(move || {
        imports::read_reports(&files, format.as_deref(), &mut |n| reading.inc(n))
    })
    .await
    .map_err(|e| anyhow!("reading the reports stopped: {e}"))?;
    let scan = match scan {
        Ok(s) => s,
        Err(e) => {
            bar.finish_and_clear();
            return Err(e.into());
        }
    };
    bar.set_message(if args.dry_run { "comparing" } else { "storing" });
    let report = imports::apply(
        &store,
        &ctx,
        &RemediationPolicy::default(),
        &target,
        scan,
        args.dry_run,
    )
    .await;
    bar.finish_and_clear();
    let report = report?;
    if args.json.json {
        print_json(&report)?;
    } else {
        for f in &report.files {
            println!(
                "{}: {} findings ({}), SHA-256 {}",
                f.name, f.findings, f.format, f.sha256
            );
        }
        if report.repeated > 0 {
            println!("{} repeated findings counted once", report.repeated);
        }
        let assessment = report
            .assessment
            .as_deref()
            .map(|a| format!(", assessment {a}"))
            .unwrap_or_default();
        println!(
            "{} into system {}{assessment} of {}:",
            if report.dry_run {
                "dry run, nothing changed; an import would bring"
            } else {
                "imported"
            },
            report.system,
            report.org
        );
        print!("{}", summary(&report));
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
