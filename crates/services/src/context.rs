//! Who is acting, from where, and when: passed into every use case.
use chrono::{DateTime, NaiveDate, Utc};

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
}

impl Ctx {
    pub(crate) fn stamp(&self) -> String {
        zilv_store::timestamp(self.now)
    }
}
