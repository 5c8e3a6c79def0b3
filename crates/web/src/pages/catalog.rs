//! The catalog browser: the clause tree and each clause, Traditional
//! Chinese and English side by side. The regulation is public: no sign-in needed.
use axum::extract::{Path, State};
use axum::response::Response;
use maud::{html, Markup};
use zilv_catalog::{Catalog, Node};

use crate::auth::MaybeSignedIn;
use crate::error::AppError;
use crate::pages::View;
use crate::state::AppState;

fn subtree(c: &Catalog, parent: &str, depth: usize) -> Markup {
    let nodes = c.children(parent);
    html! {
        @if !nodes.is_empty() && depth < 8 {
            ul.tree {
                @for n in &nodes {
                    li {
                        @match n {
                            Node::Group(g) => {
                                span.group { span.id { (g.id) } " " span lang="zh-TW" { (g.title_zh) } " · " span lang="en" { (g.title_en) } }
                            },
                            Node::Clause(cl) => {
                                a.clause href={ "/catalog/" (cl.id) } {
                                    span.id { (cl.id) } " " span lang="zh-TW" { (cl.title_zh) } " · " span lang="en" { (cl.title_en) }
                                }
                            },
                        }
                        (subtree(c, n.id(), depth + 1))
                    }
                }
            }
        }
    }
}

pub async fn tree(
    State(state): State<AppState>,
    view: View,
    MaybeSignedIn(auth): MaybeSignedIn,
) -> Response {
    let c = &state.catalog;
    let page = view.page(auth.as_ref());
    let body = html! {
        p { (c.meta.title_zh) " · " (c.meta.title_en) " (" (c.meta.version) ")" }
        @for g in c.child_groups(None) {
            section.annex {
                h2 { span.id { (g.id) } " " span lang="zh-TW" { (g.title_zh) } " · " span lang="en" { (g.title_en) } }
                (subtree(c, &g.id, 0))
            }
        }
    };
    page.render(page.t("clause_tree"), body)
}

pub async fn clause(
    State(state): State<AppState>,
    view: View,
    MaybeSignedIn(auth): MaybeSignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let c = &state.catalog;
    let cl = c.clause(&id).ok_or_else(|| {
        AppError::new(
            axum::http::StatusCode::NOT_FOUND,
            format!("no clause {id} in the catalog"),
        )
        .lang(view.lang)
    })?;
    let page = view.page(auth.as_ref());
    let params: Vec<_> = c.parameters_of(&cl.id).collect();
    let body = html! {
        div.side-by-side {
            section lang="zh-TW" {
                h2 { (page.t("original_text")) }
                h3 { (cl.title_zh) }
                p.original { (cl.text_zh) }
            }
            section lang="en" {
                h2 { (page.t("english_summary")) }
                h3 { (cl.title_en) }
                p { (cl.summary_en) }
            }
        }
        @if !params.is_empty() {
            h2 { (page.t("parameters")) }
            ul {
                @for p in &params {
                    li { (p.label_zh) " · " (p.label_en) ": " strong { (p.value) } " " (p.unit.as_str()) }
                }
            }
        }
        @let kids = c.children(&cl.id);
        @if !kids.is_empty() {
            (subtree(c, &cl.id, 0))
        }
    };
    Ok(page.render(
        &format!("{} {}", cl.id, cl.title(view.lang.catalog())),
        body,
    ))
}
