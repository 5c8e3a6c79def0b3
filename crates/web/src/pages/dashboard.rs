//! The dashboard: a company's systems by class with their next due date,
//! overdue first; the association's member companies.
use axum::extract::State;
use axum::response::Response;
use maud::{html, Markup};
use zilv_domain::{DueStatus, OrgKind, Role};
use zilv_services::dashboard::{self, Dashboard};
use zilv_services::systems::SystemView;
use zilv_services::{orgs, systems, Permission};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::layout::Page;
use crate::pages::View;
use crate::state::AppState;

pub async fn show(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let ctx = auth.ctx(&state);
    let page = view.page(Some(&auth));
    let p = &auth.principal;
    let body = if p.can(Permission::ViewRegisters) {
        let list = systems::list(&state.store, &ctx, state.params(), None)
            .await
            .map_err(|e| AppError::from(e).lang(view.lang))?;
        let summary = dashboard::summary(&state.store, &ctx, state.params(), None)
            .await
            .map_err(|e| AppError::from(e).lang(view.lang))?;
        html! { (programme(&page, &summary)) (company(&page, &list)) }
    } else if p.can(Permission::ViewMembers) {
        let members = orgs::members(&state.store, &ctx)
            .await
            .map_err(|e| AppError::from(e).lang(view.lang))?;
        html! {
            h2 { (page.t("members")) }
            table.list id="members" {
                thead { tr { th { (page.t("code")) } th { (page.t("name")) } } }
                tbody {
                    @for m in &members { tr { td { (m.code) } td { (m.name) } } }
                }
            }
            @if members.is_empty() { p { (page.t("no_rows")) } }
        }
    } else if p.role == Role::Assessor {
        html! { p { (page.t("assessor_home")) } }
    } else if p.org_kind == OrgKind::Regulator {
        html! { p { (page.t("regulator_home")) } }
    } else {
        html! { p { (page.t("no_rows")) } }
    };
    Ok(page.render(&format!("{} · {}", page.t("dashboard"), p.org_name), body))
}

fn status_label(page: &Page<'_>, s: DueStatus) -> (&'static str, String) {
    let days = |n: i64| match page.lang {
        crate::i18n::Lang::Zh => format!("{n} 天"),
        crate::i18n::Lang::En => format!("{n} days"),
    };
    match s {
        DueStatus::Overdue { days_late } => (
            "overdue",
            format!("{} {}", page.t("overdue"), days(days_late)),
        ),
        DueStatus::DueSoon { days_left } => (
            "due-soon",
            format!("{} ({})", page.t("due_soon"), days(days_left)),
        ),
        DueStatus::OnTrack { days_left } => (
            "on-track",
            format!("{} ({})", page.t("on_track"), days(days_left)),
        ),
    }
}

/// The programme's warnings: plan review (EVAL-2.2), systems missing from the
/// plan (EVAL-2.1), overdue findings (EVAL-8), this year's drill (EVAL-6).
fn programme(page: &Page<'_>, d: &Dashboard) -> Markup {
    let plan_late = !matches!(d.plan_review_status, DueStatus::OnTrack { .. });
    html! {
        section.tiles #programme {
            a.tile.overdue[d.overdue_findings > 0] href="/findings?overdue=1" {
                span.big #overdue-findings { (d.overdue_findings) } span { (page.t("overdue_findings")) }
            }
            div.tile.overdue[plan_late] {
                span.big { (page.dates.day(d.plan_review_due.on)) } span { (page.t("plan_review_due")) " (EVAL-2.2)" }
            }
            div.tile.overdue[!d.drill_this_year] {
                span.big #drill-this-year { (if d.drill_this_year { page.t("yes") } else { page.t("no") }) }
                span { (page.t("drill_this_year")) " (EVAL-6)" }
            }
        }
        @if d.plan_id.is_none() {
            p.error role="alert" { (page.t("no_plan")) }
        }
        @if !d.systems_missing_from_plan.is_empty() {
            p.error role="alert" #missing-from-plan { (page.t("missing_from_plan")) " " (d.systems_missing_from_plan.join(", ")) }
        }
    }
}

fn company(page: &Page<'_>, list: &[SystemView]) -> Markup {
    let count = |c: u8| list.iter().filter(|v| v.system.class.number() == c).count();
    let overdue = list
        .iter()
        .filter(|v| matches!(v.due_status, DueStatus::Overdue { .. }))
        .count();
    let soon = list
        .iter()
        .filter(|v| matches!(v.due_status, DueStatus::DueSoon { .. }))
        .count();
    html! {
        section.tiles {
            @for c in 1..=3_u8 {
                div.tile { span.big { (count(c)) } span { (page.t("class")) " " (c) } }
            }
            div.tile.overdue { span.big { (overdue) } span { (page.t("overdue")) } }
            div.tile.due-soon { span.big { (soon) } span { (page.t("due_soon")) } }
        }
        h2 { (page.t("systems")) }
        @if list.is_empty() {
            p { (page.t("no_systems")) }
        } @else {
            table.list id="due-list" {
                thead { tr {
                    th { (page.t("code")) } th { (page.t("name")) } th { (page.t("class")) }
                    th { (page.t("next_due")) } th { (page.t("due_basis")) } th { (page.t("status")) }
                } }
                tbody {
                    @for v in list {
                        @let (cls, label) = status_label(page, v.due_status);
                        tr class=(cls) data-system=(v.system.code) {
                            td { a href={ "/systems/" (v.system.code) } { (v.system.code) } }
                            td { (v.system.name) }
                            td { (v.system.class.number()) }
                            td.due { (page.dates.day(v.next_due.on)) }
                            td { (v.next_due.basis.clause()) }
                            td { span class={ "badge " (cls) } { (label) } }
                        }
                    }
                }
            }
        }
    }
}
