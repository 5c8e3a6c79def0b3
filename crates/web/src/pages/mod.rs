//! The server-rendered pages, one module per area, and their routes.
mod account;
mod audit;
mod calendar;
mod catalog;
mod dashboard;
mod imports;
mod prefs;
mod registers;
mod sign_in;
mod users;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;

use crate::auth::Auth;
use crate::cookies;
use crate::dates::DateStyle;
use crate::i18n::Lang;
use crate::layout::Page;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show))
        .route("/static/zilv.css", get(stylesheet))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/prefs/lang/{lang}", get(prefs::lang))
        .route("/prefs/dates/{style}", get(prefs::dates))
        .route("/catalog", get(catalog::tree))
        .route("/catalog/{id}", get(catalog::clause))
        .route(
            "/systems",
            get(registers::systems).post(registers::add_system),
        )
        .route("/systems/new", get(registers::new_system))
        .route("/systems/{code}", get(registers::system))
        .route("/systems/{code}/incidents", post(registers::add_incident))
        .route("/assets", get(registers::assets).post(registers::add_asset))
        .route("/assets/new", get(registers::new_asset))
        .route("/assets/{code}", get(registers::asset))
        .route("/users", get(users::list).post(users::add))
        .route("/users/new", get(users::new))
        .route("/users/{email}", get(users::show).post(users::update))
        .route("/audit", get(audit::browse))
        .route("/audit/export.csv", get(audit::export_csv))
        .route("/audit/export.json", get(audit::export_json))
        .route("/calendar/{file}", get(calendar::feed))
        .route("/account", get(account::show))
        .route("/account/password", post(account::change_password))
        .route(
            "/account/sign-out-everywhere",
            post(account::sign_out_everywhere),
        )
        .route("/account/totp/start", post(account::totp_start))
        .route("/account/totp/enable", post(account::totp_enable))
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/imports/new", get(imports::new))
        .route(
            "/imports",
            post(imports::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::imports::MAX_IMPORT_BODY,
            )),
        )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/zilv.css"),
    )
}

/// The viewer's language, date style and the path of the page.
#[derive(Debug, Clone)]
pub struct View {
    pub lang: Lang,
    pub dates: DateStyle,
    pub path: String,
}

impl View {
    pub fn page<'a>(&'a self, auth: Option<&'a Auth>) -> Page<'a> {
        Page {
            lang: self.lang,
            dates: self.dates,
            auth,
            path: &self.path,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for View {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(View {
            lang: cookies::get(&parts.headers, cookies::LANG)
                .and_then(|v| Lang::parse(&v))
                .unwrap_or_default(),
            dates: cookies::get(&parts.headers, cookies::DATES)
                .and_then(|v| DateStyle::parse(&v))
                .unwrap_or_default(),
            path: parts
                .uri
                .path_and_query()
                .map_or("/".to_string(), |p| p.as_str().to_string()),
        })
    }
}

/// A redirect after a successful POST (303, so the browser GETs the target).
pub fn see_other(to: &str) -> axum::response::Response {
    axum::response::Redirect::to(to).into_response()
}

/// Only paths of this site are followed after sign-in or a switch.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}
