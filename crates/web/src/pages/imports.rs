//! The scanner report upload page (EVAL-4.1.3 to EVAL-4.1.5): a multipart
//! form without scripts, and the summary of what the import did.
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;
use zilv_services::imports::{self, Counts, ImportReport, Target};
use zilv_services::{systems, Permission, ServiceError};

use crate::auth::{Auth, SignedIn, CSRF_FIELD};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::imports::{run, Spool};
use crate::layout::Page;
use crate::pages::View;
use crate::state::AppState;

/// The labels of these pages, in Traditional Chinese and English.
const LABELS: &[(&str, &str, &str)] = &[
    ("title", "匯入弱點掃描報告", "Import scanner reports"),
    ("result", "匯入結果", "Import result"),
    ("dry_result", "試算結果（未變更任何資料）", "Dry run (nothing was changed)"),
    ("system", "系統", "System"),
    ("assessment", "評估（選填）", "Assessment (optional)"),
    ("format", "格式", "Format"),
    ("detect", "自動判別", "Detect from the content"),
    ("files", "報告檔案", "Report files"),
    ("dry_run", "僅試算，不變更資料", "Dry run: show what would change, change nothing"),
    ("submit", "上傳並匯入", "Upload and import"),
    ("hint", "支援 Nessus、OpenVAS、Nmap、ZAP、Burp、Trivy、SARIF、Nuclei 與 CSV 範本，亦可為 gzip 壓縮檔；上限 256 MiB。", "Nessus, OpenVAS, Nmap, ZAP, Burp, Trivy, SARIF, Nuclei and the CSV template, gzip too; at most 256 MiB."),
    ("no_file", "請選擇至少一個報告檔案", "choose at least one report file"),
    ("severity", "嚴重度", "Severity"),
    ("scanned", "掃描所見", "Scanned"),
    ("new", "新增", "New"),
    ("unchanged", "未變", "Unchanged"),
    ("closed", "已關閉（複掃已修復）", "Closed (fixed by rescan)"),
    ("reactivated", "重新開啟", "Reactivated"),
    ("kept", "維持（風險接受／誤報）", "Kept (risk accepted / false positive)"),
    ("total", "合計", "Total"),
    ("file", "檔案", "File"),
    ("findings", "發現數", "Findings"),
    ("again", "再匯入一份", "Import another report"),
    ("critical", "緊急", "Critical"),
    ("high", "高", "High"),
    ("medium", "中", "Medium"),
    ("low", "低", "Low"),
    ("info", "資訊", "Info"),
];

fn l(lang: Lang, key: &str) -> &'static str {
    LABELS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or("?", |(_, zh, en)| match lang {
            Lang::Zh => zh,
            Lang::En => en,
        })
}

const FORMATS: [&str; 11] = [
    "nessus",
    "openvas",
    "nmap",
    "zap-xml",
    "zap-json",
    "burp",
    "trivy",
    "sarif",
    "nuclei-json",
    "nuclei-jsonl",
    "csv",
];

#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    #[serde(default)]
    system: String,
}

/// What the form holds, to show it again after a refusal.
#[derive(Debug, Default)]
struct Fields {
    system: String,
    assessment: String,
    format: String,
    dry_run: bool,
}

fn refuse_role(auth: &Auth, lang: Lang) -> Result<(), AppError> {
    if auth.principal.can(Permission::EditFindings) {
        Ok(())
    } else {
        Err(AppError::new(
            StatusCode::FORBIDDEN,
            format!(
                "not allowed: the role {} may not import scanner reports",
                auth.principal.role.as_str()
            ),
        )
        .lang(lang))
    }
}

async fn form(
    state: &AppState,
    page: &Page<'_>,
    auth: &Auth,
    f: &Fields,
    error: Option<&str>,
) -> Markup {
    let lang = page.lang;
    // Who may not list systems (an assessor) types the code.
    let codes: Vec<String> = systems::list(&state.store, &auth.ctx(state), state.params(), None)
        .await
        .map(|v| v.into_iter().map(|s| s.system.code).collect())
        .unwrap_or_default();
    let token = auth.csrf.clone().unwrap_or_default();
    let action = format!(
        "/imports?{}",
        serde_urlencoded::to_string([(CSRF_FIELD, token)]).unwrap_or_default()
    );
    html! {
        form.card id="import-form" method="post" action=(action) enctype="multipart/form-data" {
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (l(lang, "system"))
                @if codes.is_empty() {
                    input name="system" value=(f.system) required maxlength="40";
                } @else {
                    select name="system" required {
                        @for c in &codes { option value=(c) selected[*c == f.system] { (c) } }
                    }
                }
            }
            label { (l(lang, "assessment")) input name="assessment" value=(f.assessment) maxlength="40"; }
            label { (l(lang, "format"))
                select name="format" {
                    option value="" selected[f.format.is_empty()] { (l(lang, "detect")) }
                    @for x in FORMATS { option value=(x) selected[f.format == x] { (x) } }
                }
            }
            label { (l(lang, "files")) input type="file" name="file" multiple required; }
            label { input type="checkbox" name="dry_run" value="true" checked[f.dry_run]; " " (l(lang, "dry_run")) }
            p.hint { (l(lang, "hint")) }
            button type="submit" { (l(lang, "submit")) }
        }
    }
}

