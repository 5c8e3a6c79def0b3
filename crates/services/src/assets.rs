//! Information assets (SR-2.1): adding and listing an organisation's assets.
use zilv_domain::{optional_text, required_text, AssetKind, Cia, Code, Level};
use zilv_store::assets::{self, Asset, NewAsset};
use zilv_store::{Store, StoreError};

use crate::access::{scope, Permission};
use crate::audit::record;
use crate::{Ctx, Result, ServiceError};

/// What the caller gives to add an asset; checked here.
#[derive(Debug, Clone, Default)]
pub struct AssetInput {
    pub org: Option<String>,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub owner: String,
    pub confidentiality: String,
    pub integrity: String,
    pub availability: String,
    pub description: String,
}

pub async fn add(store: &Store, ctx: &Ctx, input: &AssetInput) -> Result<Asset> {
    let code = Code::parse("asset code", &input.code)?;
    let name = required_text("asset name", &input.name, 200)?;
    let kind = AssetKind::parse("asset kind", &input.kind)?;
    let owner = required_text("asset owner", &input.owner, 200)?;
    let cia = Cia {
        confidentiality: Level::parse("confidentiality", &input.confidentiality)?,
        integrity: Level::parse("integrity", &input.integrity)?,
        availability: Level::parse("availability", &input.availability)?,
    };
    let description = optional_text("asset description", &input.description, 4000)?;
    let mut tx = store.begin().await?;
    let org = scope(
        &mut tx,
        ctx,
        input.org.as_deref(),
        Permission::EditRegisters,
    )
    .await?;
    if assets::by_code(&mut tx, org.id, code.as_str())
        .await?
        .is_some()
    {
        return Err(ServiceError::Conflict(format!(
            "organisation {} already has an asset with code {code}",
            org.code
        )));
    }
    let asset = assets::insert(
        &mut tx,
        &NewAsset {
            org_id: org.id,
            code: code.as_str(),
            name: &name,
            kind,
            owner: &owner,
            cia,
            description: &description,
        },
        &ctx.stamp(),
    )
    .await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "asset.create",
        "asset",
        &asset.code,
        &asset,
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(asset)
}

pub async fn list(store: &Store, ctx: &Ctx, org: Option<&str>) -> Result<Vec<Asset>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewRegisters).await?;
    Ok(assets::list(&mut conn, org.id).await?)
}

/// One asset of the organisation.
pub async fn show(store: &Store, ctx: &Ctx, org: Option<&str>, code: &str) -> Result<Asset> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewRegisters).await?;
    assets::by_code(&mut conn, org.id, code)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "asset",
            key: code.to_string(),
        })
}
