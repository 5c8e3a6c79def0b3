//! `zilv catalog`: the regulation's clauses, read from the built-in data.
use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;
use zilv_catalog::{oscal, Lang};

use super::print_json;
use crate::args::{CatalogCmd, Cli, ExportFormat, LangArg};
use crate::env::{catalog, registry};
use crate::table;

fn lang(l: LangArg) -> Lang {
    match l {
        LangArg::ZhTw => Lang::ZhTw,
        LangArg::En => Lang::En,
    }
}

pub fn run(cli: &Cli, cmd: &CatalogCmd) -> Result<ExitCode> {
    let reg = registry(cli)?;
    match cmd {
        CatalogCmd::Versions(j) => {
            if j.json {
                let list: Vec<_> = reg.all().iter().map(|c| json!({"version": c.meta.version, "id": c.meta.id, "title": c.meta.title_zh, "effective": c.meta.effective, "approvals": c.meta.approvals, "origin": c.origin})).collect();
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = reg
                    .all()
                    .iter()
                    .map(|c| {
                        vec![
                            c.meta.version.clone(),
                            c.meta.effective.clone(),
                            c.meta.title_zh.clone(),
                            c.origin.clone(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(&["VERSION", "EFFECTIVE", "TITLE", "FROM"], &rows)
                );
            }
        }
        CatalogCmd::List {
            version,
            lang: l,
            json: j,
        } => {
            let cat = catalog(&reg, version.as_deref())?;
            let l = lang(*l);
            if j.json {
                let list: Vec<_> = cat
                    .clauses
                    .iter()
                    .map(|c| json!({"id": c.id, "title": c.title(l), "parent": c.parent}))
                    .collect();
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = cat
                    .clauses
                    .iter()
                    .map(|c| vec![c.id.clone(), c.title(l).to_string()])
                    .collect();
                print!("{}", table::render(&["ID", "TITLE"], &rows));
            }
        }
        CatalogCmd::Show {
            id,
            version,
            lang: l,
            json: j,
        } => {
            let cat = catalog(&reg, version.as_deref())?;
            let c = cat.require(id)?;
            let l = lang(*l);
            let params: Vec<_> = cat.parameters_of(&c.id).collect();
            if j.json {
                print_json(&json!({
                    "id": c.id,
                    "version": cat.meta.version,
                    "lang": l,
                    "parent": c.parent,
                    "heading": c.heading,
                    "title": c.title(l),
                    "text": c.body(l),
                    "text_zh": c.text_zh,
                    "summary_en": c.summary_en,
                    "parameters": params,
                }))?;
            } else {
                println!("{} {}", c.id, c.title(l));
                println!();
                println!("{}", c.body(l));
                for p in params {
                    let label = match l {
                        Lang::ZhTw => &p.label_zh,
                        Lang::En => &p.label_en,
                    };
                    println!();
                    println!("[{}] {label}: {} {}", p.id, p.value, p.unit.as_str());
                }
            }
        }
        CatalogCmd::Export {
            format: ExportFormat::Oscal,
            version,
        } => {
            let cat = catalog(&reg, version.as_deref())?;
            print_json(&oscal::catalog(cat))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
