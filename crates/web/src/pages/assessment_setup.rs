//! Setting an assessment up before it starts: creating it with its scope and
//! period, adding team members with their independence declarations
//! (EVAL-7.1), and choosing the items of EVAL-4.1 (EVAL-4.2).
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use maud::{html, Markup};
use zilv_domain::AssessmentItem;
use zilv_services::assessments::{self, AssessmentInput, DecisionInput};
use zilv_services::{assessors, systems};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::WebForm;
use crate::layout::Page;
use crate::pages::registers::refused;
use crate::pages::{see_other, segment, upload, View};
use crate::state::AppState;

fn create_form(
    page: &Page<'_>,
    systems: &[(String, String, u8)],
    error: Option<&str>,
    f: &[(String, String)],
) -> Markup {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let chosen = |code: &str| f.iter().any(|(n, v)| n == "systems" && v == code);
    html! {
        form.card method="post" action="/assessments" {
            (page.csrf())
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (page.t("code")) input name="code" value=(get("code")) required maxlength="40"; }
            label { (page.t("title")) input name="title" value=(get("title")) required; }
            fieldset {
                legend { (page.t("systems")) }
                @for (code, name, class) in systems {
                    label.check { input type="checkbox" name="systems" value=(code) checked[chosen(code)]; (code) " " (name) " (" (page.t("class")) " " (class) ")" }
                }
            }
            label { (page.t("period_start")) input type="date" name="period_start" value=(get("period_start")) required; }
            label { (page.t("period_end")) input type="date" name="period_end" value=(get("period_end")) required; }
            label { (page.t("countermeasures")) textarea name="countermeasures" { (get("countermeasures")) } }
            button type="submit" { (page.t("save")) }
        }
    }
}

async fn system_choices(
    state: &AppState,
    auth: &crate::auth::Auth,
    view: &View,
) -> Result<Vec<(String, String, u8)>, AppError> {
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
    auth.ctx(&state)
        .require(zilv_services::Permission::ManageAssessments)
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let systems = system_choices(&state, &auth, &view).await?;
    let page = view.page(Some(&auth));
    Ok(page.render(
        page.t("new_assessment"),
        create_form(&page, &systems, None, &[]),
    ))
}

pub async fn create(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebForm(f): WebForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = AssessmentInput {
        org: None,
        code: get("code"),
        title: get("title"),
        systems: f
            .iter()
            .filter(|(n, _)| n == "systems")
            .map(|(_, v)| v.clone())
            .collect(),
        period_start: get("period_start"),
        period_end: get("period_end"),
        countermeasures: get("countermeasures"),
    };
    match assessments::create(&state.store, &auth.ctx(&state), &input).await {
        Ok(v) => Ok(see_other(&format!(
            "/assessments/{}",
            segment(&v.assessment.code)
        ))),
        Err(e) => {
            let systems = system_choices(&state, &auth, &view).await?;
            let page = view.page(Some(&auth));
            refused(&page, page.t("new_assessment"), e, |msg| {
                create_form(&page, &systems, Some(msg), &f)
            })
        }
    }
}

