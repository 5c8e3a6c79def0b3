//! Network-activity reviews (EVAL-4.1.2.3): runs the indicator matcher over
//! an assessment's logs, then records the review, its aggregates, one finding
//! per indicator and internal host, and one audit event, in one transaction.
//!
//! Findings carry the fingerprint SHA-256 of `ioc|INDICATOR|HOST`, so that a
//! pair already tracked by a finding of the same system is left as it is on
//! a later run, not recorded twice. Severity is `high` for a domain, address
//! or URL indicator and `medium` for a range (a range names many hosts, some
//! of which may be harmless).
use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use zilv_domain::{AssessmentItem, AssessmentStatus, InvalidInput, RemediationPolicy, Severity};
use zilv_ioc::input::Progress;
use zilv_ioc::{IndicatorFormat, IndicatorSet, Kind, LogFormat, ScanOptions, ScanOutcome};
use zilv_store::assessments::{self, Assessment};
use zilv_store::findings::{self, Change, NewFinding};
use zilv_store::ioc_reviews::{self, AggregateRow, FileDigest, NewReview, Review};
use zilv_store::orgs::Org;
use zilv_store::systems::{self, System};
use zilv_store::{Conn, Store};

use crate::access::{scope, Permission};
use crate::assessments::visible;
use crate::audit::record_value;
use crate::{Ctx, Result, ServiceError};

/// The assessment item a review belongs to.
pub const ITEM: AssessmentItem = AssessmentItem::MaliciousConnections;
/// The `source` of the findings a review creates.
pub const SOURCE: &str = "ioc-review";

/// A file to read, and the name to record and show for it (an upload's
/// original name, or the path as given).
#[derive(Debug, Clone)]
pub struct ReviewFile {
    pub path: PathBuf,
    pub name: String,
}

impl ReviewFile {
    /// A file recorded under its path as given.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let name = path.display().to_string();
        ReviewFile { path, name }
    }
}

/// How to run a review.
#[derive(Clone, Default)]
pub struct ReviewOptions {
    /// The organisation (the operator names it when there are several).
    pub org: Option<String>,
    /// The system the findings are recorded against; default the first
    /// system in the assessment's scope.
    pub system: Option<String>,
    pub indicator_format: Option<IndicatorFormat>,
    pub log_format: Option<LogFormat>,
    /// Worker threads; 0 uses every core.
    pub threads: usize,
    /// Judge indicator validity at this time instead of the context's.
    pub valid_at: Option<DateTime<Utc>>,
    /// Receives the bytes read, for a progress display.
    pub progress: Option<Progress>,
    /// Target dates of the findings by severity.
    pub policy: RemediationPolicy,
}

/// A stored review with its aggregates.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewReport {
    #[serde(flatten)]
    pub review: Review,
    pub aggregates: Vec<AggregateRow>,
}

/// Who may review: those who record results of the assessment (the
/// security officer, an assessor on its team); those who view assessments
/// see the reviews. Another organisation's assessment, or one whose team the
/// assessor is not on, is "not found".
async fn assessment_for(
    conn: &mut Conn,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
    write: bool,
) -> Result<(Org, Assessment)> {
    let org = if write {
        ctx.require(Permission::EditFindings)?;
        scope(conn, ctx, org, Permission::RecordResults).await
    } else {
        scope(conn, ctx, org, Permission::ViewAssessments).await
    };
    let org = org.map_err(|e| match e {
        ServiceError::NotFound { .. } => ServiceError::NotFound {
            what: "assessment",
            key: code.to_string(),
        },
        other => other,
    })?;
    let a = visible(conn, ctx, org.id, code).await?;
    Ok((org, a))
}

/// Checks that the assessment takes a review and picks the system its
/// findings go to.
async fn check_target(
    conn: &mut Conn,
    org: &Org,
    a: &Assessment,
    system: Option<&str>,
) -> Result<System> {
    if a.status == AssessmentStatus::Completed {
        return Err(ServiceError::Conflict(format!(
            "assessment {} is completed: a review can no longer be added",
            a.code
        )));
    }
    let items = assessments::items(conn, org.id, a.id).await?;
    if items
        .iter()
        .any(|i| i.item == ITEM && i.choice == "left_out")
    {
        return Err(InvalidInput::new(
            "assessment",
            format!(
                "assessment {} leaves item {} out: select it before reviewing network logs",
                a.code,
                ITEM.clause()
            ),
        )
        .into());
    }
    let in_scope = assessments::system_ids(conn, org.id, a.id).await?;
    let all = systems::list(conn, org.id).await?;
    let chosen = match system {
        Some(code) => {
            all.into_iter()
                .find(|s| s.code == code)
                .ok_or_else(|| ServiceError::NotFound {
                    what: "system",
                    key: code.to_string(),
                })?
        }
        None => all
            .into_iter()
            .filter(|s| in_scope.contains(&s.id))
            .min_by_key(|s| s.id)
            .ok_or_else(|| {
                InvalidInput::new(
                    "assessment",
                    format!(
                        "assessment {} has no system in scope: the review's findings need one",
                        a.code
                    ),
                )
            })?,
    };
    if !in_scope.contains(&chosen.id) {
        return Err(InvalidInput::new(
            "system",
            format!(
                "system {} is not in the scope of assessment {}",
                chosen.code, a.code
            ),
        )
        .into());
    }
    Ok(chosen)
}

