//! Social-engineering drills, recorded (EVAL-6): one record per drill with
//! its population, the e-mails sent and how people reacted.
use serde::Serialize;
use zilv_domain::{parse_date, required_text, InvalidInput};
use zilv_store::drills::{self, Drill};
use zilv_store::{Store, StoreError};

use crate::access::{scope, Permission};
use crate::audit::record;
use crate::plans::require_not_assessor;
use crate::{Ctx, Result};
use chrono::Datelike;

/// A drill as the caller reports it.
#[derive(Debug, Clone, Default)]
pub struct DrillInput {
    pub org: Option<String>,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    pub population: i64,
    pub sent: i64,
    pub opened: i64,
    pub clicked: i64,
    pub submitted: i64,
    pub reported: i64,
    /// The material used (e.g. the lure's subject and theme).
    pub material: String,
}

/// The drills of one organisation and whether this year has one.
#[derive(Debug, Clone, Serialize)]
pub struct DrillList {
    pub org: String,
    /// EVAL-6: a drill is held every year.
    pub drill_this_year: bool,
    pub drills: Vec<Drill>,
}

pub async fn add(store: &Store, ctx: &Ctx, input: &DrillInput) -> Result<Drill> {
    let held_on = parse_date("held on", &input.held_on)?;
    if held_on > ctx.today {
        return Err(InvalidInput::new(
            "held on",
            format!("{held_on} is in the future (today is {})", ctx.today),
        )
        .into());
    }
    let material = required_text("material", &input.material, 4000)?;
    let counts = [
        ("population", input.population),
        ("sent", input.sent),
        ("opened", input.opened),
        ("clicked", input.clicked),
        ("submitted", input.submitted),
        ("reported", input.reported),
    ];
    for (field, n) in counts {
        if n < 0 {
            return Err(InvalidInput::new(field, format!("{n} is negative")).into());
        }
    }
    for (field, n, limit, of) in [
        ("sent", input.sent, input.population, "population"),
        ("opened", input.opened, input.sent, "sent"),
        ("clicked", input.clicked, input.sent, "sent"),
        ("submitted", input.submitted, input.clicked, "clicked"),
        ("reported", input.reported, input.sent, "sent"),
    ] {
        if n > limit {
            return Err(
                InvalidInput::new(field, format!("{n} is more than {of} ({limit})")).into(),
            );
        }
    }
    let mut tx = store.begin().await?;
    let org = scope(
        &mut tx,
        ctx,
        input.org.as_deref(),
        Permission::ManageAssessments,
    )
    .await?;
    let d = drills::insert(
        &mut tx,
        &Drill {
            id: 0,
            org_id: org.id,
            year: i64::from(held_on.year()),
            held_on,
            population: input.population,
            sent: input.sent,
            opened: input.opened,
            clicked: input.clicked,
            submitted: input.submitted,
            reported: input.reported,
            material,
            created_at: String::new(),
        },
        &ctx.stamp(),
    )
    .await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "drill.create",
        "drill",
        &d.id.to_string(),
        &d,
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(d)
}

pub async fn list(store: &Store, ctx: &Ctx, org: Option<&str>) -> Result<DrillList> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAssessments).await?;
    require_not_assessor(ctx)?;
    let drills = drills::list(&mut conn, org.id).await?;
    Ok(DrillList {
        org: org.code,
        drill_this_year: drills.iter().any(|d| d.year == i64::from(ctx.today.year())),
        drills,
    })
}
