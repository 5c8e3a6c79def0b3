//! `zilv`: the command line over the services. Parses arguments, opens the
//! database, calls one use case and prints its result as text or JSON.
mod args;
mod commands;
mod env;
mod lifecycle_args;
mod table;

use std::process::ExitCode;

use clap::Parser;

/// The program's allocator (the benchmarks use it too): imports and
/// indicator loading allocate and free many small strings, on several
/// threads at once.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("zilv: error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("zilv: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
