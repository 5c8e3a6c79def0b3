//! Assessors (EVAL-7): the list with affiliation, qualifications and
//! confidentiality agreement, adding one, and recording a qualification with
//! its evidence (EVAL-7.2) or the signed agreement (EVAL-7.3).
use axum::extract::{Multipart, State};
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;
use zilv_domain::{Affiliation, Evidence};
use zilv_services::assessors::{self, AssessorInput, AssessorView, QualificationInput};
use zilv_services::{Permission, ServiceError};

use crate::auth::{Auth, SignedIn};
use crate::error::AppError;
use crate::forms::WebForm;
use crate::forms::WebId;
use crate::layout::Page;
use crate::pages::registers::refused;
use crate::pages::upload::{self, Fields};
use crate::pages::{see_other, View};
use crate::state::AppState;

const KINDS: [&str; 4] = [
    "security_management",
    "security_technical",
    "simulated_attack",
    "financial_domain",
];

fn affiliation(page: &Page<'_>, a: &Affiliation) -> Markup {
    html! {
        @match a {
            Affiliation::Inside { unit } => { (page.t("inside")) ": " (unit) }
            Affiliation::OutsideFirm { firm } => { (page.t("outside_firm")) ": " (firm) }
        }
    }
}

fn evidence(page: &Page<'_>, e: &Evidence) -> Markup {
    html! {
        @match e {
            Evidence::Certificate { name, number, issuer, expires_on } => {
                (page.t("certificate")) ": " (name) " #" (number) " · " (issuer) " · "
                (page.t("expires_on")) " "
                @match expires_on { Some(d) => (page.dates.day(*d)), None => (page.t("no_expiry")) }
            }
            Evidence::Training { hours, .. } => { (page.t("training")) ": " (hours) " " (page.t("hours")) }
            Evidence::FinancialExperience { years } => { (page.t("financial_experience")) ": " (years) " " (page.t("years")) }
        }
    }
}

fn qualifications(page: &Page<'_>, v: &AssessorView) -> Markup {
    html! {
        ul.qualifications {
            @for q in &v.qualifications {
                li {
                    strong { (page.t(q.row.qualification.kind.as_str())) } " — "
                    (evidence(page, &q.row.qualification.evidence))
                    @if let Some(f) = &q.row.file_name { " · " (page.t("evidence")) ": " (f) }
                    @if let Some(why) = &q.not_counted { " " span.badge.overdue title=(why) { (page.t("not_counted")) } }
                }
            }
        }
        @if v.qualifications.is_empty() { p { (page.t("no_qualifications")) } }
    }
}

fn nda(page: &Page<'_>, v: &AssessorView) -> Markup {
    html! {
        @match v.assessor.nda_signed_on {
            Some(d) => { (page.dates.day(d)) @if let Some(n) = &v.assessor.nda_name { " · " (n) } }
            None => span.badge.overdue { (page.t("no_nda")) }
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let all = assessors::list(&state.store, &auth.ctx(&state), None)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let body = html! {
        @if auth.principal.can(Permission::ManageAssessments) {
            p { a.button href="/assessors/new" { (page.t("add_assessor")) } }
        }
        table.list id="assessors" {
            thead { tr {
                th { (page.t("name")) } th { (page.t("affiliation")) }
                th { (page.t("qualifications")) } th { (page.t("nda_signed_on")) " (EVAL-7.3)" }
            } }
            tbody {
                @for v in &all {
                    tr {
                        td { a href={ "/assessors/" (v.assessor.id) } { (v.assessor.name) } }
                        td { (affiliation(&page, &v.assessor.affiliation)) }
                        td { (qualifications(&page, v)) }
                        td { (nda(&page, v)) }
                    }
                }
            }
        }
        @if all.is_empty() { p { (page.t("no_rows")) } }
    };
    Ok(page.render(page.t("assessors"), body))
}

#[derive(Debug, Default, Deserialize)]
pub struct AssessorForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    affiliation: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    user_email: String,
}

fn assessor_form(page: &Page<'_>, error: Option<&str>, f: &AssessorForm) -> Markup {
    html! {
        form.card method="post" action="/assessors" {
            (page.csrf())
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (page.t("name")) input name="name" value=(f.name) required maxlength="200"; }
            label { (page.t("email")) input type="email" name="email" value=(f.email); }
            label { (page.t("affiliation"))
                select name="affiliation" {
                    @for a in ["inside", "outside_firm"] { option value=(a) selected[f.affiliation == a] { (page.t(a)) } }
                }
            }
            label { (page.t("unit_or_firm")) input name="unit" value=(f.unit) required maxlength="200"; }
            label { (page.t("assessor_account")) input type="email" name="user_email" value=(f.user_email); }
            button type="submit" { (page.t("save")) }
        }
    }
}

pub async fn new(view: View, SignedIn(auth): SignedIn) -> Response {
    let page = view.page(Some(&auth));
    page.render(
        page.t("add_assessor"),
        assessor_form(&page, None, &AssessorForm::default()),
    )
}

pub async fn add(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebForm(f): WebForm<AssessorForm>,
) -> Result<Response, AppError> {
    let blank = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let input = AssessorInput {
        org: None,
        name: f.name.clone(),
        email: blank(&f.email),
        affiliation: f.affiliation.clone(),
        unit: f.unit.clone(),
        user_email: blank(&f.user_email),
    };
    match assessors::add(&state.store, &auth.ctx(&state), &input).await {
        Ok(v) => Ok(see_other(&format!("/assessors/{}", v.assessor.id))),
        Err(e) => {
            let page = view.page(Some(&auth));
            refused(&page, page.t("add_assessor"), e, |msg| {
                assessor_form(&page, Some(msg), &f)
            })
        }
    }
}

