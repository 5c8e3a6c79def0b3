//! `zilv serve`: the web application and the REST API.
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, Context as _, Result};
use chrono::Duration;
use zilv_services::auth::AuthPolicy;
use zilv_web::{AppState, Config, FixedDayClock, SystemClock};

use crate::args::{Cli, ServeArgs};
use crate::env;

pub async fn run(cli: &Cli, args: &ServeArgs) -> Result<ExitCode> {
    for (name, v) in [
        ("--max-failed-sign-ins", args.max_failed_sign_ins),
        ("--lockout-minutes", args.lockout_minutes),
        ("--idle-minutes", args.idle_minutes),
        ("--session-hours", args.session_hours),
    ] {
        if !(1..=100_000).contains(&v) {
            return Err(anyhow!("{name} {v}: must be between 1 and 100000"));
        }
    }
    // A configured report font that cannot be used stops the start here.
    let report_font = env::optional_report_font(cli)?;
    let (store, _) = env::open(cli, false).await?;
    let reg = env::registry(cli)?;
    let catalog = env::catalog(&reg, None)?.clone();
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on --listen {}", args.listen))?;
    let addr = listener.local_addr()?;
    let config = Config {
        auth: AuthPolicy {
            max_failures: args.max_failed_sign_ins,
            lockout: Duration::minutes(args.lockout_minutes),
            idle_timeout: Duration::minutes(args.idle_minutes),
            absolute_timeout: Duration::hours(args.session_hours),
            ..AuthPolicy::default()
        },
        secure_cookies: args.secure_cookies,
    };
    let clock: Arc<dyn zilv_web::Clock> = match &cli.today {
        Some(_) => Arc::new(FixedDayClock(env::today(cli)?)),
        None => Arc::new(SystemClock),
    };
    let mut state = AppState::new(store, catalog, clock, config);
    match report_font {
        Some(font) => state = state.with_report_font(font),
        None => eprintln!(
            "zilv: warning: no report font ({} missing): EVAL-8 reports cannot be rendered; install fonts-noto-cjk or set --report-font",
            zilv_report::DEFAULT_FONT_PATH
        ),
    }
    if let Some(dir) = &args.ioc_dir {
        state = state.with_ioc_dir(dir.clone());
    }
    println!("zilv: serving on http://{addr}/ (Ctrl-C stops)");
    zilv_web::serve(listener, state).await?;
    Ok(ExitCode::SUCCESS)
}
