//! The EVAL-8 assessment report in the browser: preview and finalise on the
//! assessment page, download the stored bytes, legal hold, deletion after
//! retention, and the internal audit unit's list of finalised reports.
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;
use zilv_services::reports::{self, Kit, ReportFormat, ReportView};
use zilv_services::{Permission, ServiceError};

use crate::auth::{Auth, SignedIn};
use crate::error::AppError;
use crate::forms::{WebForm, WebQuery};
use crate::layout::Page;
use crate::pages::{see_other, segment, View};
use crate::state::AppState;

/// What rendering needs from the running server; refused when no font was
/// installed or configured at start-up.
pub(crate) fn kit(state: &AppState) -> Result<Kit<'_>, AppError> {
    let font = state.report_font.as_ref().ok_or_else(|| {
        AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no report font is installed: install Debian's fonts-noto-cjk or start zilv serve with --report-font",
        )
    })?;
    Ok(Kit {
        catalog: &state.catalog,
        font,
    })
}

/// A file sent as a download (never shown inline: the HTML report carries its
/// own styles, which this site's content policy would block).
pub(crate) fn attachment(
    media_type: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Response, AppError> {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .map_err(|_| {
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("file name {file_name:?} cannot be sent in a header"),
            )
        })?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(media_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition);
    Ok(r)
}

pub(crate) fn format_of(value: &str) -> Result<ReportFormat, AppError> {
    ReportFormat::parse("format", value).map_err(|e| AppError::from(ServiceError::from(e)))
}

#[derive(Debug, Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

pub(crate) fn lang_of(
    asked: Option<&str>,
    fallback: crate::i18n::Lang,
) -> Result<zilv_catalog::Lang, AppError> {
    match asked.filter(|l| !l.trim().is_empty()) {
        Some(l) => reports::parse_lang("lang", l).map_err(|e| ServiceError::from(e).into()),
        None => Ok(fallback.catalog()),
    }
}

/// The report part of a completed assessment's page: the finalised report
/// with its stored files, or the gate's list of what is missing, previews
/// and the finalise form.
pub async fn section(
    state: &AppState,
    auth: &Auth,
    page: &Page<'_>,
    code: &str,
) -> Result<Markup, AppError> {
    let ctx = auth.ctx(state);
    let base = format!("/assessments/{}/report", segment(code));
    let manage = auth.principal.can(Permission::ManageAssessments);
    let shown = match reports::show(&state.store, &ctx, None, code).await {
        Ok(v) => Some(v),
        Err(ServiceError::NotFound { .. }) => None,
        Err(e) => return Err(AppError::from(e).lang(page.lang)),
    };
    if let Some(v) = shown {
        return Ok(finalised(page, &base, &v, manage));
    }
    let problems = reports::problems(&state.store, &ctx, &state.catalog, None, code)
        .await
        .map_err(|e| AppError::from(e).lang(page.lang))?;
    Ok(html! {
        section #report {
            h2 { (page.t("report")) " (EVAL-8)" }
            p { (page.t("report_not_finalised")) }
            p #report-previews {
                (page.t("preview")) ": "
                @for f in ReportFormat::ALL {
                    a href={ (base) "/preview/" (f.as_str()) } { (f.as_str().to_uppercase()) } " "
                }
                " · " (oscal_links(&base))
            }
            @if problems.is_empty() {
                p #report-ready { (page.t("report_ready")) }
            } @else {
                h3 { (page.t("report_missing")) }
                ul.error #report-problems { @for p in &problems { li { (p) } } }
            }
            @if manage && problems.is_empty() {
                form.inline method="post" action={ (base) "/finalize" } {
                    (page.csrf())
                    select name="lang" {
                        option value="zh-TW" { "中文" }
                        option value="en" { "English" }
                    }
                    button #finalize type="submit" { (page.t("finalize_report")) }
                }
            }
        }
    })
}

/// Links to the assessment's two OSCAL documents.
fn oscal_links(base: &str) -> Markup {
    html! {
        a href={ (base) "/oscal/assessment-results.json" } { "OSCAL assessment-results" } " · "
        a href={ (base) "/oscal/poam.json" } { "OSCAL POA&M" }
    }
}

