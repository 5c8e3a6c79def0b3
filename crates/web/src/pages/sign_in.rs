//! Signing in and out.
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use zilv_services::{auth, Ctx, ServiceError};

use crate::auth::{ClientAddr, MaybeSignedIn, CSRF_FIELD};
use crate::cookies;
use crate::error::AppError;
use crate::forms::WebForm;
use crate::pages::{local_path, View};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    #[serde(default)]
    totp: String,
    #[serde(default)]
    next: Option<String>,
}

fn render(
    state: &AppState,
    view: &View,
    headers: &HeaderMap,
    next: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    // The form's anti-forgery token: kept in a cookie until a session exists.
    let token = cookies::get(headers, cookies::PRE_SESSION)
        .filter(|t| t.len() >= 40)
        .unwrap_or_else(auth::random_token);
    let page = view.page(None);
    let body = html! {
        form.card method="post" action="/sign-in" {
            input type="hidden" name=(CSRF_FIELD) value=(token);
            input type="hidden" name="next" value=(next);
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (page.t("email")) input type="email" name="email" autocomplete="username" required; }
            label { (page.t("password")) input type="password" name="password" autocomplete="current-password" required; }
            label { (page.t("totp_code")) input type="text" name="totp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}"; }
            button type="submit" { (page.t("sign_in")) }
        }
    };
    let mut res = page.render(page.t("sign_in"), body);
    *res.status_mut() = status;
    if let Ok(v) = cookies::set(
        cookies::PRE_SESSION,
        &token,
        None,
        state.config.secure_cookies,
    )
    .parse()
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn form(
    State(state): State<AppState>,
    view: View,
    headers: HeaderMap,
    MaybeSignedIn(auth): MaybeSignedIn,
    Query(q): Query<Next>,
) -> Response {
    let next = local_path(q.next.as_deref());
    if auth.is_some() {
        return super::see_other(&next);
    }
    render(&state, &view, &headers, &next, None, StatusCode::OK)
}

pub async fn submit(
    State(state): State<AppState>,
    view: View,
    headers: HeaderMap,
    ClientAddr(source): ClientAddr,
    WebForm(f): WebForm<SignInForm>,
) -> Result<Response, AppError> {
    let mut ctx = Ctx::operator("web", state.clock.now(), state.clock.today());
    ctx.actor = f.email.trim().to_lowercase();
    ctx.source = source;
    let next = local_path(f.next.as_deref());
    let totp = Some(f.totp.trim()).filter(|t| !t.is_empty());
    match auth::sign_in(
        &state.store,
        &ctx,
        &state.config.auth,
        &f.email,
        &f.password,
        totp,
    )
    .await
    {
        Ok(signed) => {
            if let Some(old) = cookies::get(&headers, cookies::SESSION) {
                auth::discard_session(&state.store, &old).await?;
            }
            let secure = state.config.secure_cookies;
            let target = if signed.must_change_password {
                "/account".to_string()
            } else {
                next
            };
            let mut res = super::see_other(&target);
            let h = res.headers_mut();
            for c in [
                cookies::set(cookies::SESSION, &signed.session_id, None, secure),
                cookies::clear(cookies::PRE_SESSION, secure),
            ] {
                if let Ok(v) = c.parse() {
                    h.append(header::SET_COOKIE, v);
                }
            }
            Ok(res)
        }
        Err(ServiceError::Unauthenticated(msg)) => Ok(render(
            &state,
            &view,
            &headers,
            &next,
            Some(&msg),
            StatusCode::UNAUTHORIZED,
        )),
        Err(e) => Err(AppError::from(e).lang(view.lang)),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSignedIn(auth): MaybeSignedIn,
) -> Result<Response, AppError> {
    if let (Some(a), Some(sid)) = (auth, cookies::get(&headers, cookies::SESSION)) {
        auth::sign_out(&state.store, &a.ctx(&state), &sid).await?;
    }
    let mut res = super::see_other("/sign-in");
    if let Ok(v) = cookies::clear(cookies::SESSION, state.config.secure_cookies).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}
