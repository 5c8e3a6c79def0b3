//! The iCalendar feed of a user's deadlines, protected by one of their API
//! tokens in the URL (calendar applications cannot send headers).
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use zilv_services::{systems, tokens, Ctx, Permission};

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
    let principal = tokens::authenticate(&state.store, &probe, token)
        .await?
        .ok_or_else(|| AppError::new(StatusCode::NOT_FOUND, "no calendar at this address"))?;
    let ctx = Ctx::user(principal.clone(), "calendar", now, state.clock.today());
    let mut deadlines = Vec::new();
    if principal.can(Permission::ViewRegisters) {
        for v in systems::list(&state.store, &ctx, state.params(), None).await? {
            deadlines.push(Deadline {
                on: v.next_due.on,
                uid: format!(
                    "assessment-due-{}-{}@zilv",
                    principal.org_code, v.system.code
                ),
                summary: format!(
                    "資安評估到期 Assessment due: {} {} ({})",
                    v.system.code,
                    v.system.name,
                    v.next_due.basis.clause()
                ),
                description: format!("等級 class {}", v.system.class.number()),
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
