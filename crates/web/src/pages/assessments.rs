//! Assessments (EVAL-4): the list an assessor or officer may see, one
//! assessment with its team, items and results, its start gate (EVAL-7,
//! EVAL-4.2) and completion.
use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use zilv_services::assessments::{self, ResultInput};
use zilv_services::Permission;

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::WebForm;
use crate::pages::{see_other, View};
use crate::state::AppState;

pub async fn list(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let list = assessments::list(&state.store, &auth.ctx(&state), None)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let d = page.dates;
    let body = html! {
        @if auth.principal.can(Permission::ManageAssessments) {
            p { a.button href="/assessments/new" { (page.t("new_assessment")) } }
        }
        table.list id="assessments" {
            thead { tr {
                th { (page.t("code")) } th { (page.t("title")) } th { (page.t("systems")) }
                th { (page.t("period")) } th { (page.t("status")) }
            } }
            tbody {
                @for a in &list {
                    tr {
                        td { a href={ "/assessments/" (super::segment(&a.assessment.code)) } { (a.assessment.code) } }
                        td { (a.assessment.title) }
                        td { (a.systems.join(", ")) }
                        td { (d.day(a.assessment.period_start)) " – " (d.day(a.assessment.period_end)) }
                        td { (page.t(a.assessment.status.as_str())) }
                    }
                }
            }
        }
        @if list.is_empty() { p { (page.t("no_rows")) } }
    };
    Ok(page.render(page.t("assessments"), body))
}

pub async fn show(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let ctx = auth.ctx(&state);
    let lang = view.lang;
    let v = assessments::show(&state.store, &ctx, None, &code)
        .await
        .map_err(|e| AppError::from(e).lang(lang))?;
    let problems = if v.assessment.status.as_str() == "planned" {
        assessments::start_problems(&state.store, &ctx, None, &code)
            .await
            .map_err(|e| AppError::from(e).lang(lang))?
    } else {
        Vec::new()
    };
    let page = view.page(Some(&auth));
    let d = page.dates;
    let a = &v.assessment;
    let report = if a.status.as_str() == "completed" {
        Some(super::reports::section(&state, &auth, &page, &a.code).await?)
    } else {
        None
    };
    let manage = auth.principal.can(Permission::ManageAssessments);
    let record =
        auth.principal.can(Permission::RecordResults) && a.status.as_str() == "in_progress";
    let base = format!("/assessments/{}", super::segment(&a.code));
    let setup = if manage && a.status.as_str() == "planned" {
        Some(super::assessment_setup::setup_forms(&state, &auth, &page, &a.code, &v.items).await?)
    } else {
        None
    };
    let body = html! {
        dl.facts {
            dt { (page.t("status")) } dd #assessment-status { (page.t(a.status.as_str())) }
            dt { (page.t("systems")) } dd { (v.systems.join(", ")) }
            dt { (page.t("class")) } dd { (v.class.map(|c| c.number().to_string()).unwrap_or_default()) }
            dt { (page.t("period")) } dd { (d.day(a.period_start)) " – " (d.day(a.period_end)) }
            dt { (page.t("countermeasures")) } dd { (a.countermeasures) }
        }
        h2 { (page.t("team")) }
        ul #team {
            @for m in &v.team {
                li { (m.name) @if let Some(on) = m.declared_on { " · " (page.t("declared")) " " (d.day(on)) } }
            }
        }
        @if !problems.is_empty() {
            h2 { (page.t("cannot_start")) }
            ul.error #start-problems { @for p in &problems { li { (p) } } }
        }
        @if manage && a.status.as_str() == "planned" {
            form.inline method="post" action={ (base) "/start" } { (page.csrf()) button #start type="submit" { (page.t("start")) } }
        }
        @if let Some(forms) = &setup { (forms) }
        @if manage && a.status.as_str() == "in_progress" {
            form.inline method="post" action={ (base) "/complete" } { (page.csrf()) button type="submit" { (page.t("complete")) } }
        }
        h2 { (page.t("items")) }
        table.list #items {
            thead { tr { th { (page.t("code")) } th { (page.t("name")) } th { (page.t("choice")) } th { (page.t("result")) } th { (page.t("notes")) } } }
            tbody {
                @for it in &v.items {
                    tr {
                        td { a href={ "/catalog/" (it.item.clause()) } { (it.item.clause()) } }
                        td { (state.catalog.clause(it.item.clause()).map_or(it.item.name(), |c| c.title(lang.catalog()))) }
                        td { (page.t(&it.choice)) @if !it.reason.is_empty() { ": " (it.reason) } }
                        td { (it.result.as_deref().map(|r| page.t(r)).unwrap_or("—")) @if !it.result_reason.is_empty() { ": " (it.result_reason) } }
                        td { (it.notes)
                            @if record && it.choice == "selected" {
                                form.inline method="post" action={ (base) "/results" } {
                                    (page.csrf())
                                    input type="hidden" name="item" value=(it.item.clause());
                                    select name="result" {
                                        @for r in ["satisfied", "not_satisfied", "not_applicable"] { option value=(r) { (page.t(r)) } }
                                    }
                                    input name="reason" placeholder=(page.t("reason"));
                                    input name="notes" placeholder=(page.t("notes"));
                                    button type="submit" { (page.t("save")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        (super::assessment_setup::evidence_section(&page, &auth, &a.code, &v.evidence, record))
        @if let Some(report) = &report { (report) }
        p {
            a href={ "/findings?assessment=" (super::segment(&a.code)) } { (page.t("findings")) }
            " · "
            a #ioc-reviews href={ "/ioc-reviews/" (super::segment(&a.code)) } { (page.t("ioc_reviews")) " (EVAL-4.1.2.3)" }
        }
    };
    Ok(page.render(&format!("{} {}", a.code, a.title), body))
}

pub async fn start(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    assessments::start(&state.store, &auth.ctx(&state), None, &code)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(see_other(&format!(
        "/assessments/{}",
        super::segment(&code)
    )))
}

pub async fn complete(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    assessments::complete(&state.store, &auth.ctx(&state), None, &code)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(see_other(&format!(
        "/assessments/{}",
        super::segment(&code)
    )))
}

#[derive(Debug, Deserialize)]
pub struct ResultForm {
    #[serde(default)]
    item: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    notes: String,
}

pub async fn record_result(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
    WebForm(f): WebForm<ResultForm>,
) -> Result<Response, AppError> {
    let input = ResultInput {
        org: None,
        code: code.clone(),
        item: f.item,
        result: f.result,
        reason: f.reason,
        notes: f.notes,
    };
    assessments::record_result(&state.store, &auth.ctx(&state), &input)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(see_other(&format!(
        "/assessments/{}",
        super::segment(&code)
    )))
}
