//! The registers: computer systems (EVAL-2.1, EVAL-3) with their incidents
//! (EVAL-3.2), and information assets (SR-2.1).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use zilv_domain::AssetKind;
use zilv_services::assets::AssetInput;
use zilv_services::systems::SystemInput;
use zilv_services::{assets, systems, ServiceError};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::WebForm;
use crate::layout::Page;
use crate::pages::{see_other, View};
use crate::state::AppState;

pub async fn systems(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let list = systems::list(&state.store, &auth.ctx(&state), state.params(), None)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let body = html! {
        @if auth.principal.can(zilv_services::Permission::EditRegisters) {
            p { a.button href="/systems/new" { (page.t("add_system")) } }
        }
        @if auth.principal.can(zilv_services::Permission::EditFindings) {
            p { a.button id="import-link" href="/imports/new" { (if page.lang == crate::i18n::Lang::En { "Import scanner reports" } else { "匯入弱點掃描報告" }) } }
        }
        table.list id="systems" {
            thead { tr {
                th { (page.t("code")) } th { (page.t("name")) } th { (page.t("class")) }
                th { (page.t("sourcing")) } th { (page.t("last_assessed")) } th { (page.t("next_due")) }
            } }
            tbody {
                @for v in &list {
                    tr {
                        td { a href={ "/systems/" (v.system.code) } { (v.system.code) } }
                        td { (v.system.name) }
                        td { (v.system.class.number()) }
                        td { (page.t(v.system.sourcing.as_str())) }
                        td { (v.system.last_assessed_on.map_or(page.t("never").to_string(), |d| page.dates.day(d))) }
                        td { (page.dates.day(v.next_due.on)) }
                    }
                }
            }
        }
        @if list.is_empty() { p { (page.t("no_systems")) } }
    };
    Ok(page.render(page.t("systems"), body))
}

