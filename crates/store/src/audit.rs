//! The `audit_events` table: an append-only, hash-chained trail of every change.
//!
//! Each event's hash is SHA-256 over the previous event's hash and the event's
//! own fields (see [`event_hash`]), so editing, deleting, inserting or
//! reordering events breaks the chain at the first event touched.
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{Conn, StoreError};

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A change about to be recorded.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// The organisation whose data changed; `None` for installation-wide changes.
    pub org_id: Option<i64>,
    /// Who: a user's e-mail, or `system` for the installation itself.
    pub actor: &'a str,
    /// From where: `cli`, or a client address for the web.
    pub source: &'a str,
    /// What: `system.create`, `org.create`, …
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub seq: i64,
    pub at: String,
    pub org_id: Option<i64>,
    pub actor: String,
    pub source: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    /// The hash this event should carry, recomputed from its fields.
    pub fn expected_hash(&self) -> String {
        let fields = json!([
            self.seq,
            self.at,
            self.org_id,
            self.actor,
            self.source,
            self.action,
            self.object_type,
            self.object_id,
            self.before,
            self.after
        ]);
        event_hash(&self.prev_hash, &fields.to_string())
    }
}

/// SHA-256 (hex) of the previous hash, a newline, and the event's fields as a
/// compact JSON array `[seq, at, org_id, actor, source, action, object_type,
/// object_id, before, after]`.
pub fn event_hash(prev_hash: &str, fields_json: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(fields_json.as_bytes());
    hex::encode(h.finalize())
}

const COLUMNS: &str =
    "seq, at, org_id, actor, source, action, object_type, object_id, before, after, prev_hash, hash";

fn from_row(r: &AnyRow) -> Result<Event, StoreError> {
    Ok(Event {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        org_id: r.try_get("org_id")?,
        actor: r.try_get("actor")?,
        source: r.try_get("source")?,
        action: r.try_get("action")?,
        object_type: r.try_get("object_type")?,
        object_id: r.try_get("object_id")?,
        before: r.try_get("before")?,
        after: r.try_get("after")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

/// Appends an event in the caller's transaction, chained to the last one.
pub async fn append(conn: &mut Conn, ev: &NewEvent<'_>, now: &str) -> Result<Event, StoreError> {
    if conn.backend_name() == "PostgreSQL" {
        // Appenders queue here until the holder commits, so the chain never forks.
        sqlx::query("SELECT pg_advisory_xact_lock(5830412902)")
            .execute(&mut *conn)
            .await?;
    }
    let last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    let (seq, prev_hash) = match last {
        Some(r) => (
            r.try_get::<i64, _>("seq")? + 1,
            r.try_get::<String, _>("hash")?,
        ),
        None => (1, GENESIS.to_string()),
    };
    let mut event = Event {
        seq,
        at: now.to_string(),
        org_id: ev.org_id,
        actor: ev.actor.to_string(),
        source: ev.source.to_string(),
        action: ev.action.to_string(),
        object_type: ev.object_type.to_string(),
        object_id: ev.object_id.to_string(),
        before: ev.before.as_ref().map(Value::to_string),
        after: ev.after.as_ref().map(Value::to_string),
        prev_hash,
        hash: String::new(),
    };
    event.hash = event.expected_hash();
    sqlx::query(&format!(
        "INSERT INTO audit_events ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(event.seq)
    .bind(&event.at)
    .bind(event.org_id)
    .bind(&event.actor)
    .bind(&event.source)
    .bind(&event.action)
    .bind(&event.object_type)
    .bind(&event.object_id)
    .bind(&event.before)
    .bind(&event.after)
    .bind(&event.prev_hash)
    .bind(&event.hash)
    .execute(&mut *conn)
    .await?;
    Ok(event)
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Events checked.
    pub events: i64,
    /// The first event that breaks the chain, and why; `None` when intact.
    pub first_broken: Option<(i64, String)>,
}

/// Walks every event in order, in pages, checking numbering, links and hashes.
pub async fn verify(conn: &mut Conn) -> Result<Verification, StoreError> {
    let mut prev_hash = GENESIS.to_string();
    let mut expected_seq = 1_i64;
    let mut checked = 0_i64;
    loop {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT 1000"
        ))
        .bind(expected_seq)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let ev = from_row(row)?;
            let broken = if ev.seq != expected_seq {
                Some(format!(
                    "expected event {expected_seq} here, found {}: events are missing",
                    ev.seq
                ))
            } else if ev.prev_hash != prev_hash {
                Some(
                    "does not link to the event before it (deleted, inserted or reordered)"
                        .to_string(),
                )
            } else if ev.hash != ev.expected_hash() {
                Some("its content does not match its hash (edited)".to_string())
            } else {
                None
            };
            if let Some(reason) = broken {
                return Ok(Verification {
                    events: checked,
                    first_broken: Some((ev.seq, reason)),
                });
            }
            checked += 1;
            expected_seq += 1;
            prev_hash = ev.hash;
        }
    }
    Ok(Verification {
        events: checked,
        first_broken: None,
    })
}

/// The newest `limit` events of `org_id` (all organisations when `None`), newest first.
pub async fn recent(
    conn: &mut Conn,
    org_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Event>, StoreError> {
    let rows = match org_id {
        Some(org) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT $2"
            ))
            .bind(org)
            .bind(limit)
            .fetch_all(conn)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM audit_events ORDER BY seq DESC LIMIT $1"
            ))
            .bind(limit)
            .fetch_all(conn)
            .await?
        }
    };
    rows.iter().map(from_row).collect()
}

