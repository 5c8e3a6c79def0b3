//! REST API tokens: created by a user for themselves, shown once, stored
//! hashed, scoped `read` or `write`, revocable.
use serde::Serialize;
use serde_json::json;
use zilv_domain::{required_text, InvalidInput};
use zilv_store::api_tokens::{self, ApiToken};
use zilv_store::{users, Store, StoreError};

use crate::access::Principal;
use crate::audit::record_value;
use crate::auth::{principal_of, random_token, signed_in, token_hash};
use crate::{Ctx, Result, ServiceError};

/// Prefix of every token, so that a leaked one is recognisable.
pub const PREFIX: &str = "zilv_";

/// A new token; `token` is shown once and never stored.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub token: String,
    #[serde(flatten)]
    pub record: ApiToken,
}

pub async fn create(store: &Store, ctx: &Ctx, name: &str, scope: &str) -> Result<Created> {
    let p = signed_in(ctx)?;
    let name = required_text("token name", name, 100)?;
    if !matches!(scope, "read" | "write") {
        return Err(InvalidInput::new("scope", format!("{scope:?} is not read or write")).into());
    }
    if scope == "write" && !p.may_write {
        return Err(ServiceError::Forbidden(
            "a read-only token cannot create a write token".into(),
        ));
    }
    let token = format!("{PREFIX}{}", random_token());
    let mut tx = store.begin().await?;
    let record = api_tokens::insert(
        &mut tx,
        p.org_id,
        p.user_id,
        &name,
        &token_hash(&token),
        scope,
        &ctx.stamp(),
    )
    .await?;
    record_value(
        &mut tx,
        ctx,
        Some(p.org_id),
        "token.create",
        "api_token",
        &record.id.to_string(),
        json!({ "name": record.name, "scope": record.scope }),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(Created { token, record })
}

/// The signed-in user's own tokens.
pub async fn list(store: &Store, ctx: &Ctx) -> Result<Vec<ApiToken>> {
    let p = signed_in(ctx)?;
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    Ok(api_tokens::list_for_user(&mut conn, p.user_id).await?)
}

pub async fn revoke(store: &Store, ctx: &Ctx, id: i64) -> Result<()> {
    let p = signed_in(ctx)?;
    let mut tx = store.begin().await?;
    if !api_tokens::revoke(&mut tx, p.user_id, id, &ctx.stamp()).await? {
        return Err(ServiceError::NotFound {
            what: "API token",
            key: id.to_string(),
        });
    }
    record_value(
        &mut tx,
        ctx,
        Some(p.org_id),
        "token.revoke",
        "api_token",
        &id.to_string(),
        json!({}),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(())
}

/// The user a bearer token acts for; `None` for an unknown or revoked token
/// or a deactivated user.
pub async fn authenticate(store: &Store, ctx_now: &Ctx, raw: &str) -> Result<Option<Principal>> {
    if !raw.starts_with(PREFIX) {
        return Ok(None);
    }
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let Some(t) = api_tokens::by_hash(&mut conn, &token_hash(raw)).await? else {
        return Ok(None);
    };
    if t.revoked_at.is_some() {
        return Ok(None);
    }
    let Some(user) = users::by_id(&mut conn, t.user_id)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(None);
    };
    api_tokens::mark_used(&mut conn, t.id, &ctx_now.stamp()).await?;
    Ok(Some(
        principal_of(&mut conn, &user, t.scope == "write").await?,
    ))
}
