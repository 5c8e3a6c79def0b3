//! Network-activity reviews of an assessment (EVAL-4.1.2.3): the list, the
//! form that uploads indicator feeds and logs (or names files on the
//! server), and a review's summary with its hits per indicator and host.
use std::path::{Component, Path as FsPath};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use maud::{html, Markup};
use zilv_domain::RemediationPolicy;
use zilv_services::ioc_reviews::{self, ReviewFile, ReviewOptions};
use zilv_services::ServiceError;

use crate::auth::{SignedIn, CSRF_FIELD};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::layout::Page;
use crate::multipart;
use crate::pages::{see_other, View};
use crate::state::AppState;

/// Largest upload of feeds and logs, in bytes; larger logs are named as
/// server-side files.
pub const MAX_UPLOAD: usize = 256 * 1024 * 1024;

/// The labels of these pages in both languages.
fn tr(lang: Lang, key: &str) -> &'static str {
    let (zh, en) = match key {
        "reviews" => ("網路活動檢視", "Network-activity reviews"),
        "new" => ("新增檢視", "New review"),
        "review" => ("網路活動檢視結果", "Network-activity review"),
        "indicators" => ("威脅情資指標檔", "Indicator files"),
        "logs" => ("網路紀錄檔", "Log files"),
        "server_indicators" => ("伺服器上的指標檔（每行一個）", "Indicator files on the server (one a line)"),
        "server_logs" => ("伺服器上的紀錄檔（每行一個）", "Log files on the server (one a line)"),
        "indicator_format" => ("指標格式（空白為自動判斷）", "Indicator format (empty: detect)"),
        "log_format" => ("紀錄格式（空白為自動判斷）", "Log format (empty: detect)"),
        "run" => ("執行檢視", "Run the review"),
        "started" => ("開始", "Started"),
        "finished" => ("完成", "Finished"),
        "by" => ("執行者", "By"),
        "system" => ("系統", "System"),
        "records" => ("讀取紀錄", "Records read"),
        "malformed" => ("格式錯誤", "Malformed"),
        "loaded" => ("載入指標", "Indicators loaded"),
        "expired" => ("已過期", "Expired"),
        "rejected" => ("無效指標", "Rejected"),
        "hits" => ("命中", "Hits"),
        "pairs" => ("指標與主機組合", "Indicator/host pairs"),
        "new_findings" => ("新增缺失", "New findings"),
        "existing_findings" => ("既有缺失", "Findings already recorded"),
        "indicator" => ("指標", "Indicator"),
        "kind" => ("類型", "Kind"),
        "host" => ("內部主機", "Internal host"),
        "first_seen" => ("首次出現", "First seen"),
        "last_seen" => ("最後出現", "Last seen"),
        "count" => ("次數", "Count"),
        "source" => ("來源", "Source"),
        "finding" => ("缺失", "Finding"),
        "files" => ("檔案", "Files"),
        "none" => ("尚無檢視。", "No reviews yet."),
        "no_hits" => ("沒有任何命中。", "Nothing matched."),
        "wait" => (
            "檢視會在送出後執行，完成後顯示結果；大型紀錄檔需要一些時間。",
            "The review runs when the form is sent and the result shows when it is done; large logs take a while.",
        ),
        _ => ("", ""),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

fn when(stamp: &str) -> String {
    stamp.get(..19).unwrap_or(stamp).replace('T', " ")
}

pub async fn list(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let l = view.lang;
    let reviews = ioc_reviews::list(&state.store, &auth.ctx(&state), None, &code)
        .await
        .map_err(|e| AppError::from(e).lang(l))?;
    let page = view.page(Some(&auth));
    let body = html! {
        p { a.button href={ "/ioc-reviews/" (code) "/new" } { (tr(l, "new")) } }
        table.list id="reviews" {
            thead { tr {
                th { "#" } th { (tr(l, "started")) } th { (tr(l, "by")) } th { (tr(l, "hits")) }
                th { (tr(l, "pairs")) } th { (tr(l, "new_findings")) }
            } }
            tbody {
                @for r in &reviews {
                    tr {
                        td { a href={ "/ioc-reviews/" (code) "/" (r.id) } { (r.id) } }
                        td { (when(&r.started_at)) }
                        td { (r.created_by) }
                        td { (r.summary["hits"]) }
                        td { (r.summary["pairs"]) }
                        td { (r.findings_created) }
                    }
                }
            }
        }
        @if reviews.is_empty() { p { (tr(l, "none")) } }
    };
    Ok(page.render(&format!("{} · {code}", tr(l, "reviews")), body))
}

fn form(page: &Page<'_>, code: &str, error: Option<&str>) -> Markup {
    let l = page.lang;
    let token = page.auth.and_then(|a| a.csrf.as_deref()).unwrap_or("");
    let query = serde_urlencoded::to_string([(CSRF_FIELD, token)]).unwrap_or_default();
    html! {
        form.card method="post" enctype="multipart/form-data" action={ "/ioc-reviews/" (code) "?" (query) } {
            @if let Some(e) = error { p.error role="alert" { (e) } }
            p { (tr(l, "wait")) }
            label { (tr(l, "indicators")) input type="file" name="indicators" multiple; }
            label { (tr(l, "server_indicators")) textarea name="server_indicators" {} }
            label { (tr(l, "indicator_format")) input name="indicator_format" placeholder="plain, csv, csv:2, zeek-intel, misp, stix"; }
            label { (tr(l, "logs")) input type="file" name="logs" multiple; }
            label { (tr(l, "server_logs")) textarea name="server_logs" {} }
            label { (tr(l, "log_format")) input name="log_format" placeholder="zeek, zeek-json, eve, bind, csv"; }
            button type="submit" { (tr(l, "run")) }
        }
    }
}

pub async fn new(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    // The list checks that the caller sees the assessment.
    ioc_reviews::list(&state.store, &auth.ctx(&state), None, &code)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    Ok(page.render(
        &format!("{} · {code}", tr(view.lang, "new")),
        form(&page, &code, None),
    ))
}

/// A file named on the server: relative, inside the configured directory.
fn server_file(dir: Option<&FsPath>, name: &str) -> Result<ReviewFile, String> {
    let dir = dir.ok_or(
        "this server reads no server-side files: start it with --ioc-dir DIR, or upload the files",
    )?;
    let rel = FsPath::new(name);
    if !rel
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!(
            "{name}: name a file inside the server's directory, without .. or a leading /"
        ));
    }
    let base = dir
        .canonicalize()
        .map_err(|e| format!("the server's directory {}: {e}", dir.display()))?;
    let path = base
        .join(rel)
        .canonicalize()
        .map_err(|e| format!("{name}: {e}"))?;
    if !path.starts_with(&base) || !path.is_file() {
        return Err(format!("{name}: not a file inside the server's directory"));
    }
    Ok(ReviewFile {
        path,
        name: name.to_string(),
    })
}

