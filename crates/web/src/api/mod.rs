//! The REST API under `/api/v1`: JSON in and out, signed in by a bearer
//! token (or a session with the `X-CSRF-Token` header), the same use cases
//! and permissions as the pages.
mod imports;
pub mod openapi;
mod programme;
mod reports;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use zilv_services::assets::AssetInput;
use zilv_services::systems::SystemInput;
use zilv_services::users::UserInput;
use zilv_services::{assets, orgs, systems, users, ServiceError};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{ApiId, ApiJson, ApiQuery};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(programme::routes())
        .merge(reports::routes())
        .route("/me", get(me))
        .route("/systems", get(list_systems).post(add_system))
        .route("/systems/{code}", get(show_system))
        .route("/systems/{code}/incidents", post(add_incident))
        .route("/assets", get(list_assets).post(add_asset))
        .route("/assets/{code}", get(show_asset))
        .route("/users", get(list_users).post(add_user))
        .route("/users/{email}", get(show_user))
        .route("/dashboard", get(dashboard_summary))
        .route("/deadlines", get(deadlines))
        .route("/findings", get(list_findings).post(add_finding))
        .route("/findings/{id}", get(show_finding))
        .route("/findings/{id}/transitions", post(transition_finding))
        .route("/assessments", get(list_assessments))
        .route("/assessments/{code}", get(show_assessment))
        .route("/assessments/{code}/start", post(start_assessment))
        .route("/assessments/{code}/results", post(record_result))
        .route("/assessments/{code}/complete", post(complete_assessment))
        .route("/audit", get(audit))
        .route("/members", get(members))
        .route("/catalog/clauses", get(clauses))
        .route("/catalog/clauses/{id}", get(clause))
        .route(
            "/imports",
            post(imports::import).layer(axum::extract::DefaultBodyLimit::max(
                crate::imports::MAX_IMPORT_BODY,
            )),
        )
}

pub(super) type ApiResult = Result<Response, AppError>;

pub(super) fn err(e: ServiceError) -> AppError {
    AppError::from(e).json()
}

pub(super) fn ok<T: serde::Serialize>(status: StatusCode, v: &T) -> ApiResult {
    Ok((status, Json(v)).into_response())
}

async fn me(SignedIn(a): SignedIn) -> ApiResult {
    ok(StatusCode::OK, &a.principal)
}

