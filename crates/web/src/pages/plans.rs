//! The assessment plan (EVAL-2.1, EVAL-2.2): the list with the plan in
//! force, drawing one up over the registered systems, and approving and
//! reviewing it with its document.
use axum::extract::{Multipart, State};
use axum::response::Response;
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;
use zilv_services::plans::{self, ApprovalInput, PlanInput, PlanView};
use zilv_services::{systems, Permission, ServiceError};

use crate::auth::{Auth, SignedIn};
use crate::error::AppError;
use crate::forms::WebForm;
use crate::forms::WebId;
use crate::layout::Page;
use crate::pages::registers::refused;
use crate::pages::{see_other, upload, View};
use crate::state::AppState;

/// The approving bodies a plan may be approved by (EVAL-2.2).
const BODIES: [&str; 3] = [
    "board",
    "authorised_management",
    "branch_responsible_person",
];

fn coverage(page: &Page<'_>, v: &PlanView) -> Markup {
    html! {
        @if v.coverage.is_empty() {
            p #plan-coverage.ok { (page.t("plan_covers_all")) }
        } @else {
            div #plan-coverage.error role="alert" {
                p { (page.t("plan_coverage_problems")) }
                ul { @for c in &v.coverage { li { (c.to_string()) } } }
            }
        }
    }
}

fn review_due(page: &Page<'_>, v: &PlanView, today: NaiveDate) -> Markup {
    html! {
        @if let Some(due) = &v.review_due {
            span #plan-review-due .overdue[due.on < today] {
                (page.dates.day(due.on))
                @if due.on < today { " " span.badge.overdue { (page.t("overdue")) } }
            }
        } @else {
            span #plan-review-due { (page.t("not_approved")) }
        }
    }
}

fn facts(page: &Page<'_>, v: &PlanView, today: NaiveDate) -> Markup {
    let p = &v.plan;
    html! {
        dl.facts {
            dt { (page.t("title")) } dd { a href={ "/plans/" (p.id) } { (p.title) } }
            dt { (page.t("approved_on")) } dd #plan-approved-on {
                @match p.approved_on { Some(d) => (page.dates.day(d)), None => (page.t("not_approved")) }
            }
            @if let Some(b) = &p.approving_body { dt { (page.t("approving_body")) } dd { (page.t(b)) } }
            @if let Some(b) = &p.board_authorisation { dt { (page.t("board_authorisation")) } dd { (b) } }
            @if let Some(r) = &p.resolution_ref { dt { (page.t("resolution_ref")) } dd { (r) } }
            @if let Some(n) = &p.document_name {
                dt { (page.t("plan_document")) }
                dd #plan-document { (n) @if let Some(h) = &p.document_sha256 { " · SHA-256 " code { (h) } } }
            }
            @if let Some(d) = p.reviewed_on { dt { (page.t("reviewed_on")) } dd { (page.dates.day(d)) } }
            dt { (page.t("plan_review_due")) " (EVAL-2.2)" } dd { (review_due(page, v, today)) }
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let ctx = auth.ctx(&state);
    let all = plans::list(&state.store, &ctx, None)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let current = match plans::show(&state.store, &ctx, state.params(), None, None).await {
        Ok(v) => Some(v),
        Err(ServiceError::NotFound { .. }) => None,
        Err(e) => return Err(AppError::from(e).lang(view.lang)),
    };
    let page = view.page(Some(&auth));
    let body = html! {
        @if auth.principal.can(Permission::ManageAssessments) {
            p { a.button href="/plans/new" { (page.t("add_plan")) } }
        }
        section #plan-in-force {
            h2 { (page.t("plan_in_force")) }
            @match &current {
                Some(v) => { (facts(&page, v, ctx.today)) (coverage(&page, v)) }
                None => p.error role="alert" { (page.t("no_plan")) }
            }
        }
        h2 { (page.t("plans")) }
        table.list id="plans" {
            thead { tr { th { "#" } th { (page.t("title")) } th { (page.t("approved_on")) } th { (page.t("reviewed_on")) } } }
            tbody {
                @for p in &all {
                    tr {
                        td { a href={ "/plans/" (p.id) } { (p.id) } }
                        td { (p.title) }
                        td { @match p.approved_on { Some(d) => (page.dates.day(d)), None => (page.t("not_approved")) } }
                        td { @if let Some(d) = p.reviewed_on { (page.dates.day(d)) } }
                    }
                }
            }
        }
        @if all.is_empty() { p { (page.t("no_rows")) } }
    };
    Ok(page.render(page.t("plans"), body))
}

/// The systems of the register, as (code, name, class), for the new-plan form.
type SystemChoice = (String, String, u8);

fn plan_form(
    page: &Page<'_>,
    error: Option<&str>,
    title: &str,
    choices: &[SystemChoice],
    chosen: &[String],
) -> Markup {
    html! {
        form.card method="post" action="/plans" {
            (page.csrf())
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (page.t("title")) input name="title" value=(title) required maxlength="200"; }
            fieldset {
                legend { (page.t("plan_systems")) }
                @for (code, name, class) in choices {
                    label.check {
                        input type="checkbox" name="systems" value=(code) checked[chosen.is_empty() || chosen.contains(code)];
                        (code) " · " (name) " · " (page.t("class")) " " (class)
                    }
                }
                @if choices.is_empty() { p { (page.t("no_systems")) } }
            }
            button type="submit" { (page.t("save")) }
        }
    }
}

