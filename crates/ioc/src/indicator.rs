//! One indicator of compromise: its kind, normalised value, feed and validity.
use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What an indicator names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A domain name; it also covers every name below it.
    Domain,
    /// One IPv4 address.
    Ipv4,
    /// One IPv6 address.
    Ipv6,
    /// A range of IPv4 or IPv6 addresses (`192.0.2.0/24`, `2001:db8::/32`).
    Cidr,
    /// A URL (compared without its scheme, see `normalize::url`).
    Url,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Domain => "domain",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Cidr => "cidr",
            Kind::Url => "url",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An indicator as loaded from a feed. `value` is in normal form: domains in
/// lower-case ASCII (punycode) without a trailing dot, addresses in their
/// canonical text, ranges with host bits cleared, URLs as `host[:port]/path`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub kind: Kind,
    pub value: String,
    /// The feed it came from: the file name, plus the feed's own name where
    /// the format carries one.
    pub source: String,
    pub description: String,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    /// File and line it was read from (`file:line`, or `file` for JSON).
    pub origin: String,
}

/// How an indicator stands relative to the time of a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid,
    /// `valid_until` is before `now`.
    Expired,
    /// `valid_from` is after `now`.
    NotYetValid,
}

impl Indicator {
    pub fn validity(&self, now: DateTime<Utc>) -> Validity {
        if self.valid_until.is_some_and(|u| u < now) {
            Validity::Expired
        } else if self.valid_from.is_some_and(|f| f > now) {
            Validity::NotYetValid
        } else {
            Validity::Valid
        }
    }
}