/// The set-up forms shown on a planned assessment's page: team and items.
pub async fn setup_forms(
    state: &AppState,
    auth: &crate::auth::Auth,
    page: &Page<'_>,
    code: &str,
    items: &[zilv_store::assessments::ItemRow],
) -> Result<Markup, AppError> {
    let people = assessors::list(&state.store, &auth.ctx(state), None)
        .await
        .map_err(|e| AppError::from(e).lang(page.lang))?;
    let base = format!("/assessments/{}", segment(code));
    let choice_of = |item: AssessmentItem| {
        items
            .iter()
            .find(|r| r.item == item)
            .map(|r| (r.choice.clone(), r.reason.clone()))
    };
    Ok(html! {
        h2 { (page.t("add_member")) }
        form.card method="post" enctype="multipart/form-data" action={ (base) "/team?_csrf=" (auth.csrf.clone().unwrap_or_default()) } {
            label { (page.t("assessors"))
                select name="assessor" {
                    @for a in &people { option value=(a.assessor.id) { (a.assessor.name) } }
                }
            }
            label { (page.t("declared_on")) input type="date" name="declared_on"; }
            label { (page.t("declaration")) input type="file" name="evidence"; }
            button type="submit" { (page.t("save")) }
        }
        h2 { (page.t("choose_items")) }
        form.card #items-form method="post" action={ (base) "/items" } {
            (page.csrf())
            @for item in AssessmentItem::ALL {
                @let (choice, reason) = choice_of(item).unwrap_or_else(|| ("selected".into(), String::new()));
                div.item-choice {
                    span.id { (item.clause()) } " "
                    (state.catalog.clause(item.clause()).map_or(item.name(), |c| c.title(page.lang.catalog())))
                    select name={ "choice:" (item.clause()) } {
                        option value="selected" selected[choice == "selected"] { (page.t("selected")) }
                        option value="left_out" selected[choice == "left_out"] { (page.t("left_out")) }
                    }
                    input name={ "reason:" (item.clause()) } value=(reason) placeholder=(page.t("reason"));
                }
            }
            button type="submit" { (page.t("save")) }
        }
    })
}

pub async fn add_member(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
    m: Multipart,
) -> Result<Response, AppError> {
    let f = upload::read(m).await.map_err(|e| e.lang(view.lang))?;
    let id: i64 = f.get("assessor").parse().map_err(|_| {
        AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "assessor: choose an assessor",
        )
        .lang(view.lang)
    })?;
    assessments::add_member(
        &state.store,
        &auth.ctx(&state),
        None,
        &code,
        id,
        f.opt("declared_on").as_deref(),
        f.file.as_ref(),
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(see_other(&format!("/assessments/{}", segment(&code))))
}

pub async fn set_items(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
    WebForm(f): WebForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let reason = |id: &str| {
        f.iter()
            .find(|(n, _)| n.strip_prefix("reason:") == Some(id))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let decisions: Vec<DecisionInput> = f
        .iter()
        .filter_map(|(n, v)| n.strip_prefix("choice:").map(|id| (id, v)))
        .map(|(id, v)| DecisionInput {
            item: id.to_string(),
            selected: v == "selected",
            reason: reason(id),
        })
        .collect();
    assessments::set_items(&state.store, &auth.ctx(&state), None, &code, &decisions)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(see_other(&format!("/assessments/{}", segment(&code))))
}

pub async fn add_evidence(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
    m: Multipart,
) -> Result<Response, AppError> {
    let f = upload::read(m).await.map_err(|e| e.lang(view.lang))?;
    let item = f.get("item");
    let file = f.file.ok_or_else(|| {
        AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "evidence: choose a file",
        )
        .lang(view.lang)
    })?;
    assessments::add_evidence(&state.store, &auth.ctx(&state), None, &code, &item, &file)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(see_other(&format!("/assessments/{}", segment(&code))))
}

/// The evidence list of an assessment and, while it runs, the upload form.
pub fn evidence_section(
    page: &Page<'_>,
    auth: &crate::auth::Auth,
    code: &str,
    rows: &[zilv_store::assessments::EvidenceRow],
    can_add: bool,
) -> Markup {
    html! {
        h2 { (page.t("evidence")) }
        ul #evidence {
            @for r in rows { li { span.id { (r.item.clause()) } " " (r.name) " · SHA-256 " code { (r.sha256) } } }
        }
        @if can_add {
            form.card method="post" enctype="multipart/form-data" action={ "/assessments/" (segment(code)) "/evidence?_csrf=" (auth.csrf.clone().unwrap_or_default()) } {
                label { (page.t("items"))
                    select name="item" {
                        @for item in AssessmentItem::ALL { option value=(item.clause()) { (item.clause()) } }
                    }
                }
                label { (page.t("evidence")) input type="file" name="evidence" required; }
                button type="submit" { (page.t("save")) }
            }
        }
    }
}
