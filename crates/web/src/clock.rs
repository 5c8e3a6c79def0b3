//! The server's clock: the system time in production, a settable one in tests.
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// The calendar day in Taiwan (UTC+8), which deadlines are computed for.
    fn today(&self) -> NaiveDate {
        let now = self.now();
        FixedOffset::east_opt(8 * 3600).map_or_else(
            || now.date_naive(),
            |tz| now.with_timezone(&tz).date_naive(),
        )
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved: session expiry and lock-out are
/// tested by moving it, never by sleeping.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(Arc::new(Mutex::new(at)))
    }

    pub fn advance(&self, by: Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map_or_else(|e| *e.into_inner(), |t| *t)
    }
}

/// The system time, with the calendar day fixed (`zilv serve --today`).
#[derive(Debug, Clone, Copy)]
pub struct FixedDayClock(pub NaiveDate);

impl Clock for FixedDayClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn today(&self) -> NaiveDate {
        self.0
    }
}
