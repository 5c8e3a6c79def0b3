//! What both OSCAL documents share: the export context, metadata with the
//! company and assessor parties, the systems as components, and the back matter.
use zilv_catalog::Catalog;

use super::ids::{line, prose, stamp, Clock, Ids, NS};
use super::text::{text, OscalText};
use super::types::{
    Actor, BackMatter, Component, Link, LocalDefinitions, Metadata, Origin, Party, Prop, Resource,
    ResponsibleParty, Role, State,
};
use crate::labels::{self, labels, Labels};
use crate::model::{AssessorKind, Lang, ReportModel};

/// The OSCAL version the exports declare (the same as the catalog export).
pub const OSCAL_VERSION: &str = zilv_catalog::oscal::OSCAL_VERSION;

const ROLE_ASSESSOR: &str = "assessor";
const ROLE_PREPARED_FOR: &str = "prepared-for";

/// One export's inputs and the UUIDs every part refers to.
pub struct Ctx<'a> {
    pub m: &'a ReportModel,
    pub catalog: &'a Catalog,
    pub lang: Lang,
    pub l: &'static Labels,
    pub t: &'static OscalText,
    pub ids: Ids,
    pub clock: Clock,
    pub company_uuid: String,
    /// One per assessor, in the model's order.
    pub assessor_uuids: Vec<String>,
    pub catalog_resource: String,
}

impl<'a> Ctx<'a> {
    pub fn new(m: &'a ReportModel, catalog: &'a Catalog) -> Self {
        let ids = Ids::new(m);
        let assessor_uuids = m
            .assessors
            .iter()
            .map(|a| ids.company(&format!("party/person/{}/{}", a.organisation, a.name)))
            .collect();
        Ctx {
            m,
            catalog,
            lang: m.language,
            l: labels(m.language),
            t: text(m.language),
            company_uuid: ids.company("party/company"),
            catalog_resource: ids.company(&format!(
                "resource/catalog/{}/{}",
                catalog.meta.id, catalog.meta.version
            )),
            assessor_uuids,
            clock: Clock::of(m),
            ids,
        }
    }

    /// The assessors as the origin of an observation, risk or finding; the
    /// company when the model names no assessor.
    pub fn origins(&self) -> Vec<Origin> {
        let actors: Vec<Actor> = if self.assessor_uuids.is_empty() {
            vec![Actor {
                kind: "party",
                actor_uuid: self.company_uuid.clone(),
                role_id: ROLE_PREPARED_FOR,
            }]
        } else {
            self.assessor_uuids
                .iter()
                .map(|u| Actor {
                    kind: "party",
                    actor_uuid: u.clone(),
                    role_id: ROLE_ASSESSOR,
                })
                .collect()
        };
        vec![Origin { actors }]
    }

    /// A Zilv property.
    pub fn prop(&self, name: &'static str, value: &str) -> Prop {
        Prop {
            name,
            ns: Some(NS),
            value: line(value, self.l.none),
        }
    }

    /// The clause's title in the report's language, or "" when the catalog lacks it.
    pub fn clause_title(&self, id: &str) -> String {
        labels::clause_title(self.catalog, self.lang, id)
    }

    /// `label: value` in the report's language.
    pub fn labelled(&self, label: &str, value: &str) -> String {
        format!("{label}{}{value}", self.l.colon)
    }

    /// `s` in parentheses after a word, as the report's language writes them.
    pub fn paren(&self, s: &str) -> String {
        match self.lang {
            Lang::ZhTw => format!("（{s}）"),
            Lang::En => format!(" ({s})"),
        }
    }

    /// The UUID of a system in scope, by its name.
    pub fn component_uuid(&self, name: &str) -> String {
        self.ids.company(&format!("component/{name}"))
    }
}

fn organisation_uuid(c: &Ctx, name: &str) -> String {
    if name == c.m.company {
        c.company_uuid.clone()
    } else {
        c.ids.company(&format!("party/organization/{name}"))
    }
}

