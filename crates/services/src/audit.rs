//! Recording changes in the audit trail, and checking the trail.
use serde::Serialize;
use zilv_store::audit::{self, Event, Filter, NewEvent, Verification};
use zilv_store::{Conn, Store, StoreError};

use crate::access::{scope, Permission};
use crate::{Ctx, Result};

/// Appends the audit event for a change, inside the change's transaction.
pub(crate) async fn record<T: Serialize>(
    conn: &mut Conn,
    ctx: &Ctx,
    org_id: Option<i64>,
    action: &str,
    object_type: &str,
    object_id: &str,
    after: &T,
) -> Result<()> {
    let after = serde_json::to_value(after).ok();
    audit::append(
        conn,
        &NewEvent {
            org_id,
            actor: &ctx.actor,
            source: &ctx.source,
            action,
            object_type,
            object_id,
            before: None,
            after,
        },
        &ctx.stamp(),
    )
    .await?;
    Ok(())
}

/// Appends an event recording the object's state before and after the change.
pub(crate) async fn record_change(
    conn: &mut Conn,
    ctx: &Ctx,
    org_id: Option<i64>,
    action: &str,
    (object_type, object_id): (&str, &str),
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<()> {
    audit::append(
        conn,
        &NewEvent {
            org_id,
            actor: &ctx.actor,
            source: &ctx.source,
            action,
            object_type,
            object_id,
            before: Some(before),
            after: Some(after),
        },
        &ctx.stamp(),
    )
    .await?;
    Ok(())
}

/// Appends an event whose `after` is a ready JSON value.
pub(crate) async fn record_value(
    conn: &mut Conn,
    ctx: &Ctx,
    org_id: Option<i64>,
    action: &str,
    object_type: &str,
    object_id: &str,
    after: serde_json::Value,
) -> Result<()> {
    record(conn, ctx, org_id, action, object_type, object_id, &after).await
}

/// Walks the whole audit chain.
pub async fn verify(store: &Store) -> Result<Verification> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(zilv_store::StoreError::from)?;
    Ok(audit::verify(&mut conn).await?)
}

/// The caller's organisation's events matching `filter`, newest first.
pub async fn search(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Event>> {
    for (field, day) in [("from", &filter.from), ("to", &filter.to)] {
        if let Some(d) = day {
            zilv_domain::parse_date(field, d)?;
        }
    }
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewAudit).await?;
    Ok(audit::search(&mut conn, org.id, filter, limit.clamp(1, 10_000)).await?)
}
