//! Turns a report model into a language-resolved document of sections, tables
//! and charts that both the PDF and the HTML renderer draw.
use std::collections::BTreeMap;

use crate::labels::{self, labels};
use crate::model::{rate, RemediationStatus, ReportModel, Severity};

/// The most bars a category chart shows; smaller categories share the last bar.
pub const MAX_CATEGORY_BARS: usize = 12;

/// An RGB colour.
pub type Rgb = (u8, u8, u8);

/// A report ready to draw: every string already in the report's language.
pub struct Document {
    pub lang_tag: &'static str,
    pub title: String,
    pub company: String,
    pub contents_label: &'static str,
    /// Cover lines: label and value.
    pub cover: Vec<(&'static str, String)>,
    pub sections: Vec<Section>,
    pub page_label: fn(usize, usize) -> String,
}

/// One numbered section of the report.
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// A piece of a section's content.
pub enum Block {
    Subheading(String),
    Paragraph(String),
    Table(Table),
    Chart(Chart),
}

/// A table: header cells, relative column widths and rows of text cells.
pub struct Table {
    pub headers: Vec<String>,
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<String>>,
}

/// A horizontal bar chart.
pub struct Chart {
    pub title: String,
    pub bars: Vec<Bar>,
}

/// One bar of a chart.
pub struct Bar {
    pub label: String,
    pub value: u32,
    pub color: Rgb,
}

fn severity_color(s: Severity) -> Rgb {
    match s {
        Severity::Critical => (128, 0, 38),
        Severity::High => (215, 48, 39),
        Severity::Medium => (244, 165, 30),
        Severity::Low => (69, 117, 180),
        Severity::Info => (140, 140, 140),
    }
}

fn status_color(s: RemediationStatus) -> Rgb {
    match s {
        RemediationStatus::Open => (215, 48, 39),
        RemediationStatus::InProgress => (244, 165, 30),
        RemediationStatus::Resolved => (26, 152, 80),
        RemediationStatus::RiskAccepted => (140, 140, 140),
    }
}

/// A table; one with no rows gets a single row saying `none`.
fn table_or_none(
    headers: &[&str],
    widths: &[f32],
    mut rows: Vec<Vec<String>>,
    none: &str,
) -> Block {
    if rows.is_empty() {
        let mut row = vec![String::new(); headers.len()];
        row[0] = none.to_string();
        rows.push(row);
    }
    Block::Table(Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        widths: widths.to_vec(),
        rows,
    })
}

