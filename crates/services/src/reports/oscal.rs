//! The OSCAL 1.1 documents of a completed assessment: assessment-results and
//! the POA&M of its open findings, built from the same model as the report.
use zilv_catalog::{Catalog, Lang};
use zilv_domain::InvalidInput;
use zilv_report::OscalOptions;

use super::load_completed;
use crate::{Ctx, Result};

/// Which OSCAL document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OscalKind {
    AssessmentResults,
    Poam,
}

impl OscalKind {
    /// `assessment-results.json` or `poam.json`.
    pub fn from_file_name(name: &str) -> Option<Self> {
        match name {
            "assessment-results.json" => Some(OscalKind::AssessmentResults),
            "poam.json" => Some(OscalKind::Poam),
            _ => None,
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            OscalKind::AssessmentResults => "assessment-results.json",
            OscalKind::Poam => "poam.json",
        }
    }
}

/// One OSCAL document as a download.
#[derive(Debug, Clone)]
pub struct OscalDocument {
    pub kind: OscalKind,
    pub bytes: Vec<u8>,
    /// E.g. `A-2026-01-poam.json`.
    pub file_name: String,
}

/// The OSCAL `kind` document of a completed assessment, in `lang`, from the
/// findings' state today (the POA&M follows remediation). Another
/// organisation's assessment is not found; one not completed is refused, and
/// so is a POA&M when no finding is open.
pub async fn oscal(
    store: &zilv_store::Store,
    ctx: &Ctx,
    catalog: &Catalog,
    org: Option<&str>,
    code: &str,
    kind: OscalKind,
    lang: Lang,
) -> Result<OscalDocument> {
    let model = load_completed(store, ctx, org, code)
        .await?
        .model(ctx, catalog, lang);
    let opts = OscalOptions::default();
    let json = match kind {
        OscalKind::AssessmentResults => {
            zilv_report::assessment_results_json(&model, catalog, &opts)
        }
        OscalKind::Poam => zilv_report::poam_json(&model, catalog, &opts),
    }
    .map_err(|e| {
        InvalidInput::new(
            format!("OSCAL {} of assessment {code}", kind.file_name()),
            e.to_string(),
        )
    })?;
    Ok(OscalDocument {
        kind,
        bytes: json.into_bytes(),
        file_name: format!(
            "{}-{}",
            code.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
            kind.file_name()
        ),
    })
}
