//! Who is acting, from where, and when: passed into every use case.
use chrono::{DateTime, NaiveDate, Utc};

use crate::access::Principal;

/// The acting party of a use case. The clock is part of it: use cases never
/// read the system time themselves.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Recorded as the audit event's actor: an e-mail, or `operator:NAME`
    /// for someone with direct access to the installation (the CLI).
    pub actor: String,
    /// Recorded as the audit event's source: `cli`, or a client address.
    pub source: String,
    pub now: DateTime<Utc>,
    /// The calendar day the deadlines are computed for (Taiwan time).
    pub today: NaiveDate,
    /// The signed-in user; `None` for the installation's operator (the
    /// command line), who may do everything.
    pub principal: Option<Principal>,
}

impl Ctx {
    /// The operator of the installation, acting from the command line.
    pub fn operator(name: &str, now: DateTime<Utc>, today: NaiveDate) -> Self {
        Ctx {
            actor: format!("operator:{name}"),
            source: "cli".into(),
            now,
            today,
            principal: None,
        }
    }

    /// A signed-in user acting from `source` (a client address).
    pub fn user(principal: Principal, source: &str, now: DateTime<Utc>, today: NaiveDate) -> Self {
        Ctx {
            actor: principal.email.clone(),
            source: source.to_string(),
            now,
            today,
            principal: Some(principal),
        }
    }

    pub(crate) fn stamp(&self) -> String {
        zilv_store::timestamp(self.now)
    }
}