async fn choices(
    state: &AppState,
    auth: &Auth,
    view: &View,
) -> Result<Vec<SystemChoice>, AppError> {
    Ok(
        systems::list(&state.store, &auth.ctx(state), state.params(), None)
            .await
            .map_err(|e| AppError::from(e).lang(view.lang))?
            .into_iter()
            .map(|v| (v.system.code, v.system.name, v.system.class.number()))
            .collect(),
    )
}

pub async fn new(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let choices = choices(&state, &auth, &view).await?;
    let page = view.page(Some(&auth));
    Ok(page.render(
        page.t("add_plan"),
        plan_form(&page, None, "", &choices, &[]),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebForm(pairs): WebForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let title = pairs
        .iter()
        .find(|(k, _)| k == "title")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let chosen: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "systems")
        .map(|(_, v)| v.clone())
        .collect();
    let input = PlanInput {
        org: None,
        title: title.clone(),
        systems: chosen.clone(),
    };
    match plans::create(&state.store, &auth.ctx(&state), state.params(), &input).await {
        Ok(v) => Ok(see_other(&format!("/plans/{}", v.plan.id))),
        Err(e) => {
            let choices = choices(&state, &auth, &view).await?;
            let page = view.page(Some(&auth));
            refused(&page, page.t("add_plan"), e, |msg| {
                plan_form(&page, Some(msg), &title, &choices, &chosen)
            })
        }
    }
}

fn plan_page(
    page: &Page<'_>,
    auth: &Auth,
    v: &PlanView,
    today: NaiveDate,
    error: Option<&str>,
) -> Markup {
    let p = &v.plan;
    let csrf = auth.csrf.clone().unwrap_or_default();
    let manage = auth.principal.can(Permission::ManageAssessments);
    html! {
        (facts(page, v, today))
        (coverage(page, v))
        h2 { (page.t("plan_systems")) }
        table.list id="plan-systems" {
            thead { tr { th { (page.t("code")) } th { (page.t("class")) } } }
            tbody {
                @for e in &v.entries {
                    tr { td { a href={ "/systems/" (super::segment(&e.system)) } { (e.system) } } td { (e.class.number()) } }
                }
            }
        }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        @if manage && p.approved_on.is_none() {
            h2 { (page.t("approve_plan")) " (EVAL-2.2)" }
            form.card #approve-plan method="post" enctype="multipart/form-data" action={ "/plans/" (p.id) "/approve?_csrf=" (csrf) } {
                label { (page.t("approving_body"))
                    select name="body" { @for b in BODIES { option value=(b) { (page.t(b)) } } }
                }
                label { (page.t("board_authorisation")) input name="board_authorisation"; }
                label.check { input type="checkbox" name="foreign_branch" value="1"; (page.t("foreign_branch")) }
                label { (page.t("approved_on")) input type="date" name="approved_on" required; }
                label { (page.t("resolution_ref")) input name="resolution_ref" required maxlength="200"; }
                label { (page.t("plan_document")) input type="file" name="evidence" required; }
                button type="submit" { (page.t("approve_plan")) }
            }
        }
        @if manage && p.approved_on.is_some() {
            h2 { (page.t("review_plan")) " (EVAL-2.2)" }
            form.card #review-plan method="post" action={ "/plans/" (p.id) "/review" } {
                (page.csrf())
                label { (page.t("reviewed_on")) input type="date" name="reviewed_on" required; }
                button type="submit" { (page.t("review_plan")) }
            }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebId(id): WebId,
) -> Result<Response, AppError> {
    let ctx = auth.ctx(&state);
    let v = plans::show(&state.store, &ctx, state.params(), None, Some(id))
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    Ok(page.render(
        &v.plan.title.clone(),
        plan_page(&page, &auth, &v, ctx.today, None),
    ))
}

/// Re-shows the plan with the refusal, or turns other errors into error pages.
async fn refused_on_plan(
    state: &AppState,
    view: &View,
    auth: &Auth,
    id: i64,
    e: ServiceError,
) -> Result<Response, AppError> {
    let ctx = auth.ctx(state);
    let v = plans::show(&state.store, &ctx, state.params(), None, Some(id))
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(auth));
    let title = v.plan.title.clone();
    refused(&page, &title, e, |msg| {
        plan_page(&page, auth, &v, ctx.today, Some(msg))
    })
}

pub async fn approve(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebId(id): WebId,
    m: Multipart,
) -> Result<Response, AppError> {
    let f = upload::read(m).await.map_err(|e| e.lang(view.lang))?;
    let input = ApprovalInput {
        org: None,
        plan_id: id,
        body: f.get("body"),
        board_authorisation: f.opt("board_authorisation"),
        approved_on: f.get("approved_on"),
        resolution_ref: f.get("resolution_ref"),
        document: f.file.clone().unwrap_or_default(),
        foreign_branch: f.opt("foreign_branch").is_some(),
    };
    match plans::approve(&state.store, &auth.ctx(&state), state.params(), &input).await {
        Ok(_) => Ok(see_other(&format!("/plans/{id}"))),
        Err(e) => refused_on_plan(&state, &view, &auth, id, e).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    reviewed_on: String,
}

pub async fn review(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebId(id): WebId,
    WebForm(f): WebForm<ReviewForm>,
) -> Result<Response, AppError> {
    match plans::review(
        &state.store,
        &auth.ctx(&state),
        state.params(),
        None,
        id,
        &f.reviewed_on,
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/plans/{id}"))),
        Err(e) => refused_on_plan(&state, &view, &auth, id, e).await,
    }
}
