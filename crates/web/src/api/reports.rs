//! The EVAL-8 report over the API: the gate's problems, preview renderings,
//! finalising, the stored bytes, legal hold, deletion after retention and
//! the OSCAL documents.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;
use zilv_services::reports;

use super::{err, ok, ApiResult};
use crate::forms::{ApiJson, ApiQuery};
use crate::pages::reports::{attachment, format_of, kit, lang_of};
use crate::state::AppState;
use crate::{auth::SignedIn, error::AppError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list))
        .route("/assessments/{code}/report", get(show).delete(delete))
        .route("/assessments/{code}/report/problems", get(problems))
        .route("/assessments/{code}/report/finalize", post(finalize))
        .route(
            "/assessments/{code}/report/legal-hold",
            post(hold).delete(release),
        )
        .route("/assessments/{code}/report/files/{format}", get(download))
        .route("/assessments/{code}/report/render/{format}", get(render))
        .route("/assessments/{code}/report/oscal/{file}", get(oscal))
}

async fn list(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = reports::list(&s.store, &a.ctx(&s), None)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn show(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
) -> ApiResult {
    let v = reports::show(&s.store, &a.ctx(&s), None, &code)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

/// What the completeness gate still misses: `[]` when the report may be finalised.
async fn problems(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
) -> ApiResult {
    let v = reports::problems(&s.store, &a.ctx(&s), &s.catalog, None, &code)
        .await
        .map_err(err)?;
    let list: Vec<_> = v
        .iter()
        .map(|p| json!({ "problem": p, "message": p.to_string() }))
        .collect();
    ok(
        StatusCode::OK,
        &json!({ "ready": list.is_empty(), "problems": list }),
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Finalize {
    #[serde(default)]
    lang: Option<String>,
}

async fn finalize(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<Finalize>,
) -> ApiResult {
    let lang = lang_of(b.lang.as_deref(), crate::i18n::Lang::Zh).map_err(AppError::json)?;
    let kit = kit(&s).map_err(AppError::json)?;
    let v = reports::finalize(&s.store, &a.ctx(&s), kit, None, &code, lang)
        .await
        .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

async fn delete(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
) -> ApiResult {
    let v = reports::delete(&s.store, &a.ctx(&s), None, &code)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Hold {
    reason: String,
    #[serde(default)]
    until: Option<String>,
}

async fn hold(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<Hold>,
) -> ApiResult {
    let v = reports::set_legal_hold(
        &s.store,
        &a.ctx(&s),
        None,
        &code,
        &b.reason,
        b.until.as_deref(),
    )
    .await
    .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn release(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
) -> ApiResult {
    let v = reports::release_legal_hold(&s.store, &a.ctx(&s), None, &code)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

/// The stored bytes of a finalised report, identical to those finalised.
async fn download(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path((code, format)): Path<(String, String)>,
) -> ApiResult {
    let format = format_of(&format).map_err(AppError::json)?;
    let r = reports::download(&s.store, &a.ctx(&s), None, &code, format)
        .await
        .map_err(err)?;
    attachment(r.format.media_type(), &r.file_name, r.bytes).map_err(AppError::json)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RenderQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// A rendering of a completed assessment's report, not stored.
async fn render(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path((code, format)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<RenderQuery>,
) -> ApiResult {
    let format = format_of(&format).map_err(AppError::json)?;
    let lang = lang_of(q.lang.as_deref(), crate::i18n::Lang::Zh).map_err(AppError::json)?;
    let kit = kit(&s).map_err(AppError::json)?;
    let r = reports::render(&s.store, &a.ctx(&s), kit, None, &code, format, lang)
        .await
        .map_err(err)?;
    attachment(r.format.media_type(), &r.file_name, r.bytes).map_err(AppError::json)
}

/// `assessment-results.json` or `poam.json` (OSCAL 1.1).
async fn oscal(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path((code, file)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<RenderQuery>,
) -> ApiResult {
    let lang = lang_of(q.lang.as_deref(), crate::i18n::Lang::Zh).map_err(AppError::json)?;
    let kind = reports::OscalKind::from_file_name(&file).ok_or_else(|| {
        AppError::new(
            StatusCode::NOT_FOUND,
            format!("no OSCAL document {file:?}: assessment-results.json or poam.json"),
        )
        .json()
    })?;
    let r = reports::oscal(&s.store, &a.ctx(&s), &s.catalog, None, &code, kind, lang)
        .await
        .map_err(err)?;
    attachment("application/json", &r.file_name, r.bytes).map_err(AppError::json)
}
