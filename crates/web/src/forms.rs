//! Request input: HTML forms, API JSON, query strings and numeric path IDs,
//! with malformed or oversized input answered by a clear 4xx naming what is wrong.
use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::i18n::Lang;

/// A form body; a malformed one is a 400 page that says why.
pub struct WebForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for WebForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = crate::cookies::get(req.headers(), crate::cookies::LANG)
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default();
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(WebForm(v)),
            Err(e) => Err(form_error(&e).lang(lang)),
        }
    }
}

fn form_error(e: &FormRejection) -> AppError {
    let status = match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::BAD_REQUEST,
    };
    AppError::new(
        status,
        format!("the form could not be read: {}", e.body_text()),
    )
}

/// A JSON body of the API; a malformed one is a 4xx JSON error that says
/// where and why.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(json_error(&e).json()),
        }
    }
}

fn json_error(e: &JsonRejection) -> AppError {
    let status = match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => StatusCode::PAYLOAD_TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        StatusCode::UNPROCESSABLE_ENTITY => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    };
    AppError::new(
        status,
        format!("the JSON body could not be read: {}", e.body_text()),
    )
}

fn lang_of(parts: &Parts) -> Lang {
    crate::cookies::get(&parts.headers, crate::cookies::LANG)
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

fn query_error(e: &QueryRejection) -> AppError {
    AppError::new(
        StatusCode::BAD_REQUEST,
        format!("the query string could not be read: {}", e.body_text()),
    )
}

/// A page's query string; a malformed one is a 400 page that says why.
pub struct WebQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for WebQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(WebQuery(v)),
            Err(e) => Err(query_error(&e).lang(lang_of(parts))),
        }
    }
}

/// An API query string; a malformed one is a JSON 400 that says why.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(query_error(&e).json()),
        }
    }
}

/// A numeric object ID from the path of a page; anything else is not found.
pub struct WebId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for WebId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(WebId(id)),
            Err(_) => Err(AppError::not_found().lang(lang_of(parts))),
        }
    }
}

/// A numeric object ID from the path of an API route; anything else is a JSON 404.
pub struct ApiId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for ApiId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<i64>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(ApiId(id)),
            Err(_) => {
                Err(AppError::new(StatusCode::NOT_FOUND, "no such object: IDs are numbers").json())
            }
        }
    }
}
