//! `zilv finding`, `zilv drill`, `zilv dashboard`: findings and their
//! remediation (EVAL-8), drills (EVAL-6) and what is overdue.
use std::io::Write;
use std::process::ExitCode;

use anyhow::{anyhow, Context as _, Result};
use zilv_domain::RemediationPolicy;
use zilv_services::dashboard;
use zilv_services::drills::{self, DrillInput};
use zilv_services::findings::{self, FindingInput, FindingView, ListQuery, TransitionInput};

use super::plans::upload;
use super::print_json;
use crate::args::{Cli, OrgArg};
use crate::lifecycle_args::{DashboardArgs, DrillCmd, FindingCmd, FindingFilter};
use crate::{env, table};

fn query(org: &OrgArg, f: &FindingFilter, limit: Option<i64>, offset: Option<i64>) -> ListQuery {
    ListQuery {
        org: org.org.clone(),
        status: f.status.clone(),
        severity: f.severity.clone(),
        system: f.system.clone(),
        assessment: f.assessment.clone(),
        overdue: f.overdue,
        limit,
        offset,
    }
}

fn print_finding(v: &FindingView) {
    let f = &v.finding;
    println!(
        "finding {} [{}] {} — {} on {}, due {}{}",
        f.id,
        f.severity.as_str(),
        f.title,
        f.status,
        f.system,
        f.due_on.map_or("-".into(), |d| d.to_string()),
        if v.overdue { " (OVERDUE)" } else { "" }
    );
    for c in &v.history {
        println!(
            "  {} {} {} -> {} {}",
            c.at,
            c.actor,
            c.from.map_or("-", |s| s.as_str()),
            c.to,
            c.note
        );
    }
}

