//! `zilv user`: adding and listing users from the command line, for scripting.
use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{anyhow, Result};
use zilv_services::password::PasswordPolicy;
use zilv_services::users::{self, UserInput};

use super::print_json;
use crate::args::{Cli, UserCmd};
use crate::{env, table};

pub async fn run(cli: &Cli, cmd: &UserCmd) -> Result<ExitCode> {
    let (store, _) = env::open(cli, false).await?;
    let ctx = env::ctx(cli)?;
    match cmd {
        UserCmd::Add {
            org,
            email,
            name,
            role,
            password_stdin,
            json,
        } => {
            let password = if *password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| anyhow!("cannot read the password from standard input: {e}"))?;
                let p = line.trim_end_matches(['\r', '\n']).to_string();
                if p.is_empty() {
                    return Err(anyhow!("--password-stdin: standard input is empty"));
                }
                Some(p)
            } else {
                None
            };
            let input = UserInput {
                org: org.org.clone(),
                email: email.clone(),
                display_name: name.clone(),
                role: role.clone(),
                password,
            };
            let added = users::add(&store, &ctx, &PasswordPolicy::default(), &input).await?;
            if json.json {
                print_json(&added)?;
            } else {
                println!(
                    "added user {} ({}) to {}",
                    added.user.email,
                    added.user.role.as_str(),
                    added.org
                );
                if let Some(p) = &added.one_time_password {
                    println!("one-time password (shown once, to be changed at first sign-in): {p}");
                }
            }
        }
        UserCmd::List { org, json } => {
            let list = users::list(&store, &ctx, org.org.as_deref()).await?;
            if json.json {
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|u| {
                        vec![
                            u.email.clone(),
                            u.display_name.clone(),
                            u.role.as_str().to_string(),
                            if u.active { "active" } else { "inactive" }.to_string(),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(&["EMAIL", "NAME", "ROLE", "STATUS"], &rows)
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
