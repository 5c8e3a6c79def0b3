//! First start of an installation: the first organisation and its administrator.
use serde::Serialize;
use zilv_domain::{required_text, Email};
use zilv_store::orgs::Org;
use zilv_store::users::{self, NewUser, User};
use zilv_store::Store;

use crate::audit::record;
use crate::orgs::{add_in, NewOrg};
use crate::{password, Ctx, Result, ServiceError};

/// What `zilv init` asks for.
#[derive(Debug, Clone)]
pub struct InitInput {
    pub org: NewOrg,
    pub admin_email: String,
    pub admin_name: String,
}

/// What `zilv init` made; the password is shown once and stored only hashed.
#[derive(Debug, Clone, Serialize)]
pub struct Initialised {
    pub org: Org,
    pub admin: User,
    pub one_time_password: String,
}

/// Creates the first organisation and its administrator, who must change
/// the one-time password at first sign-in. Refused once any user exists.
pub async fn init(store: &Store, ctx: &Ctx, input: &InitInput) -> Result<Initialised> {
    let email = Email::parse("admin email", &input.admin_email)?;
    let name = required_text("admin name", &input.admin_name, 200)?;
    let mut tx = store.begin().await?;
    if users::count(&mut tx).await? > 0 {
        return Err(ServiceError::Conflict(
            "this installation is already initialised: it has users".to_string(),
        ));
    }
    let org = add_in(&mut tx, ctx, &input.org).await?;
    let one_time_password = password::one_time();
    let hash = password::hash(&one_time_password)?;
    let admin = users::insert(
        &mut tx,
        &NewUser {
            org_id: org.id,
            email: email.as_str(),
            display_name: &name,
            role: org.kind.admin_role(),
            password_hash: &hash,
            must_change_password: true,
        },
        &ctx.stamp(),
    )
    .await?;
    record(
        &mut tx,
        ctx,
        Some(org.id),
        "user.create",
        "user",
        &admin.email,
        &admin,
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(Initialised {
        org,
        admin,
        one_time_password,
    })
}
