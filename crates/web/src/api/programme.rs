//! The REST API of the assessment programme: plans (EVAL-2), assessors
//! (EVAL-7), setting up assessments (EVAL-4.2, EVAL-7.1), item evidence and
//! drills (EVAL-6). Files travel as `{ "name": …, "base64": … }`.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use serde::Deserialize;
use zilv_services::assessments::{self, AssessmentInput, DecisionInput};
use zilv_services::assessors::{self, AssessorInput, QualificationInput};
use zilv_services::drills::{self, DrillInput};
use zilv_services::files::Upload;
use zilv_services::plans::{self, ApprovalInput, PlanInput};

use super::{err, ok, ApiResult};
use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{ApiId, ApiJson};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list_plans).post(create_plan))
        .route("/plans/{id}", get(show_plan))
        .route("/plans/{id}/approve", post(approve_plan))
        .route("/assessors", get(list_assessors).post(add_assessor))
        .route("/assessors/{id}", get(show_assessor))
        .route("/assessors/{id}/qualifications", post(qualify))
        .route("/assessors/{id}/nda", post(nda))
        .route("/assessments", post(create_assessment))
        .route("/assessments/{code}/team", post(add_member))
        .route("/assessments/{code}/items", post(set_items))
        .route("/assessments/{code}/evidence", post(add_evidence))
        .route("/drills", get(list_drills).post(add_drill))
}

/// A file in a JSON body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileBody {
    name: String,
    base64: String,
}

impl FileBody {
    fn upload(self, field: &str) -> Result<Upload, AppError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(self.base64.trim())
            .map_err(|e| {
                AppError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("{field}.base64: {e}"),
                )
                .json()
            })?;
        Ok(Upload {
            name: self.name,
            bytes,
        })
    }
}

fn upload(f: Option<FileBody>, field: &str) -> Result<Option<Upload>, AppError> {
    f.map(|f| f.upload(field)).transpose()
}

