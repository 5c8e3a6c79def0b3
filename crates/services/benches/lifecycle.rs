//! Dashboard and findings-list latency on SQLite with a large company:
//! 2,000 systems, 500 assessments and 200,000 findings (issue 4).
//!
//! The baseline, measured in the same run, is the same query on a small
//! company with a hundredth of the data; the ratio shows how the cost grows
//! with the data (indexed queries stay near 1). The target is 100 ms.
//!
//! `cargo bench -p zilv-services --bench lifecycle`; `ZILV_BENCH_FINDINGS`
//! sets the large company's number of findings (default 200000).

use std::error::Error;
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use zilv_catalog::Registry;
use zilv_services::findings::ListQuery;
use zilv_services::orgs::NewOrg;
use zilv_services::{dashboard, findings, orgs, Ctx};
use zilv_store::{sqlite_url, Store};

type Res<T> = Result<T, Box<dyn Error>>;

const RUNS: usize = 15;
const TARGET_MS: f64 = 100.0;

fn ctx() -> Ctx {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
    Ctx::operator(
        "bench",
        Utc.with_ymd_and_hms(2026, 11, 28, 1, 0, 0)
            .single()
            .unwrap_or_default(),
        today,
    )
}

/// Fills organisation `code` with generated systems, assessments and findings.
async fn generate(
    store: &Store,
    code: &str,
    systems: i64,
    assessments: i64,
    findings: i64,
) -> Res<()> {
    let org = orgs::add(
        store,
        &ctx(),
        &NewOrg {
            code: code.into(),
            name: format!("{code} 產物保險"),
            kind: "company".into(),
        },
    )
    .await?;
    let mut tx = store.begin().await?;
    let now = "2026-11-28T00:00:00.000000Z";
    sqlx::query(
        "INSERT INTO systems (org_id, code, name, class, sourcing, dev_unit, maint_unit, description, last_assessed_on, created_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
         SELECT $1, printf('S%05d', i), 'System ' || i, 1 + i % 3, 'in-house', 'Dev', 'Ops', '',
                date('2026-11-28', '-' || (i % 1500) || ' days'), $3 FROM n",
    )
    .bind(org.id)
    .bind(systems)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO assessments (org_id, code, title, status, period_start, period_end, countermeasures, started_at, completed_at, completed_on, created_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
         SELECT $1, printf('A%04d', i), 'Assessment ' || i, CASE WHEN i % 10 = 0 THEN 'in_progress' ELSE 'completed' END,
                date('2026-11-28', '-' || (i % 700 + 30) || ' days'), date('2026-11-28', '-' || (i % 700) || ' days'), '',
                $3, CASE WHEN i % 10 = 0 THEN NULL ELSE $3 END,
                CASE WHEN i % 10 = 0 THEN NULL ELSE date('2026-11-28', '-' || (i % 700) || ' days') END, $3 FROM n",
    )
    .bind(org.id)
    .bind(assessments)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO assessment_systems (assessment_id, org_id, system_id)
         SELECT a.id, a.org_id, s.id FROM assessments a JOIN systems s ON s.org_id = a.org_id
         WHERE a.org_id = $1 AND (s.id % $2) = (a.id % $2)",
    )
    .bind(org.id)
    .bind(assessments)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO findings (org_id, assessment_id, system_id, title, severity, severity_rank, category, risk_description,
            recommendation, source, fingerprint, owner, found_on, due_on, status, outstanding, created_at, updated_at)
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2),
         s AS (SELECT MIN(id) AS first FROM systems WHERE org_id = $1),
         a AS (SELECT MIN(id) AS first FROM assessments WHERE org_id = $1)
         SELECT $1, CASE WHEN i % 2 = 0 THEN a.first + i % $4 END, s.first + i % $3, 'Finding ' || i,
                CASE i % 5 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'medium' WHEN 3 THEN 'low' ELSE 'info' END,
                i % 5, 'EVAL-4.1.3.1', 'risk', 'fix it', 'import:nessus', 'fp-' || i, 'it@example.tw',
                date('2026-11-28', '-' || (i % 720) || ' days'),
                date('2026-11-28', '-' || (i % 720) || ' days', '+' || (CASE i % 5 WHEN 0 THEN 7 WHEN 1 THEN 30 WHEN 2 THEN 90 ELSE 180 END) || ' days'),
                CASE i % 7 WHEN 0 THEN 'open' WHEN 1 THEN 'in_remediation' WHEN 2 THEN 'resolved' WHEN 3 THEN 'closed_fixed'
                           WHEN 4 THEN 'risk_accepted' WHEN 5 THEN 'false_positive' ELSE 'reactivated' END,
                CASE WHEN i % 7 IN (3, 4, 5) THEN 0 ELSE 1 END, $5, $5
         FROM n, s, a",
    )
    .bind(org.id)
    .bind(findings)
    .bind(systems)
    .bind(assessments)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