fn assessor_page(page: &Page<'_>, auth: &Auth, v: &AssessorView, error: Option<&str>) -> Markup {
    let a = &v.assessor;
    let csrf = auth.csrf.clone().unwrap_or_default();
    html! {
        dl.facts {
            dt { (page.t("affiliation")) } dd { (affiliation(page, &a.affiliation)) }
            @if let Some(e) = &a.email { dt { (page.t("email")) } dd { (e) } }
            dt { (page.t("nda_signed_on")) " (EVAL-7.3)" } dd #assessor-nda { (nda(page, v)) }
        }
        h2 { (page.t("qualifications")) " (EVAL-7.2)" }
        div #assessor-qualifications { (qualifications(page, v)) }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        @if auth.principal.can(Permission::ManageAssessments) {
            h2 { (page.t("add_qualification")) }
            form.card #add-qualification method="post" enctype="multipart/form-data" action={ "/assessors/" (a.id) "/qualifications?_csrf=" (csrf) } {
                label { (page.t("kind"))
                    select name="kind" { @for k in KINDS { option value=(k) { (page.t(k)) } } }
                }
                label { (page.t("evidence_kind"))
                    select name="evidence_kind" {
                        @for k in ["certificate", "training", "financial_experience"] { option value=(k) { (page.t(k)) } }
                    }
                }
                fieldset {
                    legend { (page.t("certificate")) }
                    label { (page.t("cert_name")) input name="cert_name"; }
                    label { (page.t("cert_number")) input name="cert_number"; }
                    label { (page.t("cert_issuer")) input name="cert_issuer"; }
                    label { (page.t("expires_on")) input type="date" name="expires_on"; }
                }
                label { (page.t("training")) " · " (page.t("hours")) input type="number" min="0" name="hours"; }
                label { (page.t("financial_experience")) " · " (page.t("years")) input type="number" min="0" name="years"; }
                label { (page.t("certificate_or_proof")) input type="file" name="evidence"; }
                button type="submit" { (page.t("save")) }
            }
            h2 { (page.t("record_nda")) " (EVAL-7.3)" }
            form.card #record-nda method="post" enctype="multipart/form-data" action={ "/assessors/" (a.id) "/nda?_csrf=" (csrf) } {
                label { (page.t("nda_signed_on")) input type="date" name="signed_on" required; }
                label { (page.t("nda_file")) input type="file" name="evidence" required; }
                button type="submit" { (page.t("save")) }
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
    let v = assessors::show(&state.store, &auth.ctx(&state), None, id)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    Ok(page.render(
        &v.assessor.name.clone(),
        assessor_page(&page, &auth, &v, None),
    ))
}

async fn refused_on_assessor(
    state: &AppState,
    view: &View,
    auth: &Auth,
    id: i64,
    e: ServiceError,
) -> Result<Response, AppError> {
    let v = assessors::show(&state.store, &auth.ctx(state), None, id)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(auth));
    let title = v.assessor.name.clone();
    refused(&page, &title, e, |msg| {
        assessor_page(&page, auth, &v, Some(msg))
    })
}

/// A whole number from a form field, or an error naming the field.
fn number(f: &Fields, field: &str) -> Result<Option<u32>, ServiceError> {
    f.opt(field)
        .map(|s| {
            s.parse::<u32>().map_err(|_| {
                ServiceError::Invalid(zilv_domain::InvalidInput::new(
                    field,
                    format!("{s:?} is not a whole number of 0 or more"),
                ))
            })
        })
        .transpose()
}

pub async fn qualify(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebId(id): WebId,
    m: Multipart,
) -> Result<Response, AppError> {
    let f = upload::read(m).await.map_err(|e| e.lang(view.lang))?;
    let numbers = number(&f, "hours").and_then(|h| Ok((h, number(&f, "years")?)));
    let (hours, years) = match numbers {
        Ok(n) => n,
        Err(e) => return refused_on_assessor(&state, &view, &auth, id, e).await,
    };
    let input = QualificationInput {
        org: None,
        assessor_id: id,
        kind: f.get("kind"),
        evidence: f.get("evidence_kind"),
        cert_name: f.get("cert_name"),
        cert_number: f.get("cert_number"),
        cert_issuer: f.get("cert_issuer"),
        expires_on: f.opt("expires_on"),
        hours,
        years,
        file: f.file.clone(),
    };
    match assessors::qualify(&state.store, &auth.ctx(&state), &input).await {
        Ok(_) => Ok(see_other(&format!("/assessors/{id}"))),
        Err(e) => refused_on_assessor(&state, &view, &auth, id, e).await,
    }
}

pub async fn record_nda(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebId(id): WebId,
    m: Multipart,
) -> Result<Response, AppError> {
    let f = upload::read(m).await.map_err(|e| e.lang(view.lang))?;
    let file = f.file.clone().unwrap_or_default();
    match assessors::record_nda(
        &state.store,
        &auth.ctx(&state),
        None,
        id,
        &f.get("signed_on"),
        &file,
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/assessors/{id}"))),
        Err(e) => refused_on_assessor(&state, &view, &auth, id, e).await,
    }
}
