//! An assessment as OSCAL 1.1 JSON: its assessment-results, and its open findings as a POA&M.
//!
//! Both documents are built from the same [`ReportModel`] as the EVAL-8
//! report, in its language, with clause titles from the catalog; the control
//! IDs are the catalog's clause IDs, as in the OSCAL catalog export of
//! `zilv-catalog`. Every UUID is a version-5 UUID of a stable key (the
//! company, the assessment ID, the item or finding ID), and every timestamp
//! carries the offset of `generated_at`, so the same model gives
//! byte-identical JSON. The mapping is described in `docs/oscal-assessment.md`.
mod evidence;
mod ids;
mod parties;
mod poam;
mod results;
mod text;
mod types;

use serde::Serialize;
use zilv_catalog::Catalog;

pub use ids::NS;
pub use parties::OSCAL_VERSION;

use crate::model::{RemediationStatus, ReportModel};
use crate::validate::validate;
use crate::ReportError;

/// What the caller knows that the report model does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OscalOptions {
    /// `metadata.version` of the document; `1.0` when `None`.
    pub version: Option<String>,
    /// `import-ap.href`: where the assessment plan can be found. When `None`,
    /// the plan is a back-matter resource and the href its `#uuid`.
    pub plan_href: Option<String>,
    /// The POA&M's `system-id`, a UUID; when `None`, one derived from the company.
    pub system_id: Option<String>,
}

/// Whether a finding of this status belongs in the POA&M: open and in
/// progress findings (to be remediated) and risk-accepted ones (kept as
/// deviations); resolved findings do not.
pub fn in_poam(status: RemediationStatus) -> bool {
    status != RemediationStatus::Resolved
}

fn invalid(field: String, reason: String) -> ReportError {
    ReportError::Invalid { field, reason }
}

/// Fails on the first ID that appears twice in `ids` (they key the UUIDs).
fn unique<'a>(
    ids: impl Iterator<Item = &'a str>,
    field: impl Fn(usize) -> String,
) -> Result<(), ReportError> {
    let mut seen = std::collections::HashSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            return Err(invalid(
                field(i),
                format!("{id:?} appears twice; OSCAL UUIDs are derived from it"),
            ));
        }
    }
    Ok(())
}

/// What the OSCAL exports need beyond [`validate`]: every clause in the
/// catalog, unique IDs, a UUID as system ID.
fn check(m: &ReportModel, catalog: &Catalog, opts: &OscalOptions) -> Result<(), ReportError> {
    validate(m)?;
    let known = |field: String, id: &str| {
        if catalog.clause(id).is_some() {
            Ok(())
        } else {
            Err(invalid(
                field,
                format!(
                    "{id:?} is not a clause of catalog version {}",
                    catalog.meta.version
                ),
            ))
        }
    };
    for (i, id) in m.scope.items_done.iter().enumerate() {
        known(format!("scope.items_done[{i}]"), id)?;
    }
    for (i, l) in m.scope.items_left_out.iter().enumerate() {
        known(format!("scope.items_left_out[{i}].item"), &l.item)?;
    }
    for (i, f) in m.findings.iter().enumerate() {
        known(format!("findings[{i}].clause"), &f.clause)?;
    }
    unique(m.findings.iter().map(|f| f.id.as_str()), |i| {
        format!("findings[{i}].id")
    })?;
    unique(m.item_results.iter().map(|r| r.item.as_str()), |i| {
        format!("item_results[{i}].item")
    })?;
    unique(m.scope.items_done.iter().map(String::as_str), |i| {
        format!("scope.items_done[{i}]")
    })?;
    unique(
        m.scope.items_left_out.iter().map(|l| l.item.as_str()),
        |i| format!("scope.items_left_out[{i}].item"),
    )?;
    unique(m.scope.systems.iter().map(|s| s.name.as_str()), |i| {
        format!("scope.systems[{i}].name")
    })?;
    let people: Vec<String> = m
        .assessors
        .iter()
        .map(|a| format!("{} / {}", a.organisation, a.name))
        .collect();
    unique(people.iter().map(String::as_str), |i| {
        format!("assessors[{i}]")
    })?;
    if let Some(id) = &opts.system_id {
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(invalid(
                "options.system_id".to_string(),
                format!("{id:?} is not a UUID"),
            ));
        }
    }
    Ok(())
}

/// Serialises `doc` twice: first with a blank UUID, to derive the document
/// UUID from the content, then with that UUID set by `set`.
fn finish<D: Serialize>(
    ctx: &parties::Ctx,
    kind: &str,
    mut doc: D,
    set: impl Fn(&mut D, String),
) -> Result<String, ReportError> {
    let draft = serde_json::to_string(&doc).map_err(|e| ReportError::Oscal(e.to_string()))?;
    set(&mut doc, ctx.ids.document(kind, &draft));
    let mut out =
        serde_json::to_string_pretty(&doc).map_err(|e| ReportError::Oscal(e.to_string()))?;
    out.push('\n');
    Ok(out)
}

/// The assessment as an OSCAL assessment-results document (JSON): one result
/// for the assessment period with the reviewed controls (items done and left
/// out), an observation per item result, drill and finding, and a risk and a
/// finding per finding.
pub fn assessment_results_json(
    model: &ReportModel,
    catalog: &Catalog,
    opts: &OscalOptions,
) -> Result<String, ReportError> {
    check(model, catalog, opts)?;
    if model.scope.items_done.is_empty() {
        return Err(invalid(
            "scope.items_done".to_string(),
            "is empty; assessment results need at least one item done".to_string(),
        ));
    }
    let ctx = parties::Ctx::new(model, catalog);
    let doc = results::build(&ctx, opts);
    finish(&ctx, "assessment-results", doc, |d, u| {
        d.assessment_results.uuid = u;
    })
}

/// The open findings of the assessment (see [`in_poam`]) as an OSCAL plan of
/// action and milestones (JSON): a POA&M item per finding with its risk,
/// deadline (the due date) and planned remediation; risk-accepted findings
/// with the risk status `deviation-approved`. Refused when no finding is open,
/// since a POA&M needs at least one item.
pub fn poam_json(
    model: &ReportModel,
    catalog: &Catalog,
    opts: &OscalOptions,
) -> Result<String, ReportError> {
    check(model, catalog, opts)?;
    if !model.findings.iter().any(|f| in_poam(f.status)) {
        return Err(invalid(
            "findings".to_string(),
            "no finding is open, in progress or risk-accepted; a POA&M needs at least one item"
                .to_string(),
        ));
    }
    let ctx = parties::Ctx::new(model, catalog);
    let doc = poam::build(&ctx, opts);
    finish(&ctx, "poam", doc, |d, u| {
        d.plan_of_action_and_milestones.uuid = u;
    })
}
