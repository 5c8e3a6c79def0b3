//! Computer systems (EVAL-2.1, EVAL-3.1): adding them, recording major
//! incidents (EVAL-3.2) and listing them with their next assessment due date.
use chrono::NaiveDate;
use serde::Serialize;
use zilv_catalog::Parameters;
use zilv_domain::{
    next_assessment_due, optional_text, parse_date, required_text, Code, Due, DueStatus,
    MajorIncident, Sourcing, SystemClass,
};
use zilv_store::incidents::{self, Incident};
use zilv_store::systems::{self, NewSystem, System};
use zilv_store::{assets, Conn, Store, StoreError};

use crate::access::{scope, Permission};
use crate::audit::record;
use crate::{Ctx, Result, ServiceError};

/// What the caller gives to add a system; checked here.
#[derive(Debug, Clone, Default)]
pub struct SystemInput {
    pub org: Option<String>,
    pub code: String,
    pub name: String,
    pub class: String,
    pub sourcing: String,
    pub dev_unit: String,
    pub maint_unit: String,
    pub description: String,
    /// `YYYY-MM-DD` of the last completed assessment, if any.
    pub last_assessed: Option<String>,
    /// Codes of the organisation's assets the system uses.
    pub assets: Vec<String>,
}

/// A system with what follows from it on `today`.
#[derive(Debug, Clone, Serialize)]
pub struct SystemView {
    pub org: String,
    #[serde(flatten)]
    pub system: System,
    pub assets: Vec<String>,
    pub incidents: Vec<Incident>,
    pub next_due: Due,
    pub due_status: DueStatus,
}

pub async fn add(
    store: &Store,
    ctx: &Ctx,
    params: &Parameters,
    input: &SystemInput,
) -> Result<SystemView> {
    let code = Code::parse("system code", &input.code)?;
    let name = required_text("system name", &input.name, 200)?;
    let class = SystemClass::parse("class", &input.class)?;
    let sourcing = Sourcing::parse("sourcing", &input.sourcing)?;
    let dev_unit = required_text("development unit", &input.dev_unit, 200)?;
    let maint_unit = required_text("maintenance unit", &input.maint_unit, 200)?;
    let description = optional_text("system description", &input.description, 4000)?;
    let last_assessed_on = input
        .last_assessed
        .as_deref()
        .map(|d| parse_date("last assessed", d))
        .transpose()?;
    if let Some(d) = last_assessed_on {
        if d > ctx.today {
            return Err(zilv_domain::InvalidInput::new(
                "last assessed",
                format!("{d} is in the future (today is {})", ctx.today),
            )
            .into());
        }
    }
    let mut tx = store.begin().await?;
    let org = scope(
        &mut tx,
        ctx,
        input.org.as_deref(),
        Permission::EditRegisters,
    )
    .await?;
    if systems::by_code(&mut tx, org.id, code.as_str())
        .await?
        .is_some()
    {
        return Err(ServiceError::Conflict(format!(
            "organisation {} already has a system with code {code}",
            org.code
        )));
    }
    let system = systems::insert(
        &mut tx,
        &NewSystem {
            org_id: org.id,
            code: code.as_str(),
            name: &name,
            class,
            sourcing,
            dev_unit: &dev_unit,
            maint_unit: &maint_unit,
            description: &description,
            last_assessed_on,
        },
        &ctx.stamp(),
    )
    .await?;
    for asset_code in &input.assets {
        let asset = assets::by_code(&mut tx, org.id, asset_code)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "asset",
                key: asset_code.clone(),
            })?;
        systems::link_asset(&mut tx, org.id, system.id, asset.id).await?;
    }
    let view = view(&mut tx, &org.code, system, &[], params, ctx.today).await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "system.create",
        "system",
        &view.system.code,
        &view.system,
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(view)
}

/// Records a major incident of a system; one that harmed consumers brings
/// its next assessment forward (EVAL-3.2).
pub async fn record_incident(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    system_code: &str,
    occurred_on: &str,
    harms_consumers: bool,
    summary: &str,
) -> Result<Incident> {
    let occurred_on = parse_date("occurred on", occurred_on)?;
    if occurred_on > ctx.today {
        return Err(zilv_domain::InvalidInput::new(
            "occurred on",
            format!("{occurred_on} is in the future (today is {})", ctx.today),
        )
        .into());
    }
    let summary = required_text("incident summary", summary, 4000)?;
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::EditRegisters).await?;
    let system = find(&mut tx, org.id, system_code).await?;
    let incident = MajorIncident {
        occurred_on,
        harms_consumers,
    };
    let stored = incidents::insert(
        &mut tx,
        org.id,
        system.id,
        &incident,
        &summary,
        &ctx.stamp(),
    )
    .await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "incident.create",
        "system",
        &system.code,
        &stored,
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(stored)
}

async fn find(conn: &mut Conn, org_id: i64, code: &str) -> Result<System> {
    systems::by_code(conn, org_id, code)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "system",
            key: code.to_string(),
        })
}

async fn view(
    conn: &mut Conn,
    org_code: &str,
    system: System,
    incidents: &[Incident],
    params: &Parameters,
    today: NaiveDate,
) -> Result<SystemView> {
    let completed = crate::assessments::last_completed(conn, system.org_id)
        .await?
        .get(&system.id)
        .copied();
    view_with(conn, org_code, system, incidents, completed, params, today).await
}

/// The system's view, given its last completed assessment in Zilv: the
/// schedule counts from the later of that and the recorded
/// "assessed before Zilv" day (`last_assessed_on`).
async fn view_with(
    conn: &mut Conn,
    org_code: &str,
    system: System,
    incidents: &[Incident],
    completed: Option<NaiveDate>,
    params: &Parameters,
    today: NaiveDate,
) -> Result<SystemView> {
    let latest = match (system.last_assessed_on, completed) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let assets = assets::codes_of_system(conn, system.org_id, system.id).await?;
    let incidents: Vec<Incident> = incidents
        .iter()
        .filter(|i| i.system_id == system.id)
        .cloned()
        .collect();
    let majors: Vec<MajorIncident> = incidents.iter().map(|i| i.incident).collect();
    let next_due = next_assessment_due(system.class, latest, &majors, params, today);
    Ok(SystemView {
        org: org_code.to_string(),
        due_status: next_due.status(today),
        next_due,
        system,
        assets,
        incidents,
    })
}

/// Every system of the organisation, the most urgent deadline first.
pub async fn list(
    store: &Store,
    ctx: &Ctx,
    params: &Parameters,
    org: Option<&str>,
) -> Result<Vec<SystemView>> {
    let today = ctx.today;
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewRegisters).await?;
    let incidents = incidents::list(&mut conn, org.id).await?;
    let completed = crate::assessments::last_completed(&mut conn, org.id).await?;
    let mut views = Vec::new();
    for s in systems::list(&mut conn, org.id).await? {
        let last = completed.get(&s.id).copied();
        views.push(view_with(&mut conn, &org.code, s, &incidents, last, params, today).await?);
    }
    views.sort_by(|a, b| {
        a.next_due
            .on
            .cmp(&b.next_due.on)
            .then_with(|| a.system.code.cmp(&b.system.code))
    });
    Ok(views)
}

/// One system of the organisation.
pub async fn show(
    store: &Store,
    ctx: &Ctx,
    params: &Parameters,
    org: Option<&str>,
    code: &str,
) -> Result<SystemView> {
    let today = ctx.today;
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewRegisters).await?;
    let system = find(&mut conn, org.id, code).await?;
    let incidents = incidents::list(&mut conn, org.id).await?;
    view(&mut conn, &org.code, system, &incidents, params, today).await
}
