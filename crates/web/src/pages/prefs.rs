//! The language and date-style switches: a cookie, then back to the page.
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::cookies;
use crate::dates::DateStyle;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::local_path;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

const YEAR: i64 = 365 * 24 * 3600;

pub async fn lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    let lang = Lang::parse(&code).ok_or_else(AppError::not_found)?;
    Ok((
        [(
            header::SET_COOKIE,
            cookies::set(
                cookies::LANG,
                lang.code(),
                Some(YEAR),
                state.config.secure_cookies,
            ),
        )],
        Redirect::to(&local_path(q.next.as_deref())),
    )
        .into_response())
}

pub async fn dates(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<Next>,
) -> Result<Response, AppError> {
    let style = DateStyle::parse(&code).ok_or_else(AppError::not_found)?;
    Ok((
        [(
            header::SET_COOKIE,
            cookies::set(
                cookies::DATES,
                style.code(),
                Some(YEAR),
                state.config.secure_cookies,
            ),
        )],
        Redirect::to(&local_path(q.next.as_deref())),
    )
        .into_response())
}
