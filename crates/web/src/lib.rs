//! The web application: server-rendered pages in Traditional Chinese and
//! English, and the REST API under `/api/v1`, over the services.
mod api;
mod auth;
mod clock;
mod cookies;
mod dates;
mod error;
mod forms;
mod headers;
mod i18n;
mod ical;
mod imports;
mod layout;
mod multipart;
mod pages;
mod state;

use std::net::SocketAddr;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;

pub use clock::{Clock, FixedDayClock, ManualClock, SystemClock};
pub use state::{AppState, Config};

/// Largest request body accepted (forms and JSON), in bytes.
pub const MAX_BODY: usize = 1024 * 1024;

/// Every route of the application, with its security layers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .route(
            "/api/openapi.json",
            axum::routing::get(api::openapi::document),
        )
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn(headers::security_headers))
        .layer(CatchPanicLayer::custom(error::panicked))
        .with_state(state)
}

/// Serves until the process is stopped (Ctrl-C or SIGTERM).
pub async fn serve(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
