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
}

impl AppState {
    pub fn new(store: Store, catalog: Catalog, clock: Arc<dyn Clock>, config: Config) -> Self {
        AppState {
            store,
            catalog: Arc::new(catalog),
            clock,
            config: Arc::new(config),
        }
    }

    pub fn params(&self) -> &Parameters {
        &self.catalog.params
    }
}
