#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The XLSX finding list, read back with calamine and inspected as XML.
mod common;

use std::io::{Cursor, Read};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::model;
use zilv_report::{render_xlsx, Lang};

fn sheet_xml(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[test]
fn eval_8_xlsx_lists_every_finding_with_every_field() {
    let m = model(25);
    let bytes = render_xlsx(&m).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), vec!["發現事項".to_string()]);
    let range = wb.worksheet_range("發現事項").unwrap();
    assert_eq!(range.height(), 26, "header plus one row per finding");
    assert_eq!(range.width(), 10);
    let header: Vec<String> = (0..10)
        .map(|c| range.get((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(
        header,
        [
            "編號",
            "標題",
            "嚴重程度",
            "類別",
            "條款",
            "影響標的",
            "風險說明",
            "具體改善建議",
            "改善狀態",
            "預定完成日"
        ]
    );
    for (i, f) in m.findings.iter().enumerate() {
        let row = i + 1;
        let cell = |c: usize| range.get((row, c)).unwrap().to_string();
        assert_eq!(cell(0), f.id);
        assert_eq!(cell(1), f.title);
        assert_eq!(cell(3), f.category);
        assert_eq!(cell(4), f.clause);
        assert_eq!(cell(5), f.target);
        assert_eq!(cell(6), f.risk);
        assert_eq!(cell(7), f.recommendation);
        let Data::DateTime(due) = range.get((row, 9)).unwrap() else {
            panic!("due date of row {row} is not a date");
        };
        let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
        let serial = (f.due.unwrap() - epoch).num_days() as f64;
        assert_eq!(due.as_f64(), serial, "due date of row {row}");
    }
    assert_eq!(range.get((1, 2)).unwrap().to_string(), "高");
    assert_eq!(range.get((1, 8)).unwrap().to_string(), "改善中");
}

#[test]
fn xlsx_header_is_frozen_and_filtered_and_rerender_is_byte_identical() {
    let m = model(9);
    let bytes = render_xlsx(&m).unwrap();
    let xml = sheet_xml(&bytes);
    assert!(
        xml.contains("ySplit=\"1\"") && xml.contains("state=\"frozen\""),
        "header row not frozen"
    );
    assert!(xml.contains("<autoFilter ref=\"A1:J10\""), "no autofilter");
    assert_eq!(bytes, render_xlsx(&m).unwrap(), "re-render differs");
}

#[test]
fn xlsx_in_english() {
    let mut m = model(1);
    m.language = Lang::En;
    let bytes = render_xlsx(&m).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("Findings").unwrap();
    assert_eq!(range.get((0, 6)).unwrap().to_string(), "Risk description");
    assert_eq!(range.get((1, 2)).unwrap().to_string(), "High");
}
