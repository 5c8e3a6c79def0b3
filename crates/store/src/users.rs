//! The `users` table: people, each in one organisation with one role.
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use zilv_domain::Role;

use crate::{Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
    pub must_change_password: bool,
    pub created_at: String,
    /// Consecutive failed sign-ins since the last success.
    #[serde(skip)]
    pub failed_sign_ins: i64,
    /// Sign-in is refused until this time (RFC 3339), after too many failures.
    pub locked_until: Option<String>,
    /// Base32 TOTP secret when the second factor is on.
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub active: bool,
    /// The 30-second step of the last accepted TOTP code.
    #[serde(skip)]
    pub totp_last_step: Option<i64>,
}

impl User {
    pub fn totp_enabled(&self) -> bool {
        self.totp_secret.is_some()
    }
}

/// What a new user row holds.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub org_id: i64,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub must_change_password: bool,
}

const COLUMNS: &str =
    "id, org_id, email, display_name, role, password_hash, must_change_password, \
     created_at, failed_sign_ins, locked_until, totp_secret, active, totp_last_step";

fn from_row(r: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        email: r.try_get("email")?,
        display_name: r.try_get("display_name")?,
        role: Role::parse("users.role", &r.try_get::<String, _>("role")?)?,
        password_hash: r.try_get("password_hash")?,
        must_change_password: r.try_get::<i64, _>("must_change_password")? != 0,
        created_at: r.try_get("created_at")?,
        failed_sign_ins: r.try_get("failed_sign_ins")?,
        locked_until: r.try_get("locked_until")?,
        totp_secret: r.try_get("totp_secret")?,
        active: r.try_get::<i64, _>("active")? != 0,
        totp_last_step: r.try_get("totp_last_step")?,
    })
}

pub async fn insert(conn: &mut Conn, u: &NewUser<'_>, now: &str) -> Result<User, StoreError> {
    let row = sqlx::query(&format!(
        "INSERT INTO users (org_id, email, display_name, role, password_hash, must_change_password, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    ))
    .bind(u.org_id)
    .bind(u.email)
    .bind(u.display_name)
    .bind(u.role.as_str())
    .bind(u.password_hash)
    .bind(i64::from(u.must_change_password))
    .bind(now)
    .fetch_one(conn)
    .await?;
    from_row(&row)
}

pub async fn by_email(conn: &mut Conn, email: &str) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE email = $1"))
        .bind(email)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The user with this e-mail in this organisation only.
pub async fn in_org(conn: &mut Conn, org_id: i64, email: &str) -> Result<Option<User>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE org_id = $1 AND email = $2"
    ))
    .bind(org_id)
    .bind(email)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Records a failed sign-in: the new count, and a lock when it reached the limit.
pub async fn set_failures(
    conn: &mut Conn,
    id: i64,
    failed: i64,
    locked_until: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET failed_sign_ins = $1, locked_until = $2 WHERE id = $3")
        .bind(failed)
        .bind(locked_until)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores a new password hash and keeps the old one in the history.
pub async fn set_password(
    conn: &mut Conn,
    id: i64,
    hash: &str,
    must_change: bool,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO password_history (user_id, password_hash, created_at)
         SELECT id, password_hash, $1 FROM users WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3 WHERE id = $4",
    )
    .bind(hash)
    .bind(i64::from(must_change))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The user's previous password hashes, newest first.
pub async fn password_history(
    conn: &mut Conn,
    id: i64,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>("password_hash")?))
        .collect()
}

/// Adds one failed attempt to the user's count, atomically; returns the new count.
pub async fn count_failure(conn: &mut Conn, id: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query(
        "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1 RETURNING failed_sign_ins",
    )
    .bind(id)
    .fetch_one(conn)
    .await?
    .try_get("failed_sign_ins")?)
}

/// Records `step` as the last accepted TOTP step; false when it is not
/// newer than the one recorded (the code was used already).
pub async fn advance_totp_step(conn: &mut Conn, id: i64, step: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

pub async fn set_totp(conn: &mut Conn, id: i64, secret: Option<&str>) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
        .bind(secret)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_role_active(
    conn: &mut Conn,
    org_id: i64,
    id: i64,
    role: Role,
    active: bool,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET role = $1, active = $2 WHERE id = $3 AND org_id = $4")
        .bind(role.as_str())
        .bind(i64::from(active))
        .bind(id)
        .bind(org_id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn list(conn: &mut Conn, org_id: i64) -> Result<Vec<User>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM users WHERE org_id = $1 ORDER BY email"
    ))
    .bind(org_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(conn)
        .await?
        .try_get("n")?)
}
