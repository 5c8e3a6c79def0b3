//! Scanner report uploads shared by the API and the upload page: bodies
//! spooled to temporary files, then read off the async threads and applied.
use std::io::Write;

use axum::http::StatusCode;
use tempfile::TempDir;
use zilv_domain::{InvalidInput, RemediationPolicy};
use zilv_services::imports::{self, ImportReport, ReportFile, ReportSource, Target};
use zilv_services::{Ctx, ServiceError};

use crate::error::AppError;
use crate::state::AppState;

/// Largest report upload, in bytes (the limit of the import routes only).
pub const MAX_IMPORT_BODY: usize = 256 * 1024 * 1024;

/// Uploaded reports kept in a temporary directory until the import ends.
pub struct Spool {
    dir: TempDir,
    files: Vec<ReportFile>,
    total: usize,
}

fn io_error(e: std::io::Error) -> AppError {
    AppError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("cannot keep the upload: {e}"),
    )
}

fn too_large() -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the upload is larger than {MAX_IMPORT_BODY} bytes"),
    )
}

/// A name safe to show and to use as a file's name: the last path segment.
fn clean_name(name: &str, n: usize) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if last.is_empty() {
        format!("upload-{n}")
    } else {
        last.chars().take(200).collect()
    }
}

/// One file being written into the spool.
pub struct SpoolFile {
    file: std::fs::File,
}

impl Spool {
    pub fn new() -> Result<Spool, AppError> {
        Ok(Spool {
            dir: tempfile::Builder::new()
                .prefix("zilv-import-")
                .tempdir()
                .map_err(io_error)?,
            files: Vec::new(),
            total: 0,
        })
    }

    /// Starts a file named `name` (as the user knows it).
    pub fn start(&mut self, name: &str) -> Result<SpoolFile, AppError> {
        let n = self.files.len() + 1;
        let path = self.dir.path().join(format!("{n}"));
        let file = std::fs::File::create(&path).map_err(io_error)?;
        self.files.push(ReportFile {
            name: clean_name(name, n),
            source: ReportSource::Path(path),
        });
        Ok(SpoolFile { file })
    }

    /// Appends a chunk to the file being written, within the size limit.
    pub fn write(&mut self, f: &mut SpoolFile, chunk: &[u8]) -> Result<(), AppError> {
        self.total += chunk.len();
        if self.total > MAX_IMPORT_BODY {
            return Err(too_large());
        }
        f.file.write_all(chunk).map_err(io_error)
    }

    /// Whether no file was started.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Reads the spooled reports on a blocking thread and applies them.
pub async fn run(
    state: &AppState,
    ctx: &Ctx,
    target: &Target,
    spool: Spool,
    format: Option<String>,
    dry_run: bool,
) -> Result<ImportReport, ServiceError> {
    let Spool { dir, files, .. } = spool;
    let scan = tokio::task::spawn_blocking(move || {
        let scan = imports::read_reports(&files, format.as_deref(), &mut |_| {});
        drop(files);
        scan
    })
    .await
    .map_err(|e| {
        ServiceError::Invalid(InvalidInput::new("upload", format!("reading stopped: {e}")))
    })??;
    let report = imports::apply(
        &state.store,
        ctx,
        &RemediationPolicy::default(),
        target,
        scan,
        dry_run,
    )
    .await;
    drop(dir);
    report
}
