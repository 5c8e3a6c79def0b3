//! The `assets` table: information assets of SR-2.1, per organisation.
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use zilv_domain::{AssetKind, Cia, Level};

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asset {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    pub code: String,
    pub name: String,
    pub kind: AssetKind,
    pub owner: String,
    #[serde(flatten)]
    pub cia: Cia,
    pub description: String,
    pub created_at: String,
}

/// What a new asset row holds.
#[derive(Debug, Clone)]
pub struct NewAsset<'a> {
    pub org_id: i64,
    pub code: &'a str,
    pub name: &'a str,
    pub kind: AssetKind,
    pub owner: &'a str,
    pub cia: Cia,
    pub description: &'a str,
}

const COLUMNS: &str = "id, org_id, code, name, kind, owner, confidentiality, integrity, availability, description, created_at";

fn from_row(r: &AnyRow) -> Result<Asset, StoreError> {
    let level = |col: &str| -> Result<Level, StoreError> {
        Ok(Level::new(
            &format!("assets.{col}"),
            r.try_get::<i64, _>(col)?,
        )?)
    };
    Ok(Asset {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        kind: AssetKind::parse("assets.kind", &r.try_get::<String, _>("kind")?)?,
        owner: r.try_get("owner")?,
        cia: Cia {
            confidentiality: level("confidentiality")?,
            integrity: level("integrity")?,
            availability: level("availability")?,
        },
        description: r.try_get("description")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert(conn: &mut Conn, a: &NewAsset<'_>, now: &str) -> Result<Asset, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO assets (org_id, code, name, kind, owner, confidentiality, integrity, availability, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
    ))
    .bind(a.org_id)
    .bind(a.code)
    .bind(a.name)
    .bind(a.kind.as_str())
    .bind(a.owner)
    .bind(i64::from(a.cia.confidentiality.get()))
    .bind(i64::from(a.cia.integrity.get()))
    .bind(i64::from(a.cia.availability.get()))
    .bind(a.description)
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

pub async fn by_code(
    conn: &mut Conn,
    org_id: i64,
    code: &str,
) -> Result<Option<Asset>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assets WHERE org_id = $1 AND code = $2"
    ))
    .bind(org_id)
    .bind(code)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<Asset>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM assets WHERE org_id = $1 ORDER BY code"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Codes of the assets linked to a system of the same organisation.
pub async fn codes_of_system(
    conn: &mut Conn,
    org_id: i64,
    system_id: i64,
) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT a.code FROM system_assets sa JOIN assets a ON a.id = sa.asset_id
         WHERE sa.system_id = $1 AND a.org_id = $2 ORDER BY a.code",
    )
    .bind(system_id)
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("code")?)).collect()
}
