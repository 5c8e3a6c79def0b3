//! The `systems` and `system_assets` tables: computer systems of EVAL-2.1 and
//! the assets they use.
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use zilv_domain::{Sourcing, SystemClass};

use crate::{parse_day, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct System {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    pub code: String,
    pub name: String,
    pub class: SystemClass,
    pub sourcing: Sourcing,
    pub dev_unit: String,
    pub maint_unit: String,
    pub description: String,
    pub last_assessed_on: Option<NaiveDate>,
    pub created_at: String,
}

/// What a new system row holds.
#[derive(Debug, Clone)]
pub struct NewSystem<'a> {
    pub org_id: i64,
    pub code: &'a str,
    pub name: &'a str,
    pub class: SystemClass,
    pub sourcing: Sourcing,
    pub dev_unit: &'a str,
    pub maint_unit: &'a str,
    pub description: &'a str,
    pub last_assessed_on: Option<NaiveDate>,
}

const COLUMNS: &str =
    "id, org_id, code, name, class, sourcing, dev_unit, maint_unit, description, last_assessed_on, created_at";

fn from_row(r: &AnyRow) -> Result<System, StoreError> {
    let last: Option<String> = r.try_get("last_assessed_on")?;
    Ok(System {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        class: SystemClass::new("systems.class", r.try_get("class")?)?,
        sourcing: Sourcing::parse("systems.sourcing", &r.try_get::<String, _>("sourcing")?)?,
        dev_unit: r.try_get("dev_unit")?,
        maint_unit: r.try_get("maint_unit")?,
        description: r.try_get("description")?,
        last_assessed_on: last
            .as_deref()
            .map(|d| parse_day("systems.last_assessed_on", d))
            .transpose()?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert(conn: &mut Conn, s: &NewSystem<'_>, now: &str) -> Result<System, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO systems (org_id, code, name, class, sourcing, dev_unit, maint_unit, description, last_assessed_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
    ))
    .bind(s.org_id)
    .bind(s.code)
    .bind(s.name)
    .bind(i64::from(s.class.number()))
    .bind(s.sourcing.as_str())
    .bind(s.dev_unit)
    .bind(s.maint_unit)
    .bind(s.description)
    .bind(s.last_assessed_on.map(|d| d.to_string()))
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

/// Links an asset to a system; both must belong to `org_id`.
pub async fn link_asset(
    conn: &mut Conn,
    org_id: i64,
    system_id: i64,
    asset_id: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "INSERT INTO system_assets (system_id, asset_id)
         SELECT s.id, a.id FROM systems s, assets a
         WHERE s.id = $1 AND a.id = $2 AND s.org_id = $3 AND a.org_id = $3",
    )
    .bind(system_id)
    .bind(asset_id)
    .bind(org_id)
    .execute(conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "asset {asset_id} and system {system_id} are not both in organisation {org_id}"
        )));
    }
    Ok(())
}

pub async fn by_code(
    conn: &mut Conn,
    org_id: i64,
    code: &str,
) -> Result<Option<System>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM systems WHERE org_id = $1 AND code = $2"
    ))
    .bind(org_id)
    .bind(code)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<System>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM systems WHERE org_id = $1 ORDER BY code"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}
