//! The OSCAL plan of action and milestones (POA&M) of an assessment's open findings.
use super::evidence::{
    finding, finding_observation, finding_observation_uuid, finding_uuid, risk, risk_uuid,
    status_token,
};
use super::ids::{line, prose};
use super::parties::{back_matter, local_definitions, metadata, Ctx};
use super::types::{
    Poam, PoamDocument, PoamItem, RelatedFinding, RelatedObservation, RelatedRisk, SystemId,
};
use super::{in_poam, OscalOptions};
use crate::labels;
use crate::model::{self, RemediationStatus};

/// The identifier type of a system ID that is a UUID (RFC 4122).
const UUID_IDENTIFIER: &str = "https://ietf.org/rfc/rfc4122";

fn item(c: &Ctx, f: &model::Finding) -> PoamItem {
    let f_uuid = finding_uuid(c, f);
    let remarks = match f.status {
        RemediationStatus::Open => c.t.open,
        RemediationStatus::InProgress => c.t.in_progress,
        RemediationStatus::RiskAccepted => c.t.risk_accepted,
        RemediationStatus::Resolved => c.t.resolved,
    };
    let mut props = vec![
        c.prop("finding-id", &f.id),
        c.prop("remediation-status", status_token(f.status)),
    ];
    // A risk-accepted finding is a deviation: nothing is due.
    let due = f
        .due
        .filter(|_| f.status != RemediationStatus::RiskAccepted);
    if let Some(due) = due {
        props.push(c.prop("due", &due.to_string()));
    }
    PoamItem {
        uuid: c.ids.assessment(&format!("poam-item/{}", f.id)),
        title: line(&f.title, &f.id),
        description: [
            c.labelled(c.l.recommendation, &prose(&f.recommendation, c.l.none)),
            c.labelled(c.l.status, labels::status(c.lang, f.status)),
            c.labelled(
                c.l.due,
                &f.due
                    .map_or_else(|| c.l.none.to_string(), |d| d.to_string()),
            ),
        ]
        .join("\n\n"),
        props,
        related_findings: vec![RelatedFinding {
            finding_uuid: f_uuid,
        }],
        related_observations: vec![RelatedObservation {
            observation_uuid: finding_observation_uuid(c, f),
        }],
        related_risks: vec![RelatedRisk {
            risk_uuid: risk_uuid(c, f),
        }],
        remarks: Some(remarks.to_string()),
    }
}

/// The POA&M of the open findings, its UUID still blank.
pub fn build(c: &Ctx, opts: &OscalOptions) -> PoamDocument {
    let open: Vec<&model::Finding> = c.m.findings.iter().filter(|f| in_poam(f.status)).collect();
    let a = &c.m.assessment;
    PoamDocument {
        plan_of_action_and_milestones: Poam {
            uuid: String::new(),
            metadata: metadata(
                c,
                &c.labelled(c.t.poam, &a.name),
                opts.version.as_deref().unwrap_or("1.0"),
            ),
            system_id: SystemId {
                identifier_type: UUID_IDENTIFIER,
                id: opts
                    .system_id
                    .clone()
                    .unwrap_or_else(|| c.ids.company("system")),
            },
            local_definitions: local_definitions(c),
            observations: open.iter().map(|f| finding_observation(c, f)).collect(),
            risks: open.iter().map(|f| risk(c, f, true)).collect(),
            findings: open.iter().map(|f| finding(c, f, false)).collect(),
            poam_items: open.iter().map(|f| item(c, f)).collect(),
            back_matter: back_matter(c, None),
        },
    }
}
