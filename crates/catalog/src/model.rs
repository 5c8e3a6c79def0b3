//! The catalog's types: metadata, structural groups, clauses and parameters.
use serde::{Deserialize, Serialize};

use crate::params::Parameters;

/// A language the catalog text is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    /// Traditional Chinese as used in Taiwan: the authoritative text.
    #[serde(rename = "zh-TW")]
    ZhTw,
    /// English: titles and summaries, for orientation only.
    #[serde(rename = "en")]
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh-TW" | "zh-tw" | "zh" => Ok(Lang::ZhTw),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?}: expected zh-TW or en")),
        }
    }
}

/// A letter of the regulator that approved (filed) a version of the text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Gregorian date, `YYYY-MM-DD`.
    pub date: String,
    /// The letter's reference, e.g. `金管保產字第 10502119220 號`.
    pub letter: String,
    /// The approval line exactly as it stands in the original text.
    pub text: String,
}

/// Who issued the text, which version it is and when it took effect.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Stable identifier of the regulation across its versions.
    pub id: String,
    /// The version, named by the 民國 date of its last approval, e.g. `105.12.2`.
    pub version: String,
    pub title_zh: String,
    pub title_en: String,
    pub issuer_zh: String,
    pub issuer_en: String,
    /// Gregorian date the version took effect, `YYYY-MM-DD`.
    pub effective: String,
    #[serde(default, rename = "approval")]
    pub approvals: Vec<Approval>,
}

/// A structural node (an article, an annex, a chapter) that holds clauses
/// but carries no clause ID of its own.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    #[serde(default)]
    pub parent: Option<String>,
    /// The heading as printed in the original, e.g. `第四條`.
    #[serde(default)]
    pub heading: Option<String>,
    pub title_zh: String,
    pub title_en: String,
    /// Lead-in text of the original, exactly as printed, if any.
    #[serde(default)]
    pub text_zh: Option<String>,
}

/// One clause with a stable ID from `CLAUSES.md`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Clause {
    pub id: String,
    /// The group or clause this one belongs to.
    pub parent: String,
    /// The heading as printed in the original, for clauses that are whole articles.
    #[serde(default)]
    pub heading: Option<String>,
    pub title_zh: String,
    pub title_en: String,
    /// The original text, copied exactly (list markers used only as layout excepted).
    pub text_zh: String,
    pub summary_en: String,
}

impl Clause {
    /// The clause's title in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhTw => &self.title_zh,
            Lang::En => &self.title_en,
        }
    }

    /// The clause's body in `lang`: the original text, or the English summary.
    pub fn body(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhTw => &self.text_zh,
            Lang::En => &self.summary_en,
        }
    }
}

/// A number that the regulation fixes, with the clause that fixes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub id: String,
    pub clause: String,
    pub value: u64,
    pub unit: Unit,
    pub label_zh: String,
    pub label_en: String,
}

/// The unit of a parameter's value.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    Years,
    Months,
    PerYear,
    Twd,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Years => "years",
            Unit::Months => "months",
            Unit::PerYear => "per-year",
            Unit::Twd => "twd",
        }
    }
}

/// A loaded and validated catalog: one version of the regulation.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub meta: Meta,
    pub groups: Vec<Group>,
    pub clauses: Vec<Clause>,
    pub parameters: Vec<Parameter>,
    /// The parameters the rules use, resolved and typed.
    pub params: Parameters,
    /// Where the catalog came from: a built-in file name or a path.
    pub origin: String,
}

impl Catalog {
    /// The clause with this ID, if the catalog has it.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// The group with this ID, if the catalog has it.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// Groups whose parent is `parent` (`None`: the top level), in file order.
    pub fn child_groups<'a>(&'a self, parent: Option<&'a str>) -> impl Iterator<Item = &'a Group> {
        self.groups
            .iter()
            .filter(move |g| g.parent.as_deref() == parent)
    }

    /// The groups and clauses directly under `parent`, in the regulation's
    /// order (by the numbers in their IDs).
    pub fn children<'a>(&'a self, parent: &str) -> Vec<Node<'a>> {
        let mut nodes: Vec<Node<'a>> = self
            .groups
            .iter()
            .filter(|g| g.parent.as_deref() == Some(parent))
            .map(Node::Group)
            .chain(
                self.clauses
                    .iter()
                    .filter(|c| c.parent == parent)
                    .map(Node::Clause),
            )
            .collect();
        nodes.sort_by_key(|n| order_key(n.id()));
        nodes
    }

    /// Parameters fixed by `clause`.
    pub fn parameters_of<'a>(&'a self, clause: &'a str) -> impl Iterator<Item = &'a Parameter> {
        self.parameters.iter().filter(move |p| p.clause == clause)
    }
}

/// A node of the clause tree: a structural group or a clause.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    Group(&'a Group),
    Clause(&'a Clause),
}

impl Node<'_> {
    pub fn id(&self) -> &str {
        match self {
            Node::Group(g) => &g.id,
            Node::Clause(c) => &c.id,
        }
    }
}

/// Sort key of an ID: its numbers in order; a part that is not a number
/// (such as `DEF`) sorts after every number.
fn order_key(id: &str) -> Vec<u64> {
    id.split(['-', '.'])
        .skip(1)
        .map(|p| p.parse().unwrap_or(u64::MAX))
        .collect()
}
