//! End-to-end in headless Chromium: the whole assessment flow of
//! `programme.rs` (EVAL-2.1, EVAL-4.2, EVAL-7.2, EVAL-8) through the pages,
//! from the approved plan to the verified fix of a finding. Screenshots of
//! the main steps go to `target/test-artifacts/e2e/flow-*.png`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use support::webdriver::Driver;
use support::{start, PASSWORD};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Clicks `css` (a submit button) and waits until the next page has loaded.
async fn submit(d: &Driver, css: &str) {
    d.execute("window.zilvBeforeSubmit = true;", json!([]))
        .await;
    d.click(css).await;
    for _ in 0..100 {
        let loaded = d
            .execute(
                "return window.zilvBeforeSubmit !== true && document.readyState === 'complete';",
                json!([]),
            )
            .await;
        if loaded == Value::Bool(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no new page after clicking {css}");
}

/// The path of the page the browser is at.
async fn path(d: &Driver, base: &str) -> String {
    let url = d.url().await;
    url.strip_prefix(base)
        .unwrap_or_else(|| panic!("{url} is not under {base}"))
        .to_string()
}

async fn sign_in(d: &Driver, base: &str, email: &str) {
    d.goto(&format!("{base}/sign-in")).await;
    d.type_into("input[name=email]", email).await;
    d.type_into("input[name=password]", PASSWORD).await;
    submit(d, "form.card button[type=submit]").await;
    assert_eq!(
        d.wait_for_url(&format!("{base}/")).await,
        format!("{base}/"),
        "{email} is signed in"
    );
}

async fn sign_out(d: &Driver, base: &str) {
    submit(d, "form[action='/sign-out'] button[type=submit]").await;
    d.goto(&format!("{base}/")).await;
    assert!(
        d.url().await.contains("/sign-in"),
        "signed out, the dashboard asks to sign in again"
    );
}

/// Writes the files the forms upload; returns their absolute paths.
fn fixtures() -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("zilv-e2e-flow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("document.pdf");
    std::fs::write(&pdf, PDF).unwrap();
    let txt = dir.join("gpo.txt");
    std::fs::write(&txt, b"MinimumPasswordLength=12\n").unwrap();
    (pdf, txt)
}

fn file(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Adds a certificate-backed qualification of `kind` on the assessor page.
async fn qualify(d: &Driver, kind: &str, number: &str, pdf: &Path) {
    let form = "#add-qualification";
    d.click(&format!("{form} select[name=kind] option[value={kind}]"))
        .await;
    d.click(&format!(
        "{form} select[name=evidence_kind] option[value=certificate]"
    ))
    .await;
    d.type_into(&format!("{form} input[name=cert_name]"), "資安證照")
        .await;
    d.type_into(&format!("{form} input[name=cert_number]"), number)
        .await;
    d.type_into(&format!("{form} input[name=cert_issuer]"), "BSI")
        .await;
    d.set_value(&format!("{form} input[name=expires_on]"), "2028-06-30")
        .await;
    d.type_into(&format!("{form} input[name=evidence]"), file(pdf))
        .await;
    submit(d, &format!("{form} button[type=submit]")).await;
    assert!(
        d.source().await.contains(number),
        "the qualification {number} is listed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_4_2_eval_7_2_eval_8_the_whole_assessment_flow_in_the_browser() {
    let s = start().await;
    let d = Driver::start().await;
    let base = &s.base;
    let (pdf, txt) = fixtures();

    sign_in(&d, base, "acme.security_officer@acme.tw").await;
    d.screenshot("flow-01-dashboard").await;

    // The plan over CORE, approved with its document (EVAL-2.1, EVAL-2.2).
    d.goto(&format!("{base}/plans/new")).await;
    d.type_into("input[name=title]", "2027 年度資安評估計畫")
        .await;
    let core = d
        .execute(
            "return document.querySelector('input[name=systems][value=CORE]').checked;",
            json!([]),
        )
        .await;
    assert_eq!(core, Value::Bool(true), "CORE is offered and chosen");
    submit(&d, "form.card button[type=submit]").await;
    let plan = path(&d, base).await;
    assert!(
        plan.starts_with("/plans/") && plan != "/plans/new",
        "{plan}"
    );
    assert!(d.text("#plan-systems").await.contains("CORE"));
    d.click("#approve-plan select[name=body] option[value=board]")
        .await;
    d.set_value("#approve-plan input[name=approved_on]", "2026-11-20")
        .await;
    d.type_into(
        "#approve-plan input[name=resolution_ref]",
        "第 12 屆第 3 次董事會",
    )
    .await;
    d.type_into("#approve-plan input[name=evidence]", file(&pdf))
        .await;
    d.screenshot("flow-02-plan-approve").await;
    submit(&d, "#approve-plan button[type=submit]").await;
    assert_eq!(path(&d, base).await, plan);
    assert_eq!(d.text("#plan-approved-on").await.trim(), "2026-11-20");
    assert!(d.text("#plan-document").await.contains("document.pdf"));
    d.screenshot("flow-03-plan-approved").await;

    // An outside assessor with three of the four qualifications and an NDA.
    d.goto(&format!("{base}/assessors/new")).await;
    d.type_into("input[name=name]", "王評估").await;
    d.type_into("input[name=email]", "wang@audit.example").await;
    d.click("select[name=affiliation] option[value=outside_firm]")
        .await;
    d.type_into("input[name=unit]", "安永資安顧問").await;
    submit(&d, "form.card button[type=submit]").await;
    let who = path(&d, base).await;
    let assessor_id = who.strip_prefix("/assessors/").unwrap().to_string();
    assert!(
        assessor_id.parse::<i64>().is_ok(),
        "at the new assessor: {who}"
    );
    for (kind, n) in [
        ("security_management", "M-1"),
        ("security_technical", "T-1"),
        ("simulated_attack", "A-1"),
    ] {
        qualify(&d, kind, n, &pdf).await;
    }
    d.set_value("#record-nda input[name=signed_on]", "2026-11-01")
        .await;
    d.type_into("#record-nda input[name=evidence]", file(&pdf))
        .await;
    submit(&d, "#record-nda button[type=submit]").await;
    assert_eq!(path(&d, base).await, who);
    assert!(
        d.text("#assessor-nda").await.contains("2026-11-01"),
        "{}",
        d.text("#assessor-nda").await
    );
    d.screenshot("flow-04-assessor").await;

    // The assessment of CORE (class 1).
    d.goto(&format!("{base}/assessments/new")).await;
    d.type_into("input[name=code]", "A2026-01").await;
    d.type_into("input[name=title]", "核心系統年度評估").await;
    d.execute(
        "document.querySelector('input[name=systems][value=CORE]').checked = true;",
        json!([]),
    )
    .await;
    d.set_value("input[name=period_start]", "2026-12-01").await;
    d.set_value("input[name=period_end]", "2026-12-20").await;
    d.type_into("textarea[name=countermeasures]", "雙機備援；異地備份")
        .await;
    d.screenshot("flow-05-new-assessment").await;
    submit(&d, "form.card button[type=submit]").await;
    let a = "/assessments/A2026-01";
    assert_eq!(path(&d, base).await, a);

    // The team member with a declaration of independence.
    let team = "form[action*='/team']";
    d.click(&format!(
        "{team} select[name=assessor] option[value='{assessor_id}']"
    ))
    .await;
    d.set_value(&format!("{team} input[name=declared_on]"), "2026-11-25")
        .await;
    d.type_into(&format!("{team} input[name=evidence]"), file(&pdf))
        .await;
    submit(&d, &format!("{team} button[type=submit]")).await;
    assert_eq!(path(&d, base).await, a);
    assert!(d.text("#team").await.contains("王評估"));

    // All 17 items, selected by default.
    let offered = d
        .execute(
            "return document.querySelectorAll('#items-form select[name^=\"choice:\"]').length;",
            json!([]),
        )
        .await;
    assert_eq!(offered, json!(17), "the 17 items of EVAL-4.1 are offered");
    submit(&d, "#items-form button[type=submit]").await;
    assert_eq!(path(&d, base).await, a);

    // Class 1 needs all four qualifications (EVAL-7.2): starting is refused.
    let problems = d.text("#start-problems").await;
    assert!(problems.contains("financial"), "{problems}");
    assert!(d.text("#assessment-status").await.starts_with("規劃"));
    d.screenshot("flow-06-start-problems").await;
    submit(&d, "#start").await;
    assert_eq!(path(&d, base).await, format!("{a}/start"));
    let refusal = d.text("main").await;
    assert!(refusal.contains("financial"), "{refusal}");
    d.screenshot("flow-07-start-refused").await;

    // The fourth qualification; now it starts.
    d.goto(&format!("{base}{who}")).await;
    qualify(&d, "financial_domain", "F-1", &pdf).await;
    d.goto(&format!("{base}{a}")).await;
    submit(&d, "#start").await;
    assert_eq!(path(&d, base).await, a);
    assert_eq!(d.text("#assessment-status").await, "進行中");
    d.screenshot("flow-08-started").await;

    // A result.
    let row = "#items tr:has(input[name=item][value='EVAL-4.1.5.1'])";
    d.click(&format!(
        "{row} select[name=result] option[value=not_satisfied]"
    ))
    .await;
    d.type_into(&format!("{row} input[name=notes]"), "密碼長度 8 碼")
        .await;
    submit(&d, &format!("{row} button[type=submit]")).await;
    assert_eq!(path(&d, base).await, a);
    assert!(d.text(row).await.contains("密碼長度 8 碼"));
    d.screenshot("flow-09-result").await;

    // A finding of the assessment (EVAL-8).
    d.goto(&format!("{base}/findings/new")).await;
    d.type_into("input[name=system]", "CORE").await;
    d.type_into("input[name=assessment]", "A2026-01").await;
    d.type_into("input[name=title]", "密碼原則不足").await;
    d.click("select[name=severity] option[value=medium]").await;
    d.type_into("input[name=category]", "EVAL-4.1.5.1").await;
    d.type_into("textarea[name=risk_description]", "密碼長度僅 8 碼")
        .await;
    d.type_into(
        "textarea[name=recommendation]",
        "調整為 12 碼以上並啟用鎖定",
    )
    .await;
    d.type_into("input[name=owner]", "acme.system_owner@acme.tw")
        .await;
    submit(&d, "form.card button[type=submit]").await;
    let finding = path(&d, base).await;
    assert!(
        finding
            .strip_prefix("/findings/")
            .is_some_and(|id| id.parse::<i64>().is_ok()),
        "at the new finding: {finding}"
    );
    assert_eq!(d.text("#finding-status").await, "待處理");
    d.screenshot("flow-10-finding").await;

    // The system owner remediates it and resolves it with evidence.
    sign_out(&d, base).await;
    sign_in(&d, base, "acme.system_owner@acme.tw").await;
    d.goto(&format!("{base}{finding}")).await;
    let step = "form[action*='/transition']";
    d.click(&format!(
        "{step} select[name=action] option[value=start_remediation]"
    ))
    .await;
    submit(&d, &format!("{step} button[type=submit]")).await;
    assert_eq!(path(&d, base).await, finding);
    assert_eq!(d.text("#finding-status").await, "改善中");
    d.click(&format!("{step} select[name=action] option[value=resolve]"))
        .await;
    d.type_into(&format!("{step} textarea[name=reason]"), "已調整")
        .await;
    d.type_into(&format!("{step} input[name=evidence]"), file(&txt))
        .await;
    submit(&d, &format!("{step} button[type=submit]")).await;
    assert_eq!(path(&d, base).await, finding);
    assert_eq!(d.text("#finding-status").await, "已改善待覆查");
    d.screenshot("flow-11-resolved").await;

    // The internal auditor verifies the fix.
    sign_out(&d, base).await;
    sign_in(&d, base, "acme.internal_auditor@acme.tw").await;
    d.goto(&format!("{base}{finding}")).await;
    d.click(&format!(
        "{step} select[name=action] option[value=verify_fix]"
    ))
    .await;
    d.type_into(&format!("{step} textarea[name=reason]"), "覆查通過")
        .await;
    submit(&d, &format!("{step} button[type=submit]")).await;
    assert_eq!(path(&d, base).await, finding);
    assert_eq!(d.text("#finding-status").await, "覆查結案");
    d.screenshot("flow-12-verified").await;
    d.quit().await;

    // The audit trail is intact.
    let mut conn = s.store.pool().acquire().await.unwrap();
    assert_eq!(
        zilv_store::audit::verify(&mut conn)
            .await
            .unwrap()
            .first_broken,
        None
    );
    let _ = std::fs::remove_dir_all(pdf.parent().unwrap());
}
