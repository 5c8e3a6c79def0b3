//! The server-rendered pages, one module per area, and their routes.
mod account;
mod assessment_setup;
mod assessments;
mod assessors;
mod audit;
mod calendar;
mod catalog;
mod dashboard;
mod drills;
mod findings;
mod imports;
mod ioc_reviews;
mod plans;
mod prefs;
mod registers;
pub(crate) mod reports;
mod sign_in;
mod upload;
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
        .route(
            "/assessments",
            get(assessments::list).post(assessment_setup::create),
        )
        .route("/assessments/new", get(assessment_setup::new))
        .route(
            "/assessments/{code}/team",
            post(assessment_setup::add_member),
        )
        .route(
            "/assessments/{code}/items",
            post(assessment_setup::set_items),
        )
        .route("/assessments/{code}", get(assessments::show))
        .route("/assessments/{code}/start", post(assessments::start))
        .route("/assessments/{code}/complete", post(assessments::complete))
        .route(
            "/assessments/{code}/results",
            post(assessments::record_result),
        )
        .route("/reports", get(reports::list))
        .route(
            "/assessments/{code}/report/preview/{format}",
            get(reports::preview),
        )
        .route(
            "/assessments/{code}/report/oscal/{file}",
            get(reports::oscal),
        )
        .route(
            "/assessments/{code}/report/finalize",
            post(reports::finalize),
        )
        .route("/assessments/{code}/report/delete", post(reports::delete))
        .route("/assessments/{code}/report/hold", post(reports::hold))
        .route("/assessments/{code}/report/release", post(reports::release))
        .route(
            "/assessments/{code}/report/{format}",
            get(reports::download),
        )
        .route("/findings", get(findings::list).post(findings::add))
        .route("/findings/new", get(findings::new))
        .route("/findings/export.csv", get(findings::export_csv))
        .route("/findings/export.xlsx", get(findings::export_xlsx))
        .route(
            "/assessments/{code}/evidence",
            post(assessment_setup::add_evidence),
        )
        .route("/findings/{id}", get(findings::show))
        .route("/findings/{id}/transition", post(findings::transition))
        .route(
            "/ioc-reviews/{assessment}",
            get(ioc_reviews::list).post(ioc_reviews::create),
        )
        .route("/ioc-reviews/{assessment}/new", get(ioc_reviews::new))
        .route("/ioc-reviews/{assessment}/{id}", get(ioc_reviews::show))
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/new", get(plans::new))
        .route("/plans/{id}", get(plans::show))
        .route("/plans/{id}/approve", post(plans::approve))
        .route("/plans/{id}/review", post(plans::review))
        .route("/assessors", get(assessors::list).post(assessors::add))
        .route("/assessors/new", get(assessors::new))
        .route("/assessors/{id}", get(assessors::show))
        .route("/assessors/{id}/qualifications", post(assessors::qualify))
        .route("/assessors/{id}/nda", post(assessors::record_nda))
        .route("/drills", get(drills::list).post(drills::add))
        .route("/drills/new", get(drills::new))
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

/// Only paths of this site are followed after sign-in or a switch: one
/// leading slash, no backslash, no control or white-space characters (which
/// browsers drop, turning `/\t/host` into `//host`).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n[1..].starts_with(['/', '\\'])
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// A path segment percent-encoded, for links that carry e-mail addresses or codes.
pub fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~@".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n",
            "https://evil.example/",
            "/ /x",
            "evil",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(Some("/systems/CORE?x=1")), "/systems/CORE?x=1");
        assert_eq!(local_path(None), "/");
        assert_eq!(segment("a#b?c/d%e@x.tw"), "a%23b%3Fc%2Fd%25e@x.tw");
    }
}
