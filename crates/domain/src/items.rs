//! The 17 assessment items of EVAL-4.1 and the EVAL-4.2 rule on which of them
//! an assessment of a class-1, -2 or -3 system must cover.
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::system::SystemClass;
use crate::InvalidInput;

/// One assessment item of EVAL-4.1, named by its clause ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum AssessmentItem {
    /// EVAL-4.1.1.1 network architecture and device security rules.
    NetworkArchitecture,
    /// EVAL-4.1.1.2 single points of failure and risk-bearing capacity.
    SinglePointsOfFailure,
    /// EVAL-4.1.1.3 business-continuity measures.
    BusinessContinuity,
    /// EVAL-4.1.2.1 access logs and account rights of network devices and servers.
    AccessLogs,
    /// EVAL-4.1.2.2 monitoring logs of security devices.
    SecurityDeviceLogs,
    /// EVAL-4.1.2.3 abnormal connections and DNS queries against known-malicious indicators.
    MaliciousConnections,
    /// EVAL-4.1.3.1 vulnerability scanning and patching of network devices and servers.
    VulnerabilityScanning,
    /// EVAL-4.1.3.2 malware on endpoints and servers.
    Malware,
    /// EVAL-4.1.3.3 password complexity and stored connection passwords.
    Passwords,
    /// EVAL-4.1.4.1 website penetration test and vulnerability scan.
    PenetrationTest,
    /// EVAL-4.1.4.2 website directory and page permissions.
    WebsitePermissions,
    /// EVAL-4.1.4.3 abnormal authorised connections, CPU use and database access of websites.
    WebsiteAnomalies,
    /// EVAL-4.1.5.1 password and account-lockout policy.
    PasswordPolicy,
    /// EVAL-4.1.5.2 risky or unnecessary firewall ports and weak connection settings.
    FirewallPorts,
    /// EVAL-4.1.5.3 access control lists and privileged accounts.
    AccessControl,
    /// EVAL-4.1.5.4 update settings and status of software.
    UpdateStatus,
    /// EVAL-4.1.5.5 key storage and access control.
    KeyStorage,
}

use AssessmentItem as I;

/// Every item with its clause ID and a short English name, in the
/// regulation's order.
const ITEMS: [(AssessmentItem, &str, &str); 17] = [
    (
        I::NetworkArchitecture,
        "EVAL-4.1.1.1",
        "network architecture and device rules",
    ),
    (
        I::SinglePointsOfFailure,
        "EVAL-4.1.1.2",
        "single points of failure",
    ),
    (
        I::BusinessContinuity,
        "EVAL-4.1.1.3",
        "business-continuity measures",
    ),
    (
        I::AccessLogs,
        "EVAL-4.1.2.1",
        "access logs and account rights",
    ),
    (
        I::SecurityDeviceLogs,
        "EVAL-4.1.2.2",
        "security-device logs",
    ),
    (
        I::MaliciousConnections,
        "EVAL-4.1.2.3",
        "abnormal connections and DNS queries",
    ),
    (
        I::VulnerabilityScanning,
        "EVAL-4.1.3.1",
        "vulnerability scanning and patching",
    ),
    (
        I::Malware,
        "EVAL-4.1.3.2",
        "malware on endpoints and servers",
    ),
    (
        I::Passwords,
        "EVAL-4.1.3.3",
        "password complexity and stored passwords",
    ),
    (
        I::PenetrationTest,
        "EVAL-4.1.4.1",
        "website penetration test and vulnerability scan",
    ),
    (
        I::WebsitePermissions,
        "EVAL-4.1.4.2",
        "website directory and page permissions",
    ),
    (
        I::WebsiteAnomalies,
        "EVAL-4.1.4.3",
        "abnormal website connections, CPU and database access",
    ),
    (
        I::PasswordPolicy,
        "EVAL-4.1.5.1",
        "password and account-lockout policy",
    ),
    (
        I::FirewallPorts,
        "EVAL-4.1.5.2",
        "firewall ports and connection settings",
    ),
    (
        I::AccessControl,
        "EVAL-4.1.5.3",
        "access control lists and privileged accounts",
    ),
    (
        I::UpdateStatus,
        "EVAL-4.1.5.4",
        "software update settings and status",
    ),
    (
        I::KeyStorage,
        "EVAL-4.1.5.5",
        "key storage and access control",
    ),
];