/// The fingerprint of the finding for an indicator seen from a host.
pub fn fingerprint(indicator: &str, host: Option<&str>) -> String {
    let text = format!("ioc|{indicator}|{}", host.unwrap_or(""));
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The severity of a finding for an indicator of this kind.
pub fn severity(kind: Kind) -> Severity {
    match kind {
        Kind::Cidr => Severity::Medium,
        Kind::Domain | Kind::Ipv4 | Kind::Ipv6 | Kind::Url => Severity::High,
    }
}

fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "domain" => "網域",
        "ipv4" => "IPv4 位址",
        "ipv6" => "IPv6 位址",
        "cidr" => "網段",
        _ => "網址",
    }
}

/// Title, risk description and recommendation of a pair's finding.
fn finding_text(a: &AggregateRow) -> (String, String, String) {
    let host = a.internal_host.as_deref().unwrap_or("（記錄未載明）");
    let kind = kind_zh(&a.kind);
    let shown: String = a.indicator.chars().take(120).collect();
    let title = format!("內部主機 {host} 連線或查詢已知惡意{kind} {shown}");
    let period = match (&a.first_seen, &a.last_seen) {
        (Some(f), Some(l)) => format!("於 {f} 至 {l} 間"),
        _ => String::new(),
    };
    let description = if a.description.is_empty() {
        String::new()
    } else {
        format!("；說明：{}", a.description)
    };
    let risk = format!(
        "{} 網路活動檢視：內部主機 {host} {period}共 {} 次查詢或連線至威脅情資指標 {}（{kind}；來源：{}{description}）。\
         該主機可能已遭惡意程式感染、與中繼站（C2）通訊或外傳資料。",
        ITEM.clause(),
        a.count,
        a.indicator,
        a.source,
    );
    let recommendation = format!(
        "立即檢查主機 {host}：以防毒及端點偵測工具掃描，檢視執行中程序、排程、開機啟動項目與近期登入紀錄；\
         於防火牆、代理伺服器及 DNS 阻擋 {}；確認其他主機未再連線。經查為誤判者，記錄理由後標示為誤判。",
        a.indicator
    );
    (title, risk, recommendation)
}

fn digest(f: &ReviewFile) -> std::result::Result<FileDigest, String> {
    let mut file = std::fs::File::open(&f.path).map_err(|e| format!("{}: {e}", f.name))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("{}: {e}", f.name))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok(FileDigest {
        name: f.name.clone(),
        sha256: hex::encode(h.finalize()),
        size,
    })
}

/// What the matcher gave, with the files' digests.
struct Matched {
    set: IndicatorSet,
    outcome: ScanOutcome,
    indicator_files: Vec<FileDigest>,
    log_files: Vec<FileDigest>,
}

/// Replaces the paths in a message with the names recorded for them.
fn renamed(text: &str, files: &[ReviewFile]) -> String {
    let mut out = text.to_string();
    for f in files {
        let p = f.path.display().to_string();
        if p != f.name {
            out = out.replace(&p, &f.name);
        }
    }
    out
}

