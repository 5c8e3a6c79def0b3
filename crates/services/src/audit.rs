//! Recording changes in the audit trail, and checking the trail.
use serde::Serialize;
use zilv_store::audit::{self, NewEvent, Verification};
use zilv_store::{Conn, Store};

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

/// Walks the whole audit chain.
pub async fn verify(store: &Store) -> Result<Verification> {
    let mut conn = store
        .pool()
        .acquire()
        .await
        .map_err(zilv_store::StoreError::from)?;
    Ok(audit::verify(&mut conn).await?)
}
