//! `zilv assessment`: security assessments from creation to completion (EVAL-4).
use std::process::ExitCode;

use anyhow::{anyhow, Result};
use zilv_domain::AssessmentItem;
use zilv_services::assessments::{
    self, AssessmentInput, AssessmentView, DecisionInput, ResultInput,
};

use super::plans::upload;
use super::print_json;
use crate::args::Cli;
use crate::lifecycle_args::AssessmentCmd;
use crate::{env, table};

fn print_view(v: &AssessmentView) {
    println!(
        "assessment {} {} ({}), {} to {}, systems {}",
        v.assessment.code,
        v.assessment.title,
        v.assessment.status,
        v.assessment.period_start,
        v.assessment.period_end,
        v.systems.join(", ")
    );
    let team: Vec<String> = v
        .team
        .iter()
        .map(|m| format!("{} ({})", m.name, m.assessor_id))
        .collect();
    println!("team: {}", team.join(", "));
    let rows: Vec<Vec<String>> = v
        .items
        .iter()
        .map(|i| {
            vec![
                i.item.clause().to_string(),
                i.item.name().to_string(),
                if i.choice == "selected" {
                    "selected".into()
                } else {
                    format!("left out: {}", i.reason)
                },
                i.result.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    print!(
        "{}",
        table::render(&["ITEM", "NAME", "DECISION", "RESULT"], &rows)
    );
}

fn decisions(all: bool, select: &[String], leave_out: &[String]) -> Result<Vec<DecisionInput>> {
    let mut out = Vec::new();
    if all {
        out.extend(AssessmentItem::ALL.iter().map(|i| DecisionInput {
            item: i.clause().into(),
            selected: true,
            reason: String::new(),
        }));
    }
    out.extend(select.iter().map(|i| DecisionInput {
        item: i.clone(),
        selected: true,
        reason: String::new(),
    }));
    for l in leave_out {
        let (item, reason) = l
            .split_once('=')
            .ok_or_else(|| anyhow!("--leave-out {l:?}: expected ITEM=REASON"))?;
        out.retain(|d| !d.item.eq_ignore_ascii_case(item.trim()));
        out.push(DecisionInput {
            item: item.trim().into(),
            selected: false,
            reason: reason.into(),
        });
    }
    Ok(out)
}

pub async fn run(cli: &Cli, cmd: &AssessmentCmd) -> Result<ExitCode> {
    let ctx = env::ctx(cli)?;
    let (store, _) = env::open(cli, false).await?;
    let (v, json) = match cmd {
        AssessmentCmd::Create {
            org,
            code,
            title,
            systems,
            from,
            to,
            countermeasures,
            json,
        } => {
            let input = AssessmentInput {
                org: org.org.clone(),
                code: code.clone(),
                title: title.clone(),
                systems: systems.clone(),
                period_start: from.clone(),
                period_end: to.clone(),
                countermeasures: countermeasures.clone(),
            };
            (assessments::create(&store, &ctx, &input).await?, json)
        }
        AssessmentCmd::TeamAdd {
            code,
            org,
            assessor,
            declared_on,
            declaration,
            json,
        } => {
            let file = declaration.as_deref().map(upload).transpose()?;
            (
                assessments::add_member(
                    &store,
                    &ctx,
                    org.org.as_deref(),
                    code,
                    *assessor,
                    declared_on.as_deref(),
                    file.as_ref(),
                )
                .await?,
                json,
            )
        }
        AssessmentCmd::Items {
            code,
            org,
            all,
            select,
            leave_out,
            json,
        } => {
            let d = decisions(*all, select, leave_out)?;
            (
                assessments::set_items(&store, &ctx, org.org.as_deref(), code, &d).await?,
                json,
            )
        }
        AssessmentCmd::Start { code, org, json } => (
            assessments::start(&store, &ctx, org.org.as_deref(), code).await?,
            json,
        ),
        AssessmentCmd::Result {
            code,
            org,
            item,
            result,
            reason,
            notes,
            json,
        } => {
            let input = ResultInput {
                org: org.org.clone(),
                code: code.clone(),
                item: item.clone(),
                result: result.clone(),
                reason: reason.clone(),
                notes: notes.clone(),
            };
            (
                assessments::record_result(&store, &ctx, &input).await?,
                json,
            )
        }
        AssessmentCmd::Evidence {
            code,
            org,
            item,
            file,
            json,
        } => {
            let f = assessments::add_evidence(
                &store,
                &ctx,
                org.org.as_deref(),
                code,
                item,
                &upload(file)?,
            )
            .await?;
            if json.json {
                print_json(&f)?;
            } else {
                println!("linked {} ({}) to {item} of {code}", f.name, f.sha256);
            }
            store.close().await;
            return Ok(ExitCode::SUCCESS);
        }
        AssessmentCmd::Complete { code, org, json } => (
            assessments::complete(&store, &ctx, org.org.as_deref(), code).await?,
            json,
        ),
        AssessmentCmd::Show { code, org, json } => (
            assessments::show(&store, &ctx, org.org.as_deref(), code).await?,
            json,
        ),
        AssessmentCmd::List { org, json } => {
            let list = assessments::list(&store, &ctx, org.org.as_deref()).await?;
            if json.json {
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|a| {
                        vec![
                            a.assessment.code.clone(),
                            a.assessment.status.to_string(),
                            format!(
                                "{} to {}",
                                a.assessment.period_start, a.assessment.period_end
                            ),
                            a.systems.join(", "),
                            a.assessment.title.clone(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(&["CODE", "STATUS", "PERIOD", "SYSTEMS", "TITLE"], &rows)
                );
            }
            store.close().await;
            return Ok(ExitCode::SUCCESS);
        }
    };
    if json.json {
        print_json(&v)?;
    } else {
        print_view(&v);
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
