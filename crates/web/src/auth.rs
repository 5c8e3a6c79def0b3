//! Who is asking: the session cookie or the API bearer token of every
//! request, resolved once, and the CSRF check of every state-changing request.
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;
use zilv_services::{auth, tokens, Ctx, Principal};

use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::{cookies, MAX_BODY};

/// The signed-in caller of a request.
#[derive(Debug, Clone)]
pub struct Auth {
    pub principal: Principal,
    /// The session's anti-forgery token; `None` for an API token.
    pub csrf: Option<String>,
    pub must_change_password: bool,
    /// The client's address, recorded as the audit event's source.
    pub source: String,
}

impl Auth {
    /// The use-case context of this request.
    pub fn ctx(&self, state: &AppState) -> Ctx {
        let now = state.clock.now();
        Ctx::user(
            self.principal.clone(),
            &self.source,
            now,
            state.clock.today(),
        )
    }
}

/// The request's resolved caller, put into its extensions by [`authenticate`].
#[derive(Debug, Clone)]
struct Resolved(Option<Auth>);

/// Form field and header that carry the anti-forgery token.
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

fn client(req: &Request) -> String {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string())
}

/// The client's IP address, or `unknown`.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string()),
        ))
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Resolves the caller and refuses a state-changing request without the
/// right anti-forgery token: the session's own (form field `_csrf` or header
/// `X-CSRF-Token`), or for the sign-in form the pre-session cookie's.
/// Bearer-token requests carry no cookies, so they need none.
pub async fn authenticate(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match resolve_and_check(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

async fn resolve_and_check(state: &AppState, req: Request) -> Result<Request, AppError> {
    let path = req.uri().path().to_string();
    let lang = cookies::get(req.headers(), cookies::LANG)
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default();
    let api = is_api(&path);
    let shape = |e: AppError| if api { e.json() } else { e.lang(lang) };
    let source = client(&req);
    let now = state.clock.now();
    // Bearer tokens are for the API only: pages need a session, so that a
    // leaked token cannot change the account (mint tokens, second factor).
    let bearer = api
        .then(|| req.headers().get(header::AUTHORIZATION))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_string);
    let resolved = if let Some(raw) = &bearer {
        let ctx = Ctx::operator("api", now, state.clock.today());
        let principal = tokens::authenticate(&state.store, &ctx, raw)
            .await
            .map_err(|e| shape(e.into()))?
            .ok_or_else(|| {
                shape(AppError::new(
                    StatusCode::UNAUTHORIZED,
                    "the API token is not valid or was revoked",
                ))
            })?;
        Some(Auth {
            principal,
            csrf: None,
            must_change_password: false,
            source,
        })
    } else if let Some(sid) = cookies::get(req.headers(), cookies::SESSION) {
        auth::session(&state.store, &state.config.auth, now, &sid)
            .await
            .map_err(|e| shape(e.into()))?
            .map(|s| Auth {
                principal: s.principal,
                csrf: Some(s.csrf_token),
                must_change_password: s.must_change_password,
                source,
            })
    } else {
        None
    };
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if !safe && bearer.is_none() {
        let expected = if path == "/sign-in" {
            cookies::get(req.headers(), cookies::PRE_SESSION)
        } else {
            resolved.as_ref().and_then(|a| a.csrf.clone())
        };
        let (given, rebuilt) = csrf_given(req).await.map_err(shape)?;
        req = rebuilt;
        let ok = matches!((&expected, &given), (Some(e), Some(g)) if same(e, g));
        if !ok && (expected.is_some() || path == "/sign-in") {
            return Err(shape(AppError::new(
                StatusCode::FORBIDDEN,
                "the form's anti-forgery token is missing or does not match: reload the page and try again",
            )));
        }
    }
    req.extensions_mut().insert(Resolved(resolved));
    Ok(req)
}

/// The anti-forgery token the request carries, from the header, the form
/// body (read and put back) or, for a multipart upload, the query string.
async fn csrf_given(req: Request) -> Result<(Option<String>, Request), AppError> {
    if let Some(h) = req.headers().get(CSRF_HEADER) {
        return Ok((h.to_str().ok().map(str::to_string), req));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        // A file upload is not read here: its form's action carries the token
        // in the query string.
        let token = req
            .uri()
            .query()
            .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
            .and_then(|pairs| {
                pairs
                    .into_iter()
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v)
            });
        return Ok((token, req));
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok((None, req));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {MAX_BODY} bytes"),
        )
    })?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// The signed-in caller; without one, a page request goes to the sign-in
/// page and an API request gets 401. A user who must change their password
/// is sent to the account page first.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Auth);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Under a nested router `parts.uri` lacks the prefix; the original has it.
        let uri = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
        let path = uri.path().to_string();
        let resolved = parts.extensions.get::<Resolved>().and_then(|r| r.0.clone());
        let Some(auth) = resolved else {
            if is_api(&path) {
                return Err(AppError::new(
                    StatusCode::UNAUTHORIZED,
                    "sign in or send an API token",
                )
                .json()
                .into_response());
            }
            let next = uri
                .path_and_query()
                .map_or("/".to_string(), |p| p.as_str().to_string());
            let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            return Err(Redirect::to(&format!("/sign-in?{q}")).into_response());
        };
        if auth.must_change_password {
            if is_api(&path) {
                return Err(AppError::new(
                    StatusCode::FORBIDDEN,
                    "change the one-time password on the account page first",
                )
                .json()
                .into_response());
            }
            // Only the password change itself and signing out are open.
            if path != "/account" && path != "/account/password" && path != "/sign-out" {
                return Err(Redirect::to("/account").into_response());
            }
        }
        Ok(SignedIn(auth))
    }
}

/// The caller if signed in, for pages that also serve visitors.
#[derive(Debug, Clone)]
pub struct MaybeSignedIn(pub Option<Auth>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSignedIn {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeSignedIn(
            parts.extensions.get::<Resolved>().and_then(|r| r.0.clone()),
        ))
    }
}
