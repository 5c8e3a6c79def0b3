//! Assessors (EVAL-7): adding them, their qualifications with evidence
//! (EVAL-7.2), their confidentiality agreements (EVAL-7.3) and the company's
//! independent units (EVAL-7.1).
use serde::Serialize;
use serde_json::json;
use zilv_domain::{
    optional_text, parse_date, required_text, Affiliation, Email, Evidence, InvalidInput,
    Qualification, QualificationKind, QualificationPolicy, Role,
};
use zilv_store::assessors::{self, AssessorRow, NewAssessor, QualificationRow};
use zilv_store::{users, Conn, Store, StoreError};

use crate::access::{scope, Permission};
use crate::audit::{record, record_change};
use crate::files::{self, Upload};
use crate::plans::require_not_assessor;
use crate::{Ctx, Result, ServiceError};

/// A new assessor.
#[derive(Debug, Clone, Default)]
pub struct AssessorInput {
    pub org: Option<String>,
    pub name: String,
    pub email: Option<String>,
    /// `inside` (an independent unit of the company) or `outside_firm`.
    pub affiliation: String,
    /// The unit's or the firm's name.
    pub unit: String,
    /// E-mail of the user account (role assessor) the assessor signs in with.
    pub user_email: Option<String>,
}

/// A qualification with its evidence (EVAL-7.2).
#[derive(Debug, Clone, Default)]
pub struct QualificationInput {
    pub org: Option<String>,
    pub assessor_id: i64,
    /// `security_management`, `security_technical`, `simulated_attack` or `financial_domain`.
    pub kind: String,
    /// `certificate`, `training` or `financial_experience`.
    pub evidence: String,
    pub cert_name: String,
    pub cert_number: String,
    pub cert_issuer: String,
    /// `YYYY-MM-DD`; none for a certificate that does not expire.
    pub expires_on: Option<String>,
    pub hours: Option<u32>,
    pub years: Option<u32>,
    /// The certificate or the proof of training; required for both.
    pub file: Option<Upload>,
}

/// One qualification and whether it counts today.
#[derive(Debug, Clone, Serialize)]
pub struct QualificationView {
    #[serde(flatten)]
    pub row: QualificationRow,
    /// Why the evidence does not count today, if it does not.
    pub not_counted: Option<String>,
}

/// An assessor with their qualifications.
#[derive(Debug, Clone, Serialize)]
pub struct AssessorView {
    pub org: String,
    #[serde(flatten)]
    pub assessor: AssessorRow,
    pub qualifications: Vec<QualificationView>,
}

fn parse_affiliation(kind: &str, unit: &str) -> Result<Affiliation> {
    let unit = required_text("unit", unit, 200)?;
    match kind.trim() {
        "inside" => Ok(Affiliation::Inside { unit }),
        "outside_firm" | "outside" => Ok(Affiliation::OutsideFirm { firm: unit }),
        other => Err(InvalidInput::new(
            "affiliation",
            format!("{other:?} is not one of: inside, outside_firm"),
        )
        .into()),
    }
}

pub(crate) async fn find(conn: &mut Conn, org_id: i64, id: i64) -> Result<AssessorRow> {
    assessors::by_id(conn, org_id, id)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "assessor",
            key: id.to_string(),
        })
}

async fn view(
    conn: &mut Conn,
    org_code: &str,
    a: AssessorRow,
    today: chrono::NaiveDate,
) -> Result<AssessorView> {
    let policy = QualificationPolicy::default();
    let qualifications = assessors::qualifications(conn, a.org_id, Some(a.id))
        .await?
        .into_iter()
        .map(|row| QualificationView {
            not_counted: row
                .qualification
                .evidence
                .counts(&policy, today)
                .err()
                .map(|e| e.to_string()),
            row,
        })
        .collect();
    Ok(AssessorView {
        org: org_code.to_string(),
        assessor: a,
        qualifications,
    })
}

pub async fn add(store: &Store, ctx: &Ctx, input: &AssessorInput) -> Result<AssessorView> {
    let name = required_text("assessor name", &input.name, 200)?;
    let email = input
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .map(|e| Email::parse("email", e))
        .transpose()?;
    let affiliation = parse_affiliation(&input.affiliation, &input.unit)?;
    let mut tx = store.begin().await?;
    let org = scope(
        &mut tx,
        ctx,
        input.org.as_deref(),
        Permission::ManageAssessments,
    )
    .await?;
    let user_id = match input.user_email.as_deref().filter(|e| !e.trim().is_empty()) {
        None => None,
        Some(e) => {
            let e = Email::parse("user", e)?;
            let user = users::in_org(&mut tx, org.id, e.as_str())
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    what: "user",
                    key: e.as_str().to_string(),
                })?;
            if user.role != Role::Assessor {
                return Err(InvalidInput::new(
                    "user",
                    format!("{e} has the role {}, not assessor", user.role.as_str()),
                )
                .into());
            }
            Some(user.id)
        }
    };
    let row = assessors::insert(
        &mut tx,
        &NewAssessor {
            org_id: org.id,
            name: &name,
            email: email.as_ref().map(|e| e.as_str()),
            affiliation: &affiliation,
            user_id,
        },
        &ctx.stamp(),
    )
    .await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "assessor.create",
        "assessor",
        &row.id.to_string(),
        &row,
    )
    .await?;
    let v = view(&mut tx, &org.code, row, ctx.today).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// Adds a qualification with its evidence to an assessor (EVAL-7.2).
