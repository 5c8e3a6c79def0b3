//! `zilv audit`: checking the audit trail.
use std::process::ExitCode;

use anyhow::Result;

use super::print_json;
use crate::args::{AuditCmd, Cli};
use crate::env;

pub async fn run(cli: &Cli, cmd: &AuditCmd) -> Result<ExitCode> {
    let AuditCmd::Verify(j) = cmd;
    let (store, _) = env::open(cli, false).await?;
    let v = zilv_services::audit::verify(&store).await?;
    store.close().await;
    if j.json {
        print_json(&v)?;
    }
    match &v.first_broken {
        None => {
            if !j.json {
                println!("audit trail intact: {} events verified", v.events);
            }
            Ok(ExitCode::SUCCESS)
        }
        Some((seq, why)) => {
            eprintln!("zilv: error: audit trail broken at event {seq}: {why} ({} events before it verified)", v.events);
            Ok(ExitCode::FAILURE)
        }
    }
}
