#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The HTML report: self-contained, escaped, with every section and inline SVG charts.
mod common;

use common::{catalog, model};
use zilv_report::{render_html, Lang};

#[test]
fn eval_8_html_has_every_section_findings_and_inline_svg_charts() {
    let m = model(7);
    let html = render_html(&m, &catalog()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"zh-TW\">"));
    for h in [
        "評估人員及資格",
        "評估範圍",
        "評估項目結果",
        "發現事項",
        "社交工程演練結果",
        "可靠性與安全性侵害對策",
        "總結",
    ] {
        assert!(html.contains(h), "heading {h} missing");
    }
    for f in &m.findings {
        for field in [&f.id, &f.title, &f.target, &f.risk, &f.recommendation] {
            assert!(html.contains(field.as_str()), "{field:?} missing");
        }
    }
    assert!(html.contains("受評系統未使用金鑰儲存設備。"));
    assert!(html.contains("58 (29%)"));
    assert_eq!(html.matches("<svg ").count(), 3, "three charts expected");
    assert_eq!(html.matches("<thead>").count(), 7, "one header per table");
    // Self-contained: no scripts, no external style sheets or images.
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    assert!(!html.contains("src="));
}

#[test]
fn html_escapes_script_and_markup_in_model_text() {
    let mut m = model(2);
    m.company = "A&B <b>保險</b>".to_string();
    m.findings[0].title = "<script>alert('x')</script>".to_string();
    m.findings[1].category = "\"><img onerror=x>".to_string();
    let html = render_html(&m, &catalog()).unwrap();
    assert!(!html.contains("<script"), "a <script> tag got through");
    assert!(!html.contains("<img"), "an <img> tag got through");
    assert!(
        !html.contains("<b>保險"),
        "markup in the company name got through"
    );
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("A&amp;B &lt;b&gt;保險&lt;/b&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img onerror=x&gt;"));
}

#[test]
fn html_in_english_and_byte_identical_on_rerender() {
    let mut m = model(3);
    m.language = Lang::En;
    let a = render_html(&m, &catalog()).unwrap();
    assert!(a.contains("<html lang=\"en\">"));
    for h in [
        "Assessors and qualifications",
        "Risk description",
        "Findings by category",
    ] {
        assert!(a.contains(h), "{h} missing");
    }
    assert!(!a.contains("評估人員及資格"));
    assert_eq!(a, render_html(&m, &catalog()).unwrap());
}

#[test]
fn category_chart_gathers_small_categories_into_other() {
    let mut m = model(40);
    for (i, f) in m.findings.iter_mut().enumerate() {
        f.category = format!("類別{:02}", i % 20);
    }
    let html = render_html(&m, &catalog()).unwrap();
    let chart = html
        .split("<svg ")
        .nth(2)
        .expect("the category chart is the second");
    assert_eq!(chart.matches("<rect ").count(), 12);
    assert!(chart.contains(">其他<"), "no 'other' bar");
    // 20 categories of two findings each: 11 shown, 9 gathered.
    assert!(chart.contains(">18<"), "'other' does not hold 18 findings");
}
