//! The `assessors`, `assessor_qualifications` and `independent_units`
//! tables: the people who assess (EVAL-7), their qualifications (EVAL-7.2)
//! and confidentiality agreements (EVAL-7.3), and the company's independent
//! units (EVAL-7.1).
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use zilv_domain::{Affiliation, Evidence, Qualification, QualificationKind};

use crate::{opt_day, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessorRow {
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    pub name: String,
    pub email: Option<String>,
    #[serde(flatten)]
    pub affiliation: Affiliation,
    pub user_id: Option<i64>,
    pub nda_signed_on: Option<NaiveDate>,
    pub nda_sha256: Option<String>,
    pub nda_name: Option<String>,
    pub created_at: String,
}

/// One stored qualification with its evidence file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QualificationRow {
    pub id: i64,
    pub assessor_id: i64,
    #[serde(flatten)]
    pub qualification: Qualification,
    pub file_sha256: Option<String>,
    pub file_name: Option<String>,
}

const COLUMNS: &str = "id, org_id, name, email, affiliation, unit, user_id, nda_signed_on, nda_sha256, nda_name, created_at";

fn from_row(r: &AnyRow) -> Result<AssessorRow, StoreError> {
    let kind: String = r.try_get("affiliation")?;
    let unit: String = r.try_get("unit")?;
    let affiliation = match kind.as_str() {
        "inside" => Affiliation::Inside { unit },
        "outside_firm" => Affiliation::OutsideFirm { firm: unit },
        other => {
            return Err(StoreError::Corrupt(format!(
                "assessors.affiliation = {other:?}"
            )))
        }
    };
    Ok(AssessorRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        name: r.try_get("name")?,
        email: r.try_get("email")?,
        affiliation,
        user_id: r.try_get("user_id")?,
        nda_signed_on: opt_day("assessors.nda_signed_on", r.try_get("nda_signed_on")?)?,
        nda_sha256: r.try_get("nda_sha256")?,
        nda_name: r.try_get("nda_name")?,
        created_at: r.try_get("created_at")?,
    })
}

/// What a new assessor row holds.
#[derive(Debug, Clone)]
pub struct NewAssessor<'a> {
    pub org_id: i64,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub affiliation: &'a Affiliation,
    pub user_id: Option<i64>,
}

