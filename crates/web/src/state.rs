//! What every request handler shares: the store, the catalog, the clock and the settings.
use std::sync::Arc;

use zilv_catalog::{Catalog, Parameters};
use zilv_services::auth::AuthPolicy;
use zilv_store::Store;

use crate::clock::Clock;

/// Settings of a running server.
#[derive(Debug, Clone)]
pub struct Config {
    pub auth: AuthPolicy,
    /// Mark cookies `Secure`: set when the server is reached over HTTPS.
    pub secure_cookies: bool,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub catalog: Arc<Catalog>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<Config>,
    /// The directory whose files an IOC review may name instead of uploads.
    pub ioc_dir: Option<Arc<std::path::PathBuf>>,
    /// The font EVAL-8 report PDFs embed, loaded once at start; `None` when
    /// none is installed or configured (reports cannot be rendered then).
    pub report_font: Option<zilv_report::ReportFont>,
}

impl AppState {
    pub fn new(store: Store, catalog: Catalog, clock: Arc<dyn Clock>, config: Config) -> Self {
        AppState {
            store,
            catalog: Arc::new(catalog),
            clock,
            config: Arc::new(config),
            ioc_dir: None,
            report_font: None,
        }
    }

    /// Renders EVAL-8 reports with `font` (cheap to clone: shared).
    pub fn with_report_font(mut self, font: zilv_report::ReportFont) -> Self {
        self.report_font = Some(font);
        self
    }

    /// Lets IOC reviews read files under `dir` (server-side logs).
    pub fn with_ioc_dir(mut self, dir: std::path::PathBuf) -> Self {
        self.ioc_dir = Some(Arc::new(dir));
        self
    }

    pub fn params(&self) -> &Parameters {
        &self.catalog.params
    }
}
