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
    "id, org_id, email, display_name, role, password_hash, must_change_password, created_at";

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