pub async fn qualify(store: &Store, ctx: &Ctx, input: &QualificationInput) -> Result<AssessorView> {
    let kind = QualificationKind::parse("kind", &input.kind)?;
    let file_needed = |what: &str| -> Result<&Upload> {
        input.file.as_ref().ok_or_else(|| {
            ServiceError::Invalid(InvalidInput::new(
                "file",
                format!("{what} needs its file (EVAL-7.2)"),
            ))
        })
    };
    let evidence = match input.evidence.trim() {
        "certificate" => {
            file_needed("a certificate")?;
            Evidence::Certificate {
                name: required_text("certificate name", &input.cert_name, 200)?,
                number: required_text("certificate number", &input.cert_number, 100)?,
                issuer: required_text("certificate issuer", &input.cert_issuer, 200)?,
                expires_on: input
                    .expires_on
                    .as_deref()
                    .filter(|d| !d.trim().is_empty())
                    .map(|d| parse_date("expires on", d))
                    .transpose()?,
            }
        }
        "training" => {
            file_needed("training")?;
            Evidence::Training {
                hours: input
                    .hours
                    .ok_or_else(|| InvalidInput::new("hours", "training needs its hours"))?,
                proof: "file".into(),
            }
        }
        "financial_experience" | "experience" => Evidence::FinancialExperience {
            years: input
                .years
                .ok_or_else(|| InvalidInput::new("years", "experience needs its years"))?,
        },
        other => {
            return Err(InvalidInput::new(
                "evidence",
                format!("{other:?} is not one of: certificate, training, financial_experience"),
            )
            .into())
        }
    };
    let mut tx = store.begin().await?;
    let org = scope(
        &mut tx,
        ctx,
        input.org.as_deref(),
        Permission::ManageAssessments,
    )
    .await?;
    let a = find(&mut tx, org.id, input.assessor_id).await?;
    let file = match &input.file {
        Some(f) => Some(files::put(&mut tx, ctx, org.id, "qualification file", f).await?),
        None => None,
    };
    let q = Qualification { kind, evidence };
    let id = assessors::add_qualification(
        &mut tx,
        org.id,
        a.id,
        &q,
        file.as_ref().map(|f| (f.sha256.as_str(), f.name.as_str())),
        &ctx.stamp(),
    )
    .await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "assessor.qualify",
        "assessor",
        &a.id.to_string(),
        &json!({ "qualification_id": id, "qualification": q, "file": file }),
    )
    .await?;
    let v = view(&mut tx, &org.code, a, ctx.today).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

/// Records the signed confidentiality agreement of an assessor (EVAL-7.3).
pub async fn record_nda(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    assessor_id: i64,
    signed_on: &str,
    file: &Upload,
) -> Result<AssessorView> {
    let signed_on = parse_date("signed on", signed_on)?;
    if signed_on > ctx.today {
        return Err(InvalidInput::new(
            "signed on",
            format!("{signed_on} is in the future (today is {})", ctx.today),
        )
        .into());
    }
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let before = find(&mut tx, org.id, assessor_id).await?;
    let f = files::put(&mut tx, ctx, org.id, "confidentiality agreement", file).await?;
    assessors::set_nda(
        &mut tx,
        org.id,
        assessor_id,
        signed_on,
        Some(&f.sha256),
        Some(&f.name),
    )
    .await?;
    let after = find(&mut tx, org.id, assessor_id).await?;
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "assessor.nda",
        ("assessor", &assessor_id.to_string()),
        serde_json::to_value(&before).unwrap_or_default(),
        serde_json::to_value(&after).unwrap_or_default(),
    )
    .await?;
    let v = view(&mut tx, &org.code, after, ctx.today).await?;
    zilv_store::commit(tx).await?;
    Ok(v)
}

pub async fn list(store: &Store, ctx: &Ctx, org: Option<&str>) -> Result<Vec<AssessorView>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    require_not_assessor(ctx)?;
    let mut out = Vec::new();
    for a in assessors::list(&mut conn, org.id).await? {
        out.push(view(&mut conn, &org.code, a, ctx.today).await?);
    }
    Ok(out)
}

pub async fn show(store: &Store, ctx: &Ctx, org: Option<&str>, id: i64) -> Result<AssessorView> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    let a = find(&mut conn, org.id, id).await?;
    if let Some(p) = &ctx.principal {
        if p.role == Role::Assessor && a.user_id != Some(p.user_id) {
            return Err(ServiceError::NotFound {
                what: "assessor",
                key: id.to_string(),
            });
        }
    }
    view(&mut conn, &org.code, a, ctx.today).await
}

/// The company's units independent of development and maintenance (EVAL-7.1).
pub async fn independent_units(store: &Store, ctx: &Ctx, org: Option<&str>) -> Result<Vec<String>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    Ok(assessors::independent_units(&mut conn, org.id).await?)
}

/// Replaces the company's independent units (EVAL-7.1).
pub async fn set_independent_units(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    units: &[String],
) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for u in units {
        let n = optional_text("unit", u, 200)?;
        if !n.is_empty() && !names.contains(&n) {
            names.push(n);
        }
    }
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageAssessments).await?;
    let before = assessors::independent_units(&mut tx, org.id).await?;
    assessors::set_independent_units(&mut tx, org.id, &names).await?;
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "org.independent_units",
        ("organisation", &org.code),
        json!(before),
        json!(names),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(names)
}
