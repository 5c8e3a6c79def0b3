//! Observations, risks and findings: the item results, drills and findings of the model in OSCAL.
use super::ids::{line, prose};
use super::parties::Ctx;
use super::types::{
    Characterization, Evidence, Facet, Finding, ObjectiveStatus, Observation, OnDate,
    RelatedObservation, RelatedRisk, Response, Risk, Subject, Target, Task, Timing,
};
use super::NS;
use crate::labels;
use crate::model::{self, Drill, ItemResult, Outcome, RemediationStatus, Severity};

/// The OSCAL method of an EVAL-4.1 item: the checks of groups (三) and (四)
/// (EVAL-4.1.3, EVAL-4.1.4) are tests, the reviews of the other groups examinations.
pub fn method(clause: &str) -> &'static str {
    if clause.starts_with("EVAL-4.1.3.") || clause.starts_with("EVAL-4.1.4.") {
        "TEST"
    } else {
        "EXAMINE"
    }
}

fn outcome_token(o: Outcome) -> &'static str {
    match o {
        Outcome::Satisfied => "satisfied",
        Outcome::NotSatisfied => "not-satisfied",
        Outcome::NotApplicable => "not-applicable",
    }
}

fn severity_token(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Info => "info",
    }
}

/// The remediation status as a property value.
pub fn status_token(s: RemediationStatus) -> &'static str {
    match s {
        RemediationStatus::Open => "open",
        RemediationStatus::InProgress => "in-progress",
        RemediationStatus::Resolved => "resolved",
        RemediationStatus::RiskAccepted => "risk-accepted",
    }
}

/// The OSCAL risk status of a finding's remediation status.
pub fn risk_status(s: RemediationStatus) -> &'static str {
    match s {
        RemediationStatus::Open => "open",
        RemediationStatus::InProgress => "remediating",
        RemediationStatus::Resolved => "closed",
        RemediationStatus::RiskAccepted => "deviation-approved",
    }
}

/// The UUID of the observation of an item result.
pub fn item_observation_uuid(c: &Ctx, item: &str) -> String {
    c.ids.assessment(&format!("observation/item/{item}"))
}

/// The UUID of the observation behind a finding.
pub fn finding_observation_uuid(c: &Ctx, f: &model::Finding) -> String {
    c.ids.assessment(&format!("observation/finding/{}", f.id))
}

/// The UUID of the risk of a finding.
pub fn risk_uuid(c: &Ctx, f: &model::Finding) -> String {
    c.ids.assessment(&format!("risk/{}", f.id))
}

/// The UUID of the OSCAL finding of a model finding.
pub fn finding_uuid(c: &Ctx, f: &model::Finding) -> String {
    c.ids.assessment(&format!("finding/{}", f.id))
}

fn subjects(c: &Ctx) -> Vec<Subject> {
    c.m.scope
        .systems
        .iter()
        .map(|s| Subject {
            subject_uuid: c.component_uuid(&s.name),
            kind: "component",
            title: line(&s.name, c.l.none),
        })
        .collect()
}

/// The observation of one item result: its outcome and notes, on every system in scope.
pub fn item_observation(c: &Ctx, r: &ItemResult) -> Observation {
    let outcome = labels::outcome(c.lang, r.outcome);
    let mut description = c.labelled(c.l.result, outcome);
    if !r.notes.trim().is_empty() {
        description.push_str("\n\n");
        description.push_str(&c.labelled(c.l.notes, r.notes.trim()));
    }
    Observation {
        uuid: item_observation_uuid(c, &r.item),
        title: line(&format!("{} {}", r.item, c.clause_title(&r.item)), &r.item),
        description,
        props: vec![
            c.prop("clause", &r.item),
            c.prop("outcome", outcome_token(r.outcome)),
        ],
        methods: vec![method(&r.item)],
        types: vec!["control-objective"],
        origins: c.origins(),
        subjects: subjects(c),
        relevant_evidence: Vec::new(),
        collected: c.clock.end_of(c.m.assessment.period_end),
        remarks: None,
    }
}