/// An uploaded file's name reduced to safe characters, its directories dropped.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let s: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if s.trim_matches('.').is_empty() {
        "upload".to_string()
    } else {
        s
    }
}

/// What the form asks for, with the uploads written to `dir`.
struct Request {
    indicators: Vec<ReviewFile>,
    logs: Vec<ReviewFile>,
    options: ReviewOptions,
}

fn read_form(state: &AppState, parts: &[multipart::Part], dir: &FsPath) -> Result<Request, String> {
    let mut r = Request {
        indicators: Vec::new(),
        logs: Vec::new(),
        options: ReviewOptions {
            policy: RemediationPolicy::default(),
            ..ReviewOptions::default()
        },
    };
    let server_dir = state.ioc_dir.as_deref().map(|p| p.as_path());
    for (i, p) in parts.iter().enumerate() {
        let text = || String::from_utf8_lossy(&p.data).trim().to_string();
        match (p.name.as_str(), &p.filename) {
            ("indicators" | "logs", Some(original)) => {
                if original.is_empty() && p.data.is_empty() {
                    continue; // no file chosen
                }
                let sub = dir.join(i.to_string());
                std::fs::create_dir(&sub).map_err(|e| format!("storing {original}: {e}"))?;
                let path = sub.join(safe_name(original));
                std::fs::write(&path, &p.data).map_err(|e| format!("storing {original}: {e}"))?;
                let f = ReviewFile {
                    path,
                    name: original.clone(),
                };
                if p.name == "logs" {
                    r.logs.push(f);
                } else {
                    r.indicators.push(f);
                }
            }
            ("server_indicators" | "server_logs", None) => {
                for line in text().lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let f = server_file(server_dir, line)?;
                    if p.name == "server_logs" {
                        r.logs.push(f);
                    } else {
                        r.indicators.push(f);
                    }
                }
            }
            ("indicator_format", None) => {
                let t = text();
                if !t.is_empty() {
                    r.options.indicator_format =
                        Some(t.parse().map_err(|e| format!("indicator format: {e}"))?);
                }
            }
            ("log_format", None) => {
                let t = text();
                if !t.is_empty() {
                    r.options.log_format = Some(t.parse().map_err(|e| format!("log format: {e}"))?);
                }
            }
            _ => {}
        }
    }
    Ok(r)
}

