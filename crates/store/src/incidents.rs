//! The `major_incidents` table: major incidents per system (EVAL-3.2).
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use zilv_domain::MajorIncident;

use crate::{parse_day, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Incident {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub system_id: i64,
    #[serde(flatten)]
    pub incident: MajorIncident,
    pub summary: String,
    pub created_at: String,
}

const COLUMNS: &str = "id, system_id, occurred_on, harms_consumers, summary, created_at";

fn from_row(r: &AnyRow) -> Result<Incident, StoreError> {
    Ok(Incident {
        id: r.try_get("id")?,
        system_id: r.try_get("system_id")?,
        incident: MajorIncident {
            occurred_on: parse_day(
                "major_incidents.occurred_on",
                &r.try_get::<String, _>("occurred_on")?,
            )?,
            harms_consumers: r.try_get::<i64, _>("harms_consumers")? != 0,
        },
        summary: r.try_get("summary")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    org_id: i64,
    system_id: i64,
    incident: &MajorIncident,
    summary: &str,
    now: &str,
) -> Result<Incident, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO major_incidents (org_id, system_id, occurred_on, harms_consumers, summary, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    ))
    .bind(org_id)
    .bind(system_id)
    .bind(incident.occurred_on.to_string())
    .bind(i64::from(incident.harms_consumers))
    .bind(summary)
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

/// Every incident of every system of `org_id`, oldest first.
pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<Incident>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM major_incidents WHERE org_id = $1 ORDER BY occurred_on, id"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}
