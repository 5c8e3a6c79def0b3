//! One function per command: call the use case, print the result.
mod assessments;
mod audit;
mod catalog;
mod demo;
mod findings;
mod import;
mod init;
pub(crate) mod ioc;
mod ioc_review;
mod plans;
mod records;
pub(crate) mod report;
mod serve;
mod users;

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use crate::args::{Cli, Command};

pub async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Init(args) => init::run(&cli, args).await,
        Command::Catalog(cmd) => catalog::run(&cli, cmd),
        Command::Org(cmd) => records::org(&cli, cmd).await,
        Command::System(cmd) => records::system(&cli, cmd).await,
        Command::Asset(cmd) => records::asset(&cli, cmd).await,
        Command::Audit(cmd) => audit::run(&cli, cmd).await,
        Command::User(cmd) => users::run(&cli, cmd).await,
        Command::Serve(args) => serve::run(&cli, args).await,
        Command::Ioc(cmd) => ioc::run(&cli, cmd).await,
        Command::Plan(cmd) => plans::plan(&cli, cmd).await,
        Command::Assessor(cmd) => plans::assessor(&cli, cmd).await,
        Command::Assessment(cmd) => assessments::run(&cli, cmd).await,
        Command::Finding(cmd) => findings::finding(&cli, cmd).await,
        Command::Drill(cmd) => findings::drill(&cli, cmd).await,
        Command::Dashboard(args) => findings::dashboard(&cli, args).await,
        Command::Demo(args) => demo::run(&cli, args).await,
        Command::Import(args) => import::run(&cli, args).await,
        Command::Report(cmd) => report::run(&cli, cmd).await,
    }
}

/// Prints `value` as pretty JSON on standard output.
pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
