//! A minimal W3C WebDriver client over HTTP, driving Debian's chromium
//! through chromedriver: enough to sign in, click, type and take screenshots.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Driver {
    child: Child,
    profile: PathBuf,
    http: reqwest::Client,
    base: String,
    session: String,
}

fn need(path: &str, package: &str) {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: install Debian's {package} (scripts/test does)"
    );
}

impl Driver {
    /// Starts chromedriver on a free port and a headless Chromium session.
    pub async fn start() -> Driver {
        need("/usr/bin/chromium", "chromium");
        need("/usr/bin/chromedriver", "chromium-driver");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let http = reqwest::Client::new();
        let base = format!("http://127.0.0.1:{port}");
        let mut ready = false;
        for _ in 0..100 {
            if let Ok(r) = http.get(format!("{base}/status")).send().await {
                if r.json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == true)
                {
                    ready = true;
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(ready, "chromedriver did not become ready on port {port}");
        let profile = tempfile_dir();
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    "--lang=zh-TW", format!("--user-data-dir={}", profile.display())
                ]
            }
        } } });
        let v: Value = http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string();
        Driver {
            child,
            profile,
            http,
            base,
            session,
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let v: Value = req.send().await.unwrap().json().await.unwrap();
        if let Some(err) = v["value"].get("error") {
            panic!("WebDriver {path}: {err} {}", v["value"]["message"]);
        }
        v["value"].clone()
    }

    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Waits (up to 10 s) until the browser is at `url`, then returns it;
    /// a click that submits a form returns before the next page is there.
    pub async fn wait_for_url(&self, url: &str) -> String {
        let mut now = self.url().await;
        for _ in 0..100 {
            if now == url {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            now = self.url().await;
        }
        now
    }

    /// Waits (up to 10 s) until the first element matching `css` has text
    /// starting with `prefix`; returns the text last seen.
    pub async fn wait_for_text(&self, css: &str, prefix: &str) -> String {
        let mut text = String::new();
        for _ in 0..100 {
            text = self.try_text(css).await.unwrap_or_default();
            if text.starts_with(prefix) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        text
    }

    async fn try_text(&self, css: &str) -> Option<String> {
        let url = format!("{}/session/{}/element", self.base, self.session);
        let v: Value = self
            .http
            .post(url)
            .json(&json!({ "using": "css selector", "value": css }))
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        let e = v["value"][ELEMENT].as_str()?.to_string();
        let url = format!("{}/session/{}/element/{e}/text", self.base, self.session);
        let v: Value = self.http.get(url).send().await.ok()?.json().await.ok()?;
        v["value"].as_str().map(str::to_string)
    }

    pub async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", None)
            .await
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn find(&self, css: &str) -> String {
        let v = self
            .call(
                reqwest::Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    pub async fn text(&self, css: &str) -> String {
        let e = self.find(css).await;
        let v = self
            .call(reqwest::Method::GET, &format!("/element/{e}/text"), None)
            .await;
        v.as_str().unwrap().to_string()
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    pub async fn click(&self, css: &str) {
        let e = self.find(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{e}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Sets an input's value directly (date inputs take keys in the browser's locale).
    pub async fn set_value(&self, css: &str, value: &str) {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": "document.querySelector(arguments[0]).value = arguments[1];", "args": [css, value] })),
        )
        .await;
    }

    /// Saves a PNG of the viewport under the test-artifacts folder; returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let v = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
        let dir = artifacts();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
        path
    }

    pub async fn quit(mut self) {
        let _ = self
            .http
            .delete(format!("{}/session/{}", self.base, self.session))
            .send()
            .await;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// `target/test-artifacts/e2e` of the workspace (or of CARGO_TARGET_DIR).
pub fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("test-artifacts").join("e2e")
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "zilv-chromium-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(7);
    h.finish()
}

impl Driver {
    /// Runs `script` in the page with `args`; returns what it returns.
    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }
}
