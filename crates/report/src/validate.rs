//! Checks a report model before rendering, naming the field and the reason of any fault.
use crate::model::ReportModel;
use crate::ReportError;

/// The 17 assessment items of EVAL-4.1, in order.
pub const ITEM_IDS: [&str; 17] = [
    "EVAL-4.1.1.1",
    "EVAL-4.1.1.2",
    "EVAL-4.1.1.3",
    "EVAL-4.1.2.1",
    "EVAL-4.1.2.2",
    "EVAL-4.1.2.3",
    "EVAL-4.1.3.1",
    "EVAL-4.1.3.2",
    "EVAL-4.1.3.3",
    "EVAL-4.1.4.1",
    "EVAL-4.1.4.2",
    "EVAL-4.1.4.3",
    "EVAL-4.1.5.1",
    "EVAL-4.1.5.2",
    "EVAL-4.1.5.3",
    "EVAL-4.1.5.4",
    "EVAL-4.1.5.5",
];

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ReportError {
    ReportError::Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

fn check_item(field: String, id: &str) -> Result<(), ReportError> {
    if ITEM_IDS.contains(&id) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("{id:?} is not an EVAL-4.1 item ID (EVAL-4.1.1.1 … EVAL-4.1.5.5)"),
        ))
    }
}

/// Checks what the renderers rely on: item IDs, system classes, the period, drill counts.
pub fn validate(m: &ReportModel) -> Result<(), ReportError> {
    if m.company.trim().is_empty() {
        return Err(invalid("company", "is empty"));
    }
    if m.title.trim().is_empty() {
        return Err(invalid("title", "is empty"));
    }
    let a = &m.assessment;
    if a.period_end < a.period_start {
        return Err(invalid(
            "assessment.period_end",
            format!("{} is before period_start {}", a.period_end, a.period_start),
        ));
    }
    for (i, s) in m.scope.systems.iter().enumerate() {
        if !(1..=3).contains(&s.class) {
            return Err(invalid(
                format!("scope.systems[{i}].class"),
                format!("{} is not a class of EVAL-3.1 (1, 2 or 3)", s.class),
            ));
        }
    }
    for (i, id) in m.scope.items_done.iter().enumerate() {
        check_item(format!("scope.items_done[{i}]"), id)?;
    }
    for (i, l) in m.scope.items_left_out.iter().enumerate() {
        check_item(format!("scope.items_left_out[{i}].item"), &l.item)?;
        if m.scope.items_done.contains(&l.item) {
            return Err(invalid(
                format!("scope.items_left_out[{i}].item"),
                format!("{} is also listed in scope.items_done", l.item),
            ));
        }
        if l.reason.trim().is_empty() {
            return Err(invalid(
                format!("scope.items_left_out[{i}].reason"),
                "an item left out needs a reason (EVAL-4.2)",
            ));
        }
    }
    for (i, r) in m.item_results.iter().enumerate() {
        check_item(format!("item_results[{i}].item"), &r.item)?;
    }
    for (i, d) in m.drills.iter().enumerate() {
        for (name, n) in [
            ("opened", d.opened),
            ("clicked", d.clicked),
            ("reported", d.reported),
        ] {
            if n > d.recipients {
                return Err(invalid(
                    format!("drills[{i}].{name}"),
                    format!("{n} is more than the {} recipients", d.recipients),
                ));
            }
        }
    }
    Ok(())
}
