//! The iCalendar feed of a user's deadlines, protected by one of their API
//! tokens in the URL (calendar applications cannot send headers).
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use zilv_services::{dashboard, tokens, Ctx, Permission};

use crate::error::AppError;
use crate::ical::{calendar, Deadline};
use crate::state::AppState;

pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let now = state.clock.now();
    let probe = Ctx::operator("calendar", now, state.clock.today());
    // Feed addresses end up with calendar services and in logs: only a
    // read-only token opens one.
    let principal = tokens::authenticate(&state.store, &probe, token)
        .await?
        .filter(|p| !p.may_write)
        .ok_or_else(|| AppError::new(StatusCode::NOT_FOUND, "no calendar at this address"))?;
    let ctx = Ctx::user(principal.clone(), "calendar", now, state.clock.today());
    let mut deadlines = Vec::new();
    if principal.can(Permission::ViewRegisters) {
        for d in dashboard::deadlines(&state.store, &ctx, state.params(), None).await? {
            deadlines.push(Deadline {
                on: d.date,
                uid: format!(
                    "{}-{}-{}@zilv",
                    d.kind,
                    principal.org_code,
                    d.url_path.replace('/', "-")
                ),
                summary: d.title,
                description: format!("{} · {}", d.kind, d.url_path),
            });
        }
    }
    let body = calendar(&format!("Zilv · {}", principal.org_name), &deadlines, now);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}
