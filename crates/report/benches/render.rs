#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Render times of the report: a 1,000-finding PDF against the 3 s target,
//! with a 10-finding PDF of the same run as the baseline, and HTML and XLSX.
//! Run: cargo bench -p zilv-report --bench render
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use zilv_report::{render_html, render_pdf, render_xlsx, ReportFont};

const TARGET: Duration = Duration::from_secs(3);

/// The median time of `runs` calls of `f`, and the size of its last output.
fn median(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        size = f();
        times.push(t.elapsed());
    }
    times.sort();
    (times[runs / 2], size)
}

fn main() {
    let catalog = common::catalog();
    let (load, _) = median(3, || {
        ReportFont::noto_sans_cjk_tc().unwrap();
        0
    });
    let font = common::font();
    let small = common::model(10);
    let large = common::model(1000);

    let (base, base_size) = median(5, || render_pdf(&small, &catalog, &font).unwrap().len());
    let (pdf, pdf_size) = median(3, || render_pdf(&large, &catalog, &font).unwrap().len());
    let (html, html_size) = median(3, || render_html(&large, &catalog).unwrap().len());
    let (xlsx, xlsx_size) = median(3, || render_xlsx(&large).unwrap().len());

    let cold = load + pdf;
    println!("font load (Noto Sans CJK TC from the TTC): {load:?}");
    println!("PDF,   10 findings (baseline): {base:?}, {base_size} bytes");
    println!("PDF, 1000 findings:            {pdf:?}, {pdf_size} bytes");
    println!(
        "ratio 1000/10 findings: {:.1}x",
        pdf.as_secs_f64() / base.as_secs_f64()
    );
    println!("HTML, 1000 findings: {html:?}, {html_size} bytes");
    println!("XLSX, 1000 findings: {xlsx:?}, {xlsx_size} bytes");
    let verdict = if cold < TARGET { "PASS" } else { "FAIL" };
    println!(
        "{verdict}: font load + 1000-finding PDF = {cold:?} (target < {TARGET:?}, {:.2} of it)",
        cold.as_secs_f64() / TARGET.as_secs_f64()
    );
}
