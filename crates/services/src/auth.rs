//! Signing in and out: password and optional TOTP checks, lock-out after
//! repeated failures, server-side sessions with idle and absolute timeouts.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};
use zilv_store::sessions::{self, Session};
use zilv_store::users::{self, User};
use zilv_store::{orgs, Conn, Store, StoreError};

use crate::access::Principal;
use crate::audit::record_value;
use crate::password::{self, PasswordPolicy};
use crate::{totp, Ctx, Result, ServiceError};

/// The sign-in rules of an installation; `zilv serve` options set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthPolicy {
    /// Consecutive failures that lock the account.
    pub max_failures: i64,
    /// How long a locked account stays locked.
    pub lockout: Duration,
    /// A session unused this long has ended.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute_timeout: Duration,
    pub password: PasswordPolicy,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        AuthPolicy {
            max_failures: 5,
            lockout: Duration::minutes(15),
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            password: PasswordPolicy::default(),
        }
    }
}

/// A new session: the raw ID goes into the cookie and is stored only hashed.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session_id: String,
    pub csrf_token: String,
    pub principal: Principal,
    pub must_change_password: bool,
}

/// An open session, found from its cookie.
#[derive(Debug, Clone)]
pub struct ActiveSession {
    pub principal: Principal,
    pub csrf_token: String,
    pub must_change_password: bool,
}

const REFUSED: &str = "e-mail, password or verification code is not correct";

/// 256 random bits, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 (hex) of a session ID or API token: what the database keeps.
pub fn token_hash(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

pub(crate) async fn principal_of(
    conn: &mut Conn,
    user: &User,
    may_write: bool,
) -> Result<Principal> {
    let org = orgs::by_id(conn, user.org_id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("user {} has no organisation", user.email)))?;
    Ok(Principal {
        user_id: user.id,
        org_id: org.id,
        org_code: org.code,
        org_name: org.name,
        org_kind: org.kind,
        email: user.email.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        may_write,
    })
}

fn parse_time(column: &str, value: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("{column} = {value:?}: {e}")).into())
}

/// Checks e-mail, password and (when enabled) the TOTP code, and opens a
/// session. Failures count towards the lock-out; the lock is audited.
/// `ctx.source` is the client address.
pub async fn sign_in(
    store: &Store,
    ctx: &Ctx,
    policy: &AuthPolicy,
    email: &str,
    password_given: &str,
    totp_code: Option<&str>,
) -> Result<SignedIn> {
    let email = email.trim().to_lowercase();
    let mut tx = store.begin().await?;
    let Some(user) = users::by_email(&mut tx, &email).await? else {
        // Spend the same time as for a real account, so timing does not tell.
        password::verify(password_given, dummy_hash());
        return Err(ServiceError::Unauthenticated(REFUSED.into()));
    };
    if !user.active {
        return Err(ServiceError::Unauthenticated(REFUSED.into()));
    }
    if let Some(until) = &user.locked_until {
        if parse_time("users.locked_until", until)? > ctx.now {
            return Err(ServiceError::Unauthenticated(format!(
                "this account is locked after repeated failed sign-ins until {until}"
            )));
        }
    }
    let password_ok = password::verify(password_given, &user.password_hash);
    let totp_ok = match &user.totp_secret {
        None => true,
        Some(secret) => totp_code.is_some_and(|c| totp::verify(secret, c, ctx.now)),
    };
    let user_ctx = Ctx {
        actor: user.email.clone(),
        ..ctx.clone()
    };
    if !(password_ok && totp_ok) {
        let failed = user.failed_sign_ins + 1;
        let locks = failed >= policy.max_failures;
        let until = locks.then(|| zilv_store::timestamp(ctx.now + policy.lockout));
        users::set_failures(
            &mut tx,
            user.id,
            if locks { 0 } else { failed },
            until.as_deref(),
        )
        .await?;
        let (action, detail) = if locks {
            (
                "auth.lock",
                json!({ "failed_sign_ins": failed, "locked_until": until }),
            )
        } else {
            ("auth.sign_in_failed", json!({ "failed_sign_ins": failed }))
        };
        record_value(
            &mut tx,
            &user_ctx,
            Some(user.org_id),
            action,
            "user",
            &user.email,
            detail,
        )
        .await?;
        zilv_store::commit(tx).await?;
        return Err(ServiceError::Unauthenticated(if locks {
            format!(
                "too many failed sign-ins: this account is locked for {} minutes",
                policy.lockout.num_minutes()
            )
        } else {
            REFUSED.into()
        }));
    }
    users::set_failures(&mut tx, user.id, 0, None).await?;
    let session_id = random_token();
    let csrf_token = random_token();
    let stamp = zilv_store::timestamp(ctx.now);
    sessions::insert(
        &mut tx,
        &Session {
            id_hash: token_hash(&session_id),
            user_id: user.id,
            csrf_token: csrf_token.clone(),
            created_at: stamp.clone(),
            last_seen_at: stamp,
            client: ctx.source.clone(),
        },
    )
    .await?;
    record_value(
        &mut tx,
        &user_ctx,
        Some(user.org_id),
        "auth.sign_in",
        "user",
        &user.email,
        json!({ "second_factor": user.totp_enabled() }),
    )
    .await?;
    let principal = principal_of(&mut tx, &user, true).await?;
    zilv_store::commit(tx).await?;
    Ok(SignedIn {
        session_id,
        csrf_token,
        principal,
        must_change_password: user.must_change_password,
    })
}

/// An Argon2id hash of a random string, verified against when the e-mail is unknown.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| password::hash(&random_token()).unwrap_or_default())
}