/// The observation behind one finding: the affected target and the risk seen there.
pub fn finding_observation(c: &Ctx, f: &model::Finding) -> Observation {
    let mut props = vec![
        c.prop("finding-id", &f.id),
        c.prop("clause", &f.clause),
        c.prop("severity", severity_token(f.severity)),
    ];
    if !f.category.trim().is_empty() {
        props.push(c.prop("category", &f.category));
    }
    Observation {
        uuid: finding_observation_uuid(c, f),
        title: line(
            &format!("{}{}{}", c.t.finding_evidence, c.l.colon, f.title),
            c.t.finding_evidence,
        ),
        description: format!(
            "{}\n\n{}",
            c.labelled(c.l.target, &line(&f.target, c.l.none)),
            c.labelled(c.l.risk, &prose(&f.risk, c.l.none)),
        ),
        props,
        methods: vec![method(&f.clause)],
        types: vec!["finding"],
        origins: c.origins(),
        subjects: Vec::new(),
        relevant_evidence: vec![Evidence {
            description: c.labelled(c.l.target, &line(&f.target, c.l.none)),
        }],
        collected: c.clock.end_of(c.m.assessment.period_end),
        remarks: None,
    }
}

/// The observation of one EVAL-6 drill; `n` tells drills of the same day apart.
pub fn drill_observation(c: &Ctx, d: &Drill, n: usize) -> Observation {
    let counted = |label: &str, k: u32| {
        format!(
            "- {}",
            c.labelled(
                label,
                &format!("{k} / {} ({}%)", d.recipients, model::rate(k, d.recipients))
            )
        )
    };
    let description = [
        format!(
            "- {}",
            c.labelled(c.l.recipients, &d.recipients.to_string())
        ),
        counted(c.l.opened, d.opened),
        counted(c.l.clicked, d.clicked),
        counted(c.l.reported, d.reported),
    ]
    .join("\n");
    Observation {
        uuid: c
            .ids
            .assessment(&format!("observation/drill/{}/{n}", d.date)),
        title: format!("{}{}", c.t.drill, c.paren(&format!("{}, EVAL-6", d.date))),
        description,
        props: vec![
            c.prop("clause", "EVAL-6"),
            c.prop("recipients", &d.recipients.to_string()),
            c.prop("opened", &d.opened.to_string()),
            c.prop("clicked", &d.clicked.to_string()),
            c.prop("reported", &d.reported.to_string()),
        ],
        methods: vec!["TEST"],
        types: vec!["control-objective"],
        origins: c.origins(),
        subjects: Vec::new(),
        relevant_evidence: Vec::new(),
        collected: c.clock.end_of(d.date),
        remarks: (!d.notes.trim().is_empty()).then(|| d.notes.trim().to_string()),
    }
}

/// Every observation of the model: item results, drills, then one per finding.
pub fn all_observations(c: &Ctx) -> Vec<Observation> {
    let mut out: Vec<Observation> =
        c.m.item_results
            .iter()
            .map(|r| item_observation(c, r))
            .collect();
    for (i, d) in c.m.drills.iter().enumerate() {
        let n = c.m.drills[..i].iter().filter(|e| e.date == d.date).count();
        out.push(drill_observation(c, d, n));
    }
    out.extend(c.m.findings.iter().map(|f| finding_observation(c, f)));
    out
}

