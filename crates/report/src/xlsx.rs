//! The XLSX renderer: the finding list as one worksheet, a row per finding,
//! with a frozen header row and an autofilter.
use chrono::{Datelike, NaiveDate, Timelike, Utc};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

use crate::labels::{self, labels};
use crate::model::{Lang, ReportModel};
use crate::ReportError;

fn err(e: XlsxError) -> ReportError {
    ReportError::Xlsx(e.to_string())
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let y = u16::try_from(d.year()).unwrap_or(1900);
    ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8)
}

/// Writes the findings of `m` as an XLSX workbook.
pub fn render(m: &ReportModel) -> Result<Vec<u8>, ReportError> {
    let lang = m.language;
    let l = labels(lang);
    let mut wb = Workbook::new();
    // The creation time is the report's own, so that the bytes depend on the model only.
    let at = m.generated_at.with_timezone(&Utc);
    let created = excel_date(at.date_naive())
        .and_then(|d| d.and_hms(at.hour() as u16, at.minute() as u8, at.second()))
        .map_err(err)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&m.title)
            .set_company(&m.company)
            .set_creation_datetime(&created),
    );
    let ws = wb.add_worksheet();
    ws.set_name(match lang {
        Lang::ZhTw => "發現事項",
        Lang::En => "Findings",
    })
    .map_err(err)?;
    let head = Format::new().set_bold().set_background_color("#E1E6EE");
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let date = Format::new()
        .set_num_format("yyyy-mm-dd")
        .set_align(FormatAlign::Top);
    let cols: [(&str, f64); 10] = [
        (l.id, 10.0),
        (l.title, 36.0),
        (l.severity, 10.0),
        (l.category, 14.0),
        (l.clause, 14.0),
        (l.target, 28.0),
        (l.risk, 50.0),
        (l.recommendation, 50.0),
        (l.status, 12.0),
        (l.due, 12.0),
    ];
    for (c, (name, width)) in cols.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *name, &head)
            .map_err(err)?;
        ws.set_column_width(c, *width).map_err(err)?;
    }
    for (i, f) in m.findings.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| ReportError::Invalid {
            field: "findings".to_string(),
            reason: "too many findings for one worksheet".to_string(),
        })?;
        let texts = [
            f.id.as_str(),
            f.title.as_str(),
            labels::severity(lang, f.severity),
            f.category.as_str(),
            f.clause.as_str(),
            f.target.as_str(),
            f.risk.as_str(),
            f.recommendation.as_str(),
            labels::status(lang, f.status),
        ];
        for (c, t) in texts.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, *t, &wrap)
                .map_err(err)?;
        }
        if let Some(d) = f.due {
            ws.write_datetime_with_format(r, 9, excel_date(d).map_err(err)?, &date)
                .map_err(err)?;
        }
    }
    let last = u32::try_from(m.findings.len()).unwrap_or(u32::MAX);
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.autofilter(0, 0, last, 9).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}
