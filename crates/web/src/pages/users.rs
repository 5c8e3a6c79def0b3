//! Users of the own organisation, managed by its administrators.
use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use zilv_domain::Role;
use zilv_services::users::UserInput;
use zilv_services::{access, users};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::WebForm;
use crate::pages::{see_other, View};
use crate::state::AppState;

/// A role's name in the interface language.
pub fn role_label(lang: crate::i18n::Lang, r: Role) -> &'static str {
    let zh = match r {
        Role::AssociationAdmin => "公會管理者",
        Role::CommitteeMember => "委員會委員",
        Role::RegulatorViewer => "主管機關檢視者",
        Role::SecurityOfficer => "資安長／資安管理者",
        Role::SystemOwner => "系統負責人",
        Role::Hr => "人事／行政",
        Role::InternalAuditor => "內部稽核",
        Role::Assessor => "評估人員",
    };
    match lang {
        crate::i18n::Lang::Zh => zh,
        crate::i18n::Lang::En => r.as_str(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let list = users::list(&state.store, &auth.ctx(&state), None)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let body = html! {
        p { a.button href="/users/new" { (page.t("add_user")) } }
        table.list id="users" {
            thead { tr { th { (page.t("email")) } th { (page.t("name")) } th { (page.t("role")) } th { (page.t("status")) } } }
            tbody {
                @for u in &list {
                    tr {
                        td { a href={ "/users/" (super::segment(&u.email)) } { (u.email) } }
                        td { (u.display_name) }
                        td { (role_label(view.lang, u.role)) }
                        td { (if u.active { page.t("active") } else { page.t("inactive") }) }
                    }
                }
            }
        }
    };
    Ok(page.render(page.t("users"), body))
}

#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
}

fn new_form(
    page: &crate::layout::Page<'_>,
    roles: &[Role],
    error: Option<&str>,
    f: &NewUserForm,
) -> maud::Markup {
    html! {
        form.card method="post" action="/users" {
            (page.csrf())
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (page.t("email")) input type="email" name="email" value=(f.email) required; }
            label { (page.t("name")) input name="display_name" value=(f.display_name); }
            label { (page.t("role"))
                select name="role" {
                    @for r in roles { option value=(r.as_str()) selected[f.role == r.as_str()] { (role_label(page.lang, *r)) } }
                }
            }
            button type="submit" { (page.t("save")) }
        }
    }
}

pub async fn new(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    auth.ctx(&state)
        .require(zilv_services::Permission::ManageUsers)
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let roles = access::assignable(auth.principal.org_kind);
    Ok(page.render(
        page.t("add_user"),
        new_form(&page, &roles, None, &NewUserForm::default()),
    ))
}

pub async fn add(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebForm(f): WebForm<NewUserForm>,
) -> Result<Response, AppError> {
    let input = UserInput {
        org: None,
        email: f.email.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        password: None,
    };
    let page = view.page(Some(&auth));
    match users::add(
        &state.store,
        &auth.ctx(&state),
        &state.config.auth.password,
        &input,
    )
    .await
    {
        Ok(added) => {
            let body = html! {
                p { (page.t("saved")) " " (added.user.email) }
                @if let Some(p) = &added.one_time_password {
                    p { (page.t("one_time_password")) }
                    p { code #one-time-password { (p) } }
                }
                p { a href="/users" { (page.t("users")) } }
            };
            Ok(page.render(page.t("add_user"), body))
        }
        Err(
            e
            @ (zilv_services::ServiceError::Invalid(_) | zilv_services::ServiceError::Conflict(_)),
        ) => {
            let err = AppError::from(e);
            let roles = access::assignable(auth.principal.org_kind);
            let mut res = page.render(
                page.t("add_user"),
                new_form(&page, &roles, Some(&err.message), &f),
            );
            *res.status_mut() = err.status;
            Ok(res)
        }
        Err(e) => Err(AppError::from(e).lang(view.lang)),
    }
}

pub async fn show(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(email): Path<String>,
) -> Result<Response, AppError> {
    let u = users::show(&state.store, &auth.ctx(&state), None, &email)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let roles = access::assignable(auth.principal.org_kind);
    let body = html! {
        form.card method="post" action={ "/users/" (super::segment(&u.email)) } {
            (page.csrf())
            label { (page.t("name")) input value=(u.display_name) disabled; }
            label { (page.t("role"))
                select name="role" {
                    @for r in &roles { option value=(r.as_str()) selected[u.role == *r] { (role_label(view.lang, *r)) } }
                }
            }
            label.check { input type="checkbox" name="active" value="yes" checked[u.active]; (page.t("active")) }
            button type="submit" { (page.t("update")) }
        }
    };
    Ok(page.render(&u.email, body))
}

#[derive(Debug, Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    active: Option<String>,
}

pub async fn update(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(email): Path<String>,
    WebForm(f): WebForm<UpdateForm>,
) -> Result<Response, AppError> {
    let u = users::update(
        &state.store,
        &auth.ctx(&state),
        None,
        &email,
        &f.role,
        f.active.is_some(),
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(see_other(&format!("/users/{}", super::segment(&u.email))))
}
