//! People: adding users to an organisation, listing them, changing roles.
use serde::Serialize;
use serde_json::json;
use zilv_domain::{required_text, Email, Role};
use zilv_store::users::{self, NewUser, User};
use zilv_store::{Store, StoreError};

use crate::access::{scope, Permission};
use crate::audit::{record, record_change};
use crate::password::{self, PasswordPolicy};
use crate::{Ctx, Result, ServiceError};

/// What the caller gives to add a user.
#[derive(Debug, Clone, Default)]
pub struct UserInput {
    pub org: Option<String>,
    pub email: String,
    pub display_name: String,
    pub role: String,
    /// A password chosen now; without one, a one-time password is made
    /// that must be changed at first sign-in.
    pub password: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Added {
    pub org: String,
    pub user: User,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_password: Option<String>,
}

pub async fn add(
    store: &Store,
    ctx: &Ctx,
    policy: &PasswordPolicy,
    input: &UserInput,
) -> Result<Added> {
    let email = Email::parse("email", &input.email)?;
    let name = if input.display_name.trim().is_empty() {
        email.as_str().to_string()
    } else {
        required_text("name", &input.display_name, 200)?
    };
    let role = Role::parse("role", &input.role)?;
    if let Some(p) = &input.password {
        policy.check("password", p)?;
    }
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, input.org.as_deref(), Permission::ManageUsers).await?;
    role.check_fits("role", org.kind)?;
    if users::by_email(&mut tx, email.as_str()).await?.is_some() {
        return Err(ServiceError::Conflict(format!(
            "a user with e-mail {email} already exists"
        )));
    }
    let (secret, one_time_password) = match &input.password {
        Some(p) => (p.clone(), None),
        None => {
            let p = password::one_time();
            (p.clone(), Some(p))
        }
    };
    let hash = password::hash(&secret)?;
    let user = users::insert(
        &mut tx,
        &NewUser {
            org_id: org.id,
            email: email.as_str(),
            display_name: &name,
            role,
            password_hash: &hash,
            must_change_password: one_time_password.is_some(),
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
        &user.email,
        &user,
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(Added {
        org: org.code,
        user,
        one_time_password,
    })
}

pub async fn list(store: &Store, ctx: &Ctx, org: Option<&str>) -> Result<Vec<User>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewUsers).await?;
    Ok(users::list(&mut conn, org.id).await?)
}

pub async fn show(store: &Store, ctx: &Ctx, org: Option<&str>, email: &str) -> Result<User> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let org = scope(&mut conn, ctx, org, Permission::ViewUsers).await?;
    users::in_org(&mut conn, org.id, &email.trim().to_lowercase())
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "user",
            key: email.to_string(),
        })
}

/// Changes a user's role and whether they may sign in. Admins cannot
/// demote or deactivate themselves, so an organisation keeps an admin.
pub async fn update(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    email: &str,
    role: &str,
    active: bool,
) -> Result<User> {
    let role = Role::parse("role", role)?;
    let mut tx = store.begin().await?;
    let org = scope(&mut tx, ctx, org, Permission::ManageUsers).await?;
    role.check_fits("role", org.kind)?;
    let before = users::in_org(&mut tx, org.id, &email.trim().to_lowercase())
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "user",
            key: email.to_string(),
        })?;
    if ctx
        .principal
        .as_ref()
        .is_some_and(|p| p.user_id == before.id)
        && (role != before.role || !active)
    {
        return Err(ServiceError::Conflict(
            "you cannot change your own role or deactivate yourself".into(),
        ));
    }
    users::set_role_active(&mut tx, org.id, before.id, role, active).await?;
    if !active {
        zilv_store::sessions::delete_for_user(&mut tx, before.id).await?;
    }
    record_change(
        &mut tx,
        ctx,
        Some(org.id),
        "user.update",
        ("user", &before.email),
        json!({ "role": before.role, "active": before.active }),
        json!({ "role": role, "active": active }),
    )
    .await?;
    let after = users::by_id(&mut tx, before.id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("user vanished during update".into()))?;
    zilv_store::commit(tx).await?;
    Ok(after)
}
