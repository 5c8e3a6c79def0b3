//! The audit trail for auditors: browse, filter, export as CSV or JSON.
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use zilv_store::audit::{Event, Filter};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::WebQuery;
use crate::pages::View;
use crate::state::AppState;

/// The filter of the page and of the exports, from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    object_type: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<i64>,
}

impl AuditQuery {
    pub fn filter(&self) -> Filter {
        let some = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        Filter {
            actor: some(&self.actor),
            action_prefix: some(&self.action),
            object_type: some(&self.object_type),
            from: some(&self.from),
            to: some(&self.to),
            before_seq: self.before,
        }
    }

    fn query_without_before(&self) -> String {
        let f = self.filter();
        let pairs: Vec<(&str, String)> = [
            ("actor", f.actor),
            ("action", f.action_prefix),
            ("object_type", f.object_type),
            ("from", f.from),
            ("to", f.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

const PAGE_SIZE: i64 = 100;
const EXPORT_LIMIT: i64 = 10_000;

pub async fn browse(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebQuery(q): WebQuery<AuditQuery>,
) -> Result<Response, AppError> {
    let events = zilv_services::audit::search(
        &state.store,
        &auth.ctx(&state),
        None,
        &q.filter(),
        PAGE_SIZE,
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let f = q.filter();
    let qs = q.query_without_before();
    let body = html! {
        form.filters method="get" action="/audit" {
            label { (page.t("actor")) input name="actor" value=(f.actor.clone().unwrap_or_default()); }
            label { (page.t("action")) input name="action" value=(f.action_prefix.clone().unwrap_or_default()) placeholder="system."; }
            label { (page.t("object_type")) input name="object_type" value=(f.object_type.clone().unwrap_or_default()); }
            label { (page.t("from")) input type="date" name="from" value=(f.from.clone().unwrap_or_default()); }
            label { (page.t("to")) input type="date" name="to" value=(f.to.clone().unwrap_or_default()); }
            button type="submit" { (page.t("filter")) }
        }
        p.exports {
            a href={ "/audit/export.csv?" (qs) } { (page.t("export_csv")) }
            " · "
            a href={ "/audit/export.json?" (qs) } { (page.t("export_json")) }
        }
        table.list id="audit" {
            thead { tr {
                th { "#" } th { (page.t("at")) } th { (page.t("actor")) } th { (page.t("source")) }
                th { (page.t("action")) } th { (page.t("object")) } th { (page.t("before")) } th { (page.t("after")) }
            } }
            tbody {
                @for e in &events {
                    tr {
                        td { (e.seq) }
                        td { (page.dates.moment(&e.at)) }
                        td { (e.actor) }
                        td { (e.source) }
                        td { code { (e.action) } }
                        td { (e.object_type) " " (e.object_id) }
                        td.json { (e.before.clone().unwrap_or_default()) }
                        td.json { (e.after.clone().unwrap_or_default()) }
                    }
                }
            }
        }
        @if events.is_empty() { p { (page.t("no_rows")) } }
        @if let Some(last) = events.last() {
            @if events.len() as i64 == PAGE_SIZE {
                p { a href={ "/audit?" (qs) "&before=" (last.seq) } { (page.t("older")) } }
            }
        }
    };
    Ok(page.render(page.t("audit"), body))
}

async fn export(
    state: &AppState,
    view: &View,
    auth: &crate::auth::Auth,
    q: &AuditQuery,
) -> Result<Vec<Event>, AppError> {
    zilv_services::audit::search(
        &state.store,
        &auth.ctx(state),
        None,
        &q.filter(),
        EXPORT_LIMIT,
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))
}

pub async fn export_json(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebQuery(q): WebQuery<AuditQuery>,
) -> Result<Response, AppError> {
    let events = export(&state, &view, &auth, &q).await?;
    let body = serde_json::to_vec_pretty(&events)
        .map_err(|e| AppError::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"zilv-audit.json\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// One CSV field, quoted when it needs to be (RFC 4180); a leading
/// formula character is prefixed so that spreadsheets do not run it.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub async fn export_csv(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebQuery(q): WebQuery<AuditQuery>,
) -> Result<Response, AppError> {
    let events = export(&state, &view, &auth, &q).await?;
    let mut out = String::from(
        "seq,at,actor,source,action,object_type,object_id,before,after,prev_hash,hash\r\n",
    );
    for e in &events {
        let cols = [
            e.seq.to_string(),
            e.at.clone(),
            e.actor.clone(),
            e.source.clone(),
            e.action.clone(),
            e.object_type.clone(),
            e.object_id.clone(),
            e.before.clone().unwrap_or_default(),
            e.after.clone().unwrap_or_default(),
            e.prev_hash.clone(),
            e.hash.clone(),
        ];
        let line: Vec<String> = cols.iter().map(|c| csv_field(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"zilv-audit.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
