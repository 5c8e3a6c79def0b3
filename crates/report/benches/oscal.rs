#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Export times of the OSCAL documents: assessment-results and POA&M of a
//! 1,000-finding assessment against the report's 3 s budget, with a
//! 10-finding export and the HTML render of the same model, in the same run,
//! as baselines.
//! Run: cargo bench -p zilv-report --bench oscal
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use zilv_report::{assessment_results_json, poam_json, render_html, OscalOptions};

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
    let opts = OscalOptions::default();
    let small = common::model(10);
    let large = common::model(1000);

    let (base, base_size) = median(9, || {
        assessment_results_json(&small, &catalog, &opts)
            .unwrap()
            .len()
    });
    let (ar, ar_size) = median(5, || {
        assessment_results_json(&large, &catalog, &opts)
            .unwrap()
            .len()
    });
    let (poam, poam_size) = median(5, || poam_json(&large, &catalog, &opts).unwrap().len());
    let (html, html_size) = median(5, || render_html(&large, &catalog).unwrap().len());

    println!("assessment-results,   10 findings (baseline): {base:?}, {base_size} bytes");
    println!("assessment-results, 1000 findings:            {ar:?}, {ar_size} bytes");
    println!(
        "ratio 1000/10 findings: {:.1}x",
        ar.as_secs_f64() / base.as_secs_f64()
    );
    println!("POA&M, 1000 findings: {poam:?}, {poam_size} bytes");
    println!("HTML report, 1000 findings (baseline): {html:?}, {html_size} bytes");
    println!(
        "ratio assessment-results/HTML: {:.2}x",
        ar.as_secs_f64() / html.as_secs_f64()
    );
    let both = ar + poam;
    let verdict = if both < TARGET { "PASS" } else { "FAIL" };
    println!(
        "{verdict}: both OSCAL documents of 1000 findings = {both:?} (target < {TARGET:?}, {:.3} of it)",
        both.as_secs_f64() / TARGET.as_secs_f64()
    );
}
