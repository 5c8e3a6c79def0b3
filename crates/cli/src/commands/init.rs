//! `zilv init`: a new installation with its first administrator.
use std::process::ExitCode;

use anyhow::Result;
use zilv_services::orgs::NewOrg;
use zilv_services::setup::{self, InitInput};

use super::print_json;
use crate::args::{Cli, InitArgs};
use crate::env;

pub async fn run(cli: &Cli, args: &InitArgs) -> Result<ExitCode> {
    let ctx = env::ctx(cli)?;
    let (store, created) = env::open(cli, true).await?;
    let input = InitInput {
        org: NewOrg {
            code: args.org_code.clone(),
            name: args.org_name.clone(),
            kind: args.org_kind.clone(),
        },
        admin_email: args.admin_email.clone(),
        admin_name: args.admin_name.clone(),
    };
    let result = setup::init(&store, &ctx, &input).await;
    store.close().await;
    let done = match result {
        Ok(done) => done,
        Err(e) => {
            created.undo();
            return Err(e.into());
        }
    };
    if args.json.json {
        print_json(&done)?;
    } else {
        let place = match &cli.database_url {
            Some(url) => zilv_store::redact_url(url),
            None => cli.data_dir.join(env::SQLITE_FILE).display().to_string(),
        };
        println!("Initialised Zilv at {place}");
        println!(
            "Organisation: {} {} ({})",
            done.org.code,
            done.org.name,
            done.org.kind.as_str()
        );
        println!(
            "Administrator: {} ({})",
            done.admin.email,
            done.admin.role.as_str()
        );
        println!("One-time password (shown once; it must be changed at first sign-in):");
        println!("{}", done.one_time_password);
    }
    Ok(ExitCode::SUCCESS)
}
