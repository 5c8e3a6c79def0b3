//! Social-engineering drills (EVAL-6): the list, a warning when this year
//! has none, and recording one.
use axum::extract::State;
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;
use zilv_domain::InvalidInput;
use zilv_services::drills::{self, DrillInput};
use zilv_services::{Permission, ServiceError};

use crate::auth::SignedIn;
use crate::error::AppError;
use crate::forms::WebForm;
use crate::layout::Page;
use crate::pages::registers::refused;
use crate::pages::{see_other, View};
use crate::state::AppState;

/// The counts of the form, by field name.
const COUNTS: [&str; 6] = [
    "population",
    "sent",
    "opened",
    "clicked",
    "submitted",
    "reported",
];

#[derive(Debug, Default, Deserialize)]
pub struct DrillForm {
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    population: String,
    #[serde(default)]
    sent: String,
    #[serde(default)]
    opened: String,
    #[serde(default)]
    clicked: String,
    #[serde(default)]
    submitted: String,
    #[serde(default)]
    reported: String,
    #[serde(default)]
    material: String,
}

impl DrillForm {
    fn count(&self, field: &str) -> &str {
        match field {
            "population" => &self.population,
            "sent" => &self.sent,
            "opened" => &self.opened,
            "clicked" => &self.clicked,
            "submitted" => &self.submitted,
            _ => &self.reported,
        }
    }

    /// The input for the service, or an error naming the count that is not a number.
    fn input(&self) -> Result<DrillInput, ServiceError> {
        let n = |field: &str| -> Result<i64, ServiceError> {
            let s = self.count(field).trim();
            if s.is_empty() {
                return Ok(0);
            }
            s.parse::<i64>().map_err(|_| {
                InvalidInput::new(field, format!("{s:?} is not a whole number")).into()
            })
        };
        Ok(DrillInput {
            org: None,
            held_on: self.held_on.trim().to_string(),
            population: n("population")?,
            sent: n("sent")?,
            opened: n("opened")?,
            clicked: n("clicked")?,
            submitted: n("submitted")?,
            reported: n("reported")?,
            material: self.material.clone(),
        })
    }
}

fn drill_form(page: &Page<'_>, error: Option<&str>, f: &DrillForm) -> Markup {
    html! {
        form.card #add-drill method="post" action="/drills" {
            (page.csrf())
            @if let Some(e) = error { p.error role="alert" { (e) } }
            label { (page.t("held_on")) input type="date" name="held_on" value=(f.held_on) required; }
            @for c in COUNTS {
                label { (page.t(c)) input type="number" min="0" name=(c) value=(f.count(c)) required; }
            }
            label { (page.t("material")) textarea name="material" required { (f.material) } }
            button type="submit" { (page.t("save")) }
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
) -> Result<Response, AppError> {
    let d = drills::list(&state.store, &auth.ctx(&state), None)
        .await
        .map_err(|e| AppError::from(e).lang(view.lang))?;
    let page = view.page(Some(&auth));
    let body = html! {
        @if !d.drill_this_year {
            p.error #no-drill-this-year role="alert" { (page.t("no_drill_this_year")) }
        }
        @if auth.principal.can(Permission::ManageAssessments) {
            p { a.button href="/drills/new" { (page.t("add_drill")) } }
        }
        table.list id="drills" {
            thead { tr {
                th { (page.t("held_on")) }
                @for c in COUNTS { th { (page.t(c)) } }
                th { (page.t("material")) }
            } }
            tbody {
                @for r in &d.drills {
                    tr {
                        td { (page.dates.day(r.held_on)) }
                        td { (r.population) } td { (r.sent) } td { (r.opened) }
                        td { (r.clicked) } td { (r.submitted) } td { (r.reported) }
                        td { (r.material) }
                    }
                }
            }
        }
        @if d.drills.is_empty() { p { (page.t("no_rows")) } }
    };
    Ok(page.render(page.t("drills"), body))
}

pub async fn new(view: View, SignedIn(auth): SignedIn) -> Response {
    let page = view.page(Some(&auth));
    page.render(
        page.t("add_drill"),
        drill_form(&page, None, &DrillForm::default()),
    )
}

pub async fn add(
    State(state): State<AppState>,
    view: View,
    SignedIn(auth): SignedIn,
    WebForm(f): WebForm<DrillForm>,
) -> Result<Response, AppError> {
    let result = match f.input() {
        Ok(input) => drills::add(&state.store, &auth.ctx(&state), &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other("/drills")),
        Err(e) => {
            let page = view.page(Some(&auth));
            refused(&page, page.t("add_drill"), e, |msg| {
                drill_form(&page, Some(msg), &f)
            })
        }
    }
}
