//! Findings and their remediation (EVAL-8): the filtered, paginated list,
//! one finding with its history and the next steps of its workflow, and the
//! CSV export.
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;
use zilv_domain::{FindingStatus, RemediationPolicy};
use zilv_services::findings::{self, FindingInput, ListQuery, TransitionInput};
use zilv_services::{Permission, ServiceError};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::{WebForm, WebId, WebQuery};
use crate::layout::Page;
use crate::pages::{see_other, View};
use crate::state::AppState;

/// The list's filter and page, from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct FindingFilter {
    status: Option<String>,
    severity: Option<String>,
    system: Option<String>,
    assessment: Option<String>,
    overdue: Option<String>,
    page: Option<i64>,
}

const PAGE_SIZE: i64 = 50;

impl FindingFilter {
    fn query(&self, limit: i64) -> ListQuery {
        let some = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        ListQuery {
            org: None,
            status: some(&self.status),
            severity: some(&self.severity),
            system: some(&self.system),
            assessment: some(&self.assessment),
            overdue: self.overdue.as_deref().is_some_and(|v| !v.is_empty()),
            limit: Some(limit),
            offset: Some((self.page.unwrap_or(1).max(1) - 1) * limit),
        }
    }

    fn query_string(&self, page: Option<i64>) -> String {
        let mut pairs: Vec<(&str, String)> = [
            ("status", &self.status),
            ("severity", &self.severity),
            ("system", &self.system),
            ("assessment", &self.assessment),
            ("overdue", &self.overdue),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.clone().filter(|s| !s.is_empty()).map(|v| (k, v)))
        .collect();
        if let Some(p) = page {
            pairs.push(("page", p.to_string()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// A status's name in the interface language.
pub fn status_label(page: &Page<'_>, s: FindingStatus) -> &'static str {
    let zh = match s {
        FindingStatus::Open => "待處理",
        FindingStatus::InRemediation => "改善中",
        FindingStatus::Resolved => "已改善待覆查",
        FindingStatus::ClosedFixed => "覆查結案",
        FindingStatus::RiskAccepted => "風險接受",
        FindingStatus::FalsePositive => "誤判",
        FindingStatus::Reactivated => "重新開啟",
    };
    match page.lang {
        crate::i18n::Lang::Zh => zh,
        crate::i18n::Lang::En => s.as_str(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebQuery(f): WebQuery<FindingFilter>,
) -> Result<Response, AppError> {
    let page_no = f.page.unwrap_or(1).max(1);
    let result = findings::list(&state.store, &auth.ctx(&state), &f.query(PAGE_SIZE))
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let qs = f.query_string(None);
    let pages = (result.total + PAGE_SIZE - 1) / PAGE_SIZE;
    let sel = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let body = html! {
        @if auth.principal.can(Permission::EditFindings) && auth.principal.can(Permission::ViewRegisters) {
            p { a.button href="/findings/new" { (page.t("add_finding")) } }
        }
        form.filters method="get" action="/findings" {
            label { (page.t("status"))
                select name="status" {
                    option value="" { "—" }
                    @for s in ["open", "in_remediation", "resolved", "closed_fixed", "risk_accepted", "false_positive", "reactivated"] {
                        option value=(s) selected[sel(&f.status, s)] { (s) }
                    }
                }
            }
            label { (page.t("severity"))
                select name="severity" {
                    option value="" { "—" }
                    @for s in ["critical", "high", "medium", "low", "info"] {
                        option value=(s) selected[sel(&f.severity, s)] { (s) }
                    }
                }
            }
            label { (page.t("systems")) input name="system" value=(f.system.clone().unwrap_or_default()); }
            label { (page.t("assessment")) input name="assessment" value=(f.assessment.clone().unwrap_or_default()); }
            label.check { input type="checkbox" name="overdue" value="1" checked[f.overdue.is_some()]; (page.t("overdue")) }
            button type="submit" { (page.t("filter")) }
        }
        p.exports {
            (result.total) " · "
            a href={ "/findings/export.csv?" (qs) } { (page.t("export_csv")) }
            " · "
            a href={ "/findings/export.xlsx?" (qs) } { (page.t("export_xlsx")) }
        }
        table.list id="findings" {
            thead { tr {
                th { "#" } th { (page.t("title")) } th { (page.t("severity")) } th { (page.t("systems")) }
                th { (page.t("category")) } th { (page.t("status")) } th { (page.t("due_on")) }
            } }
            tbody {
                @for r in &result.findings {
                    tr class=(if r.overdue { "overdue" } else { "" }) {
                        td { a href={ "/findings/" (r.finding.id) } { (r.finding.id) } }
                        td { (r.finding.title) }
                        td { span class={ "sev " (r.finding.severity.as_str()) } { (r.finding.severity.as_str()) } }
                        td { (r.finding.system) }
                        td { (r.finding.category) }
                        td { (status_label(&page, r.finding.status)) }
                        td { @if let Some(d) = r.finding.due_on { (page.dates.day(d)) @if r.overdue { " " span.badge.overdue { (page.t("overdue")) } } } }
                    }
                }
            }
        }
        @if result.findings.is_empty() { p { (page.t("no_rows")) } }
        @if pages > 1 {
            p.pager {
                @if page_no > 1 { a href={ "/findings?" (f.query_string(Some(page_no - 1))) } { "‹" } " " }
                (page_no) " / " (pages)
                @if page_no < pages { " " a href={ "/findings?" (f.query_string(Some(page_no + 1))) } { "›" } }
            }
        }
    };
    Ok(page.render(page.t("findings"), body))
}

pub async fn export_csv(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebQuery(f): WebQuery<FindingFilter>,
) -> Result<Response, AppError> {
    let mut query = f.query(findings::MAX_PAGE);
    query.offset = Some(0);
    let rows = findings::export_rows(&state.store, &auth.ctx(&state), &query)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let csv = findings::to_csv(&findings::CSV_HEADER, &rows);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"zilv-findings.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

pub async fn export_xlsx(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebQuery(f): WebQuery<FindingFilter>,
) -> Result<Response, AppError> {
    let mut query = f.query(findings::MAX_PAGE);
    query.offset = Some(0);
    let rows = findings::export_rows(&state.store, &auth.ctx(&state), &query)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let bytes = findings::to_xlsx(&findings::CSV_HEADER, &rows).map_err(|e| {
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the workbook: {e}"),
        )
    })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"zilv-findings.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

pub async fn show(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebId(id): WebId,
) -> Result<Response, AppError> {
    let v = findings::show(&state.store, &auth.ctx(&state), None, id)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let f = &v.finding;
    let d = page.dates;
    let actions: &[&str] = match f.status {
        FindingStatus::Open | FindingStatus::Reactivated => {
            &["start_remediation", "accept_risk", "mark_false_positive"]
        }
        FindingStatus::InRemediation => &["resolve", "accept_risk", "mark_false_positive"],
        FindingStatus::Resolved => &["verify_fix", "reject_fix"],
        FindingStatus::ClosedFixed | FindingStatus::RiskAccepted | FindingStatus::FalsePositive => {
            &["reactivate"]
        }
    };
    let body = html! {
        dl.facts {
            dt { (page.t("status")) } dd #finding-status { (status_label(&page, f.status)) }
            dt { (page.t("severity")) } dd { (f.severity.as_str()) }
            dt { (page.t("category")) } dd { a href={ "/catalog/" (f.category) } { (f.category) } }
            dt { (page.t("systems")) } dd { a href={ "/systems/" (f.system) } { (f.system) } }
            @if let Some(a) = &f.assessment { dt { (page.t("assessment")) } dd { a href={ "/assessments/" (a) } { (a) } } }
            dt { (page.t("risk")) } dd { (f.risk_description) }
            dt { (page.t("recommendation")) } dd { (f.recommendation) }
            dt { (page.t("owner")) } dd { (f.owner) }
            dt { (page.t("source")) } dd { (f.source) }
            dt { (page.t("found_on")) } dd { (d.day(f.found_on)) }
            dt { (page.t("due_on")) } dd { @if let Some(x) = f.due_on { (d.day(x)) } @if v.overdue { " " span.badge.overdue { (page.t("overdue")) } } }
            @if let Some(r) = &f.accepted_reason { dt { (page.t("accept_risk")) } dd { (f.accepted_by.clone().unwrap_or_default()) ": " (r) @if let Some(u) = f.accepted_until { " (" (d.day(u)) ")" } } }
            @if let Some(r) = &f.false_positive_reason { dt { (page.t("mark_false_positive")) } dd { (r) } }
        }
        h2 { (page.t("next_step")) }
        form.card method="post" enctype="multipart/form-data" action={ "/findings/" (f.id) "/transition?_csrf=" (auth.csrf.clone().unwrap_or_default()) } {
            label { (page.t("action"))
                select name="action" {
                    @for a in actions { option value=(a) { (page.t(a)) } }
                }
            }
            label { (page.t("note_or_reason")) textarea name="reason" {} }
            label { (page.t("approver")) input name="approver"; }
            label { (page.t("accepted_until")) input type="date" name="accepted_until"; }
            label { (page.t("evidence")) input type="file" name="evidence"; }
            button type="submit" { (page.t("save")) }
        }
        h2 { (page.t("history")) }
        table.list id="history" {
            thead { tr { th { (page.t("at")) } th { (page.t("actor")) } th { (page.t("status")) } th { (page.t("summary")) } } }
            tbody {
                @for c in &v.history {
                    tr {
                        td { (d.moment(&c.at)) }
                        td { (c.actor) }
                        td { @if let Some(from) = c.from { (status_label(&page, from)) " → " } (status_label(&page, c.to)) }
                        td { (c.note) }
                    }
                }
            }
        }
    };
    Ok(page.render(&format!("#{} {}", f.id, f.title), body))
}

pub async fn transition(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(id): Path<i64>,
    m: Multipart,
) -> Result<Response, AppError> {
    let f = super::upload::read(m)
        .await
        .map_err(|e| e.lang(view.lang))?;
    let input = TransitionInput {
        org: None,
        id,
        action: f.get("action"),
        reason: f.get("reason"),
        note: f.get("reason"),
        approver: f.get("approver"),
        accepted_until: f.opt("accepted_until"),
        evidence: f.file,
    };
    findings::transition_finding(
        &state.store,
        &auth.ctx(&state),
        &RemediationPolicy::default(),
        &input,
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(see_other(&format!("/findings/{id}")))
}

#[derive(Debug, Default, Deserialize)]
pub struct NewFindingForm {
    #[serde(default)]
    system: String,
    #[serde(default)]
    assessment: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    risk_description: String,
    #[serde(default)]
    recommendation: String,
    #[serde(default)]
    owner: String,
}

fn new_form(page: &Page<'_>, error: Option<&str>, f: &NewFindingForm) -> maud::Markup {
    html! {
        form.card method="post" action="/findings" {
            (page.csrf())
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (page.t("systems")) input name="system" value=(f.system) required; }
            label { (page.t("assessment")) input name="assessment" value=(f.assessment); }
            label { (page.t("title")) input name="title" value=(f.title) required; }
            label { (page.t("severity"))
                select name="severity" {
                    @for s in ["critical", "high", "medium", "low", "info"] { option value=(s) selected[f.severity == s] { (s) } }
                }
            }
            label { (page.t("category")) input name="category" value=(f.category) placeholder="EVAL-4.1.3.1" required; }
            label { (page.t("risk")) textarea name="risk_description" required { (f.risk_description) } }
            label { (page.t("recommendation")) textarea name="recommendation" required { (f.recommendation) } }
            label { (page.t("owner")) input name="owner" value=(f.owner) required; }
            button type="submit" { (page.t("save")) }
        }
    }
}

pub async fn new(view: View, SignedIn(auth): SignedIn) -> Response {
    let page = view.page(Some(&auth));
    page.render(
        page.t("add_finding"),
        new_form(&page, None, &NewFindingForm::default()),
    )
}

pub async fn add(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebForm(f): WebForm<NewFindingForm>,
) -> Result<Response, AppError> {
    let input = FindingInput {
        system: f.system.clone(),
        assessment: Some(f.assessment.trim().to_string()).filter(|s| !s.is_empty()),
        title: f.title.clone(),
        severity: f.severity.clone(),
        category: f.category.clone(),
        risk_description: f.risk_description.clone(),
        recommendation: f.recommendation.clone(),
        owner: f.owner.clone(),
        ..FindingInput::default()
    };
    match findings::add(
        &state.store,
        &auth.ctx(&state),
        &RemediationPolicy::default(),
        &input,
    )
    .await
    {
        Ok(v) => Ok(see_other(&format!("/findings/{}", v.finding.id))),
        Err(
            e @ (ServiceError::Invalid(_)
            | ServiceError::Conflict(_)
            | ServiceError::NotFound { .. }),
        ) => {
            let err = AppError::from(e);
            let page = view.page(Some(&auth));
            let mut res = page.render(
                page.t("add_finding"),
                new_form(&page, Some(&err.message), &f),
            );
            *res.status_mut() = err.status;
            Ok(res)
        }
        Err(e) => Err(AppError::from(e).lang(view.lang)),
    }
}
