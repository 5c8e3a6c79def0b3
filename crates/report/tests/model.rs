#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The report model as JSON: what services hand to the renderers.
mod common;

use zilv_report::{validate, Lang, ReportModel};

#[test]
fn report_model_round_trips_through_json() {
    let m = common::model(3);
    let json = serde_json::to_string_pretty(&m).unwrap();
    assert!(json.contains("\"language\": \"zh-TW\""));
    assert!(json.contains("\"type\": \"certificate\""));
    let back: ReportModel = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
}

#[test]
fn language_defaults_to_traditional_chinese() {
    let m = common::model(1);
    let mut v = serde_json::to_value(&m).unwrap();
    v.as_object_mut().unwrap().remove("language");
    let back: ReportModel = serde_json::from_value(v).unwrap();
    assert_eq!(back.language, Lang::ZhTw);
}

#[test]
fn eval_3_1_system_class_outside_1_to_3_is_refused() {
    let mut m = common::model(1);
    m.scope.systems[1].class = 4;
    let msg = validate(&m).unwrap_err().to_string();
    assert!(msg.contains("scope.systems[1].class"), "{msg}");
}

#[test]
fn eval_4_2_item_left_out_without_a_reason_is_refused() {
    let mut m = common::model(1);
    m.scope.items_left_out[0].reason = "  ".to_string();
    let msg = validate(&m).unwrap_err().to_string();
    assert!(msg.contains("scope.items_left_out[0].reason"), "{msg}");
}

#[test]
fn assessment_period_ending_before_it_starts_is_refused() {
    let mut m = common::model(1);
    m.assessment.period_end = common::date(2026, 8, 1);
    let msg = validate(&m).unwrap_err().to_string();
    assert!(msg.contains("assessment.period_end"), "{msg}");
}
