//! A real server on port 0 over a fresh database, seeded with two member
//! companies, the association and the regulator, one user per role; and a
//! small HTTP client that keeps cookies like a browser.
#![allow(dead_code)]

pub mod webdriver;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Client, Method, Response};
use zilv_catalog::Registry;
use zilv_services::orgs::{self, NewOrg};
use zilv_services::password::PasswordPolicy;
use zilv_services::setup::{self, InitInput};
use zilv_services::systems::{self, SystemInput};
use zilv_services::users::{self, UserInput};
use zilv_services::{assets, Ctx};
use zilv_store::Store;
use zilv_testkit::TestDb;
use zilv_web::{AppState, Config, ManualClock};

/// Every user's password.
pub const PASSWORD: &str = "Sturdy-Passw0rd-2026";

pub struct Server {
    pub base: String,
    pub store: Store,
    pub clock: ManualClock,
    pub db: TestDb,
}

fn operator(clock: &ManualClock) -> Ctx {
    use zilv_web::Clock;
    Ctx::operator("test", clock.now(), clock.today())
}

/// Users by role code: `acme.<role>@acme.tw` in ACME, `beta.officer@beta.tw` in BETA, …
pub async fn start() -> Server {
    start_at(Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap()).await
}

/// [`start`] with the server's clock at `at`.
pub async fn start_at(at: chrono::DateTime<Utc>) -> Server {
    let db = TestDb::new().await;
    let store = db.open().await;
    let clock = ManualClock::new(at);
    let ctx = operator(&clock);
    let company = |code: &str, name: &str, kind: &str| NewOrg {
        code: code.into(),
        name: name.into(),
        kind: kind.into(),
    };
    setup::init(
        &store,
        &ctx,
        &InitInput {
            org: company("ACME", "艾克米產物保險", "company"),
            admin_email: "first.admin@acme.tw".into(),
            admin_name: "First".into(),
        },
    )
    .await
    .unwrap();
    for (code, name, kind) in [
        ("BETA", "貝塔產物保險", "company"),
        ("NLIA", "產險公會", "association"),
        ("FSC", "金管會", "regulator"),
    ] {
        orgs::add(&store, &ctx, &company(code, name, kind))
            .await
            .unwrap();
    }
    let policy = PasswordPolicy::default();
    for (org, email, role) in USERS {
        users::add(
            &store,
            &ctx,
            &policy,
            &UserInput {
                org: Some((*org).into()),
                email: (*email).into(),
                display_name: String::new(),
                role: (*role).into(),
                password: Some(PASSWORD.into()),
            },
        )
        .await
        .unwrap();
    }
    let params = Registry::builtin().unwrap().latest().unwrap().params;
    for (org, code) in [("ACME", "CORE"), ("BETA", "NETBUY")] {
        systems::add(
            &store,
            &ctx,
            &params,
            &SystemInput {
                org: Some(org.into()),
                code: code.into(),
                name: "核心保單系統".into(),
                class: "1".into(),
                sourcing: "in-house".into(),
                dev_unit: "資訊開發部".into(),
                maint_unit: "資訊維運部".into(),
                // Mid-January of the server's year (2026 for [`start`]).
                last_assessed: Some(format!("{}-01-15", chrono::Datelike::year(&at))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assets::add(
            &store,
            &ctx,
            &assets::AssetInput {
                org: Some(org.into()),
                code: format!("{code}-DB"),
                name: "保單資料庫".into(),
                kind: "data".into(),
                owner: "資訊部".into(),
                confidentiality: "3".into(),
                integrity: "3".into(),
                availability: "2".into(),
                description: String::new(),
            },
        )
        .await
        .unwrap();
    }
    let catalog = Registry::builtin().unwrap().latest().unwrap().clone();
    let state = AppState::new(
        store.clone(),
        catalog,
        Arc::new(clock.clone()),
        Config {
            auth: zilv_services::auth::AuthPolicy::default(),
            secure_cookies: false,
        },
    );
    let state = state.with_report_font(
        zilv_report::ReportFont::noto_sans_cjk_tc()
            .expect("the web tests need Noto Sans CJK TC: apt-get install -y fonts-noto-cjk"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        zilv_web::serve(listener, state).await.unwrap();
    });
    Server {
        base,
        store,
        clock,
        db,
    }
}

/// (organisation, e-mail, role) of every seeded user.
pub const USERS: &[(&str, &str, &str)] = &[
    ("ACME", "acme.security_officer@acme.tw", "security_officer"),
    ("ACME", "acme.system_owner@acme.tw", "system_owner"),
    ("ACME", "acme.hr@acme.tw", "hr"),
    ("ACME", "acme.internal_auditor@acme.tw", "internal_auditor"),
    ("ACME", "acme.assessor@acme.tw", "assessor"),
    ("BETA", "beta.security_officer@beta.tw", "security_officer"),
    (
        "NLIA",
        "nlia.association_admin@nlia.org.tw",
        "association_admin",
    ),
    (
        "NLIA",
        "nlia.committee_member@nlia.org.tw",
        "committee_member",
    ),
    ("FSC", "fsc.regulator_viewer@fsc.gov.tw", "regulator_viewer"),
];

/// An HTTP client that keeps cookies and does not follow redirects.
pub struct Browser {
    pub client: Client,
    pub base: String,
    pub cookies: HashMap<String, String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            // No kept-alive connections: the server may close one after refusing a body.
            client: Client::builder()
                .redirect(Policy::none())
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
            base: base.to_string(),
            cookies: HashMap::new(),
        }
    }

    fn keep(&mut self, headers: &HeaderMap) {
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            if val.is_empty() || v.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Response {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("cookie", self.cookie_header());
        if let Some(f) = form {
            req = req.form(f);
        }
        let res = req.send().await.unwrap();
        self.keep(res.headers());
        res
    }

    pub async fn get(&mut self, path: &str) -> Response {
        self.request(Method::GET, path, None).await
    }

    /// GET and return status and body.
    pub async fn page(&mut self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let s = r.status().as_u16();
        (s, r.text().await.unwrap())
    }

    /// POSTs a form with the session's anti-forgery token added.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut f: Vec<(&str, &str)> = form.to_vec();
        f.push(("_csrf", &token));
        self.request(Method::POST, path, Some(&f)).await
    }

    /// POSTs a multipart form (with an optional file field `evidence`), the
    /// anti-forgery token in the query string as the pages do.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Response {
        let token = self.csrf().await;
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        if let Some((name, bytes)) = file {
            form = form.part(
                "evidence",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
            );
        }
        let res = self
            .client
            .post(format!("{}{path}?_csrf={token}", self.base))
            .header("cookie", self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.keep(res.headers());
        res
    }

    /// The anti-forgery token shown on the account page.
    pub async fn csrf(&mut self) -> String {
        let (_, body) = self.page("/account").await;
        hidden_value(&body, "_csrf").unwrap_or_default()
    }

    /// Signs in through the form; returns the response of the POST.
    pub async fn sign_in_with(&mut self, email: &str, password: &str, totp: &str) -> Response {
        let (_, body) = self.page("/sign-in").await;
        let token = hidden_value(&body, "_csrf").expect("sign-in form has a token");
        self.request(
            Method::POST,
            "/sign-in",
            Some(&[
                ("_csrf", &token),
                ("email", email),
                ("password", password),
                ("totp", totp),
                ("next", "/"),
            ]),
        )
        .await
    }

    pub async fn sign_in(&mut self, email: &str) {
        let r = self.sign_in_with(email, PASSWORD, "").await;
        assert_eq!(
            r.status().as_u16(),
            303,
            "sign-in of {email} failed: {}",
            r.text().await.unwrap()
        );
    }

    /// JSON request with a bearer token.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }
}

/// The value of the hidden input `name` in an HTML page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

/// The text of the element with `id` (its first text run).
pub fn by_id(html: &str, id: &str) -> Option<String> {
    let needle = format!("id=\"{id}\"");
    let start = html.find(&needle)?;
    let open_end = html[start..].find('>')? + start + 1;
    let close = html[open_end..].find('<')? + open_end;
    Some(html[open_end..close].to_string())
}
