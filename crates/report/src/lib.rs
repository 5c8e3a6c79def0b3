//! Renders the EVAL-8 assessment report (電腦系統資訊安全評估報告) from a plain
//! [`ReportModel`] into PDF, HTML and XLSX bytes, and exports the assessment as
//! OSCAL assessment-results and POA&M JSON ([`oscal`]); no database.
//!
//! The PDF embeds a subset of a CJK font ([`ReportFont`], by default Noto Sans
//! CJK TC from Debian's `fonts-noto-cjk`). Rendering is deterministic: the same
//! model gives byte-identical output.
mod content;
mod html;
pub mod labels;
pub mod model;
pub mod oscal;
mod pdf;
mod validate;
mod xlsx;

pub use model::*;
pub use oscal::{assessment_results_json, poam_json, OscalOptions};
pub use pdf::font::{ReportFont, DEFAULT_FONT_INDEX, DEFAULT_FONT_PATH};
pub use validate::{validate, ITEM_IDS};

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("report model, field {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("font {origin}: {reason}")]
    Font { origin: String, reason: String },
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
    #[error("cannot write the XLSX workbook: {0}")]
    Xlsx(String),
    #[error("cannot write the OSCAL document: {0}")]
    Oscal(String),
}

/// Renders the report as a PDF in the model's language, with `font` embedded
/// (subset) and clause titles from `catalog`.
pub fn render_pdf(
    model: &ReportModel,
    catalog: &zilv_catalog::Catalog,
    font: &ReportFont,
) -> Result<Vec<u8>, ReportError> {
    validate(model)?;
    let doc = content::build(model, catalog);
    pdf::render(&doc, font)
}

/// Renders the report as one self-contained HTML document (inline CSS and SVG, no scripts).
pub fn render_html(
    model: &ReportModel,
    catalog: &zilv_catalog::Catalog,
) -> Result<String, ReportError> {
    validate(model)?;
    let doc = content::build(model, catalog);
    Ok(html::render(&doc))
}

/// Renders the finding list as an XLSX workbook: one row per finding, every field.
pub fn render_xlsx(model: &ReportModel) -> Result<Vec<u8>, ReportError> {
    validate(model)?;
    xlsx::render(model)
}
