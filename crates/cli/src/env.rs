//! What every command needs: the catalog versions, the database, the clock
//! and the acting operator, resolved from the global options.
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context as _, Result};
use chrono::{FixedOffset, NaiveDate, Utc};
use zilv_catalog::{Catalog, Registry};
use zilv_services::Ctx;
use zilv_store::{sqlite_url, Store};

use crate::args::Cli;
use zilv_report::{ReportFont, DEFAULT_FONT_INDEX, DEFAULT_FONT_PATH};

/// File name of the SQLite database inside the data directory.
pub const SQLITE_FILE: &str = "zilv.sqlite3";

/// The built-in catalog versions plus those loaded with `--catalog-file`.
pub fn registry(cli: &Cli) -> Result<Registry> {
    let mut reg = Registry::builtin()?;
    for f in &cli.catalog_files {
        reg.load_file(f)?;
    }
    Ok(reg)
}

/// The named catalog version, or the newest.
pub fn catalog<'a>(reg: &'a Registry, version: Option<&str>) -> Result<&'a Catalog> {
    Ok(match version {
        Some(v) => reg.get(v)?,
        None => reg.latest()?,
    })
}

/// `--today`, or today's date in Taiwan (UTC+8).
pub fn today(cli: &Cli) -> Result<NaiveDate> {
    match &cli.today {
        Some(d) => Ok(zilv_domain::parse_date("--today", d)?),
        None => {
            let taiwan =
                FixedOffset::east_opt(8 * 3600).ok_or_else(|| anyhow!("invalid UTC+8 offset"))?;
            Ok(Utc::now().with_timezone(&taiwan).date_naive())
        }
    }
}

/// The acting operator of a command-line session.
pub fn ctx(cli: &Cli) -> Result<Ctx> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Ok(Ctx::operator(&user, Utc::now(), today(cli)?))
}

/// What `open` created, so that a failed `init` can remove it again.
#[derive(Debug, Default)]
pub struct Created {
    dir: Option<PathBuf>,
    db: Option<PathBuf>,
}

impl Created {
    /// Removes what this run created: the database files and an empty directory.
    pub fn undo(self) {
        if let Some(db) = &self.db {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = fs::remove_file(format!("{}{suffix}", db.display()));
            }
        }
        if let Some(dir) = &self.dir {
            let _ = fs::remove_dir(dir);
        }
    }
}

fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(".zilv-write-check");
    fs::write(&probe, b"")
        .with_context(|| format!("data directory {} is not writable", dir.display()))?;
    fs::remove_file(&probe)
        .with_context(|| format!("data directory {} is not writable", dir.display()))
}

/// Opens the database: PostgreSQL when `--database-url` is given, else the
/// SQLite file in the data directory. With `create`, makes the directory and
/// the file when missing; without, refuses a data directory with no database.
pub async fn open(cli: &Cli, create: bool) -> Result<(Store, Created)> {
    let mut created = Created::default();
    if let Some(url) = &cli.database_url {
        return Ok((Store::open(url).await?, created));
    }
    let dir = &cli.data_dir;
    let db = dir.join(SQLITE_FILE);
    if !create && !db.exists() {
        return Err(anyhow!(
            "no Zilv database at {}: run `zilv init` first, or point --data-dir (ZILV_DATA) at an initialised directory",
            db.display()
        ));
    }
    if !dir.exists() {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create data directory {}", dir.display()))?;
        created.dir = Some(dir.clone());
    } else if !dir.is_dir() {
        return Err(anyhow!(
            "data directory {} is not a directory",
            dir.display()
        ));
    }
    if let Err(e) = check_writable(dir) {
        created.undo();
        return Err(e);
    }
    if !db.exists() {
        created.db = Some(db.clone());
    }
    match Store::open(&sqlite_url(&db)).await {
        Ok(store) => Ok((store, created)),
        Err(e) => {
            created.undo();
            Err(e.into())
        }
    }
}

/// `PATH[:INDEX]` of `--report-font`: a trailing `:N` of digits is the
/// index of the font in a collection (0 when left out).
fn font_spec(spec: &str) -> (PathBuf, u32) {
    if let Some((path, index)) = spec.rsplit_once(':') {
        if !path.is_empty() && !index.is_empty() && index.chars().all(|c| c.is_ascii_digit()) {
            if let Ok(i) = index.parse() {
                return (PathBuf::from(path), i);
            }
        }
    }
    (PathBuf::from(spec), 0)
}

/// The report font `--report-font` (ZILV_REPORT_FONT) names, or the
/// default Noto Sans CJK TC; a missing file or a font without Traditional
/// Chinese glyphs is an error naming the option.
pub fn report_font(cli: &Cli) -> Result<ReportFont> {
    match cli.report_font.as_deref() {
        Some(spec) => {
            let (path, index) = font_spec(spec);
            ReportFont::from_file(&path, index)
                .map_err(|e| anyhow!("--report-font {spec} (ZILV_REPORT_FONT): {e}"))
        }
        None => ReportFont::from_file(Path::new(DEFAULT_FONT_PATH), DEFAULT_FONT_INDEX)
            .map_err(|e| anyhow!("report font: {e}; or name one with --report-font PATH[:INDEX]")),
    }
}

/// The font a command that may make reports loads at start: a configured
/// font must load; without one, the default is used when installed.
pub fn optional_report_font(cli: &Cli) -> Result<Option<ReportFont>> {
    match cli.report_font {
        Some(_) => report_font(cli).map(Some),
        None => Ok(report_font(cli).ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn font_spec_takes_a_trailing_index() {
        assert_eq!(font_spec("/f/a.ttc:3"), (PathBuf::from("/f/a.ttc"), 3));
        assert_eq!(font_spec("/f/a.ttf"), (PathBuf::from("/f/a.ttf"), 0));
        assert_eq!(font_spec("C:/f/a.ttf"), (PathBuf::from("C:/f/a.ttf"), 0));
        assert_eq!(font_spec("/f/a:b.ttf"), (PathBuf::from("/f/a:b.ttf"), 0));
    }
}
