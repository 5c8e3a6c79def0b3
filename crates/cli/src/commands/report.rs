//! `zilv report`: the EVAL-8 assessment report — render a draft, finalise,
//! download, list, legal hold, delete after the retention, verify.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Subcommand, ValueEnum};
use zilv_catalog::Lang;
use zilv_services::reports::{self, Kit, ReportFormat, ReportView};

use super::print_json;
use crate::args::{Cli, Json, LangArg, OrgArg};
use crate::{env, table};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Pdf,
    Html,
    Xlsx,
}

impl FormatArg {
    fn format(self) -> ReportFormat {
        match self {
            FormatArg::Pdf => ReportFormat::Pdf,
            FormatArg::Html => ReportFormat::Html,
            FormatArg::Xlsx => ReportFormat::Xlsx,
        }
    }
}

fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::ZhTw => Lang::ZhTw,
        LangArg::En => Lang::En,
    }
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Render the report of a completed assessment to a file (a draft: nothing is stored).
    Render {
        #[command(flatten)]
        org: OrgArg,
        /// Code of the assessment.
        #[arg(long)]
        assessment: String,
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(long, value_enum, default_value = "zh-TW")]
        lang: LangArg,
        /// The file to write.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Finalise the report: refused, listing what is missing, unless complete
    /// (EVAL-8); then PDF, HTML and XLSX are stored unchangeable for the
    /// retention period and sent to the internal audit unit.
    Finalize {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        assessment: String,
        /// Language of the PDF and HTML.
        #[arg(long, value_enum, default_value = "zh-TW")]
        lang: LangArg,
        #[command(flatten)]
        json: Json,
    },
    /// Write the stored bytes of a finalised report, exactly as finalised.
    Download {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        assessment: String,
        #[arg(long, value_enum)]
        format: FormatArg,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// The finalised reports, with their findings still outstanding (the
    /// internal audit unit's follow-up list).
    List {
        #[command(flatten)]
        org: OrgArg,
        #[command(flatten)]
        json: Json,
    },
    /// Delete a finalised report's files: refused before its retention ends
    /// or under a legal hold; afterwards recorded in the audit trail.
    Delete {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        assessment: String,
        #[command(flatten)]
        json: Json,
    },
    /// Place a legal hold on a finalised report: no deletion until released
    /// (or until --until).
    Hold {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        assessment: String,
        #[arg(long)]
        reason: String,
        /// Last day of the hold (YYYY-MM-DD); none: until released.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        #[command(flatten)]
        json: Json,
    },
    /// Release the legal hold of a finalised report.
    Release {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        assessment: String,
        #[command(flatten)]
        json: Json,
    },
    /// Export a completed assessment as an OSCAL 1.1 document: the
    /// assessment results, or the POA&M of its open findings.
    Oscal {
        #[command(flatten)]
        org: OrgArg,
        #[arg(long)]
        assessment: String,
        #[arg(long, value_enum)]
        kind: OscalArg,
        #[arg(long, value_enum, default_value = "zh-TW")]
        lang: LangArg,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Re-hash every stored report; exit 0 when all match, 1 naming each that does not.
    Verify(Json),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OscalArg {
    /// OSCAL assessment-results.
    Results,
    /// OSCAL plan of action and milestones of the open findings.
    Poam,
}

fn print_view(v: &ReportView) {
    let r = &v.report;
    println!(
        "report of assessment {} {} ({}), finalised {} by {}, kept until {}{}{}",
        r.assessment,
        r.assessment_title,
        r.language,
        r.finalised_on,
        r.finalised_by,
        r.retention_until,
        if r.legal_hold {
            format!(
                ", legal hold{}: {}",
                r.legal_hold_until
                    .map(|u| format!(" until {u}"))
                    .unwrap_or_default(),
                r.legal_hold_reason.as_deref().unwrap_or_default()
            )
        } else {
            String::new()
        },
        match &r.deleted_at {
            Some(at) => format!(
                ", deleted at {at} by {}",
                r.deleted_by.as_deref().unwrap_or_default()
            ),
            None => String::new(),
        }
    );
    println!(
        "sent to internal audit {}; findings {} ({} outstanding)",
        r.sent_to_audit_at, v.findings, v.findings_outstanding
    );
    for f in &v.files {
        println!("  {:<5} {:>9} bytes  sha256 {}", f.format, f.size, f.sha256);
    }
}

fn show(v: &ReportView, json: bool) -> Result<ExitCode> {
    if json {
        print_json(v)?;
    } else {
        print_view(v);
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it,
/// renamed over it once complete.
fn write(path: &PathBuf, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let fail = || format!("cannot write -o {}", path.display());
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(fail)?;
    tmp.write_all(bytes).with_context(fail)?;
    tmp.as_file().sync_all().with_context(fail)?;
    tmp.persist(path).map_err(|e| e.error).with_context(fail)?;
    Ok(())
}

pub async fn run(cli: &Cli, cmd: &ReportCmd) -> Result<ExitCode> {
    // A configured font must load before anything else happens; the
    // default is loaded only by the commands that render.
    let configured = match cli.report_font {
        Some(_) => Some(env::report_font(cli)?),
        None => None,
    };
    let needs_font = matches!(cmd, ReportCmd::Render { .. } | ReportCmd::Finalize { .. });
    let font = match configured {
        Some(f) => Some(f),
        None if needs_font => Some(env::report_font(cli)?),
        None => None,
    };
    let reg = env::registry(cli)?;
    let catalog = env::catalog(&reg, None)?;
    let ctx = env::ctx(cli)?;
    let (store, _) = env::open(cli, false).await?;
    let result = run_with(cmd, &store, &ctx, catalog, font.as_ref()).await;
    store.close().await;
    result
}

async fn run_with(
    cmd: &ReportCmd,
    store: &zilv_store::Store,
    ctx: &zilv_services::Ctx,
    catalog: &zilv_catalog::Catalog,
    font: Option<&zilv_report::ReportFont>,
) -> Result<ExitCode> {
    let kit = || -> Result<Kit<'_>> {
        let font = font.ok_or_else(|| anyhow::anyhow!("no report font loaded"))?;
        Ok(Kit { catalog, font })
    };
    match cmd {
        ReportCmd::Render {
            org,
            assessment,
            format,
            lang: l,
            output,
        } => {
            let r = reports::render(
                store,
                ctx,
                kit()?,
                org.org.as_deref(),
                assessment,
                format.format(),
                lang(*l),
            )
            .await?;
            write(output, &r.bytes)?;
            println!(
                "draft report of assessment {assessment} written to {} ({} bytes)",
                output.display(),
                r.bytes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::Finalize {
            org,
            assessment,
            lang: l,
            json,
        } => {
            let v = reports::finalize(store, ctx, kit()?, org.org.as_deref(), assessment, lang(*l))
                .await?;
            show(&v, json.json)
        }
        ReportCmd::Oscal {
            org,
            assessment,
            kind,
            lang: l,
            output,
        } => {
            let kind = match kind {
                OscalArg::Results => reports::OscalKind::AssessmentResults,
                OscalArg::Poam => reports::OscalKind::Poam,
            };
            let d = reports::oscal(
                store,
                ctx,
                catalog,
                org.org.as_deref(),
                assessment,
                kind,
                lang(*l),
            )
            .await?;
            write(output, &d.bytes)?;
            println!(
                "OSCAL {} of assessment {assessment} written to {} ({} bytes)",
                kind.file_name(),
                output.display(),
                d.bytes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::Download {
            org,
            assessment,
            format,
            output,
        } => {
            let r = reports::download(store, ctx, org.org.as_deref(), assessment, format.format())
                .await?;
            write(output, &r.bytes)?;
            println!(
                "finalised report of assessment {assessment} written to {} ({} bytes)",
                output.display(),
                r.bytes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::List { org, json } => {
            let list = reports::list(store, ctx, org.org.as_deref()).await?;
            if json.json {
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|v| {
                        let r = &v.report;
                        vec![
                            r.assessment.clone(),
                            r.finalised_on.to_string(),
                            r.retention_until.to_string(),
                            if r.deleted_at.is_some() {
                                "deleted".into()
                            } else if r.legal_hold {
                                "legal hold".into()
                            } else {
                                "kept".into()
                            },
                            format!("{}/{}", v.findings_outstanding, v.findings),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(
                        &[
                            "ASSESSMENT",
                            "FINALISED",
                            "KEPT UNTIL",
                            "STATE",
                            "OUTSTANDING"
                        ],
                        &rows
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::Delete {
            org,
            assessment,
            json,
        } => {
            let v = reports::delete(store, ctx, org.org.as_deref(), assessment).await?;
            show(&v, json.json)
        }
        ReportCmd::Hold {
            org,
            assessment,
            reason,
            until,
            json,
        } => {
            let v = reports::set_legal_hold(
                store,
                ctx,
                org.org.as_deref(),
                assessment,
                reason,
                until.as_deref(),
            )
            .await?;
            show(&v, json.json)
        }
        ReportCmd::Release {
            org,
            assessment,
            json,
        } => {
            let v = reports::release_legal_hold(store, ctx, org.org.as_deref(), assessment).await?;
            show(&v, json.json)
        }
        ReportCmd::Verify(j) => {
            let v = reports::verify(store).await?;
            if j.json {
                print_json(&v)?;
            }
            if v.mismatches.is_empty() {
                if !j.json {
                    println!("reports intact: {} stored files verified", v.checked);
                }
                return Ok(ExitCode::SUCCESS);
            }
            for m in &v.mismatches {
                eprintln!(
                    "zilv: error: report of assessment {} ({}), {}: SHA-256 {} ({} bytes), recorded {} ({} bytes)",
                    m.assessment,
                    m.org,
                    m.format,
                    m.actual_sha256,
                    m.actual_size,
                    m.recorded_sha256,
                    m.recorded_size
                );
            }
            Ok(ExitCode::FAILURE)
        }
    }
}