pub async fn insert(
    conn: &mut Conn,
    a: &NewAssessor<'_>,
    now: &str,
) -> Result<AssessorRow, StoreError> {
    let (kind, unit) = match a.affiliation {
        Affiliation::Inside { unit } => ("inside", unit),
        Affiliation::OutsideFirm { firm } => ("outside_firm", firm),
    };
    let row = sqlx::query(&format!(
        "INSERT INTO assessors (org_id, name, email, affiliation, unit, user_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(a.org_id)
    .bind(a.name)
    .bind(a.email)
    .bind(kind)
    .bind(unit.as_str())
    .bind(a.user_id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

pub async fn by_id(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
) -> Result<Option<AssessorRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assessors WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<AssessorRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assessors WHERE org_id = $1 ORDER BY id"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Records the signed confidentiality agreement (EVAL-7.3).
pub async fn set_nda(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    signed_on: NaiveDate,
    sha256: Option<&str>,
    name: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE assessors SET nda_signed_on = $1, nda_sha256 = $2, nda_name = $3 WHERE org_id = $4 AND id = $5",
    )
    .bind(signed_on.to_string())
    .bind(sha256)
    .bind(name)
    .bind(org_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn add_qualification(
    conn: &mut Conn,
    org_id: i64,
    assessor_id: i64,
    q: &Qualification,
    file: Option<(&str, &str)>,
    now: &str,
) -> Result<i64, StoreError> {
    let (evidence, cert_name, cert_number, cert_issuer, expires_on, hours, years) =
        match &q.evidence {
            Evidence::Certificate {
                name,
                number,
                issuer,
                expires_on,
            } => (
                "certificate",
                Some(name.as_str()),
                Some(number.as_str()),
                Some(issuer.as_str()),
                expires_on.map(|d| d.to_string()),
                None,
                None,
            ),
            Evidence::Training { hours, .. } => (
                "training",
                None,
                None,
                None,
                None,
                Some(i64::from(*hours)),
                None,
            ),
            Evidence::FinancialExperience { years } => (
                "financial_experience",
                None,
                None,
                None,
                None,
                None,
                Some(i64::from(*years)),
            ),
        };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO assessor_qualifications (org_id, assessor_id, kind, evidence, cert_name, cert_number,
         cert_issuer, expires_on, hours, years, file_sha256, file_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(org_id)
    .bind(assessor_id)
    .bind(q.kind.as_str())
    .bind(evidence)
    .bind(cert_name)
    .bind(cert_number)
    .bind(cert_issuer)
    .bind(expires_on)
    .bind(hours)
    .bind(years)
    .bind(file.map(|f| f.0))
    .bind(file.map(|f| f.1))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

fn qualification_from_row(r: &AnyRow) -> Result<QualificationRow, StoreError> {
    let kind = QualificationKind::parse(
        "assessor_qualifications.kind",
        &r.try_get::<String, _>("kind")?,
    )?;
    let evidence: String = r.try_get("evidence")?;
    let file_sha256: Option<String> = r.try_get("file_sha256")?;
    let count = |column: &str| -> Result<u32, StoreError> {
        let v: Option<i64> = r.try_get(column)?;
        u32::try_from(v.unwrap_or(0)).map_err(|_| {
            StoreError::Corrupt(format!("assessor_qualifications.{column} out of range"))
        })
    };
    let evidence = match evidence.as_str() {
        "certificate" => Evidence::Certificate {
            name: r
                .try_get::<Option<String>, _>("cert_name")?
                .unwrap_or_default(),
            number: r
                .try_get::<Option<String>, _>("cert_number")?
                .unwrap_or_default(),
            issuer: r
                .try_get::<Option<String>, _>("cert_issuer")?
                .unwrap_or_default(),
            expires_on: opt_day(
                "assessor_qualifications.expires_on",
                r.try_get("expires_on")?,
            )?,
        },
        "training" => Evidence::Training {
            hours: count("hours")?,
            proof: file_sha256.clone().unwrap_or_default(),
        },
        "financial_experience" => Evidence::FinancialExperience {
            years: count("years")?,
        },
        other => {
            return Err(StoreError::Corrupt(format!(
                "assessor_qualifications.evidence = {other:?}"
            )))
        }
    };
    Ok(QualificationRow {
        id: r.try_get("id")?,
        assessor_id: r.try_get("assessor_id")?,
        qualification: Qualification { kind, evidence },
        file_sha256,
        file_name: r.try_get("file_name")?,
    })
}

/// The qualifications of every assessor of the organisation, or of one.
pub async fn qualifications(
    conn: &mut Conn,
    org_id: i64,
    assessor_id: Option<i64>,
) -> Result<Vec<QualificationRow>, StoreError> {
    let one = if assessor_id.is_some() {
        "AND assessor_id = $2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT id, assessor_id, kind, evidence, cert_name, cert_number, cert_issuer, expires_on, hours, years,
         file_sha256, file_name FROM assessor_qualifications
         WHERE org_id = $1 {one} ORDER BY assessor_id, id"
    );
    let mut q = sqlx::query(&sql).bind(org_id);
    if let Some(a) = assessor_id {
        q = q.bind(a);
    }
    let rows = q.fetch_all(conn).await?;
    rows.iter().map(qualification_from_row).collect()
}

/// The company's independent units (EVAL-7.1).
pub async fn independent_units(conn: &mut Conn, org_id: i64) -> Result<Vec<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT name FROM independent_units WHERE org_id = $1 ORDER BY name")
            .bind(org_id)
            .fetch_all(conn)
            .await?,
    )
}

/// Replaces the company's independent units.
pub async fn set_independent_units(
    conn: &mut Conn,
    org_id: i64,
    names: &[String],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM independent_units WHERE org_id = $1")
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    for n in names {
        sqlx::query("INSERT INTO independent_units (org_id, name) VALUES ($1, $2)")
            .bind(org_id)
            .bind(n)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
