//! The OSCAL assessment-results document of an assessment: one result for its period.
use super::evidence::{all_observations, finding, risk};
use super::ids::{line, prose};
use super::parties::{back_matter, local_definitions, metadata, Ctx};
use super::types::{
    AssessmentResults, AssessmentResultsDocument, ControlId, ControlSelection, ImportAp, ResultSet,
    ReviewedControls,
};
use super::OscalOptions;

/// The reviewed controls: the items done included, the items left out
/// excluded with their reasons (EVAL-4.2) as remarks.
fn reviewed_controls(c: &Ctx) -> ReviewedControls {
    let scope = &c.m.scope;
    let reasons: Vec<String> = scope
        .items_left_out
        .iter()
        .map(|l| format!("- {}", c.labelled(&l.item, &line(&l.reason, c.l.none))))
        .collect();
    ReviewedControls {
        control_selections: vec![ControlSelection {
            description: c.l.items_done.to_string(),
            include_controls: scope
                .items_done
                .iter()
                .map(|id| ControlId {
                    control_id: id.clone(),
                })
                .collect(),
            exclude_controls: scope
                .items_left_out
                .iter()
                .map(|l| ControlId {
                    control_id: l.item.clone(),
                })
                .collect(),
            remarks: (!reasons.is_empty()).then(|| {
                format!(
                    "{}{}\n\n{}",
                    c.l.items_left_out,
                    c.l.colon.trim_end(),
                    reasons.join("\n")
                )
            }),
        }],
    }
}

/// The scope and the summary, as the result's description.
fn description(c: &Ctx) -> String {
    let systems: Vec<String> =
        c.m.scope
            .systems
            .iter()
            .map(|s| {
                let class = crate::labels::class(c.lang, s.class);
                format!("- {}{}", line(&s.name, c.l.none), c.paren(&class))
            })
            .collect();
    let mut out = format!(
        "{}{}\n\n{}",
        c.l.systems,
        c.l.colon.trim_end(),
        if systems.is_empty() {
            c.l.none.to_string()
        } else {
            systems.join("\n")
        }
    );
    if !c.m.summary.trim().is_empty() {
        out.push_str("\n\n");
        out.push_str(&c.labelled(c.l.sec_summary, c.m.summary.trim()));
    }
    out
}

/// The EVAL-5 countermeasures, as the result's remarks.
fn countermeasures(c: &Ctx) -> Option<String> {
    let cm = &c.m.countermeasures;
    let parts: Vec<String> = [
        (c.l.reliability, &cm.reliability),
        (c.l.security, &cm.security),
    ]
    .into_iter()
    .filter(|(_, t)| !t.trim().is_empty())
    .map(|(label, t)| c.labelled(label, &prose(t, c.l.none)))
    .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The assessment-results document, its UUID still blank.
pub fn build(c: &Ctx, opts: &OscalOptions) -> AssessmentResultsDocument {
    let a = &c.m.assessment;
    let (href, plan) = match &opts.plan_href {
        Some(href) => (href.clone(), None),
        None => {
            let uuid = c.ids.assessment("resource/assessment-plan");
            (format!("#{uuid}"), Some(uuid))
        }
    };
    let result = ResultSet {
        uuid: c.ids.assessment("result"),
        title: line(&c.labelled(c.t.results, &a.name), c.t.results),
        description: description(c),
        start: c.clock.start_of(a.period_start),
        end: c.clock.end_of(a.period_end),
        props: vec![c.prop("assessment-id", &a.id)],
        local_definitions: local_definitions(c),
        reviewed_controls: reviewed_controls(c),
        observations: all_observations(c),
        risks: c.m.findings.iter().map(|f| risk(c, f, false)).collect(),
        findings: c.m.findings.iter().map(|f| finding(c, f, true)).collect(),
        remarks: countermeasures(c),
    };
    AssessmentResultsDocument {
        assessment_results: AssessmentResults {
            uuid: String::new(),
            metadata: metadata(
                c,
                &c.labelled(&c.m.title, &a.name),
                opts.version.as_deref().unwrap_or("1.0"),
            ),
            import_ap: ImportAp { href },
            results: vec![result],
            back_matter: back_matter(c, plan.as_deref()),
        },
    }
}
