//! `POST /api/v1/imports`: one scanner report as the raw request body
//! (gzip too), imported into a system; answers the import report.
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http_body_util::BodyExt;
use serde::Deserialize;
use zilv_services::imports::{self, Target};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::ApiQuery;
use crate::imports::{run, Spool};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    system: String,
    #[serde(default)]
    assessment: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    dry_run: bool,
    /// The report's file name, for errors and the audit trail.
    #[serde(default)]
    name: Option<String>,
}

pub async fn import(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Body,
) -> Result<Response, AppError> {
    let ctx = a.ctx(&s);
    let target = Target {
        org: None,
        system: q.system,
        assessment: q.assessment,
    };
    // Refuse before receiving a large body the caller may not import.
    imports::authorize(&s.store, &ctx, &target)
        .await
        .map_err(|e| AppError::from(e).json())?;
    let mut spool = Spool::new().map_err(AppError::json)?;
    let mut file = spool
        .start(q.name.as_deref().unwrap_or("request-body"))
        .map_err(AppError::json)?;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            AppError::new(
                StatusCode::BAD_REQUEST,
                format!("cannot read the request body: {e}"),
            )
            .json()
        })?;
        if let Some(chunk) = frame.data_ref() {
            spool.write(&mut file, chunk).map_err(AppError::json)?;
        }
    }
    drop(file);
    let report = run(&s, &ctx, &target, spool, q.format, q.dry_run)
        .await
        .map_err(|e| AppError::from(e).json())?;
    let status = if report.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(report)).into_response())
}
