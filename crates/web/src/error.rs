//! Errors as responses: a page for people, JSON for the API; always a
//! proper status, never a stack trace.
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde_json::json;
use zilv_services::ServiceError;

use crate::i18n::Lang;

/// Why a request failed, and how to show it.
#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub message: String,
    /// Answer with JSON (API) rather than a page.
    pub json: bool,
    pub lang: Lang,
}

impl AppError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AppError {
            status,
            message: message.into(),
            json: false,
            lang: Lang::Zh,
        }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not found")
    }

    pub fn json(mut self) -> Self {
        self.json = true;
        self
    }

    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        let status = match &e {
            ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::NotFound { .. } => StatusCode::NOT_FOUND,
            ServiceError::Conflict(_) => StatusCode::CONFLICT,
            ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServiceError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ServiceError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = match &e {
            // A database failure is logged in full, shown in short.
            ServiceError::Store(inner) => {
                eprintln!("zilv: request failed: {inner}");
                "the database could not complete the request".to_string()
            }
            other => other.to_string(),
        };
        AppError::new(status, message)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.json {
            return (
                self.status,
                axum::Json(
                    json!({ "error": { "status": self.status.as_u16(), "message": self.message } }),
                ),
            )
                .into_response();
        }
        let t = self.lang;
        let title = format!(
            "{} {}",
            self.status.as_u16(),
            crate::i18n::status_text(t, self.status)
        );
        let body = html! {
            (maud::DOCTYPE)
            html lang=(t.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · Zilv" }
                    link rel="stylesheet" href="/static/zilv.css";
                }
                body.error-page {
                    main {
                        h1 { (title) }
                        p.error-message { (self.message) }
                        p { a href="/" { (crate::i18n::t(t, "back_home")) } }
                    }
                }
            }
        };
        (
            self.status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body.into_string(),
        )
            .into_response()
    }
}

/// Unknown routes: a 404 page, or JSON under `/api/`.
pub async fn not_found(uri: Uri, lang: Lang) -> AppError {
    let e = AppError::new(StatusCode::NOT_FOUND, format!("no page at {}", uri.path())).lang(lang);
    if uri.path().starts_with("/api/") {
        e.json()
    } else {
        e
    }
}

/// A known route asked with the wrong method.
pub async fn method_not_allowed(uri: Uri, lang: Lang) -> AppError {
    let e = AppError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not answer this method", uri.path()),
    )
    .lang(lang);
    if uri.path().starts_with("/api/") {
        e.json()
    } else {
        e
    }
}

/// A handler that panicked: a plain 500, the details kept out of the response.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    eprintln!("zilv: a request handler panicked");
    AppError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error: the request was not completed",
    )
    .into_response()
}