impl AssessmentItem {
    /// All 17 items in the regulation's order.
    pub const ALL: [AssessmentItem; 17] = {
        let mut all = [I::NetworkArchitecture; 17];
        let mut i = 0;
        while i < 17 {
            all[i] = ITEMS[i].0;
            i += 1;
        }
        all
    };

    fn entry(self) -> &'static (AssessmentItem, &'static str, &'static str) {
        &ITEMS[self as usize]
    }

    /// The item's clause ID, e.g. `EVAL-4.1.4.1`.
    pub fn clause(self) -> &'static str {
        self.entry().1
    }

    /// The clause ID of the item's group, e.g. `EVAL-4.1.4`.
    pub fn group(self) -> &'static str {
        let id = self.clause();
        id.rsplit_once('.').map_or(id, |(group, _)| group)
    }

    /// A short English name of the item.
    pub fn name(self) -> &'static str {
        self.entry().2
    }

    /// Parses an item from its clause ID.
    pub fn parse(field: &str, value: &str) -> Result<Self, InvalidInput> {
        let v = value.trim();
        ITEMS
            .iter()
            .find(|(_, id, _)| id.eq_ignore_ascii_case(v))
            .map(|(item, _, _)| *item)
            .ok_or_else(|| {
                InvalidInput::new(
                    field,
                    format!(
                        "{value:?} is not an assessment item: EVAL-4.1 defines EVAL-4.1.1.1 to EVAL-4.1.5.5"
                    ),
                )
            })
    }
}

impl fmt::Display for AssessmentItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.clause())
    }
}

impl From<AssessmentItem> for String {
    fn from(item: AssessmentItem) -> String {
        item.clause().to_string()
    }
}

impl TryFrom<String> for AssessmentItem {
    type Error = InvalidInput;
    fn try_from(v: String) -> Result<Self, Self::Error> {
        AssessmentItem::parse("item", &v)
    }
}

/// The company's decision on one item for one assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "choice", rename_all = "snake_case")]
pub enum ItemChoice {
    Selected,
    /// Left out, with the written reason (EVAL-4.2: chosen by the system's nature).
    LeftOut {
        reason: String,
    },
}

/// One row of an item selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDecision {
    pub item: AssessmentItem,
    #[serde(flatten)]
    pub choice: ItemChoice,
}

impl ItemDecision {
    pub fn selected(item: AssessmentItem) -> Self {
        ItemDecision {
            item,
            choice: ItemChoice::Selected,
        }
    }

    pub fn left_out(item: AssessmentItem, reason: impl Into<String>) -> Self {
        ItemDecision {
            item,
            choice: ItemChoice::LeftOut {
                reason: reason.into(),
            },
        }
    }
}

/// What is wrong with an item selection (EVAL-4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum SelectionProblem {
    #[error("{item}: a class-1 system must be assessed on every item of EVAL-4.1 (EVAL-4.2)")]
    Class1ItemNotSelected { item: AssessmentItem },
    #[error("{item}: neither selected nor left out with a reason (EVAL-4.2)")]
    NoDecision { item: AssessmentItem },
    #[error("{item}: left out without a written reason (EVAL-4.2)")]
    ReasonMissing { item: AssessmentItem },
    #[error("{item}: decided more than once")]
    DecidedTwice { item: AssessmentItem },
    #[error("no assessment item is selected (EVAL-4.2)")]
    NothingSelected,
}