/// Builds the document of `m`, with clause titles from `catalog`.
pub fn build(m: &ReportModel, catalog: &zilv_catalog::Catalog) -> Document {
    let lang = m.language;
    let l = labels(lang);
    let item_title = |id: &str| labels::clause_title(catalog, lang, id);
    let table = |h: &[&str], w: &[f32], rows: Vec<Vec<String>>| table_or_none(h, w, rows, l.none);
    let a = &m.assessment;
    let period = format!("{} – {}", a.period_start, a.period_end);

    let mut assessor_rows = Vec::new();
    for p in &m.assessors {
        let kind = labels::assessor_kind(lang, p.kind).to_string();
        if p.qualifications.is_empty() {
            assessor_rows.push(vec![
                p.name.clone(),
                p.organisation.clone(),
                kind.clone(),
                l.none.to_string(),
                String::new(),
            ]);
        }
        for q in &p.qualifications {
            assessor_rows.push(vec![
                p.name.clone(),
                p.organisation.clone(),
                kind.clone(),
                labels::area(lang, q.area).to_string(),
                labels::basis(lang, &q.basis),
            ]);
        }
    }
    let assessors = Section {
        title: l.sec_assessors.to_string(),
        blocks: vec![table(
            &[l.name, l.organisation, l.kind, l.area, l.basis],
            &[14.0, 18.0, 14.0, 18.0, 36.0],
            assessor_rows,
        )],
    };

    let scope = Section {
        title: l.sec_scope.to_string(),
        blocks: vec![
            Block::Paragraph(format!("{}{}{period}", l.period, l.colon)),
            Block::Subheading(l.systems.to_string()),
            table(
                &[l.system, l.class, l.description],
                &[30.0, 12.0, 58.0],
                m.scope
                    .systems
                    .iter()
                    .map(|s| {
                        vec![
                            s.name.clone(),
                            labels::class(lang, s.class),
                            s.description.clone(),
                        ]
                    })
                    .collect(),
            ),
            Block::Subheading(l.items_done.to_string()),
            table(
                &[l.item, l.item_title],
                &[22.0, 78.0],
                m.scope
                    .items_done
                    .iter()
                    .map(|i| vec![i.clone(), item_title(i)])
                    .collect(),
            ),
            Block::Subheading(l.items_left_out.to_string()),
            table(
                &[l.item, l.item_title, l.reason],
                &[22.0, 34.0, 44.0],
                m.scope
                    .items_left_out
                    .iter()
                    .map(|i| vec![i.item.clone(), item_title(&i.item), i.reason.clone()])
                    .collect(),
            ),
        ],
    };

    let items = Section {
        title: l.sec_items.to_string(),
        blocks: vec![table(
            &[l.item, l.item_title, l.result, l.notes],
            &[17.0, 28.0, 13.0, 42.0],
            m.item_results
                .iter()
                .map(|r| {
                    vec![
                        r.item.clone(),
                        item_title(&r.item),
                        labels::outcome(lang, r.outcome).to_string(),
                        r.notes.clone(),
                    ]
                })
                .collect(),
        )],
    };

    let findings = Section {
        title: l.sec_findings.to_string(),
        blocks: vec![
            Block::Paragraph(format!(
                "{}{}{}",
                l.findings_total,
                l.colon,
                m.findings.len()
            )),
            table(
                &[
                    l.id,
                    l.title,
                    l.severity,
                    l.category,
                    l.clause,
                    l.target,
                    l.risk,
                    l.recommendation,
                    l.status,
                    l.due,
                ],
                &[8.0, 13.0, 6.0, 8.0, 10.5, 10.0, 15.0, 15.0, 7.0, 9.5],
                m.findings
                    .iter()
                    .map(|f| {
                        vec![
                            f.id.clone(),
                            f.title.clone(),
                            labels::severity(lang, f.severity).to_string(),
                            f.category.clone(),
                            f.clause.clone(),
                            f.target.clone(),
                            f.risk.clone(),
                            f.recommendation.clone(),
                            labels::status(lang, f.status).to_string(),
                            f.due.map(|d| d.to_string()).unwrap_or_default(),
                        ]
                    })
                    .collect(),
            ),
        ],
    };

    let pct = |n: u32, of: u32| format!("{n} ({}%)", rate(n, of));
    let drills = Section {
        title: l.sec_drills.to_string(),
        blocks: vec![table(
            &[
                l.date,
                l.recipients,
                l.opened,
                l.clicked,
                l.reported,
                l.notes,
            ],
            &[14.0, 12.0, 14.0, 14.0, 14.0, 32.0],
            m.drills
                .iter()
                .map(|d| {
                    vec![
                        d.date.to_string(),
                        d.recipients.to_string(),
                        pct(d.opened, d.recipients),
                        pct(d.clicked, d.recipients),
                        pct(d.reported, d.recipients),
                        d.notes.clone(),
                    ]
                })
                .collect(),
        )],
    };

    let countermeasures = Section {
        title: l.sec_countermeasures.to_string(),
        blocks: vec![
            Block::Subheading(l.reliability.to_string()),
            Block::Paragraph(m.countermeasures.reliability.clone()),
            Block::Subheading(l.security.to_string()),
            Block::Paragraph(m.countermeasures.security.clone()),
        ],
    };

    let mut by_category: BTreeMap<&str, u32> = BTreeMap::new();
    for f in &m.findings {
        *by_category.entry(f.category.as_str()).or_default() += 1;
    }
    let mut categories: Vec<(&str, u32)> = by_category.into_iter().collect();
    categories.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
    if categories.len() > MAX_CATEGORY_BARS {
        let rest: u32 = categories[MAX_CATEGORY_BARS - 1..]
            .iter()
            .map(|c| c.1)
            .sum();
        categories.truncate(MAX_CATEGORY_BARS - 1);
        categories.push((l.other, rest));
    }
    let palette = [(49, 130, 189), (107, 174, 214), (158, 202, 225)];
    let summary = Section {
        title: l.sec_summary.to_string(),
        blocks: vec![
            Block::Paragraph(m.summary.clone()),
            Block::Chart(Chart {
                title: l.chart_severity.to_string(),
                bars: Severity::ALL
                    .iter()
                    .map(|&s| Bar {
                        label: labels::severity(lang, s).to_string(),
                        value: count(m.findings.iter().filter(|f| f.severity == s)),
                        color: severity_color(s),
                    })
                    .collect(),
            }),
            Block::Chart(Chart {
                title: l.chart_category.to_string(),
                bars: categories
                    .iter()
                    .enumerate()
                    .map(|(i, (c, n))| Bar {
                        label: c.to_string(),
                        value: *n,
                        color: palette[i % palette.len()],
                    })
                    .collect(),
            }),
            Block::Chart(Chart {
                title: l.chart_status.to_string(),
                bars: RemediationStatus::ALL
                    .iter()
                    .map(|&s| Bar {
                        label: labels::status(lang, s).to_string(),
                        value: count(m.findings.iter().filter(|f| f.status == s)),
                        color: status_color(s),
                    })
                    .collect(),
            }),
        ],
    };

    Document {
        lang_tag: l.lang_tag,
        title: m.title.clone(),
        company: m.company.clone(),
        contents_label: l.contents,
        cover: vec![
            (l.company, m.company.clone()),
            (l.assessment_id, a.id.clone()),
            (l.assessment_name, a.name.clone()),
            (l.period, period),
            (
                l.generated_at,
                m.generated_at.format("%Y-%m-%d %H:%M %:z").to_string(),
            ),
        ],
        sections: vec![
            assessors,
            scope,
            items,
            findings,
            drills,
            countermeasures,
            summary,
        ],
        page_label: l.page,
    }
}

fn count<T>(it: impl Iterator<Item = T>) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}
