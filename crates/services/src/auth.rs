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

/// The one answer to every refused sign-in, whatever the reason, so that it
/// tells nothing about which accounts exist or are locked.
fn refused_message(policy: &AuthPolicy) -> String {
    format!(
        "e-mail, password or verification code is not correct, or the account is locked \
         (after {} failed attempts an account is locked for {} minutes)",
        policy.max_failures,
        policy.lockout.num_minutes()
    )
}

/// Counts a failed password (or code) check in the user's own row, atomically,
/// locks the account when the count reaches the limit and audits it. A lock
/// also ends the user's sessions.
pub(crate) async fn register_failure(
    conn: &mut Conn,
    ctx: &Ctx,
    policy: &AuthPolicy,
    user: &User,
    action: &str,
) -> Result<()> {
    let failed = users::count_failure(conn, user.id).await?;
    if failed >= policy.max_failures {
        let until = zilv_store::timestamp(ctx.now + policy.lockout);
        users::set_failures(conn, user.id, 0, Some(&until)).await?;
        let ended = sessions::delete_for_user(conn, user.id).await?;
        record_value(
            conn,
            ctx,
            Some(user.org_id),
            "auth.lock",
            "user",
            &user.email,
            json!({ "failed_attempts": failed, "locked_until": until, "sessions_ended": ended, "after": action }),
        )
        .await
    } else {
        record_value(
            conn,
            ctx,
            Some(user.org_id),
            action,
            "user",
            &user.email,
            json!({ "failed_attempts": failed }),
        )
        .await
    }
}

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
    let refused = || ServiceError::Unauthenticated(refused_message(policy));
    // The password is checked outside any write transaction, so that slow
    // hashing never holds the database's write lock.
    let user = {
        let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
        users::by_email(&mut conn, &email).await?
    };
    let Some(user) = user else {
        // Spend the same time as for a real account, so timing does not tell.
        password::verify(password_given, dummy_hash());
        return Err(refused());
    };
    let password_ok = password::verify(password_given, &user.password_hash);
    let locked = match &user.locked_until {
        Some(until) => parse_time("users.locked_until", until)? > ctx.now,
        None => false,
    };
    if !user.active || locked {
        return Err(refused());
    }
    let totp_step = match &user.totp_secret {
        None => Some(None),
        Some(secret) => totp_code
            .and_then(|c| totp::verify_step(secret, c, ctx.now, user.totp_last_step))
            .map(Some),
    };
    let user_ctx = Ctx {
        actor: user.email.clone(),
        ..ctx.clone()
    };
    let mut tx = store.begin().await?;
    let Some(totp_step) = totp_step.filter(|_| password_ok) else {
        register_failure(&mut tx, &user_ctx, policy, &user, "auth.sign_in_failed").await?;
        zilv_store::commit(tx).await?;
        return Err(refused());
    };
    if let Some(step) = totp_step {
        // A code is good once: a replay of an accepted code is refused (RFC 6238, 5.2).
        if !users::advance_totp_step(&mut tx, user.id, step).await? {
            return Err(refused());
        }
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

/// Forgets a session that a new sign-in in the same browser replaces.
pub async fn discard_session(store: &Store, raw_id: &str) -> Result<()> {
    let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
    sessions::delete(&mut conn, &token_hash(raw_id)).await?;
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
    keep_session: Option<&str>,
) -> Result<()> {
    let p = signed_in(ctx)?;
    policy.password.check("new password", new)?;
    let user = check_current(store, ctx, policy, current).await?;
    let mut tx = store.begin().await?;
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
    // Other devices signed in with the old password are signed out.
    sessions::delete_for_user_except(&mut tx, user.id, keep_session.map(token_hash).as_deref())
        .await?;
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

/// The signed-in user's record, after checking their current password; a
/// wrong one counts towards the lock-out like a failed sign-in.
async fn check_current(
    store: &Store,
    ctx: &Ctx,
    policy: &AuthPolicy,
    current: &str,
) -> Result<User> {
    let p = signed_in(ctx)?;
    let user = {
        let mut conn = store.pool().acquire().await.map_err(StoreError::from)?;
        users::by_id(&mut conn, p.user_id)
            .await?
            .ok_or_else(|| ServiceError::Unauthenticated("sign in first".into()))?
    };
    if password::verify(current, &user.password_hash) {
        return Ok(user);
    }
    let mut tx = store.begin().await?;
    register_failure(&mut tx, ctx, policy, &user, "auth.password_check_failed").await?;
    zilv_store::commit(tx).await?;
    Err(zilv_domain::InvalidInput::new("current password", "is not correct").into())
}

/// Turns the second factor on, once the user proved their app shows `code`
/// for `secret` and gave their current password. Refused when it is on already.
pub async fn enable_totp(
    store: &Store,
    ctx: &Ctx,
    policy: &AuthPolicy,
    current_password: &str,
    secret: &str,
    code: &str,
) -> Result<()> {
    let p = signed_in(ctx)?;
    if !totp::is_secret(secret) {
        return Err(zilv_domain::InvalidInput::new(
            "secret",
            "is not a 32-character base32 secret made by this server",
        )
        .into());
    }
    let user = check_current(store, ctx, policy, current_password).await?;
    if user.totp_enabled() {
        return Err(ServiceError::Conflict(
            "two-step verification is on already: turn it off first".into(),
        ));
    }
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
pub async fn disable_totp(
    store: &Store,
    ctx: &Ctx,
    policy: &AuthPolicy,
    current_password: &str,
) -> Result<()> {
    let p = signed_in(ctx)?;
    check_current(store, ctx, policy, current_password).await?;
    let mut tx = store.begin().await?;
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
