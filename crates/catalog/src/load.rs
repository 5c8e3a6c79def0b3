//! Parsing and validating a catalog data file.
use std::collections::HashSet;

use serde::Deserialize;

use crate::model::{Catalog, Clause, Group, Meta, Parameter};
use crate::params::Parameters;
use crate::CatalogError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    catalog: Meta,
    #[serde(default)]
    group: Vec<Group>,
    clause: Vec<Clause>,
    #[serde(default)]
    parameter: Vec<Parameter>,
}

/// True when `id` has the shape of a clause or group ID: a prefix of capital
/// letters, then `-` and dot-separated numbers (or a capital-letter tag).
pub fn is_well_formed_id(id: &str) -> bool {
    let (prefix, rest) = match id.split_once('-') {
        Some((p, r)) => (p, Some(r)),
        None => (id, None),
    };
    let prefix_ok = !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_uppercase());
    let rest_ok = rest.is_none_or(|r| {
        r.split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
    });
    prefix_ok && rest_ok
}

/// True for `YYYY-MM-DD` with a month 01-12 and a day 01-31.
fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize, lo: u32, hi: u32| {
        p.len() == len && p.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    };
    parts.len() == 3
        && num(parts[0], 4, 1900, 9999)
        && num(parts[1], 2, 1, 12)
        && num(parts[2], 2, 1, 31)
}

/// Parses and validates catalog TOML. `origin` names the file in errors.
pub fn parse(src: &str, origin: &str) -> Result<Catalog, CatalogError> {
    let file: File = toml::from_str(src).map_err(|e| CatalogError::Parse {
        origin: origin.to_string(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let invalid = |message: String| CatalogError::Invalid {
        origin: origin.to_string(),
        message,
    };

    let mut seen = HashSet::new();
    for id in file
        .group
        .iter()
        .map(|g| &g.id)
        .chain(file.clause.iter().map(|c| &c.id))
    {
        if !is_well_formed_id(id) {
            return Err(invalid(format!(
                "ID {id:?} is not of the form PREFIX-1.2.3"
            )));
        }
        if !seen.insert(id.as_str()) {
            return Err(invalid(format!("ID {id} is defined twice")));
        }
    }
    let group_ids: HashSet<&str> = file.group.iter().map(|g| g.id.as_str()).collect();
    for g in &file.group {
        if let Some(p) = &g.parent {
            if !group_ids.contains(p.as_str()) {
                return Err(invalid(format!(
                    "group {} names unknown parent group {p}",
                    g.id
                )));
            }
        }
    }
    for c in &file.clause {
        if !seen.contains(c.parent.as_str()) {
            return Err(invalid(format!(
                "clause {} names unknown parent {}",
                c.id, c.parent
            )));
        }
        if c.text_zh.trim().is_empty() {
            return Err(invalid(format!("clause {} has no text_zh", c.id)));
        }
    }
    let clause_ids: HashSet<&str> = file.clause.iter().map(|c| c.id.as_str()).collect();
    for p in &file.parameter {
        if !clause_ids.contains(p.clause.as_str()) {
            return Err(invalid(format!(
                "parameter {} names unknown clause {}",
                p.id, p.clause
            )));
        }
    }
    let params = Parameters::resolve(&file.parameter).map_err(invalid)?;
    let dates = std::iter::once(("catalog.effective", &file.catalog.effective)).chain(
        file.catalog
            .approvals
            .iter()
            .map(|a| ("catalog.approval.date", &a.date)),
    );
    for (field, date) in dates {
        if !is_iso_date(date) {
            return Err(invalid(format!(
                "{field} = {date:?} is not a date of the form YYYY-MM-DD"
            )));
        }
    }
    if file.catalog.version.trim().is_empty() {
        return Err(invalid("catalog.version is empty".to_string()));
    }
    Ok(Catalog {
        meta: file.catalog,
        groups: file.group,
        clauses: file.clause,
        parameters: file.parameter,
        params,
        origin: origin.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_ids() {
        for ok in ["SR", "SR-1", "SR-4.6", "EVAL-4.1.2.3", "APP-DEF"] {
            assert!(is_well_formed_id(ok), "{ok}");
        }
        for bad in ["", "sr-1", "SR-", "SR-4..6", "SR-4.", "-1", "SR 1"] {
            assert!(!is_well_formed_id(bad), "{bad}");
        }
    }

    #[test]
    fn malformed_toml_names_origin_and_line() {
        let err = parse("[catalog]\nid = \n", "broken.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("broken.toml"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }
}
