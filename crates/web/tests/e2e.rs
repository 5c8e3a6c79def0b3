//! End-to-end in headless Chromium (Debian `chromium` + `chromium-driver`):
//! sign in, switch language, add a system, see its due date on the
//! dashboard, fail to open another company's system. Screenshots of the main
//! pages go to `target/test-artifacts/e2e/`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::webdriver::Driver;
use support::{start, PASSWORD};

#[tokio::test(flavor = "multi_thread")]
async fn a_security_officer_signs_in_switches_language_adds_a_system_and_cannot_see_another_company(
) {
    let s = start().await;
    let d = Driver::start().await;
    let base = &s.base;

    // Signing in: the dashboard asks for it first.
    d.goto(&format!("{base}/")).await;
    assert!(d.url().await.contains("/sign-in?next=%2F"));
    d.screenshot("01-sign-in").await;
    d.type_into("input[name=email]", "acme.security_officer@acme.tw")
        .await;
    d.type_into("input[name=password]", PASSWORD).await;
    d.click("form.card button[type=submit]").await;
    assert_eq!(
        d.wait_for_url(&format!("{base}/")).await,
        format!("{base}/")
    );
    assert!(
        d.text("h1").await.contains("總覽"),
        "Traditional Chinese by default"
    );
    d.screenshot("02-dashboard-zh").await;

    // English is one click away.
    d.click("#lang-switch").await;
    assert!(d
        .wait_for_text("h1", "Dashboard")
        .await
        .starts_with("Dashboard"));
    d.screenshot("03-dashboard-en").await;

    // Adding a class-2 system last assessed on 2025-06-01.
    d.goto(&format!("{base}/systems/new")).await;
    d.type_into("input[name=code]", "WEBINS").await;
    d.type_into("input[name=name]", "網路投保平台").await;
    d.click("select[name=class] option[value='2']").await;
    d.click("select[name=sourcing] option[value=outsourced]")
        .await;
    d.type_into("input[name=dev_unit]", "委外廠商甲").await;
    d.type_into("input[name=maint_unit]", "資訊維運部").await;
    d.set_value("input[name=last_assessed]", "2025-06-01").await;
    d.screenshot("04-add-system").await;
    d.click("form.card button[type=submit]").await;
    assert_eq!(
        d.wait_for_url(&format!("{base}/systems/WEBINS")).await,
        format!("{base}/systems/WEBINS")
    );
    d.screenshot("05-system").await;

    // The dashboard shows its due date: three years for class 2 (EVAL-3.1).
    d.goto(&format!("{base}/")).await;
    let due = d.text("tr[data-system=WEBINS] td.due").await;
    assert_eq!(due, "2028-06-01");
    d.click("#dates-switch").await;
    let due = d
        .wait_for_text("tr[data-system=WEBINS] td.due", "民國")
        .await;
    assert_eq!(due, "民國117年6月1日");
    d.screenshot("06-dashboard-with-system-roc").await;

    // Another company's system is not found.
    d.goto(&format!("{base}/systems/NETBUY")).await;
    assert!(d.text("h1").await.starts_with("404"));
    assert!(!d.source().await.contains("核心保單系統"));
    d.screenshot("07-other-company-404").await;

    for (name, path) in [
        ("08-catalog", "/catalog/EVAL-3.1"),
        ("09-audit", "/audit"),
        ("10-account", "/account"),
        ("11-assets", "/assets"),
    ] {
        d.goto(&format!("{base}{path}")).await;
        assert!(!d.text("h1").await.starts_with('4'), "{path}");
        d.screenshot(name).await;
    }
    d.quit().await;
}