async fn list_plans(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = plans::list(&s.store, &a.ctx(&s), None).await.map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn show_plan(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiId(id): ApiId,
) -> ApiResult {
    let v = plans::show(&s.store, &a.ctx(&s), s.params(), None, Some(id))
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPlan {
    title: String,
    systems: Vec<String>,
}

async fn create_plan(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiJson(b): ApiJson<NewPlan>,
) -> ApiResult {
    let input = PlanInput {
        org: None,
        title: b.title,
        systems: b.systems,
    };
    let v = plans::create(&s.store, &a.ctx(&s), s.params(), &input)
        .await
        .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Approval {
    body: String,
    #[serde(default)]
    board_authorisation: Option<String>,
    approved_on: String,
    resolution_ref: String,
    document: FileBody,
    #[serde(default)]
    foreign_branch: bool,
}

async fn approve_plan(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiId(id): ApiId,
    ApiJson(b): ApiJson<Approval>,
) -> ApiResult {
    let input = ApprovalInput {
        org: None,
        plan_id: id,
        body: b.body,
        board_authorisation: b.board_authorisation,
        approved_on: b.approved_on,
        resolution_ref: b.resolution_ref,
        document: b.document.upload("document")?,
        foreign_branch: b.foreign_branch,
    };
    let v = plans::approve(&s.store, &a.ctx(&s), s.params(), &input)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn list_assessors(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = assessors::list(&s.store, &a.ctx(&s), None)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

async fn show_assessor(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiId(id): ApiId,
) -> ApiResult {
    let v = assessors::show(&s.store, &a.ctx(&s), None, id)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAssessor {
    name: String,
    #[serde(default)]
    email: Option<String>,
    affiliation: String,
    unit: String,
    #[serde(default)]
    user_email: Option<String>,
}

async fn add_assessor(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiJson(b): ApiJson<NewAssessor>,
) -> ApiResult {
    let input = AssessorInput {
        org: None,
        name: b.name,
        email: b.email,
        affiliation: b.affiliation,
        unit: b.unit,
        user_email: b.user_email,
    };
    let v = assessors::add(&s.store, &a.ctx(&s), &input)
        .await
        .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Qualification {
    kind: String,
    evidence: String,
    #[serde(default)]
    cert_name: String,
    #[serde(default)]
    cert_number: String,
    #[serde(default)]
    cert_issuer: String,
    #[serde(default)]
    expires_on: Option<String>,
    #[serde(default)]
    hours: Option<u32>,
    #[serde(default)]
    years: Option<u32>,
    #[serde(default)]
    file: Option<FileBody>,
}

async fn qualify(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiId(id): ApiId,
    ApiJson(b): ApiJson<Qualification>,
) -> ApiResult {
    let input = QualificationInput {
        org: None,
        assessor_id: id,
        kind: b.kind,
        evidence: b.evidence,
        cert_name: b.cert_name,
        cert_number: b.cert_number,
        cert_issuer: b.cert_issuer,
        expires_on: b.expires_on,
        hours: b.hours,
        years: b.years,
        file: upload(b.file, "file")?,
    };
    let v = assessors::qualify(&s.store, &a.ctx(&s), &input)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Nda {
    signed_on: String,
    file: FileBody,
}

async fn nda(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiId(id): ApiId,
    ApiJson(b): ApiJson<Nda>,
) -> ApiResult {
    let file = b.file.upload("file")?;
    let v = assessors::record_nda(&s.store, &a.ctx(&s), None, id, &b.signed_on, &file)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewAssessment {
    code: String,
    title: String,
    systems: Vec<String>,
    period_start: String,
    period_end: String,
    #[serde(default)]
    countermeasures: String,
}

async fn create_assessment(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiJson(b): ApiJson<NewAssessment>,
) -> ApiResult {
    let input = AssessmentInput {
        org: None,
        code: b.code,
        title: b.title,
        systems: b.systems,
        period_start: b.period_start,
        period_end: b.period_end,
        countermeasures: b.countermeasures,
    };
    let v = assessments::create(&s.store, &a.ctx(&s), &input)
        .await
        .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Member {
    assessor_id: i64,
    #[serde(default)]
    declared_on: Option<String>,
    #[serde(default)]
    declaration: Option<FileBody>,
}

async fn add_member(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<Member>,
) -> ApiResult {
    let file = upload(b.declaration, "declaration")?;
    let v = assessments::add_member(
        &s.store,
        &a.ctx(&s),
        None,
        &code,
        b.assessor_id,
        b.declared_on.as_deref(),
        file.as_ref(),
    )
    .await
    .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Decision {
    item: String,
    selected: bool,
    #[serde(default)]
    reason: String,
}

async fn set_items(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<Vec<Decision>>,
) -> ApiResult {
    let decisions: Vec<DecisionInput> = b
        .into_iter()
        .map(|d| DecisionInput {
            item: d.item,
            selected: d.selected,
            reason: d.reason,
        })
        .collect();
    let v = assessments::set_items(&s.store, &a.ctx(&s), None, &code, &decisions)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Evidence {
    item: String,
    file: FileBody,
}

async fn add_evidence(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<Evidence>,
) -> ApiResult {
    let file = b.file.upload("file")?;
    let v = assessments::add_evidence(&s.store, &a.ctx(&s), None, &code, &b.item, &file)
        .await
        .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}

async fn list_drills(State(s): State<AppState>, SignedIn(a): SignedIn) -> ApiResult {
    let v = drills::list(&s.store, &a.ctx(&s), None)
        .await
        .map_err(err)?;
    ok(StatusCode::OK, &v)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDrill {
    held_on: String,
    population: i64,
    sent: i64,
    opened: i64,
    clicked: i64,
    submitted: i64,
    reported: i64,
    #[serde(default)]
    material: String,
}

async fn add_drill(
    State(s): State<AppState>,
    SignedIn(a): SignedIn,
    ApiJson(b): ApiJson<NewDrill>,
) -> ApiResult {
    let input = DrillInput {
        org: None,
        held_on: b.held_on,
        population: b.population,
        sent: b.sent,
        opened: b.opened,
        clicked: b.clicked,
        submitted: b.submitted,
        reported: b.reported,
        material: b.material,
    };
    let v = drills::add(&s.store, &a.ctx(&s), &input)
        .await
        .map_err(err)?;
    ok(StatusCode::CREATED, &v)
}
