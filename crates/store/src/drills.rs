//! The `drills` table: social-engineering drills, one row each (EVAL-6).
use chrono::NaiveDate;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{parse_day, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drill {
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    pub year: i64,
    pub held_on: NaiveDate,
    pub population: i64,
    pub sent: i64,
    pub opened: i64,
    pub clicked: i64,
    pub submitted: i64,
    pub reported: i64,
    pub material: String,
    pub created_at: String,
}

const COLUMNS: &str =
    "id, org_id, year, held_on, population, sent, opened, clicked, submitted, reported, material, created_at";

fn from_row(r: &AnyRow) -> Result<Drill, StoreError> {
    Ok(Drill {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        year: r.try_get("year")?,
        held_on: parse_day("drills.held_on", &r.try_get::<String, _>("held_on")?)?,
        population: r.try_get("population")?,
        sent: r.try_get("sent")?,
        opened: r.try_get("opened")?,
        clicked: r.try_get("clicked")?,
        submitted: r.try_get("submitted")?,
        reported: r.try_get("reported")?,
        material: r.try_get("material")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Inserts `d` (its `id` and `created_at` are ignored).
pub async fn insert(conn: &mut Conn, d: &Drill, now: &str) -> Result<Drill, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO drills (org_id, year, held_on, population, sent, opened, clicked, submitted, reported, material, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {COLUMNS}"
    ))
    .bind(d.org_id)
    .bind(d.year)
    .bind(d.held_on.to_string())
    .bind(d.population)
    .bind(d.sent)
    .bind(d.opened)
    .bind(d.clicked)
    .bind(d.submitted)
    .bind(d.reported)
    .bind(&d.material)
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

/// Every drill of the organisation, newest first.
pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<Drill>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM drills WHERE org_id = $1 ORDER BY held_on DESC, id DESC"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}