pub async fn new(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Query(q): Query<FormQuery>,
) -> Result<Response, AppError> {
    refuse_role(&auth, view.lang)?;
    let page = view.page(Some(&auth));
    let fields = Fields {
        system: q.system,
        ..Default::default()
    };
    let body = form(&state, &page, &auth, &fields, None).await;
    Ok(page.render(l(view.lang, "title"), body))
}

fn counts_row(name: &str, c: &Counts) -> Markup {
    html! {
        td { (name) }
        td { (c.scanned) } td { (c.new) } td { (c.unchanged) }
        td { (c.closed) } td { (c.reactivated) } td { (c.kept) }
    }
}

fn summary(lang: Lang, r: &ImportReport) -> Markup {
    html! {
        @if r.dry_run { p.notice id="dry-run" { (l(lang, "dry_result")) } }
        p { (l(lang, "system")) ": " a href={ "/systems/" (r.system) } { (r.system) }
            @if let Some(a) = &r.assessment { " · " (l(lang, "assessment")) ": " (a) } }
        table.list id="import-files" {
            thead { tr { th { (l(lang, "file")) } th { (l(lang, "format")) } th { (l(lang, "findings")) } th { "SHA-256" } } }
            tbody { @for f in &r.files { tr { td { (f.name) } td { (f.format) } td { (f.findings) } td { code { (f.sha256) } } } } }
        }
        table.list id="import-summary" {
            thead { tr {
                th { (l(lang, "severity")) } th { (l(lang, "scanned")) } th { (l(lang, "new")) }
                th { (l(lang, "unchanged")) } th { (l(lang, "closed")) } th { (l(lang, "reactivated")) } th { (l(lang, "kept")) }
            } }
            tbody {
                @for s in &r.by_severity { tr data-severity=(s.severity.as_str()) { (counts_row(l(lang, s.severity.as_str()), &s.counts)) } }
                tr.total id="import-total" { (counts_row(l(lang, "total"), &r.total)) }
            }
        }
        p { a.button href={ "/imports/new?system=" (r.system) } { (l(lang, "again")) } }
    }
}

/// The form again with the refusal when the input was refused; other
/// errors become error pages.
async fn refused(
    state: &AppState,
    page: &Page<'_>,
    auth: &Auth,
    e: ServiceError,
    f: &Fields,
) -> Result<Response, AppError> {
    let lang = page.lang;
    match e {
        ServiceError::Invalid(_) | ServiceError::NotFound { .. } | ServiceError::Conflict(_) => {
            let err = AppError::from(e);
            let body = form(state, page, auth, f, Some(&err.message)).await;
            let mut res = page.render(l(lang, "title"), body);
            *res.status_mut() = err.status;
            Ok(res)
        }
        other => Err(AppError::from(other).lang(lang)),
    }
}

fn bad_upload(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::new(
        e.status(),
        format!("the upload could not be read: {}", e.body_text()),
    )
}

pub async fn upload(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let lang = view.lang;
    refuse_role(&auth, lang)?;
    let ctx = auth.ctx(&state);
    let page = view.page(Some(&auth));
    let mut f = Fields::default();
    let mut spool = Spool::new().map_err(|e| e.lang(lang))?;
    let mut authorized = false;
    let target = |f: &Fields| Target {
        org: None,
        system: f.system.clone(),
        assessment: Some(f.assessment.clone()).filter(|a| !a.trim().is_empty()),
    };
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| bad_upload(e).lang(lang))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_string();
            if file_name.is_empty() {
                continue;
            }
            if !authorized {
                // Refuse before receiving the reports the caller may not import.
                if let Err(e) = imports::authorize(&state.store, &ctx, &target(&f)).await {
                    return refused(&state, &page, &auth, e, &f).await;
                }
                authorized = true;
            }
            let mut out = spool.start(&file_name).map_err(|e| e.lang(lang))?;
            while let Some(chunk) = field.chunk().await.map_err(|e| bad_upload(e).lang(lang))? {
                spool.write(&mut out, &chunk).map_err(|e| e.lang(lang))?;
            }
            continue;
        }
        let value = field.text().await.map_err(|e| bad_upload(e).lang(lang))?;
        match name.as_str() {
            "system" => f.system = value.trim().to_string(),
            "assessment" => f.assessment = value.trim().to_string(),
            "format" => f.format = value.trim().to_string(),
            "dry_run" => f.dry_run = matches!(value.trim(), "true" | "on" | "1"),
            _ => {}
        }
    }
    if spool.is_empty() {
        let e = ServiceError::Invalid(zilv_domain::InvalidInput::new("file", l(lang, "no_file")));
        return refused(&state, &page, &auth, e, &f).await;
    }
    let format = Some(f.format.clone()).filter(|x| !x.is_empty());
    match run(&state, &ctx, &target(&f), spool, format, f.dry_run).await {
        Ok(report) => {
            let title = if report.dry_run {
                l(lang, "dry_result")
            } else {
                l(lang, "result")
            };
            Ok(page.render(title, summary(lang, &report)))
        }
        Err(e) => refused(&state, &page, &auth, e, &f).await,
    }
}
