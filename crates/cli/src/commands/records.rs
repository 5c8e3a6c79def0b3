//! `zilv org`, `zilv system`, `zilv asset`: the registers of the regulation.
use std::process::ExitCode;

use anyhow::Result;
use zilv_domain::roc_date;
use zilv_services::assets::{self, AssetInput};
use zilv_services::orgs::{self, NewOrg};
use zilv_services::systems::{self, SystemInput, SystemView};

use super::print_json;
use crate::args::{AssetCmd, Cli, OrgCmd, SystemCmd};
use crate::{env, table};

pub async fn org(cli: &Cli, cmd: &OrgCmd) -> Result<ExitCode> {
    let (store, _) = env::open(cli, false).await?;
    match cmd {
        OrgCmd::Add {
            code,
            name,
            kind,
            json,
        } => {
            let ctx = env::ctx(cli)?;
            let input = NewOrg {
                code: code.clone(),
                name: name.clone(),
                kind: kind.clone(),
            };
            let org = orgs::add(&store, &ctx, &input).await?;
            if json.json {
                print_json(&org)?;
            } else {
                println!(
                    "added organisation {} {} ({})",
                    org.code,
                    org.name,
                    org.kind.as_str()
                );
            }
        }
        OrgCmd::List(json) => {
            let list = orgs::list(&store).await?;
            if json.json {
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|o| vec![o.code.clone(), o.kind.as_str().to_string(), o.name.clone()])
                    .collect();
                print!("{}", table::render(&["CODE", "KIND", "NAME"], &rows));
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn due_text(v: &SystemView) -> String {
    use zilv_domain::DueStatus;
    let status = match v.due_status {
        DueStatus::Overdue { days_late } => format!("OVERDUE {days_late}d"),
        DueStatus::DueSoon { days_left } => format!("due in {days_left}d"),
        DueStatus::OnTrack { days_left } => format!("in {days_left}d"),
    };
    format!(
        "{} ({status}, {})",
        v.next_due.on,
        v.next_due.basis.clause()
    )
}

pub async fn system(cli: &Cli, cmd: &SystemCmd) -> Result<ExitCode> {
    let reg = env::registry(cli)?;
    let params = reg.latest()?.params;
    let ctx = env::ctx(cli)?;
    let (store, _) = env::open(cli, false).await?;
    match cmd {
        SystemCmd::Add {
            org,
            code,
            name,
            class,
            sourcing,
            dev_unit,
            maint_unit,
            description,
            last_assessed,
            assets,
            json,
        } => {
            let input = SystemInput {
                org: org.org.clone(),
                code: code.clone(),
                name: name.clone(),
                class: class.clone(),
                sourcing: sourcing.clone(),
                dev_unit: dev_unit.clone(),
                maint_unit: maint_unit.clone(),
                description: description.clone(),
                last_assessed: last_assessed.clone(),
                assets: assets.clone(),
            };
            let v = systems::add(&store, &ctx, &params, &input).await?;
            if json.json {
                print_json(&v)?;
            } else {
                println!(
                    "added system {} {} (class {}), next assessment due {}",
                    v.system.code,
                    v.system.name,
                    v.system.class.number(),
                    due_text(&v)
                );
            }
        }
        SystemCmd::List { org, json } => {
            let list = systems::list(&store, &ctx, &params, org.org.as_deref()).await?;
            if json.json {
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|v| {
                        vec![
                            v.system.code.clone(),
                            v.system.class.number().to_string(),
                            v.system
                                .last_assessed_on
                                .map_or("never".to_string(), |d| d.to_string()),
                            due_text(v),
                            v.system.name.clone(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(
                        &["CODE", "CLASS", "LAST ASSESSED", "NEXT DUE", "NAME"],
                        &rows
                    )
                );
            }
        }
        SystemCmd::Show { code, org, json } => {
            let v = systems::show(&store, &ctx, &params, org.org.as_deref(), code).await?;
            if json.json {
                print_json(&v)?;
            } else {
                let s = &v.system;
                println!("{} {}", s.code, s.name);
                println!("organisation:      {}", v.org);
                println!("class (EVAL-3.1):  {}", s.class.number());
                println!("sourcing:          {}", s.sourcing.as_str());
                println!("development unit:  {}", s.dev_unit);
                println!("maintenance unit:  {}", s.maint_unit);
                println!(
                    "last assessed:     {}",
                    s.last_assessed_on
                        .map_or("never".to_string(), |d| format!("{d} ({})", roc_date(d)))
                );
                println!(
                    "next due:          {} [{}]",
                    due_text(&v),
                    roc_date(v.next_due.on)
                );
                println!(
                    "assets:            {}",
                    if v.assets.is_empty() {
                        "-".to_string()
                    } else {
                        v.assets.join(", ")
                    }
                );
                for i in &v.incidents {
                    let harm = if i.incident.harms_consumers {
                        "harmed consumers"
                    } else {
                        "no consumer harm"
                    };
                    println!(
                        "major incident:    {} ({harm}) {}",
                        i.incident.occurred_on, i.summary
                    );
                }
                if !s.description.is_empty() {
                    println!();
                    println!("{}", s.description);
                }
            }
        }
        SystemCmd::Incident {
            code,
            org,
            on,
            harms_consumers,
            summary,
            json,
        } => {
            let i = systems::record_incident(
                &store,
                &ctx,
                org.org.as_deref(),
                code,
                on,
                *harms_consumers,
                summary,
            )
            .await?;
            let v = systems::show(&store, &ctx, &params, org.org.as_deref(), code).await?;
            if json.json {
                print_json(&serde_json::json!({"incident": i, "system": v}))?;
            } else {
                println!(
                    "recorded major incident of {code} on {}; next assessment due {}",
                    i.incident.occurred_on,
                    due_text(&v)
                );
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

pub async fn asset(cli: &Cli, cmd: &AssetCmd) -> Result<ExitCode> {
    let (store, _) = env::open(cli, false).await?;
    match cmd {
        AssetCmd::Add {
            org,
            code,
            name,
            kind,
            owner,
            confidentiality,
            integrity,
            availability,
            description,
            json,
        } => {
            let ctx = env::ctx(cli)?;
            let input = AssetInput {
                org: org.org.clone(),
                code: code.clone(),
                name: name.clone(),
                kind: kind.clone(),
                owner: owner.clone(),
                confidentiality: confidentiality.clone(),
                integrity: integrity.clone(),
                availability: availability.clone(),
                description: description.clone(),
            };
            let a = assets::add(&store, &ctx, &input).await?;
            if json.json {
                print_json(&a)?;
            } else {
                println!(
                    "added asset {} {} ({}, {})",
                    a.code,
                    a.name,
                    a.kind.as_str(),
                    a.kind.zh()
                );
            }
        }
        AssetCmd::List { org, json } => {
            let list = assets::list(&store, &env::ctx(cli)?, org.org.as_deref()).await?;
            if json.json {
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|a| {
                        vec![
                            a.code.clone(),
                            format!("{} {}", a.kind.as_str(), a.kind.zh()),
                            format!(
                                "{}/{}/{}",
                                a.cia.confidentiality.get(),
                                a.cia.integrity.get(),
                                a.cia.availability.get()
                            ),
                            a.owner.clone(),
                            a.name.clone(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(&["CODE", "KIND", "C/I/A", "OWNER", "NAME"], &rows)
                );
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