/// The session behind a cookie, if it is still open at `now`; an expired one is removed.
pub async fn session(
    store: &Store,
    policy: &AuthPolicy,
    now: DateTime<Utc>,
    raw_id: &str,
) -> Result<Option<ActiveSession>> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    let hash = token_hash(raw_id);
    let Some(s) = sessions::by_hash(&mut conn, &hash).await? else {
        return Ok(None);
    };
    let created = parse_time("sessions.created_at", &s.created_at)?;
    let seen = parse_time("sessions.last_seen_at", &s.last_seen_at)?;
    if now >= created + policy.absolute_timeout || now >= seen + policy.idle_timeout {
        sessions::delete(&mut conn, &hash).await?;
        return Ok(None);
    }
    let Some(user) = users::by_id(&mut conn, s.user_id)
        .await?
        .filter(|u| u.active)
    else {
        sessions::delete(&mut conn, &hash).await?;
        return Ok(None);
    };
    if now - seen > Duration::seconds(15) {
        sessions::touch(&mut conn, &hash, &zilv_store::timestamp(now)).await?;
    }
    Ok(Some(ActiveSession {
        principal: principal_of(&mut conn, &user, true).await?,
        csrf_token: s.csrf_token,
        must_change_password: user.must_change_password,
    }))
}

/// Ends one session (signing out).
pub async fn sign_out(store: &Store, ctx: &Ctx, raw_id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    sessions::delete(&mut tx, &token_hash(raw_id)).await?;
    if let Some(p) = &ctx.principal {
        record_value(
            &mut tx,
            ctx,
            Some(p.org_id),
            "auth.sign_out",
            "user",
            &p.email,
            json!({}),
        )
        .await?;
    }
    zilv_store::commit(tx).await?;
    Ok(())
}

/// Ends every session of the signed-in user, on every device.
pub async fn sign_out_everywhere(store: &Store, ctx: &Ctx) -> Result<u64> {
    let p = signed_in(ctx)?;
    let mut tx = store.begin().await?;
    let n = sessions::delete_for_user(&mut tx, p.user_id).await?;
    record_value(
        &mut tx,
        ctx,
        Some(p.org_id),
        "auth.sign_out_everywhere",
        "user",
        &p.email,
        json!({ "sessions_ended": n }),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(n)
}

pub(crate) fn signed_in(ctx: &Ctx) -> Result<&Principal> {
    ctx.principal
        .as_ref()
        .ok_or_else(|| ServiceError::Unauthenticated("sign in first".into()))
}

/// Changes the signed-in user's own password, after checking the current
/// one, the policy and the history.
pub async fn change_password(
    store: &Store,
    ctx: &Ctx,
    policy: &AuthPolicy,
    current: &str,
    new: &str,
) -> Result<()> {
    let p = signed_in(ctx)?;
    policy.password.check("new password", new)?;
    let mut tx = store.begin().await?;
    let user = users::by_id(&mut tx, p.user_id)
        .await?
        .ok_or_else(|| ServiceError::Unauthenticated("sign in first".into()))?;
    if !password::verify(current, &user.password_hash) {
        return Err(zilv_domain::InvalidInput::new("current password", "is not correct").into());
    }
    let mut previous = vec![user.password_hash.clone()];
    previous.extend(users::password_history(&mut tx, user.id, policy.password.history - 1).await?);
    if previous.iter().any(|h| password::verify(new, h)) {
        return Err(zilv_domain::InvalidInput::new(
            "new password",
            format!(
                "was used before: it may not repeat any of the last {} passwords",
                policy.password.history
            ),
        )
        .into());
    }
    let hash = password::hash(new)?;
    users::set_password(&mut tx, user.id, &hash, false, &ctx.stamp()).await?;
    record_value(
        &mut tx,
        ctx,
        Some(p.org_id),
        "user.password_change",
        "user",
        &p.email,
        json!({}),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(())
}

/// Turns the second factor on, once the user proved their app shows `code` for `secret`.
pub async fn enable_totp(store: &Store, ctx: &Ctx, secret: &str, code: &str) -> Result<()> {
    let p = signed_in(ctx)?;
    if !totp::verify(secret, code, ctx.now) {
        return Err(zilv_domain::InvalidInput::new(
            "verification code",
            "does not match the secret: check the authenticator app's clock and try the next code",
        )
        .into());
    }
    let mut tx = store.begin().await?;
    users::set_totp(&mut tx, p.user_id, Some(secret)).await?;
    record_value(
        &mut tx,
        ctx,
        Some(p.org_id),
        "user.totp_enable",
        "user",
        &p.email,
        json!({}),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(())
}

/// Turns the second factor off, after checking the password.
pub async fn disable_totp(store: &Store, ctx: &Ctx, current_password: &str) -> Result<()> {
    let p = signed_in(ctx)?;
    let mut tx = store.begin().await?;
    let user = users::by_id(&mut tx, p.user_id)
        .await?
        .ok_or_else(|| ServiceError::Unauthenticated("sign in first".into()))?;
    if !password::verify(current_password, &user.password_hash) {
        return Err(zilv_domain::InvalidInput::new("current password", "is not correct").into());
    }
    users::set_totp(&mut tx, p.user_id, None).await?;
    record_value(
        &mut tx,
        ctx,
        Some(p.org_id),
        "user.totp_disable",
        "user",
        &p.email,
        json!({}),
    )
    .await?;
    zilv_store::commit(tx).await?;
    Ok(())
}

/// Whether the signed-in user has the second factor on.
pub async fn totp_enabled(store: &Store, ctx: &Ctx) -> Result<bool> {
    let p = signed_in(ctx)?;
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    Ok(users::by_id(&mut conn, p.user_id)
        .await?
        .is_some_and(|u| u.totp_enabled()))
}