async fn list_systems(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = systems::list(&s.store, &a.ctx(&s), s.params(), None)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn show_system(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
) -> ApiResult {
    let v = systems::show(&s.store, &a.ctx(&s), s.params(), None, &code)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSystem {
    code: String,
    name: String,
    class: Value,
    sourcing: String,
    dev_unit: String,
    maint_unit: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    last_assessed: Option<String>,
    #[serde(default)]
    assets: Vec<String>,
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn add_system(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiJson(b): ApiJson<NewSystem>,
) -> ApiResult {
    let input = SystemInput {
        org: None,
        code: b.code,
        name: b.name,
        class: text_of(&b.class),
        sourcing: b.sourcing,
        dev_unit: b.dev_unit,
        maint_unit: b.maint_unit,
        description: b.description,
        last_assessed: b.last_assessed,
        assets: b.assets,
    };
    let v = systems::add(&s.store, &a.ctx(&s), s.params(), &input)
        .await
        .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewIncident {
    occurred_on: String,
    harms_consumers: bool,
    summary: String,
}

async fn add_incident(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<NewIncident>,
) -> ApiResult {
    let v = systems::record_incident(
        &s.store,
        &a.ctx(&s),
        None,
        &code,
        &b.occurred_on,
        b.harms_consumers,
        &b.summary,
    )
    .await
    .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

async fn list_assets(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = assets::list(&s.store, &a.ctx(&s), None)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn show_asset(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
) -> ApiResult {
    let v = assets::show(&s.store, &a.ctx(&s), None, &code)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAsset {
    code: String,
    name: String,
    kind: String,
    owner: String,
    confidentiality: Value,
    integrity: Value,
    availability: Value,
    #[serde(default)]
    description: String,
}

async fn add_asset(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiJson(b): ApiJson<NewAsset>,
) -> ApiResult {
    let input = AssetInput {
        org: None,
        code: b.code,
        name: b.name,
        kind: b.kind,
        owner: b.owner,
        confidentiality: text_of(&b.confidentiality),
        integrity: text_of(&b.integrity),
        availability: text_of(&b.availability),
        description: b.description,
    };
    let v = assets::add(&s.store, &a.ctx(&s), &input)
        .await
        .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

async fn list_users(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = users::list(&s.store, &a.ctx(&s), None).await.map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn show_user(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(email): Path<String>,
) -> ApiResult {
    let v = users::show(&s.store, &a.ctx(&s), None, &email)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    email: String,
    #[serde(default)]
    display_name: String,
    role: String,
}

async fn add_user(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiJson(b): ApiJson<NewUser>,
) -> ApiResult {
    let input = UserInput {
        org: None,
        email: b.email,
        display_name: b.display_name,
        role: b.role,
        password: None,
    };
    let v = users::add(&s.store, &a.ctx(&s), &s.config.auth.password, &input)
        .await
        .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

#[derive(Debug, Deserialize)]
struct AuditParams {
    actor: Option<String>,
    action: Option<String>,
    object_type: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
    limit: Option<i64>,
}

async fn audit(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiQuery(q): ApiQuery<AuditParams>,
) -> ApiResult {
    let filter = zilv_store::audit::Filter {
        actor: q.actor,
        action_prefix: q.action,
        object_type: q.object_type,
        from: q.from,
        to: q.to,
        before_seq: q.before,
    };
    let v =
        zilv_services::audit::search(&s.store, &a.ctx(&s), None, &filter, q.limit.unwrap_or(100))
            .await
            .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn members(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = orgs::members(&s.store, &a.ctx(&s)).await.map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn clauses(State(s): State<AppState>) -> ApiResult {
    let list: Vec<Value> = s
        .catalog
        .clauses
        .iter()
        .map(|c| json!({ "id": c.id, "parent": c.parent, "title_zh": c.title_zh, "title_en": c.title_en }))
        .collect();
    ok(
        StatusCode::OK,
        &json!({ "version": s.catalog.meta.version, "clauses": list }),
    )
}

async fn clause(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let c = s.catalog.clause(&id).ok_or_else(|| {
        AppError::new(
            StatusCode::NOT_FOUND,
            format!("no clause {id} in the catalog"),
        )
        .json()
    })?;
    ok(StatusCode::OK, c)
}

async fn dashboard_summary(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = zilv_services::dashboard::summary(&s.store, &a.ctx(&s), s.params(), None)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn deadlines(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = zilv_services::dashboard::deadlines(&s.store, &a.ctx(&s), s.params(), None)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
struct FindingParams {
    status: Option<String>,
    severity: Option<String>,
    system: Option<String>,
    assessment: Option<String>,
    #[serde(default)]
    overdue: bool,
    limit: Option<i64>,
    offset: Option<i64>,
}

async fn list_findings(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiQuery(q): ApiQuery<FindingParams>,
) -> ApiResult {
    let query = zilv_services::findings::ListQuery {
        org: None,
        status: q.status,
        severity: q.severity,
        system: q.system,
        assessment: q.assessment,
        overdue: q.overdue,
        limit: q.limit,
        offset: q.offset,
    };
    let v = zilv_services::findings::list(&s.store, &a.ctx(&s), &query)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn show_finding(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiId(id): ApiId,
) -> ApiResult {
    let v = zilv_services::findings::show(&s.store, &a.ctx(&s), None, id)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewFinding {
    system: String,
    #[serde(default)]
    assessment: Option<String>,
    #[serde(default)]
    asset: Option<String>,
    title: String,
    severity: String,
    category: String,
    risk_description: String,
    recommendation: String,
    owner: String,
    #[serde(default)]
    due_on: Option<String>,
}

async fn add_finding(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiJson(b): ApiJson<NewFinding>,
) -> ApiResult {
    let input = zilv_services::findings::FindingInput {
        system: b.system,
        assessment: b.assessment,
        asset: b.asset,
        title: b.title,
        severity: b.severity,
        category: b.category,
        risk_description: b.risk_description,
        recommendation: b.recommendation,
        owner: b.owner,
        due_on: b.due_on,
        ..Default::default()
    };
    let v = zilv_services::findings::add(
        &s.store,
        &a.ctx(&s),
        &zilv_domain::RemediationPolicy::default(),
        &input,
    )
    .await
    .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Transition {
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    approver: String,
    #[serde(default)]
    accepted_until: Option<String>,
    /// Evidence file: its name and its bytes in base64.
    #[serde(default)]
    evidence_name: Option<String>,
    #[serde(default)]
    evidence_base64: Option<String>,
}

async fn transition_finding(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiId(id): ApiId,
    ApiJson(b): ApiJson<Transition>,
) -> ApiResult {
    let evidence = match (b.evidence_name, b.evidence_base64) {
        (Some(name), Some(data)) => {
            let bytes =
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, data.trim())
                    .map_err(|e| {
                        AppError::new(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            format!("evidence_base64: {e}"),
                        )
                        .json()
                    })?;
            Some(zilv_services::files::Upload { name, bytes })
        }
        (None, None) => None,
        _ => {
            return Err(AppError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "evidence_name and evidence_base64 go together",
            )
            .json())
        }
    };
    let input = zilv_services::findings::TransitionInput {
        org: None,
        id,
        action: b.action,
        note: b.reason.clone(),
        reason: b.reason,
        approver: b.approver,
        accepted_until: b.accepted_until,
        evidence,
    };
    let v = zilv_services::findings::transition_finding(
        &s.store,
        &a.ctx(&s),
        &zilv_domain::RemediationPolicy::default(),
        &input,
    )
    .await
    .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn list_assessments(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = zilv_services::assessments::list(&s.store, &a.ctx(&s), None)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn show_assessment(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
) -> ApiResult {
    let ctx = a.ctx(&s);
    let v = zilv_services::assessments::show(&s.store, &ctx, None, &code)
        .await
        .map_err(err)?;
    let problems = zilv_services::assessments::start_problems(&s.store, &ctx, None, &code)
        .await
        .map_err(err)?;
    ok(
        StatusCode::OK,
        &json!({ "assessment": v, "start_problems": problems }),
    )
}

async fn start_assessment(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
) -> ApiResult {
    let v = zilv_services::assessments::start(&s.store, &a.ctx(&s), None, &code)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn complete_assessment(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
) -> ApiResult {
    let v = zilv_services::assessments::complete(&s.store, &a.ctx(&s), None, &code)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemResult {
    item: String,
    result: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    notes: String,
}

async fn record_result(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<ItemResult>,
) -> ApiResult {
    let input = zilv_services::assessments::ResultInput {
        org: None,
        code,
        item: b.item,
        result: b.result,
        reason: b.reason,
        notes: b.notes,
    };
    let v = zilv_services::assessments::record_result(&s.store, &a.ctx(&s), &input)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}