fn parties(c: &Ctx) -> Vec<Party> {
    let mut out = vec![Party {
        uuid: c.company_uuid.clone(),
        kind: "organization",
        name: line(&c.m.company, c.l.none),
        props: Vec::new(),
        member_of_organizations: Vec::new(),
        remarks: None,
    }];
    let mut seen = vec![c.m.company.clone()];
    for a in &c.m.assessors {
        if !seen.contains(&a.organisation) {
            seen.push(a.organisation.clone());
            out.push(Party {
                uuid: organisation_uuid(c, &a.organisation),
                kind: "organization",
                name: line(&a.organisation, c.l.none),
                props: Vec::new(),
                member_of_organizations: Vec::new(),
                remarks: None,
            });
        }
    }
    for (a, uuid) in c.m.assessors.iter().zip(&c.assessor_uuids) {
        let kind = match a.kind {
            AssessorKind::Internal => "internal",
            AssessorKind::External => "external",
        };
        let mut props = vec![c.prop("assessor-kind", kind)];
        let mut remarks = Vec::new();
        for q in &a.qualifications {
            let area = labels::area(c.lang, q.area);
            let basis = labels::basis(c.lang, &q.basis);
            props.push(c.prop("qualification", &format!("{area}{}{basis}", c.l.colon)));
            remarks.push(format!("- {area}{}{basis}", c.l.colon));
        }
        let kind_label = labels::assessor_kind(c.lang, a.kind);
        out.push(Party {
            uuid: uuid.clone(),
            kind: "person",
            name: line(&a.name, c.l.none),
            props,
            member_of_organizations: vec![organisation_uuid(c, &a.organisation)],
            remarks: Some(format!(
                "{}\n\n{}{}\n\n{}",
                c.labelled(c.l.kind, kind_label),
                c.t.qualification,
                c.l.colon.trim_end(),
                if remarks.is_empty() {
                    c.l.none.to_string()
                } else {
                    remarks.join("\n")
                }
            )),
        });
    }
    out
}

/// The metadata of a document titled `title`: roles, the company and the
/// assessors as parties, the catalog as a reference.
pub fn metadata(c: &Ctx, title: &str, version: &str) -> Metadata {
    let mut responsible = vec![ResponsibleParty {
        role_id: ROLE_PREPARED_FOR,
        party_uuids: vec![c.company_uuid.clone()],
    }];
    if !c.assessor_uuids.is_empty() {
        responsible.push(ResponsibleParty {
            role_id: ROLE_ASSESSOR,
            party_uuids: c.assessor_uuids.clone(),
        });
    }
    let lang_tag = match c.lang {
        Lang::ZhTw => "zh-TW",
        Lang::En => "en",
    };
    Metadata {
        title: line(title, c.l.none),
        last_modified: stamp(&c.m.generated_at),
        version: line(version, "1.0"),
        oscal_version: OSCAL_VERSION,
        props: vec![
            c.prop("assessment-id", &c.m.assessment.id),
            c.prop("language", lang_tag),
        ],
        links: vec![Link {
            href: format!("#{}", c.catalog_resource),
            rel: "reference",
            text: Some(line(catalog_title(c), c.l.none)),
        }],
        roles: vec![
            Role {
                id: ROLE_PREPARED_FOR,
                title: c.t.role_prepared_for.to_string(),
            },
            Role {
                id: ROLE_ASSESSOR,
                title: c.t.role_assessor.to_string(),
            },
        ],
        parties: parties(c),
        responsible_parties: responsible,
    }
}

fn catalog_title<'c>(c: &Ctx<'c>) -> &'c str {
    match c.lang {
        Lang::ZhTw => &c.catalog.meta.title_zh,
        Lang::En => &c.catalog.meta.title_en,
    }
}

/// The systems in scope, as components.
pub fn local_definitions(c: &Ctx) -> LocalDefinitions {
    let components =
        c.m.scope
            .systems
            .iter()
            .map(|s| {
                let class = labels::class(c.lang, s.class);
                Component {
                    uuid: c.component_uuid(&s.name),
                    kind: "system",
                    title: line(&s.name, c.l.none),
                    description: prose(&s.description, &class),
                    props: vec![c.prop("system-class", &s.class.to_string())],
                    status: State {
                        state: "operational",
                    },
                }
            })
            .collect();
    LocalDefinitions { components }
}

/// The back matter: the catalog the control IDs come from, and the
/// assessment plan when `plan` (its resource UUID) is given.
pub fn back_matter(c: &Ctx, plan: Option<&str>) -> BackMatter {
    let mut resources = Vec::new();
    if let Some(uuid) = plan {
        resources.push(Resource {
            uuid: uuid.to_string(),
            title: line(&c.labelled(c.t.plan, &c.m.assessment.name), c.t.plan),
            description: (c.t.plan_description)(&c.m.assessment.id),
            props: vec![c.prop("assessment-id", &c.m.assessment.id)],
        });
    }
    resources.push(Resource {
        uuid: c.catalog_resource.clone(),
        title: line(catalog_title(c), c.l.none),
        description: (c.t.catalog_description)(&c.catalog.meta.version),
        props: vec![
            c.prop("catalog-id", &c.catalog.meta.id),
            c.prop("catalog-version", &c.catalog.meta.version),
        ],
    });
    BackMatter { resources }
}
