//! `zilv plan`, `zilv assessor`: the assessment plan (EVAL-2) and the
//! assessors with their qualifications (EVAL-7).
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use zilv_services::assessors::{self, AssessorInput, AssessorView, QualificationInput};
use zilv_services::files::Upload;
use zilv_services::plans::{self, ApprovalInput, PlanInput, PlanView};

use super::print_json;
use crate::args::Cli;
use crate::lifecycle_args::{AssessorCmd, PlanCmd};
use crate::{env, table};

/// Reads a file to hand to a use case, named by its file name.
pub(super) fn upload(path: &Path) -> Result<Upload> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(Upload { name, bytes })
}

fn print_plan(v: &PlanView) {
    let approval = match (&v.plan.approved_on, &v.plan.approving_body) {
        (Some(on), Some(body)) => format!(
            "approved by {body} on {on} ({})",
            v.plan.resolution_ref.clone().unwrap_or_default()
        ),
        _ => "not approved".to_string(),
    };
    println!("plan {} {}: {approval}", v.plan.id, v.plan.title);
    if let Some(due) = &v.review_due {
        println!("review due {} ({})", due.on, due.basis.clause());
    }
    let rows: Vec<Vec<String>> = v
        .entries
        .iter()
        .map(|e| vec![e.system.clone(), e.class.number().to_string()])
        .collect();
    print!("{}", table::render(&["SYSTEM", "CLASS"], &rows));
    for p in &v.coverage {
        println!("warning: {p}");
    }
}

pub async fn plan(cli: &Cli, cmd: &PlanCmd) -> Result<ExitCode> {
    let reg = env::registry(cli)?;
    let params = reg.latest()?.params;
    let ctx = env::ctx(cli)?;
    let (store, _) = env::open(cli, false).await?;
    let (v, json) = match cmd {
        PlanCmd::Add {
            org,
            title,
            systems,
            json,
        } => {
            let input = PlanInput {
                org: org.org.clone(),
                title: title.clone(),
                systems: systems.clone(),
            };
            (plans::create(&store, &ctx, &params, &input).await?, json)
        }
        PlanCmd::Approve {
            id,
            org,
            body,
            board_authorisation,
            approved_on,
            resolution,
            document,
            foreign_branch,
            json,
        } => {
            let input = ApprovalInput {
                org: org.org.clone(),
                plan_id: *id,
                body: body.clone(),
                board_authorisation: board_authorisation.clone(),
                approved_on: approved_on.clone(),
                resolution_ref: resolution.clone(),
                document: upload(document)?,
                foreign_branch: *foreign_branch,
            };
            (plans::approve(&store, &ctx, &params, &input).await?, json)
        }
        PlanCmd::Review { id, org, on, json } => (
            plans::review(&store, &ctx, &params, org.org.as_deref(), *id, on).await?,
            json,
        ),
        PlanCmd::Show { id, org, json } => (
            plans::show(&store, &ctx, &params, org.org.as_deref(), *id).await?,
            json,
        ),
    };
    if json.json {
        print_json(&v)?;
    } else {
        print_plan(&v);
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

fn assessor_rows(list: &[AssessorView]) -> Vec<Vec<String>> {
    list.iter()
        .map(|a| {
            let (kind, unit) = match &a.assessor.affiliation {
                zilv_domain::Affiliation::Inside { unit } => ("inside", unit.clone()),
                zilv_domain::Affiliation::OutsideFirm { firm } => ("outside firm", firm.clone()),
            };
            let quals: Vec<String> = a
                .qualifications
                .iter()
                .map(|q| {
                    let k = q.row.qualification.kind.as_str();
                    if q.not_counted.is_some() {
                        format!("{k} (does not count)")
                    } else {
                        k.to_string()
                    }
                })
                .collect();
            vec![
                a.assessor.id.to_string(),
                a.assessor.name.clone(),
                format!("{kind}: {unit}"),
                a.assessor
                    .nda_signed_on
                    .map_or("-".into(), |d| d.to_string()),
                quals.join(", "),
            ]
        })
        .collect()
}

pub async fn assessor(cli: &Cli, cmd: &AssessorCmd) -> Result<ExitCode> {
    let ctx = env::ctx(cli)?;
    let (store, _) = env::open(cli, false).await?;
    let (list, json) = match cmd {
        AssessorCmd::Add {
            org,
            name,
            email,
            affiliation,
            unit,
            user,
            json,
        } => {
            let input = AssessorInput {
                org: org.org.clone(),
                name: name.clone(),
                email: email.clone(),
                affiliation: affiliation.clone(),
                unit: unit.clone(),
                user_email: user.clone(),
            };
            (vec![assessors::add(&store, &ctx, &input).await?], json)
        }
        AssessorCmd::Qualify {
            id,
            org,
            kind,
            evidence,
            cert_name,
            cert_number,
            cert_issuer,
            expires,
            hours,
            years,
            file,
            json,
        } => {
            let input = QualificationInput {
                org: org.org.clone(),
                assessor_id: *id,
                kind: kind.clone(),
                evidence: evidence.clone(),
                cert_name: cert_name.clone(),
                cert_number: cert_number.clone(),
                cert_issuer: cert_issuer.clone(),
                expires_on: expires.clone(),
                hours: *hours,
                years: *years,
                file: file.as_deref().map(upload).transpose()?,
            };
            (vec![assessors::qualify(&store, &ctx, &input).await?], json)
        }
        AssessorCmd::Nda {
            id,
            org,
            signed_on,
            file,
            json,
        } => (
            vec![
                assessors::record_nda(
                    &store,
                    &ctx,
                    org.org.as_deref(),
                    *id,
                    signed_on,
                    &upload(file)?,
                )
                .await?,
            ],
            json,
        ),
        AssessorCmd::List { org, json } => (
            assessors::list(&store, &ctx, org.org.as_deref()).await?,
            json,
        ),
        AssessorCmd::Units { org, units, json } => {
            let set =
                assessors::set_independent_units(&store, &ctx, org.org.as_deref(), units).await?;
            if json.json {
                print_json(&set)?;
            } else {
                println!("independent units: {}", set.join(", "));
            }
            store.close().await;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let single = !matches!(cmd, AssessorCmd::List { .. });
    if json.json {
        match (single, list.first()) {
            (true, Some(one)) => print_json(one)?,
            _ => print_json(&list)?,
        }
    } else {
        print!(
            "{}",
            table::render(
                &["ID", "NAME", "AFFILIATION", "NDA", "QUALIFICATIONS"],
                &assessor_rows(&list)
            )
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