/// What an auditor filters the trail by; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Exact actor (an e-mail or `operator:NAME`).
    pub actor: Option<String>,
    /// Actions starting with this, e.g. `user.` or `system.create`.
    pub action_prefix: Option<String>,
    pub object_type: Option<String>,
    /// Events at or after the start of this day in Taiwan (`YYYY-MM-DD`, UTC+8).
    pub from: Option<String>,
    /// Events on or before this day in Taiwan (`YYYY-MM-DD`, UTC+8).
    pub to: Option<String>,
    /// Only events with a smaller sequence number (the next page).
    pub before_seq: Option<i64>,
}

/// The stored timestamp (UTC) at which day `d` begins in Taiwan (UTC+8).
fn taiwan_day_start(d: &str) -> Result<String, StoreError> {
    let day = crate::parse_day("day", d)?;
    let start = day
        .and_hms_opt(0, 0, 0)
        .ok_or_else(|| StoreError::Corrupt(format!("{d}: no midnight")))?
        - chrono::Duration::hours(8);
    Ok(crate::timestamp(start.and_utc()))
}

/// One organisation's events matching `filter`, newest first, at most `limit`.
pub async fn search(
    conn: &mut Conn,
    org_id: i64,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Event>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM audit_events WHERE org_id = $1");
    let mut binds: Vec<String> = Vec::new();
    let mut add = |clause: &str, value: String| {
        binds.push(value);
        sql.push_str(&format!(" AND {clause} ${}", binds.len() + 1));
    };
    if let Some(a) = &filter.actor {
        add("actor =", a.clone());
    }
    if let Some(a) = &filter.action_prefix {
        // `substr` on both databases; no LIKE, so `%` and `_` are plain characters.
        add(
            &format!("substr(action, 1, {}) =", a.chars().count()),
            a.clone(),
        );
    }
    if let Some(t) = &filter.object_type {
        add("object_type =", t.clone());
    }
    if let Some(d) = &filter.from {
        add("at >=", taiwan_day_start(d)?);
    }
    if let Some(d) = &filter.to {
        let next = crate::parse_day("to", d)?
            .succ_opt()
            .ok_or_else(|| StoreError::Corrupt(format!("to = {d}: no next day")))?;
        add("at <", taiwan_day_start(&next.to_string())?);
    }
    let seq_param = binds.len() + 2;
    if filter.before_seq.is_some() {
        sql.push_str(&format!(" AND seq < ${seq_param}"));
    }
    let limit_param = seq_param + usize::from(filter.before_seq.is_some());
    sql.push_str(&format!(" ORDER BY seq DESC LIMIT ${limit_param}"));
    let mut q = sqlx::query(&sql).bind(org_id);
    for b in &binds {
        q = q.bind(b.as_str());
    }
    if let Some(s) = filter.before_seq {
        q = q.bind(s);
    }
    let rows = q.bind(limit).fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}
