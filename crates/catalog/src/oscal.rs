//! The catalog as an OSCAL 1.1 catalog document (JSON).
//!
//! The top-level groups (main body, annexes) become OSCAL groups; articles
//! and chapters become controls of class `article`; clauses become controls
//! of class `clause` nested in their parent. The original text is the
//! `statement` part, the English summary a `summary` part, and each parameter a control
//! parameter with its value. UUIDs are derived from the catalog's ID and
//! version, so the same catalog always exports the same bytes.
use serde_json::{json, Value};
use uuid::Uuid;

use crate::model::{Catalog, Clause, Group, Node};

/// The OSCAL version the export conforms to.
pub const OSCAL_VERSION: &str = "1.1.2";

fn stable_uuid(cat: &Catalog, what: &str) -> String {
    let name = format!("zilv:{}:{}:{what}", cat.meta.id, cat.meta.version);
    Uuid::new_v5(&Uuid::NAMESPACE_URL, name.as_bytes()).to_string()
}

fn props(label: &str, title_en: &str) -> Value {
    json!([
        {"name": "label", "value": label},
        {"name": "alt-identifier", "value": title_en},
    ])
}

fn control(cat: &Catalog, c: &Clause) -> Value {
    let mut obj = json!({
        "id": c.id,
        "class": "clause",
        "title": c.title_zh,
        "props": props(&c.id, &c.title_en),
        "parts": [
            {"id": format!("{}_smt", c.id), "name": "statement", "prose": c.text_zh},
            {"id": format!("{}_summary", c.id), "name": "summary", "title": c.title_en, "prose": c.summary_en},
        ],
    });
    let params: Vec<Value> = cat
        .parameters_of(&c.id)
        .map(|p| {
            json!({
                "id": p.id,
                "label": p.label_zh,
                "props": [{"name": "unit", "ns": "https://zilv.tw/ns/oscal", "value": p.unit.as_str()}],
                "values": [p.value.to_string()],
                "remarks": p.label_en,
            })
        })
        .collect();
    if !params.is_empty() {
        obj["params"] = Value::Array(params);
    }
    add_children(cat, &c.id, &mut obj);
    obj
}

/// A group as an OSCAL container of `class`: a top-level group (main body,
/// annex) becomes an OSCAL group of class `annex`; a group below it (an
/// article, a chapter) becomes a control of class `article` holding its
/// clauses as sub-controls, since OSCAL lets a group hold either groups or
/// controls and the regulation mixes both.
fn container(cat: &Catalog, g: &Group, class: &str) -> Value {
    let mut obj = json!({
        "id": g.id,
        "class": class,
        "title": g.title_zh,
        "props": props(g.heading.as_deref().unwrap_or(&g.id), &g.title_en),
    });
    if let Some(text) = &g.text_zh {
        obj["parts"] =
            json!([{"id": format!("{}_overview", g.id), "name": "overview", "prose": text}]);
    }
    add_children(cat, &g.id, &mut obj);
    obj
}

fn add_children(cat: &Catalog, parent: &str, obj: &mut Value) {
    let controls: Vec<Value> = cat
        .children(parent)
        .into_iter()
        .map(|n| match n {
            Node::Group(g) => container(cat, g, "article"),
            Node::Clause(c) => control(cat, c),
        })
        .collect();
    if !controls.is_empty() {
        obj["controls"] = Value::Array(controls);
    }
}

/// The catalog as an OSCAL catalog document.
pub fn catalog(cat: &Catalog) -> Value {
    let party = stable_uuid(cat, "party/issuer");
    let remarks: Vec<&str> = cat.meta.approvals.iter().map(|a| a.text.as_str()).collect();
    json!({
        "catalog": {
            "uuid": stable_uuid(cat, "catalog"),
            "metadata": {
                "title": cat.meta.title_zh,
                "published": format!("{}T00:00:00+08:00", cat.meta.effective),
                "last-modified": format!("{}T00:00:00+08:00", cat.meta.effective),
                "version": cat.meta.version,
                "oscal-version": OSCAL_VERSION,
                "props": [
                    {"name": "alt-identifier", "value": cat.meta.title_en},
                ],
                "roles": [{"id": "creator", "title": "Issuer"}],
                "parties": [{"uuid": party, "type": "organization", "name": cat.meta.issuer_zh,
                             "short-name": cat.meta.issuer_en}],
                "responsible-parties": [{"role-id": "creator", "party-uuids": [party]}],
                "remarks": remarks.join("\n"),
            },
            "groups": cat.child_groups(None).map(|g| container(cat, g, "annex")).collect::<Vec<_>>(),
        }
    })
}