pub async fn finding(cli: &Cli, cmd: &FindingCmd) -> Result<ExitCode> {
    let ctx = env::ctx(cli)?;
    let (store, _) = env::open(cli, false).await?;
    let policy = RemediationPolicy::default();
    let (v, json) = match cmd {
        FindingCmd::Add {
            org,
            system,
            assessment,
            asset,
            title,
            severity,
            category,
            risk,
            recommendation,
            owner,
            found_on,
            due_on,
            json,
        } => {
            let input = FindingInput {
                org: org.org.clone(),
                assessment: assessment.clone(),
                system: system.clone(),
                asset: asset.clone(),
                title: title.clone(),
                severity: severity.clone(),
                category: category.clone(),
                risk_description: risk.clone(),
                recommendation: recommendation.clone(),
                source: None,
                fingerprint: None,
                owner: owner.clone(),
                found_on: found_on.clone(),
                due_on: due_on.clone(),
            };
            (findings::add(&store, &ctx, &policy, &input).await?, json)
        }
        FindingCmd::Show { id, org, json } => (
            findings::show(&store, &ctx, org.org.as_deref(), *id).await?,
            json,
        ),
        FindingCmd::Transition {
            id,
            org,
            action,
            reason,
            approver,
            until,
            note,
            evidence,
            json,
        } => {
            let input = TransitionInput {
                org: org.org.clone(),
                id: *id,
                action: action.clone(),
                reason: reason.clone(),
                approver: approver.clone(),
                accepted_until: until.clone(),
                note: note.clone(),
                evidence: evidence.as_deref().map(upload).transpose()?,
            };
            (
                findings::transition_finding(&store, &ctx, &policy, &input).await?,
                json,
            )
        }
        FindingCmd::List {
            org,
            filter,
            limit,
            offset,
            json,
        } => {
            let page = findings::list(
                &store,
                &ctx,
                &query(org, filter, Some(*limit), Some(*offset)),
            )
            .await?;
            if json.json {
                print_json(&page)?;
            } else {
                let rows: Vec<Vec<String>> = page
                    .findings
                    .iter()
                    .map(|r| {
                        let f = &r.finding;
                        vec![
                            f.id.to_string(),
                            f.severity.as_str().into(),
                            f.status.as_str().into(),
                            f.system.clone(),
                            f.due_on.map_or("-".into(), |d| {
                                if r.overdue {
                                    format!("{d} OVERDUE")
                                } else {
                                    d.to_string()
                                }
                            }),
                            f.title.clone(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(
                        &["ID", "SEVERITY", "STATUS", "SYSTEM", "DUE", "TITLE"],
                        &rows
                    )
                );
                println!(
                    "{} to {} of {}",
                    (page.offset + 1).min(page.total),
                    page.offset + i64::try_from(page.findings.len()).unwrap_or(0),
                    page.total
                );
            }
            store.close().await;
            return Ok(ExitCode::SUCCESS);
        }
        FindingCmd::Export {
            org,
            filter,
            format,
            output,
        } => {
            if format == "xlsx" && output.is_none() {
                store.close().await;
                return Err(anyhow!("--format xlsx: name the file with --output"));
            }
            let rows = findings::export_rows(&store, &ctx, &query(org, filter, None, None)).await?;
            let bytes = if format == "xlsx" {
                findings::to_xlsx(&findings::CSV_HEADER, &rows)?
            } else {
                findings::to_csv(&findings::CSV_HEADER, &rows).into_bytes()
            };
            match output {
                Some(path) => std::fs::write(path, bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => std::io::stdout().write_all(&bytes)?,
            }
            store.close().await;
            return Ok(ExitCode::SUCCESS);
        }
    };
    if json.json {
        print_json(&v)?;
    } else {
        print_finding(&v);
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn drill(cli: &Cli, cmd: &DrillCmd) -> Result<ExitCode> {
    let ctx = env::ctx(cli)?;
    let (store, _) = env::open(cli, false).await?;
    match cmd {
        DrillCmd::Add {
            org,
            held_on,
            population,
            sent,
            opened,
            clicked,
            submitted,
            reported,
            material,
            json,
        } => {
            let input = DrillInput {
                org: org.org.clone(),
                held_on: held_on.clone(),
                population: *population,
                sent: *sent,
                opened: *opened,
                clicked: *clicked,
                submitted: *submitted,
                reported: *reported,
                material: material.clone(),
            };
            let d = drills::add(&store, &ctx, &input).await?;
            if json.json {
                print_json(&d)?;
            } else {
                println!(
                    "recorded drill {} of {}: {} sent, {} clicked, {} reported",
                    d.id, d.held_on, d.sent, d.clicked, d.reported
                );
            }
        }
        DrillCmd::List { org, json } => {
            let list = drills::list(&store, &ctx, org.org.as_deref()).await?;
            if json.json {
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .drills
                    .iter()
                    .map(|d| {
                        vec![
                            d.held_on.to_string(),
                            d.population.to_string(),
                            d.sent.to_string(),
                            d.opened.to_string(),
                            d.clicked.to_string(),
                            d.submitted.to_string(),
                            d.reported.to_string(),
                            d.material.clone(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(
                        &[
                            "HELD ON",
                            "POPULATION",
                            "SENT",
                            "OPENED",
                            "CLICKED",
                            "SUBMITTED",
                            "REPORTED",
                            "MATERIAL"
                        ],
                        &rows
                    )
                );
                if !list.drill_this_year {
                    println!("warning: no drill recorded this year (EVAL-6)");
                }
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn dashboard(cli: &Cli, args: &DashboardArgs) -> Result<ExitCode> {
    let reg = env::registry(cli)?;
    let params = reg.latest()?.params;
    let ctx = env::ctx(cli)?;
    let (store, _) = env::open(cli, false).await?;
    let org = args.org.org.as_deref();
    if args.deadlines {
        let list = dashboard::deadlines(&store, &ctx, &params, org).await?;
        if args.json.json {
            print_json(&list)?;
        } else {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|d| {
                    vec![
                        d.date.to_string(),
                        d.kind.into(),
                        d.title.clone(),
                        d.url_path.clone(),
                    ]
                })
                .collect();
            print!(
                "{}",
                table::render(&["DATE", "KIND", "TITLE", "PATH"], &rows)
            );
        }
    } else {
        let d = dashboard::summary(&store, &ctx, &params, org).await?;
        if args.json.json {
            print_json(&d)?;
        } else {
            println!("{} on {}", d.org, d.today);
            println!("overdue findings: {}", d.overdue_findings);
            for (status, n) in &d.findings_by_status {
                println!("  {status}: {n}");
            }
            println!(
                "drill this year: {}",
                if d.drill_this_year {
                    "yes"
                } else {
                    "NO (EVAL-6)"
                }
            );
            println!(
                "plan review due {} ({})",
                d.plan_review_due.on,
                d.plan_review_status.as_str()
            );
            if !d.systems_missing_from_plan.is_empty() {
                println!(
                    "systems missing from the plan (EVAL-2.1): {}",
                    d.systems_missing_from_plan.join(", ")
                );
            }
            for s in &d.systems_overdue {
                println!(
                    "OVERDUE assessment: {} due {} ({})",
                    s.system,
                    s.due.on,
                    s.due.basis.clause()
                );
            }
            for s in &d.systems_due_soon {
                println!(
                    "due soon: {} due {} ({})",
                    s.system,
                    s.due.on,
                    s.due.basis.clause()
                );
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