fn system_form(page: &Page<'_>, error: Option<&str>, f: &SystemForm) -> maud::Markup {
    html! {
        form.card method="post" action="/systems" {
            (page.csrf())
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (page.t("code")) input name="code" value=(f.code) required maxlength="40"; }
            label { (page.t("name")) input name="name" value=(f.name) required; }
            label { (page.t("class"))
                select name="class" {
                    @for c in ["1", "2", "3"] { option value=(c) selected[f.class == c] { (c) } }
                }
            }
            label { (page.t("sourcing"))
                select name="sourcing" {
                    @for s in ["in-house", "outsourced"] { option value=(s) selected[f.sourcing == s] { (page.t(s)) } }
                }
            }
            label { (page.t("dev_unit")) input name="dev_unit" value=(f.dev_unit) required; }
            label { (page.t("maint_unit")) input name="maint_unit" value=(f.maint_unit) required; }
            label { (page.t("last_assessed")) input type="date" name="last_assessed" value=(f.last_assessed); }
            label { (page.t("description")) textarea name="description" { (f.description) } }
            button type="submit" { (page.t("save")) }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct SystemForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    sourcing: String,
    #[serde(default)]
    dev_unit: String,
    #[serde(default)]
    maint_unit: String,
    #[serde(default)]
    last_assessed: String,
    #[serde(default)]
    description: String,
}

pub async fn new_system(view: View, SignedIn(auth): SignedIn) -> Result<Response, AppError> {
    auth.ctx_require_edit(&view)?;
    let page = view.page(Some(&auth));
    Ok(page.render(
        page.t("add_system"),
        system_form(&page, None, &SystemForm::default()),
    ))
}

/// Re-shows a form with the refusal when the input was refused; other errors become error pages.
pub(crate) fn refused(
    page: &Page<'_>,
    title: &str,
    e: ServiceError,
    form: impl FnOnce(&str) -> maud::Markup,
) -> Result<Response, AppError> {
    match e {
        ServiceError::Invalid(_) | ServiceError::Conflict(_) | ServiceError::NotFound { .. } => {
            let status = AppError::from(e);
            let mut res = page.render(title, form(&status.message));
            *res.status_mut() = status.status;
            Ok(res)
        }
        other => Err(AppError::from(other).lang(page.lang)),
    }
}

pub async fn add_system(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebForm(f): WebForm<SystemForm>,
) -> Result<Response, AppError> {
    let input = SystemInput {
        org: None,
        code: f.code.clone(),
        name: f.name.clone(),
        class: f.class.clone(),
        sourcing: f.sourcing.clone(),
        dev_unit: f.dev_unit.clone(),
        maint_unit: f.maint_unit.clone(),
        description: f.description.clone(),
        last_assessed: Some(f.last_assessed.trim().to_string()).filter(|s| !s.is_empty()),
        assets: Vec::new(),
    };
    match systems::add(&state.store, &auth.ctx(&state), state.params(), &input).await {
        Ok(v) => Ok(see_other(&format!("/systems/{}", v.system.code))),
        Err(e) => {
            let page = view.page(Some(&auth));
            refused(&page, page.t("add_system"), e, |msg| {
                system_form(&page, Some(msg), &f)
            })
        }
    }
}

pub async fn system(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let v = systems::show(&state.store, &auth.ctx(&state), state.params(), None, &code)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let d = page.dates;
    let body = html! {
        dl.facts {
            dt { (page.t("code")) } dd { (v.system.code) }
            dt { (page.t("class")) } dd { (v.system.class.number()) }
            dt { (page.t("sourcing")) } dd { (page.t(v.system.sourcing.as_str())) }
            dt { (page.t("dev_unit")) } dd { (v.system.dev_unit) }
            dt { (page.t("maint_unit")) } dd { (v.system.maint_unit) }
            dt { (page.t("last_assessed")) } dd { (v.system.last_assessed_on.map_or(page.t("never").to_string(), |x| d.day(x))) }
            dt { (page.t("next_due")) } dd #next-due { (d.day(v.next_due.on)) " (" (v.next_due.basis.clause()) ")" }
            dt { (page.t("assets")) } dd { (v.assets.join(", ")) }
            dt { (page.t("description")) } dd { (v.system.description) }
        }
        h2 { (page.t("incidents")) }
        table.list {
            thead { tr { th { (page.t("occurred_on")) } th { (page.t("harms_consumers")) } th { (page.t("summary")) } } }
            tbody {
                @for i in &v.incidents {
                    tr {
                        td { (d.day(i.incident.occurred_on)) }
                        td { (if i.incident.harms_consumers { page.t("yes") } else { page.t("no") }) }
                        td { (i.summary) }
                    }
                }
            }
        }
        @if auth.principal.can(zilv_services::Permission::EditRegisters) {
            h2 { (page.t("record_incident")) }
            form.card method="post" action={ "/systems/" (v.system.code) "/incidents" } {
                (page.csrf())
                label { (page.t("occurred_on")) input type="date" name="occurred_on" required; }
                label.check { input type="checkbox" name="harms_consumers" value="yes"; (page.t("harms_consumers")) }
                label { (page.t("summary")) textarea name="summary" required {} }
                button type="submit" { (page.t("save")) }
            }
        }
    };
    Ok(page.render(&format!("{} {}", v.system.code, v.system.name), body))
}

#[derive(Debug, Deserialize)]
pub struct IncidentForm {
    #[serde(default)]
    occurred_on: String,
    #[serde(default)]
    harms_consumers: Option<String>,
    #[serde(default)]
    summary: String,
}

pub async fn add_incident(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
    WebForm(f): WebForm<IncidentForm>,
) -> Result<Response, AppError> {
    systems::record_incident(
        &state.store,
        &auth.ctx(&state),
        None,
        &code,
        &f.occurred_on,
        f.harms_consumers.is_some(),
        &f.summary,
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(see_other(&format!("/systems/{code}")))
}

pub async fn assets(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let list = assets::list(&state.store, &auth.ctx(&state), None)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let body = html! {
        @if auth.principal.can(zilv_services::Permission::EditRegisters) {
            p { a.button href="/assets/new" { (page.t("add_asset")) } }
        }
        table.list id="assets" {
            thead { tr {
                th { (page.t("code")) } th { (page.t("name")) } th { (page.t("kind")) } th { (page.t("owner")) }
                th { "C" } th { "I" } th { "A" }
            } }
            tbody {
                @for a in &list {
                    tr {
                        td { a href={ "/assets/" (a.code) } { (a.code) } }
                        td { (a.name) }
                        td { (kind_label(&page, a.kind)) }
                        td { (a.owner) }
                        td { (a.cia.confidentiality.get()) } td { (a.cia.integrity.get()) } td { (a.cia.availability.get()) }
                    }
                }
            }
        }
        @if list.is_empty() { p { (page.t("no_rows")) } }
    };
    Ok(page.render(page.t("assets"), body))
}

fn kind_label(page: &Page<'_>, k: AssetKind) -> &'static str {
    match page.lang {
        crate::i18n::Lang::Zh => k.zh(),
        crate::i18n::Lang::En => k.as_str(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AssetForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    confidentiality: String,
    #[serde(default)]
    integrity: String,
    #[serde(default)]
    availability: String,
    #[serde(default)]
    description: String,
}

fn asset_form(page: &Page<'_>, error: Option<&str>, f: &AssetForm) -> maud::Markup {
    let level = |name: &'static str, label: &'static str, value: &str| {
        html! {
            label { (page.t(label))
                select name=(name) {
                    @for l in ["1", "2", "3"] { option value=(l) selected[value == l] { (l) } }
                }
            }
        }
    };
    html! {
        form.card method="post" action="/assets" {
            (page.csrf())
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (page.t("code")) input name="code" value=(f.code) required; }
            label { (page.t("name")) input name="name" value=(f.name) required; }
            label { (page.t("kind"))
                select name="kind" {
                    @for k in zilv_domain::asset::ASSET_KINDS.iter().map(|(k, _, _)| *k) {
                        option value=(k.as_str()) selected[f.kind == k.as_str()] { (kind_label(page, k)) }
                    }
                }
            }
            label { (page.t("owner")) input name="owner" value=(f.owner) required; }
            (level("confidentiality", "confidentiality", &f.confidentiality))
            (level("integrity", "integrity", &f.integrity))
            (level("availability", "availability", &f.availability))
            label { (page.t("description")) textarea name="description" { (f.description) } }
            button type="submit" { (page.t("save")) }
        }
    }
}

pub async fn new_asset(view: View, SignedIn(auth): SignedIn) -> Result<Response, AppError> {
    auth.ctx_require_edit(&view)?;
    let page = view.page(Some(&auth));
    Ok(page.render(
        page.t("add_asset"),
        asset_form(&page, None, &AssetForm::default()),
    ))
}

pub async fn add_asset(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebForm(f): WebForm<AssetForm>,
) -> Result<Response, AppError> {
    let input = AssetInput {
        org: None,
        code: f.code.clone(),
        name: f.name.clone(),
        kind: f.kind.clone(),
        owner: f.owner.clone(),
        confidentiality: f.confidentiality.clone(),
        integrity: f.integrity.clone(),
        availability: f.availability.clone(),
        description: f.description.clone(),
    };
    match assets::add(&state.store, &auth.ctx(&state), &input).await {
        Ok(a) => Ok(see_other(&format!("/assets/{}", a.code))),
        Err(e) => {
            let page = view.page(Some(&auth));
            refused(&page, page.t("add_asset"), e, |msg| {
                asset_form(&page, Some(msg), &f)
            })
        }
    }
}

pub async fn asset(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let a = assets::show(&state.store, &auth.ctx(&state), None, &code)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let body = html! {
        dl.facts {
            dt { (page.t("code")) } dd { (a.code) }
            dt { (page.t("kind")) } dd { (kind_label(&page, a.kind)) }
            dt { (page.t("owner")) } dd { (a.owner) }
            dt { (page.t("confidentiality")) } dd { (a.cia.confidentiality.get()) }
            dt { (page.t("integrity")) } dd { (a.cia.integrity.get()) }
            dt { (page.t("availability")) } dd { (a.cia.availability.get()) }
            dt { (page.t("description")) } dd { (a.description) }
        }
    };
    Ok(page.render(&format!("{} {}", a.code, a.name), body))
}

impl crate::auth::Auth {
    /// Refuses to show an edit form to someone who may not save it.
    fn ctx_require_edit(&self, view: &View) -> Result<(), AppError> {
        if self.principal.can(zilv_services::Permission::EditRegisters) {
            Ok(())
        } else {
            Err(AppError::new(
                StatusCode::FORBIDDEN,
                "your role may not change systems and assets",
            )
            .lang(view.lang))
        }
    }
}