impl SelectionProblem {
    /// The item the problem is about, if any.
    pub fn item(&self) -> Option<AssessmentItem> {
        match self {
            SelectionProblem::Class1ItemNotSelected { item }
            | SelectionProblem::NoDecision { item }
            | SelectionProblem::ReasonMissing { item }
            | SelectionProblem::DecidedTwice { item } => Some(*item),
            SelectionProblem::NothingSelected => None,
        }
    }
}

/// EVAL-4.2: checks the items chosen for an assessment of a `class` system
/// and returns the selected items in the regulation's order, or every
/// problem at once, in item order.
///
/// Class 1: every item is selected. Classes 2 and 3: every item is either
/// selected or left out with a non-blank written reason, and at least one is
/// selected. An item decided twice is refused whatever the class.
pub fn validate_selection(
    class: SystemClass,
    decisions: &[ItemDecision],
) -> Result<Vec<AssessmentItem>, Vec<SelectionProblem>> {
    let mut by_item: BTreeMap<AssessmentItem, &ItemChoice> = BTreeMap::new();
    let mut problems = Vec::new();
    for d in decisions {
        if by_item.insert(d.item, &d.choice).is_some() {
            let twice = SelectionProblem::DecidedTwice { item: d.item };
            if !problems.contains(&twice) {
                problems.push(twice);
            }
        }
    }
    for item in AssessmentItem::ALL {
        match (class, by_item.get(&item)) {
            (_, Some(ItemChoice::Selected)) => {}
            (SystemClass::One, _) => {
                problems.push(SelectionProblem::Class1ItemNotSelected { item })
            }
            (_, None) => problems.push(SelectionProblem::NoDecision { item }),
            (_, Some(ItemChoice::LeftOut { reason })) if reason.trim().is_empty() => {
                problems.push(SelectionProblem::ReasonMissing { item })
            }
            (_, Some(ItemChoice::LeftOut { .. })) => {}
        }
    }
    let selected: Vec<AssessmentItem> = AssessmentItem::ALL
        .into_iter()
        .filter(|i| matches!(by_item.get(i), Some(ItemChoice::Selected)))
        .collect();
    if selected.is_empty() && class != SystemClass::One {
        problems.push(SelectionProblem::NothingSelected);
    }
    problems.sort_by_key(|p| p.item());
    if problems.is_empty() {
        Ok(selected)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zilv_catalog::Registry;

    fn all_selected() -> Vec<ItemDecision> {
        AssessmentItem::ALL.map(ItemDecision::selected).to_vec()
    }

    #[test]
    fn eval_4_1_seventeen_items_match_the_catalog() {
        let reg = Registry::builtin().unwrap();
        let cat = reg.latest().unwrap();
        let in_catalog: Vec<&str> = cat
            .clauses
            .iter()
            .map(|c| c.id.as_str())
            .filter(|id| id.starts_with("EVAL-4.1.") && id.matches('.').count() == 3)
            .collect();
        let ours: Vec<&str> = AssessmentItem::ALL.iter().map(|i| i.clause()).collect();
        assert_eq!(ours, in_catalog);
        for item in AssessmentItem::ALL {
            assert_eq!(cat.require(item.clause()).unwrap().parent, item.group());
            assert_eq!(AssessmentItem::parse("i", item.clause()).unwrap(), item);
        }
    }

    #[test]
    fn eval_4_1_groups_hold_3_3_3_3_5_items() {
        let count = |g: &str| {
            AssessmentItem::ALL
                .iter()
                .filter(|i| i.group() == g)
                .count()
        };
        let counts: Vec<usize> = (1..=5).map(|g| count(&format!("EVAL-4.1.{g}"))).collect();
        assert_eq!(counts, [3, 3, 3, 3, 5]);
    }

    #[test]
    fn eval_4_1_item_ids_parse_and_refuse_unknown() {
        assert_eq!(
            AssessmentItem::parse("--item", " eval-4.1.4.1 ").unwrap(),
            AssessmentItem::PenetrationTest
        );
        for bad in ["EVAL-4.1.4", "EVAL-4.1.6.1", "4.1.1.1", ""] {
            let e = AssessmentItem::parse("--item", bad).unwrap_err();
            assert_eq!(e.field, "--item");
        }
        let json = serde_json::to_string(&AssessmentItem::KeyStorage).unwrap();
        assert_eq!(json, "\"EVAL-4.1.5.5\"");
        assert!(serde_json::from_str::<AssessmentItem>("\"EVAL-9\"").is_err());
    }

    #[test]
    fn eval_4_2_class1_every_item_mandatory() {
        assert_eq!(
            validate_selection(SystemClass::One, &all_selected()).unwrap(),
            AssessmentItem::ALL.to_vec()
        );
        let mut d = all_selected();
        d[9] = ItemDecision::left_out(AssessmentItem::PenetrationTest, "no website");
        d.remove(16);
        let problems = validate_selection(SystemClass::One, &d).unwrap_err();
        assert_eq!(
            problems,
            vec![
                SelectionProblem::Class1ItemNotSelected {
                    item: AssessmentItem::PenetrationTest
                },
                SelectionProblem::Class1ItemNotSelected {
                    item: AssessmentItem::KeyStorage
                },
            ]
        );
    }

    #[test]
    fn eval_4_2_class2_item_left_out_needs_reason() {
        let mut d: Vec<ItemDecision> = AssessmentItem::ALL
            .map(|i| ItemDecision::left_out(i, "not applicable: batch system without a website"))
            .to_vec();
        d[0] = ItemDecision::selected(AssessmentItem::NetworkArchitecture);
        assert_eq!(
            validate_selection(SystemClass::Two, &d).unwrap(),
            vec![AssessmentItem::NetworkArchitecture]
        );
        d[3] = ItemDecision::left_out(AssessmentItem::AccessLogs, "  \n ");
        d[5] = ItemDecision::left_out(AssessmentItem::MaliciousConnections, "");
        let problems = validate_selection(SystemClass::Two, &d).unwrap_err();
        assert_eq!(
            problems,
            vec![
                SelectionProblem::ReasonMissing {
                    item: AssessmentItem::AccessLogs
                },
                SelectionProblem::ReasonMissing {
                    item: AssessmentItem::MaliciousConnections
                },
            ]
        );
    }

    #[test]
    fn eval_4_2_class3_every_item_needs_a_decision_and_one_is_selected() {
        let d = vec![ItemDecision::left_out(
            AssessmentItem::NetworkArchitecture,
            "reviewed last year",
        )];
        let problems = validate_selection(SystemClass::Three, &d).unwrap_err();
        assert_eq!(problems.len(), 17);
        assert_eq!(problems[0], SelectionProblem::NothingSelected);
        assert!(problems[1..]
            .iter()
            .all(|p| matches!(p, SelectionProblem::NoDecision { .. })));
        assert_eq!(
            problems[1].item(),
            Some(AssessmentItem::SinglePointsOfFailure)
        );
    }

    #[test]
    fn eval_4_2_item_decided_twice_is_refused() {
        let mut d = all_selected();
        d.push(ItemDecision::left_out(AssessmentItem::Malware, "duplicate"));
        d.push(ItemDecision::selected(AssessmentItem::Malware));
        let problems = validate_selection(SystemClass::Two, &d).unwrap_err();
        assert_eq!(
            problems,
            vec![SelectionProblem::DecidedTwice {
                item: AssessmentItem::Malware
            }]
        );
        assert!(problems[0].to_string().starts_with("EVAL-4.1.3.2: "));
    }

    #[test]
    fn eval_4_2_decisions_round_trip_as_json() {
        let d = vec![
            ItemDecision::selected(AssessmentItem::Malware),
            ItemDecision::left_out(AssessmentItem::PenetrationTest, "no website"),
        ];
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"[{"item":"EVAL-4.1.3.2","choice":"selected"},{"item":"EVAL-4.1.4.1","choice":"left_out","reason":"no website"}]"#
        );
        let back: Vec<ItemDecision> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
    }
}
