//! The signed-in user's own account: password, two-step verification,
//! API tokens, signing out everywhere.
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::Response;
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;
use zilv_services::{auth, tokens, totp, ServiceError};

use crate::auth::{Auth, SignedIn};
use crate::cookies;
use crate::error::AppError;
use crate::forms::{WebForm, WebId};
use crate::layout::Page;
use crate::pages::{see_other, View};
use crate::state::AppState;

/// What to show above the sections after an action.
enum Notice {
    None,
    Saved,
    Error(String),
    Token(String, bool),
    TotpSetup(String),
}

async fn render(
    state: &AppState,
    view: &View,
    a: &Auth,
    notice: Notice,
    status: StatusCode,
) -> Result<Response, AppError> {
    let ctx = a.ctx(state);
    let lang = view.lang;
    let totp_on = auth::totp_enabled(&state.store, &ctx)
        .await
        .map_err(|e| AppError::from(e).lang(lang))?;
    let list = tokens::list(&state.store, &ctx)
        .await
        .map_err(|e| AppError::from(e).lang(lang))?;
    let page = view.page(Some(a));
    let body = html! {
        @if a.must_change_password { p.error role="alert" { (page.t("must_change")) } }
        @match &notice {
            Notice::None => {},
            Notice::Saved => p.notice role="status" { (page.t("saved")) },
            Notice::Error(e) => p.error role="alert" { (e) },
            Notice::Token(t, read_only) => {
                p.notice role="status" { (page.t("token_once")) " " code #new-token { (t) } }
                @if *read_only {
                    p.hint { (page.t("calendar_feed")) " " code #calendar-path { "/calendar/" (t) ".ics" } }
                }
            },
            Notice::TotpSetup(secret) => (totp_setup(&page, a, secret)),
        }
        p { (page.t("signed_in_as")) " " (a.principal.email) " (" (crate::pages::users::role_label(lang, a.principal.role)) ")" }
        section {
            h2 { (page.t("change_password")) }
            form.card method="post" action="/account/password" {
                (page.csrf())
                p.hint { (page.t("password_rules")) }
                label { (page.t("current_password")) input type="password" name="current" autocomplete="current-password" required; }
                label { (page.t("new_password")) input type="password" name="new" autocomplete="new-password" required minlength="12"; }
                button type="submit" { (page.t("change_password")) }
            }
        }
        @if !a.must_change_password {
            section {
                h2 { (page.t("two_step")) }
                @if totp_on {
                    p { (page.t("two_step_on")) }
                    form.card method="post" action="/account/totp/disable" {
                        (page.csrf())
                        label { (page.t("current_password")) input type="password" name="current" required; }
                        button type="submit" { (page.t("disable")) }
                    }
                } @else {
                    p { (page.t("two_step_off")) }
                    form.inline method="post" action="/account/totp/start" {
                        (page.csrf())
                        button type="submit" { (page.t("two_step_start")) }
                    }
                }
            }
            section {
                h2 { (page.t("api_tokens")) }
                table.list id="tokens" {
                    thead { tr { th { (page.t("name")) } th { (page.t("scope")) } th { (page.t("created")) } th { (page.t("last_used")) } th {} } }
                    tbody {
                        @for t in &list {
                            tr {
                                td { (t.name) }
                                td { (page.t(&t.scope)) }
                                td { (page.dates.moment(&t.created_at)) }
                                td { (t.last_used_at.as_deref().map(|s| page.dates.moment(s)).unwrap_or_default()) }
                                td {
                                    @if t.revoked_at.is_some() { (page.t("revoked")) } @else {
                                        form.inline method="post" action={ "/account/tokens/" (t.id) "/revoke" } {
                                            (page.csrf())
                                            button.link type="submit" { (page.t("revoke")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form.card method="post" action="/account/tokens" {
                    (page.csrf())
                    label { (page.t("name")) input name="name" required maxlength="100"; }
                    label { (page.t("scope"))
                        select name="scope" {
                            option value="read" { (page.t("read")) }
                            option value="write" { (page.t("write")) }
                        }
                    }
                    button type="submit" { (page.t("create_token")) }
                }
            }
            section {
                h2 { (page.t("sign_out_everywhere")) }
                form.inline method="post" action="/account/sign-out-everywhere" {
                    (page.csrf())
                    button type="submit" { (page.t("sign_out_everywhere")) }
                }
            }
        }
    };
    let mut res = page.render(page.t("account"), body);
    *res.status_mut() = status;
    Ok(res)
}

fn totp_setup(page: &Page<'_>, a: &Auth, secret: &str) -> Markup {
    let uri = totp::uri(secret, &a.principal.email, "Zilv");
    let svg = qrcode::QrCode::new(uri.as_bytes())
        .map(|q| {
            q.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(200, 200)
                .build()
        })
        .unwrap_or_default();
    let data_uri = format!(
        "data:image/svg+xml;base64,{}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, svg)
    );
    html! {
        div.card #totp-setup {
            p { (page.t("two_step_scan")) }
            img src=(data_uri) alt="QR code" width="200" height="200";
            p { code #totp-secret { (secret) } }
            form method="post" action="/account/totp/enable" {
                (page.csrf())
                input type="hidden" name="secret" value=(secret);
                label { (page.t("current_password")) input type="password" name="current" autocomplete="current-password" required; }
                label { (page.t("totp_code")) input name="code" inputmode="numeric" pattern="[0-9]{6}" required autocomplete="one-time-code"; }
                button type="submit" { (page.t("enable")) }
            }
        }
        (PreEscaped(""))
    }
}

/// A user still holding a one-time password may only change it.
fn refuse_until_password_changed(a: &Auth) -> Result<(), AppError> {
    if a.must_change_password {
        Err(AppError::new(
            StatusCode::FORBIDDEN,
            "change the one-time password first",
        ))
    } else {
        Ok(())
    }
}

pub async fn show(
    State(state): State<AppState>,
    view: View,
    SignedIn(a): SignedIn,
) -> Result<Response, AppError> {
    render(&state, &view, &a, Notice::None, StatusCode::OK).await
}

/// Shows the outcome of an account action: refusals of input are shown on the page.
async fn outcome(
    state: &AppState,
    view: &View,
    a: &Auth,
    r: Result<Notice, ServiceError>,
) -> Result<Response, AppError> {
    match r {
        Ok(n) => render(state, view, a, n, StatusCode::OK).await,
        Err(
            e @ (ServiceError::Invalid(_)
            | ServiceError::Conflict(_)
            | ServiceError::NotFound { .. }
            | ServiceError::Forbidden(_)),
        ) => {
            let err = AppError::from(e);
            render(state, view, a, Notice::Error(err.message), err.status).await
        }
        Err(e) => Err(AppError::from(e).lang(view.lang)),
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    view: View,
    SignedIn(mut a): SignedIn,
    headers: axum::http::HeaderMap,
    WebForm(f): WebForm<PasswordForm>,
) -> Result<Response, AppError> {
    let sid = cookies::get(&headers, cookies::SESSION);
    let r = auth::change_password(
        &state.store,
        &a.ctx(&state),
        &state.config.auth,
        &f.current,
        &f.new,
        sid.as_deref(),
    )
    .await;
    if r.is_ok() {
        a.must_change_password = false;
    }
    outcome(&state, &view, &a, r.map(|()| Notice::Saved)).await
}

pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    SignedIn(a): SignedIn,
) -> Result<Response, AppError> {
    auth::sign_out_everywhere(&state.store, &a.ctx(&state)).await?;
    let mut res = see_other("/sign-in");
    if let Ok(v) = cookies::clear(cookies::SESSION, state.config.secure_cookies).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

pub async fn totp_start(
    State(state): State<AppState>,
    view: View,
    SignedIn(a): SignedIn,
) -> Result<Response, AppError> {
    render(
        &state,
        &view,
        &a,
        Notice::TotpSetup(totp::new_secret()),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

pub async fn totp_enable(
    State(state): State<AppState>,
    view: View,
    SignedIn(a): SignedIn,
    WebForm(f): WebForm<TotpForm>,
) -> Result<Response, AppError> {
    refuse_until_password_changed(&a)?;
    let r = auth::enable_totp(
        &state.store,
        &a.ctx(&state),
        &state.config.auth,
        &f.current,
        &f.secret,
        &f.code,
    )
    .await;
    outcome(&state, &view, &a, r.map(|()| Notice::Saved)).await
}

#[derive(Debug, Deserialize)]
pub struct CurrentForm {
    #[serde(default)]
    current: String,
}

pub async fn totp_disable(
    State(state): State<AppState>,
    view: View,
    SignedIn(a): SignedIn,
    WebForm(f): WebForm<CurrentForm>,
) -> Result<Response, AppError> {
    let r = auth::disable_totp(&state.store, &a.ctx(&state), &state.config.auth, &f.current).await;
    outcome(&state, &view, &a, r.map(|()| Notice::Saved)).await
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    view: View,
    SignedIn(a): SignedIn,
    WebForm(f): WebForm<TokenForm>,
) -> Result<Response, AppError> {
    refuse_until_password_changed(&a)?;
    let r = tokens::create(&state.store, &a.ctx(&state), &f.name, &f.scope).await;
    outcome(
        &state,
        &view,
        &a,
        r.map(|c| Notice::Token(c.token, c.record.scope == "read")),
    )
    .await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    view: View,
    SignedIn(a): SignedIn,
    WebId(id): WebId,
) -> Result<Response, AppError> {
    let r = tokens::revoke(&state.store, &a.ctx(&state), id).await;
    outcome(&state, &view, &a, r.map(|()| Notice::Saved)).await
}
