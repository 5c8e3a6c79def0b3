//! The page shell: head, navigation by permission, language and date switches.
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, DOCTYPE};
use zilv_services::Permission;

use crate::auth::{Auth, CSRF_FIELD};
use crate::dates::DateStyle;
use crate::i18n::{t, Lang};

/// What every page needs to draw its shell.
#[derive(Debug, Clone)]
pub struct Page<'a> {
    pub lang: Lang,
    pub dates: DateStyle,
    pub auth: Option<&'a Auth>,
    /// The path of this page, for the language switch to come back to.
    pub path: &'a str,
}

impl Page<'_> {
    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    /// The hidden anti-forgery field of a form.
    pub fn csrf(&self) -> Markup {
        html! {
            @if let Some(token) = self.auth.and_then(|a| a.csrf.as_deref()) {
                input type="hidden" name=(CSRF_FIELD) value=(token);
            }
        }
    }

    /// Renders a whole page around `body`.
    pub fn render(&self, title: &str, body: Markup) -> Response {
        let l = self.lang;
        let next = serde_urlencoded::to_string([("next", self.path)]).unwrap_or_default();
        let can = |p: Permission| self.auth.is_some_and(|a| a.principal.can(p));
        let markup = html! {
            (DOCTYPE)
            html lang=(l.code()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · Zilv" }
                    link rel="stylesheet" href="/static/zilv.css";
                }
                body {
                    header.top {
                        a.brand href="/" { (t(l, "app_name")) }
                        @if let Some(a) = self.auth {
                            nav {
                                a href="/" { (t(l, "dashboard")) }
                                a href="/catalog" { (t(l, "catalog")) }
                                @if can(Permission::ViewRegisters) {
                                    a href="/systems" { (t(l, "systems")) }
                                    a href="/assets" { (t(l, "assets")) }
                                }
                                @if can(Permission::ViewAssessments) {
                                    a href="/assessments" { (t(l, "assessments")) }
                                }
                                @if can(Permission::ViewAssessments) && a.principal.role != zilv_domain::Role::Assessor {
                                    a href="/plans" { (t(l, "plans")) }
                                    a href="/assessors" { (t(l, "assessors")) }
                                    a href="/drills" { (t(l, "drills")) }
                                }
                                @if can(Permission::ViewFindings) {
                                    a href="/findings" { (t(l, "findings")) }
                                }
                                @if can(Permission::ViewAssessments) {
                                    a href="/reports" { (t(l, "reports")) }
                                }
                                @if can(Permission::ManageUsers) {
                                    a href="/users" { (t(l, "users")) }
                                }
                                @if can(Permission::ViewAudit) {
                                    a href="/audit" { (t(l, "audit")) }
                                }
                                a href="/account" { (t(l, "account")) }
                            }
                            span.who { (a.principal.display_name) " · " (a.principal.org_name) }
                            form.inline method="post" action="/sign-out" {
                                (self.csrf())
                                button.link type="submit" { (t(l, "sign_out")) }
                            }
                        } @else {
                            nav { a href="/catalog" { (t(l, "catalog")) } }
                        }
                        span.switches {
                            a id="lang-switch" lang=(l.other().code()) href={ "/prefs/lang/" (l.other().code()) "?" (next) } { (l.other().native_name()) }
                            " · "
                            @match self.dates {
                                DateStyle::Iso => a id="dates-switch" href={ "/prefs/dates/roc?" (next) } { (t(l, "dates_roc")) },
                                DateStyle::Roc => a id="dates-switch" href={ "/prefs/dates/iso?" (next) } { (t(l, "dates_iso")) },
                            }
                        }
                    }
                    main { h1 { (title) } (body) }
                }
            }
        };
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            markup.into_string(),
        )
            .into_response()
    }
}