/// Loads the indicators and scans the logs (CPU work, on this thread),
/// hashing the files on another thread meanwhile.
fn run_matcher(
    indicators: &[ReviewFile],
    logs: &[ReviewFile],
    opts: &ReviewOptions,
    valid_at: DateTime<Utc>,
) -> Result<Matched> {
    let all: Vec<ReviewFile> = indicators.iter().chain(logs).cloned().collect();
    let hasher = std::thread::spawn(move || all.iter().map(digest).collect::<Vec<_>>());
    let matched = (|| {
        let paths: Vec<PathBuf> = indicators.iter().map(|f| f.path.clone()).collect();
        let set = zilv_ioc::load_indicators(&paths, opts.indicator_format.as_ref(), valid_at)
            .map_err(|e| ("indicators", e))?;
        let paths: Vec<PathBuf> = logs.iter().map(|f| f.path.clone()).collect();
        let scan_opts = ScanOptions {
            format: opts.log_format.clone(),
            threads: opts.threads,
            progress: opts.progress.clone(),
            batch_bytes: 0,
        };
        let outcome =
            zilv_ioc::scan(&paths, &set, &scan_opts, &mut |_| Ok(())).map_err(|e| ("logs", e))?;
        Ok::<_, (&str, zilv_ioc::Error)>((set, outcome))
    })();
    let digests = hasher
        .join()
        .map_err(|_| InvalidInput::new("files", "reading the files for their SHA-256 failed"))?;
    let both: Vec<ReviewFile> = indicators.iter().chain(logs).cloned().collect();
    let (set, mut outcome) =
        matched.map_err(|(field, e)| InvalidInput::new(field, renamed(&e.to_string(), &both)))?;
    let mut digests = digests
        .into_iter()
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| InvalidInput::new("files", e))?;
    let log_files = digests.split_off(indicators.len());
    // Record the names given, not temporary paths of uploads.
    let s = &mut outcome.summary;
    for (f, name) in s.files.iter_mut().zip(logs) {
        f.path = name.name.clone();
    }
    for (f, name) in s.indicators.files.iter_mut().zip(indicators) {
        f.path = name.name.clone();
    }
    for m in &mut s.malformed_examples {
        *m = renamed(m, logs);
    }
    for m in &mut s.indicators.rejections {
        *m = renamed(m, indicators);
    }
    Ok(Matched {
        set,
        outcome,
        indicator_files: digests,
        log_files,
    })
}

fn rfc3339(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
}