/// The risk of one finding: the risk description, severity and category as
/// facets, the due date as deadline while the finding is still to be
/// remediated (open, in progress), the recommendation as remediation. In a
/// POA&M (`planned`), the remediation of an open finding is planned, with the
/// due date as its milestone.
pub fn risk(c: &Ctx, f: &model::Finding, planned: bool) -> Risk {
    let mut facets = vec![
        Facet {
            name: "severity",
            system: NS,
            value: severity_token(f.severity).to_string(),
        },
        Facet {
            name: "clause",
            system: NS,
            value: line(&f.clause, c.l.none),
        },
    ];
    if !f.category.trim().is_empty() {
        facets.push(Facet {
            name: "category",
            system: NS,
            value: line(&f.category, c.l.none),
        });
    }
    let active = matches!(
        f.status,
        RemediationStatus::Open | RemediationStatus::InProgress
    );
    let tasks = match (planned && active, f.due) {
        (true, Some(due)) => vec![Task {
            uuid: c.ids.assessment(&format!("milestone/{}", f.id)),
            kind: "milestone",
            title: c.l.due.to_string(),
            timing: Timing {
                on_date: OnDate {
                    date: c.clock.end_of(due),
                },
            },
        }],
        _ => Vec::new(),
    };
    Risk {
        uuid: risk_uuid(c, f),
        title: line(&f.title, &f.id),
        description: prose(&f.risk, c.l.none),
        statement: [
            c.labelled(c.l.severity, labels::severity(c.lang, f.severity)),
            c.labelled(c.l.category, &line(&f.category, c.l.none)),
            c.labelled(c.l.target, &line(&f.target, c.l.none)),
        ]
        .join("\n\n"),
        props: vec![
            c.prop("finding-id", &f.id),
            c.prop("remediation-status", status_token(f.status)),
        ],
        status: risk_status(f.status),
        characterizations: vec![Characterization {
            origin: c.origins().remove(0),
            facets,
        }],
        deadline: f.due.filter(|_| active).map(|d| c.clock.end_of(d)),
        remediations: vec![Response {
            uuid: c.ids.assessment(&format!("response/{}", f.id)),
            lifecycle: if planned && active {
                "planned"
            } else {
                "recommendation"
            },
            title: c.l.recommendation.to_string(),
            description: prose(&f.recommendation, c.l.none),
            origins: c.origins(),
            tasks,
        }],
        related_observations: vec![RelatedObservation {
            observation_uuid: finding_observation_uuid(c, f),
        }],
    }
}

/// The finding: its target is the statement of its clause in the Zilv
/// catalog (`<clause>_smt`), not satisfied unless it has been resolved.
/// `with_item` links the observation of the item result of the same clause, if any.
pub fn finding(c: &Ctx, f: &model::Finding, with_item: bool) -> Finding {
    let mut related = vec![RelatedObservation {
        observation_uuid: finding_observation_uuid(c, f),
    }];
    if with_item && c.m.item_results.iter().any(|r| r.item == f.clause) {
        related.push(RelatedObservation {
            observation_uuid: item_observation_uuid(c, &f.clause),
        });
    }
    let mut props = vec![
        c.prop("finding-id", &f.id),
        c.prop("severity", severity_token(f.severity)),
        c.prop("remediation-status", status_token(f.status)),
    ];
    if !f.category.trim().is_empty() {
        props.push(c.prop("category", &f.category));
    }
    let state = if f.status == RemediationStatus::Resolved {
        "satisfied"
    } else {
        "not-satisfied"
    };
    Finding {
        uuid: finding_uuid(c, f),
        title: line(&f.title, &f.id),
        description: [
            c.labelled(c.l.severity, labels::severity(c.lang, f.severity)),
            c.labelled(c.l.category, &line(&f.category, c.l.none)),
            c.labelled(c.l.target, &line(&f.target, c.l.none)),
            c.labelled(c.l.risk, &prose(&f.risk, c.l.none)),
            c.labelled(c.l.recommendation, &prose(&f.recommendation, c.l.none)),
        ]
        .join("\n\n"),
        props,
        origins: c.origins(),
        target: Target {
            kind: "statement-id",
            target_id: format!("{}_smt", f.clause),
            title: line(
                &format!("{} {}", f.clause, c.clause_title(&f.clause)),
                &f.clause,
            ),
            status: ObjectiveStatus {
                state,
                remarks: labels::status(c.lang, f.status).to_string(),
            },
        },
        related_observations: related,
        related_risks: vec![RelatedRisk {
            risk_uuid: risk_uuid(c, f),
        }],
    }
}
