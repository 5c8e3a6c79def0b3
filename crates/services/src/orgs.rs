//! Organisations: adding, listing and finding the one a request is about.
use zilv_domain::{required_text, Code, OrgKind};
use zilv_store::orgs::{self, Org};
use zilv_store::{Conn, Store, StoreError};

use crate::audit::record;
use crate::{Ctx, Result, ServiceError};

/// What the caller gives to add an organisation.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub code: String,
    pub name: String,
    pub kind: String,
}

/// Adds an organisation; its code must be new.
pub async fn add(store: &Store, ctx: &Ctx, input: &NewOrg) -> Result<Org> {
    if ctx.principal.is_some() {
        return Err(ServiceError::Forbidden(
            "organisations are added by the installation's operator".into(),
        ));
    }
    let mut tx = store.begin().await?;
    let org = add_in(&mut tx, ctx, input).await?;
    zilv_store::commit(tx).await?;
    Ok(org)
}

pub(crate) async fn add_in(conn: &mut Conn, ctx: &Ctx, input: &NewOrg) -> Result<Org> {
    let code = Code::parse("org code", &input.code)?;
    let name = required_text("org name", &input.name, 200)?;
    let kind = OrgKind::parse("org kind", &input.kind)?;
    if orgs::by_code(conn, code.as_str()).await?.is_some() {
        return Err(ServiceError::Conflict(format!(
            "an organisation with code {code} already exists"
        )));
    }
    let org = orgs::insert(conn, code.as_str(), &name, kind, &ctx.stamp()).await?;
    record(
        conn,
        ctx,
        Some(org.id),
        "org.create",
        "organisation",
        &org.code,
        &org,
    )
    .await?;
    Ok(org)
}

/// Every organisation of the installation (the operator only).
pub async fn list(store: &Store) -> Result<Vec<Org>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    Ok(orgs::list(&mut conn).await?)
}

/// The member companies, for the association's dashboard.
pub async fn members(store: &Store, ctx: &Ctx) -> Result<Vec<Org>> {
    ctx.require(crate::access::Permission::ViewMembers)?;
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    Ok(orgs::list(&mut conn)
        .await?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Company)
        .collect())
}

/// The organisation named by `code`; without a code, the only member
/// company, if there is exactly one.
pub async fn resolve(conn: &mut Conn, code: Option<&str>) -> Result<Org> {
    if let Some(code) = code {
        return orgs::by_code(conn, code)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: "organisation",
                key: code.to_string(),
            });
    }
    let companies: Vec<Org> = orgs::list(conn)
        .await?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Company)
        .collect();
    match <[Org; 1]>::try_from(companies) {
        Ok([only]) => Ok(only),
        Err(v) => Err(ServiceError::Invalid(zilv_domain::InvalidInput::new(
            "org",
            format!(
                "name the organisation (--org CODE): this installation has {} member companies",
                v.len()
            ),
        ))),
    }
}