pub async fn create(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let l = view.lang;
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart::boundary)
        .ok_or_else(|| {
            AppError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the review form as multipart/form-data",
            )
            .lang(l)
        })?;
    let bytes = axum::body::to_bytes(body, MAX_UPLOAD).await.map_err(|_| {
        AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the upload is larger than {MAX_UPLOAD} bytes: name large logs as server-side files"),
        )
        .lang(l)
    })?;
    let parts = multipart::parse(&boundary, &bytes).map_err(|e| {
        AppError::new(
            StatusCode::BAD_REQUEST,
            format!("the form could not be read: {e}"),
        )
        .lang(l)
    })?;
    let page = view.page(Some(&auth));
    let title = format!("{} · {code}", tr(l, "new"));
    let refuse = |status: StatusCode, msg: &str| {
        let mut res = page.render(&title, form(&page, &code, Some(msg)));
        *res.status_mut() = status;
        res
    };
    let dir = tempfile::tempdir().map_err(|e| {
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("no room for the upload: {e}"),
        )
        .lang(l)
    })?;
    let req = match read_form(&state, &parts, dir.path()) {
        Ok(r) => r,
        Err(msg) => return Ok(refuse(StatusCode::UNPROCESSABLE_ENTITY, &msg)),
    };
    drop(parts);
    drop(bytes);
    let done = ioc_reviews::review(
        &state.store,
        &auth.ctx(&state),
        &code,
        &req.indicators,
        &req.logs,
        &req.options,
    )
    .await;
    match done {
        Ok(r) => Ok(see_other(&format!("/ioc-reviews/{code}/{}", r.review.id))),
        Err(e @ (ServiceError::Invalid(_) | ServiceError::Conflict(_))) => {
            let status = AppError::from(e);
            Ok(refuse(status.status, &status.message))
        }
        Err(e) => Err(AppError::from(e).lang(l)),
    }
}

pub async fn show(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let l = view.lang;
    let id: i64 = id.parse().map_err(|_| AppError::not_found().lang(l))?;
    let r = ioc_reviews::show(&state.store, &auth.ctx(&state), None, &code, id)
        .await
        .map_err(|e| AppError::from(e).lang(l))?;
    let v = &r.review;
    let s = &v.summary;
    let page = view.page(Some(&auth));
    let body = html! {
        p { a href={ "/ioc-reviews/" (code) } { (tr(l, "reviews")) } }
        dl.facts id="summary" {
            dt { (tr(l, "system")) } dd { (v.system) " · " (v.item) }
            dt { (tr(l, "started")) } dd { (when(&v.started_at)) }
            dt { (tr(l, "finished")) } dd { (when(&v.finished_at)) }
            dt { (tr(l, "by")) } dd { (v.created_by) }
            dt { (tr(l, "loaded")) } dd #loaded { (s["indicators"]["loaded"]) }
            dt { (tr(l, "expired")) } dd { (s["indicators"]["expired"]) }
            dt { (tr(l, "rejected")) } dd { (s["indicators"]["rejected"]) }
            dt { (tr(l, "records")) } dd #records { (s["records"]) }
            dt { (tr(l, "malformed")) } dd { (s["malformed"]) }
            dt { (tr(l, "hits")) } dd #hits { (s["hits"]) }
            dt { (tr(l, "pairs")) } dd #pairs { (s["pairs"]) }
            dt { (tr(l, "new_findings")) } dd #findings-created { (v.findings_created) }
            dt { (tr(l, "existing_findings")) } dd #findings-existing { (v.findings_existing) }
        }
        @if let Some(list) = s["malformed_examples"].as_array().filter(|a| !a.is_empty()) {
            ul.error { @for m in list { li { (m.as_str().unwrap_or("")) } } }
        }
        h2 { (tr(l, "files")) }
        table.list id="files" {
            thead { tr { th { (tr(l, "files")) } th { "SHA-256" } th { "bytes" } } }
            tbody {
                @for f in v.indicator_files.iter().chain(&v.log_files) {
                    tr { td { (f.name) } td { code { (f.sha256) } } td { (f.size) } }
                }
            }
        }
        h2 { (tr(l, "hits")) }
        @if r.aggregates.is_empty() { p { (tr(l, "no_hits")) } }
        @else {
            table.list id="aggregates" {
                thead { tr {
                    th { (tr(l, "indicator")) } th { (tr(l, "kind")) } th { (tr(l, "host")) }
                    th { (tr(l, "first_seen")) } th { (tr(l, "last_seen")) } th { (tr(l, "count")) }
                    th { (tr(l, "source")) } th { (tr(l, "finding")) }
                } }
                tbody {
                    @for a in &r.aggregates {
                        tr {
                            td { (a.indicator) }
                            td { (a.kind) }
                            td { (a.internal_host.as_deref().unwrap_or("")) }
                            td { (a.first_seen.as_deref().map(when).unwrap_or_default()) }
                            td { (a.last_seen.as_deref().map(when).unwrap_or_default()) }
                            td { (a.count) }
                            td { (a.source) }
                            td { (a.finding_id.map(|f| f.to_string()).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    };
    Ok(page.render(&format!("{} #{id} · {code}", tr(l, "review")), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_names_keep_no_directories_or_odd_characters() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\logs\\dns 1.log"), "dns_1.log");
        assert_eq!(safe_name(".."), "upload");
        assert_eq!(safe_name("情資.csv"), "__.csv");
    }

    #[test]
    fn server_files_stay_inside_the_directory() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("dns.log"), "x").unwrap_or_else(|e| panic!("{e}"));
        assert!(server_file(Some(dir.path()), "dns.log").is_ok());
        assert!(server_file(Some(dir.path()), "../dns.log").is_err());
        assert!(server_file(Some(dir.path()), "/etc/passwd").is_err());
        assert!(server_file(Some(dir.path()), "missing.log").is_err());
        assert!(server_file(None, "dns.log").is_err());
    }
}
