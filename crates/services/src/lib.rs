//! Use cases over the store: each is one transaction that checks its input,
//! makes its change and appends the audit event for it, or changes nothing.
pub mod access;
pub mod assessments;
pub mod assessors;
pub mod assets;
pub mod audit;
pub mod auth;
mod context;
pub mod dashboard;
pub mod drills;
pub mod files;
pub mod findings;
pub mod imports;
pub mod ioc_reviews;
pub mod orgs;
pub mod password;
pub mod plans;
pub mod reports;
pub mod setup;
pub mod systems;
pub mod tokens;
pub mod totp;
pub mod users;

pub use access::{Permission, Principal};
pub use context::Ctx;

use zilv_domain::InvalidInput;
use zilv_store::StoreError;

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error("{what} {key:?} not found")]
    NotFound { what: &'static str, key: String },
    #[error("{0}")]
    Conflict(String),
    /// The caller is signed in but their role does not allow this.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// Sign-in refused; the message never says which of e-mail or password was wrong.
    #[error("{0}")]
    Unauthenticated(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => ServiceError::Conflict(m),
            other => ServiceError::Store(other),
        }
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;