fn query(org: &str, f: impl FnOnce(&mut ListQuery)) -> ListQuery {
    let mut q = ListQuery {
        org: Some(org.into()),
        ..Default::default()
    };
    f(&mut q);
    q
}

fn main() -> Res<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(run())
}

async fn run() -> Res<()> {
    let n: i64 = std::env::var("ZILV_BENCH_FINDINGS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let dir = tempfile::tempdir()?;
    let store = Store::open(&sqlite_url(&dir.path().join("bench.sqlite3"))).await?;
    let t = Instant::now();
    generate(&store, "BIG", 2000, 500, n).await?;
    generate(&store, "SMALL", 20, 5, n / 100).await?;
    println!(
        "generated BIG (2000 systems, 500 assessments, {n} findings) and SMALL (20, 5, {}) in {:.1} s",
        n / 100,
        t.elapsed().as_secs_f64()
    );
    let params = Registry::builtin()?.latest()?.params;
    let c = ctx();
    println!(
        "{:<44} {:>10} {:>10} {:>7}  target {TARGET_MS} ms",
        "query", "SMALL ms", "BIG ms", "ratio"
    );
    let mut worst: f64 = 0.0;
    macro_rules! measure {
        ($name:expr, $org:ident => $call:expr) => {{
            let mut medians = [0.0f64; 2];
            for (k, $org) in ["SMALL", "BIG"].into_iter().enumerate() {
                let mut times = Vec::with_capacity(RUNS);
                for _ in 0..RUNS {
                    let t = Instant::now();
                    $call.await?;
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                times.sort_by(f64::total_cmp);
                medians[k] = times[RUNS / 2];
            }
            let [small, big] = medians;
            worst = worst.max(big);
            println!(
                "{:<44} {:>10.2} {:>10.2} {:>7.1}",
                $name,
                small,
                big,
                big / small.max(0.001)
            );
        }};
    }
    measure!("dashboard summary", org => dashboard::summary(&store, &c, &params, Some(org)));
    measure!("findings list, first page of 50", org => findings::list(&store, &c, &query(org, |_| {})));
    measure!("findings list, status open", org => findings::list(&store, &c, &query(org, |q| q.status = Some("open".into()))));
    measure!("findings list, critical on one system", org => findings::list(&store, &c, &query(org, |q| {
        q.severity = Some("critical".into());
        q.system = Some("S00010".into());
    })));
    measure!("findings list, overdue", org => findings::list(&store, &c, &query(org, |q| q.overdue = true)));
    measure!("findings list, one assessment", org => findings::list(&store, &c, &query(org, |q| q.assessment = Some("A0002".into()))));
    measure!("findings list, page at offset 1000", org => findings::list(&store, &c, &query(org, |q| q.offset = Some(1000.min(n / 100 - 50)))));
    println!(
        "slowest BIG query: {worst:.2} ms ({})",
        if worst <= TARGET_MS {
            "within the 100 ms target"
        } else {
            "OVER the 100 ms target"
        }
    );
    store.close().await;
    Ok(())
}