/// Runs a review of `logs` against `indicators` for the assessment `code`
/// and records it: the review and its aggregates, attached to the
/// assessment's EVAL-4.1.2.3 item, a finding per new (indicator, internal
/// host) pair, and one audit event. Bad input changes nothing.
pub async fn review(
    store: &Store,
    ctx: &Ctx,
    code: &str,
    indicators: &[ReviewFile],
    logs: &[ReviewFile],
    opts: &ReviewOptions,
) -> Result<ReviewReport> {
    opts.policy.check()?;
    if indicators.is_empty() {
        return Err(InvalidInput::new("indicators", "name at least one indicator file").into());
    }
    if logs.is_empty() {
        return Err(InvalidInput::new("logs", "name at least one log file").into());
    }
    // Refuse before the long part when the caller may not review.
    {
        let mut tx = store.begin().await?;
        let (org, a) = assessment_for(&mut tx, ctx, opts.org.as_deref(), code, true).await?;
        check_target(&mut tx, &org, &a, opts.system.as_deref()).await?;
    }
    let started = Instant::now();
    let valid_at = opts.valid_at.unwrap_or(ctx.now);
    let matched = {
        let (indicators, logs, opts) = (indicators.to_vec(), logs.to_vec(), opts.clone());
        tokio::task::spawn_blocking(move || run_matcher(&indicators, &logs, &opts, valid_at))
            .await
            .map_err(|e| InvalidInput::new("logs", format!("the scan stopped: {e}")))??
    };
    let elapsed = chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
    let finished_at = zilv_store::timestamp(ctx.now + elapsed);

    let mut tx = store.begin().await?;
    let (org, a) = assessment_for(&mut tx, ctx, opts.org.as_deref(), code, true).await?;
    let system = check_target(&mut tx, &org, &a, opts.system.as_deref()).await?;
    let Matched {
        set,
        outcome,
        indicator_files,
        log_files,
    } = matched;
    let mut rows: Vec<(AggregateRow, Kind, String)> = Vec::new();
    for x in &outcome.aggregates {
        let ind = set.get(x.indicator);
        let host = x.internal_host.map(|h| h.to_string());
        let fp = fingerprint(&ind.value, host.as_deref());
        let existing = ioc_reviews::finding_by_fingerprint(&mut tx, org.id, system.id, &fp)
            .await?
            .map(|(id, _)| id);
        rows.push((
            AggregateRow {
                indicator: ind.value.clone(),
                kind: ind.kind.as_str().to_string(),
                source: ind.source.clone(),
                description: ind.description.clone(),
                internal_host: host,
                first_seen: rfc3339(x.first_seen),
                last_seen: rfc3339(x.last_seen),
                count: i64::try_from(x.count).unwrap_or(i64::MAX),
                finding_id: existing,
            },
            ind.kind,
            fp,
        ));
    }
    let existing = rows.iter().filter(|r| r.0.finding_id.is_some()).count() as i64;
    let created = rows.len() as i64 - existing;
    let summary = serde_json::to_value(&outcome.summary)
        .map_err(|e| InvalidInput::new("logs", format!("the run summary: {e}")))?;
    let stamp = ctx.stamp();
    let review_id = ioc_reviews::insert(
        &mut tx,
        &NewReview {
            org_id: org.id,
            assessment_id: a.id,
            item: ITEM.clause(),
            system_id: system.id,
            started_at: &stamp,
            finished_at: &finished_at,
            indicator_files: &indicator_files,
            log_files: &log_files,
            summary: &summary,
            findings_created: created,
            findings_existing: existing,
            created_by: &ctx.actor,
        },
    )
    .await?;
    let policy = opts.policy;
    let mut created_ids = Vec::new();
    for (row, kind, fp) in &mut rows {
        if row.finding_id.is_none() {
            let (title, risk, recommendation) = finding_text(row);
            let sev = severity(*kind);
            let id = findings::insert(
                &mut tx,
                &NewFinding {
                    org_id: org.id,
                    assessment_id: Some(a.id),
                    system_id: system.id,
                    asset_id: None,
                    title: &title,
                    severity: sev,
                    category: ITEM.clause(),
                    risk_description: &risk,
                    recommendation: &recommendation,
                    source: SOURCE,
                    fingerprint: Some(fp),
                    owner: &system.maint_unit,
                    found_on: ctx.today,
                    due_on: policy.target_date(sev, ctx.today),
                },
                &stamp,
            )
            .await?;
            findings::add_change(
                &mut tx,
                org.id,
                id,
                &Change {
                    at: stamp.clone(),
                    actor: ctx.actor.clone(),
                    from: None,
                    to: zilv_domain::FindingStatus::Open,
                    note: format!("IOC review {review_id} of assessment {}", a.code),
                    evidence_sha256: None,
                    evidence_name: None,
                },
            )
            .await?;
            row.finding_id = Some(id);
            created_ids.push(id);
        }
        ioc_reviews::insert_aggregate(&mut tx, org.id, review_id, row).await?;
    }
    let s = &outcome.summary;
    record_value(
        &mut tx,
        ctx,
        Some(org.id),
        "ioc_review.create",
        "ioc_review",
        &review_id.to_string(),
        serde_json::json!({
            "assessment": a.code,
            "item": ITEM.clause(),
            "system": system.code,
            "indicator_files": indicator_files,
            "log_files": log_files,
            "records": s.records,
            "malformed": s.malformed,
            "indicators_loaded": s.indicators.loaded,
            "indicators_expired": s.indicators.expired,
            "indicators_rejected": s.indicators.rejected,
            "hits": s.hits,
            "pairs": s.pairs,
            "findings_created": created,
            "findings_existing": existing,
            "created_finding_ids": created_ids,
        }),
    )
    .await?;
    let review = ioc_reviews::by_id(&mut tx, org.id, review_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound {
            what: "IOC review",
            key: review_id.to_string(),
        })?;
    let aggregates = rows.into_iter().map(|r| r.0).collect();
    zilv_store::commit(tx).await?;
    Ok(ReviewReport { review, aggregates })
}

/// The reviews of an assessment, newest first.
pub async fn list(store: &Store, ctx: &Ctx, org: Option<&str>, code: &str) -> Result<Vec<Review>> {
    let mut tx = store.begin().await?;
    let (org, a) = assessment_for(&mut tx, ctx, org, code, false).await?;
    Ok(ioc_reviews::list(&mut tx, org.id, a.id).await?)
}

/// One review of an assessment with its aggregates.
pub async fn show(
    store: &Store,
    ctx: &Ctx,
    org: Option<&str>,
    code: &str,
    id: i64,
) -> Result<ReviewReport> {
    let mut tx = store.begin().await?;
    let (org, a) = assessment_for(&mut tx, ctx, org, code, false).await?;
    let not_found = || ServiceError::NotFound {
        what: "IOC review",
        key: id.to_string(),
    };
    let review = ioc_reviews::by_id(&mut tx, org.id, id)
        .await?
        .ok_or_else(not_found)?;
    if review.assessment != a.code {
        return Err(not_found());
    }
    let aggregates = ioc_reviews::aggregates(&mut tx, org.id, id).await?;
    Ok(ReviewReport { review, aggregates })
}