fn finalised(page: &Page<'_>, base: &str, v: &ReportView, manage: bool) -> Markup {
    let r = &v.report;
    let d = page.dates;
    html! {
        section #report {
            h2 { (page.t("report")) " (EVAL-8)" }
            dl.facts {
                dt { (page.t("finalised")) } dd #report-finalised { (d.day(r.finalised_on)) " · " (r.finalised_by) }
                dt { (page.t("sent_to_audit")) } dd { (r.sent_to_audit_at) }
                dt { (page.t("retained_until")) } dd #report-retention { (d.day(r.retention_until)) }
                dt { (page.t("findings_outstanding")) } dd #report-outstanding { (v.findings_outstanding) " / " (v.findings) }
                @if r.legal_hold {
                    dt { (page.t("legal_hold")) }
                    dd #report-hold {
                        (r.legal_hold_reason.as_deref().unwrap_or_default())
                        @if let Some(u) = r.legal_hold_until { " · " (page.t("until")) " " (d.day(u)) }
                    }
                }
                @if let Some(at) = &r.deleted_at {
                    dt { (page.t("deleted")) } dd #report-deleted { (at) " · " (r.deleted_by.as_deref().unwrap_or_default()) }
                }
            }
            @if r.deleted_at.is_none() {
                table.list #report-files {
                    thead { tr { th { (page.t("format")) } th { "SHA-256" } th { (page.t("size")) } } }
                    tbody {
                        @for f in &v.files {
                            tr {
                                td { a href={ (base) "/" (f.format) } { (f.format.to_uppercase()) } }
                                td { code { (f.sha256) } }
                                td { (f.size) }
                            }
                        }
                    }
                }
                p { (oscal_links(base)) }
            }
            @if manage && r.deleted_at.is_none() {
                @if r.legal_hold {
                    form.inline method="post" action={ (base) "/release" } {
                        (page.csrf())
                        button type="submit" { (page.t("release_hold")) }
                    }
                } @else {
                    form.inline method="post" action={ (base) "/hold" } {
                        (page.csrf())
                        input name="reason" required placeholder=(page.t("reason"));
                        input name="until" type="date";
                        button type="submit" { (page.t("set_legal_hold")) }
                    }
                }
                @if !v.retained {
                    form.inline method="post" action={ (base) "/delete" } {
                        (page.csrf())
                        button.danger #delete-report type="submit" { (page.t("delete_report")) }
                    }
                }
            }
        }
    }
}

/// The finalised reports of the organisation, with how many findings each
/// still has outstanding: what the internal audit unit follows (EVAL-8).
pub async fn list(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let list = reports::list(&state.store, &auth.ctx(&state), None)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let d = page.dates;
    let body = html! {
        table.list #reports {
            thead { tr {
                th { (page.t("assessments")) } th { (page.t("title")) } th { (page.t("finalised")) }
                th { (page.t("retained_until")) } th { (page.t("findings_outstanding")) } th { (page.t("legal_hold")) }
            } }
            tbody {
                @for v in &list {
                    tr {
                        td { a href={ "/assessments/" (segment(&v.report.assessment)) } { (v.report.assessment) } }
                        td { (v.report.assessment_title) }
                        td { (d.day(v.report.finalised_on)) }
                        td { (d.day(v.report.retention_until)) }
                        td { (v.findings_outstanding) " / " (v.findings) }
                        td { @if v.report.legal_hold { "✔" } }
                    }
                }
            }
        }
        @if list.is_empty() { p { (page.t("no_rows")) } }
    };
    Ok(page.render(page.t("reports"), body))
}

/// A rendering of a completed assessment's report, not stored (for review before finalising).
pub async fn preview(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path((code, format)): Path<(String, String)>,
    WebQuery(q): WebQuery<LangQuery>,
) -> Result<Response, AppError> {
    let format = format_of(&format).map_err(|e| e.lang(view.lang))?;
    let lang = lang_of(q.lang.as_deref(), view.lang).map_err(|e| e.lang(view.lang))?;
    let r = reports::render(
        &state.store,
        &auth.ctx(&state),
        kit(&state)?,
        None,
        &code,
        format,
        lang,
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))?;
    attachment(r.format.media_type(), &r.file_name, r.bytes)
}

/// The stored bytes of a finalised report, identical to those finalised.
pub async fn download(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path((code, format)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let format = format_of(&format).map_err(|e| e.lang(view.lang))?;
    let r = reports::download(&state.store, &auth.ctx(&state), None, &code, format)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    attachment(r.format.media_type(), &r.file_name, r.bytes)
}

/// An OSCAL document of the assessment: `assessment-results.json` or `poam.json`.
pub async fn oscal(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path((code, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let kind = reports::OscalKind::from_file_name(&file).ok_or_else(|| {
        AppError::new(
            StatusCode::NOT_FOUND,
            format!("no OSCAL document {file:?}: assessment-results.json or poam.json"),
        )
        .lang(view.lang)
    })?;
    let r = reports::oscal(
        &state.store,
        &auth.ctx(&state),
        &state.catalog,
        None,
        &code,
        kind,
        view.lang.catalog(),
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))?;
    attachment("application/json", &r.file_name, r.bytes)
}

#[derive(Debug, Deserialize)]
pub struct FinalizeForm {
    #[serde(default)]
    lang: String,
}

fn back(code: &str) -> Response {
    see_other(&format!("/assessments/{}", segment(code)))
}

pub async fn finalize(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
    WebForm(f): WebForm<FinalizeForm>,
) -> Result<Response, AppError> {
    let lang = lang_of(Some(&f.lang), view.lang).map_err(|e| e.lang(view.lang))?;
    reports::finalize(
        &state.store,
        &auth.ctx(&state),
        kit(&state)?,
        None,
        &code,
        lang,
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(back(&code))
}

pub async fn delete(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    reports::delete(&state.store, &auth.ctx(&state), None, &code)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(back(&code))
}

#[derive(Debug, Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    until: String,
}

pub async fn hold(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
    WebForm(f): WebForm<HoldForm>,
) -> Result<Response, AppError> {
    reports::set_legal_hold(
        &state.store,
        &auth.ctx(&state),
        None,
        &code,
        &f.reason,
        Some(&f.until),
    )
    .await
    .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(back(&code))
}

pub async fn release(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    reports::release_legal_hold(&state.store, &auth.ctx(&state), None, &code)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    Ok(back(&code))
}
