//! The blastradius server: an HTTP JSON API for everything the CLI does (models, what-if, cut
//! sets, availability, importance), a history of every run in SQLite, an OpenAPI document, and
//! a dashboard whose pages and scripts are embedded in the binary.

mod api;
mod assets;
mod graph;
mod store;

use std::future::Future;
use std::sync::Arc;

use blastradius_model::ModelError;

pub use api::OPENAPI;
pub use store::{ModelRecord, ModelSummary, RunFilter, RunSummary, Store, StoreError};

/// How the server behaves; [`Config::new`] gives the defaults for a token.
#[derive(Clone, Debug)]
pub struct Config {
    /// The bearer token that mutating requests (uploads, analyses) must carry.
    pub token: String,
    /// The largest request body accepted, in bytes (so also the largest model); larger ones get
    /// 413.
    pub max_body_bytes: usize,
    /// How many parsed models are kept in memory.
    pub max_cached_models: usize,
    /// How many analyses run at once; more wait their turn.
    pub max_concurrent_analyses: usize,
}

impl Config {
    /// The defaults: 64 MiB bodies (a 10,000-component model is about 1 MiB), 16 cached models,
    /// and as many concurrent analyses as `parallelism`.
    pub fn new(token: String, parallelism: usize) -> Self {
        Self {
            token,
            max_body_bytes: 64 * 1024 * 1024,
            max_cached_models: 16,
            max_concurrent_analyses: parallelism.max(1),
        }
    }
}

/// Why a model could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddModelError {
    /// It failed validation.
    #[error("the model is invalid")]
    Invalid(ModelError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates a model file's bytes and stores it under `file` (the name its diagnostics use);
/// returns the stored model and its validation document (the CLI's `validate --format json`).
/// A model stored before with the same name and text keeps its id. Linear in the model's size.
pub fn add_model(
    store: &Store,
    file: &str,
    bytes: &[u8],
) -> Result<(ModelSummary, String), AddModelError> {
    let catalog = blastradius_catalog::Catalog::builtin();
    let model =
        blastradius_catalog::load_model(&catalog, file, bytes).map_err(AddModelError::Invalid)?;
    let validation = blastradius_report::validation_json(file, &model);
    // A valid model is UTF-8: `load` refuses anything else.
    let source = String::from_utf8_lossy(bytes);
    let summary = store.insert_model(file, model.name(), &source, &validation)?;
    Ok((summary, validation))
}

/// Serves the API and dashboard on `listener` until `shutdown` completes, then finishes the
/// requests under way.
///
/// # Errors
/// When accepting connections fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<Store>,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = api::router(store, config);
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
