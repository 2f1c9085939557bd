//! The HTTP routes: the JSON API over models, analyses and run history, the OpenAPI document,
//! and the embedded dashboard. Every error leaves through [`ApiError`], mapped to a status and a
//! `{"error": {"message": …}}` body in one function.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use blastradius_analysis::{Lowering, WhatIfIndex};
use blastradius_model::{Model, ModelError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::store::{RunFilter, Store, StoreError};
use crate::{Config, assets, graph};

/// The OpenAPI 3.1 document describing this API, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Why a request failed; [`ApiError::status`] is the one place that picks the HTTP status.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// No or wrong `Authorization: Bearer` token on a mutating request.
    Unauthorized,
    /// The path names no model, run or page.
    NotFound(String),
    /// The body is not what the endpoint reads (not JSON, unknown fields, wrong types).
    BadRequest(String),
    /// The body is larger than the server accepts.
    TooLarge(usize),
    /// The uploaded model failed validation; carries every located diagnostic.
    InvalidModel(ModelError),
    /// The request is well formed but names something the model lacks, or asks for more than
    /// the engine can do.
    Unprocessable(String),
    /// The history store failed.
    Store(StoreError),
    /// A bug: a task panicked or a stored model no longer loads.
    Internal(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::InvalidModel(_) | Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Store(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn body(&self) -> Value {
        let message = match self {
            Self::Unauthorized => "this request changes the store and needs the header `Authorization: Bearer <token>` with the token the server printed at start".to_owned(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::BadRequest(message) | Self::Unprocessable(message) | Self::Internal(message) => {
                message.clone()
            }
            Self::TooLarge(limit) => format!("the request body is over the limit of {limit} bytes"),
            Self::InvalidModel(error) => {
                let n_errors = error.errors().count();
                format!("{}: invalid model ({n_errors} error{})", error.file, if n_errors == 1 { "" } else { "s" })
            }
            Self::Store(error) => format!("history store: {error}"),
        };
        let mut error = json!({ "message": message });
        if let Self::InvalidModel(model_error) = self {
            // The same document as `blastradius validate --format json`, beside the message.
            let diagnostics: Value =
                serde_json::from_str(&blastradius_report::model_error_json(model_error))
                    .expect("the report crate writes JSON");
            if let (Some(error), Value::Object(fields)) = (error.as_object_mut(), diagnostics) {
                error.extend(fields);
            }
        }
        json!({ "error": error })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), json_body(self.body().to_string())).into_response();
        if matches!(self, Self::Unauthorized) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

fn json_body(text: String) -> ([(header::HeaderName, HeaderValue); 1], String) {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], text)
}

/// A model ready to analyse: parsed once, with its what-if index, and its fault-tree lowering
/// built on first use.
struct Loaded {
    model: Model,
    index: WhatIfIndex,
    lowering: OnceLock<Lowering>,
}

/// Shared by every request.
pub(crate) struct AppState {
    store: Arc<Store>,
    config: Config,
    /// Parsed models by id; at most `config.max_cached_models`, the lowest ids evicted first.
    models: Mutex<HashMap<i64, Arc<Loaded>>>,
    /// Bounds the analyses running at once, so a burst queues instead of starving the runtime.
    analyses: Arc<Semaphore>,
}

/// The router for the whole server: API, OpenAPI document and dashboard.
pub(crate) fn router(store: Arc<Store>, config: Config) -> Router {
    let permits = config.max_concurrent_analyses.max(1);
    let max_body = config.max_body_bytes;
    let state = Arc::new(AppState {
        store,
        config,
        models: Mutex::new(HashMap::new()),
        analyses: Arc::new(Semaphore::new(permits)),
    });
    Router::new()
        .route("/api/health", get(health))
        .route("/api/models", get(list_models).post(upload_model))
        .route("/api/models/{id}", get(get_model))
        .route("/api/models/{id}/source", get(model_source))
        .route("/api/models/{id}/graph", get(model_graph))
        .route("/api/models/{id}/what-if", axum::routing::post(run_what_if))
        .route("/api/models/{id}/cutsets", axum::routing::post(run_cut_sets))
        .route("/api/models/{id}/availability", axum::routing::post(run_availability))
        .route("/api/models/{id}/importance", axum::routing::post(run_importance))
        .route("/api/runs", get(list_runs))
        .route("/api/runs/{id}", get(get_run))
        .route("/openapi.json", get(openapi))
        .route("/", get(assets::index))
        .route("/assets/{name}", get(assets::asset))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

type Shared = State<Arc<AppState>>;

async fn not_found() -> ApiError {
    ApiError::NotFound("page".to_owned())
}

async fn health() -> Response {
    json_body(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }).to_string())
        .into_response()
}

async fn openapi() -> Response {
    json_body(OPENAPI.to_owned()).into_response()
}

/// Runs blocking work (SQLite, analyses) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(format!("the request's task failed: {e}")))?
}

/// Checks the bearer token of a mutating request, in time independent of where it differs.
fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let expected = state.config.token.as_bytes();
    let same = given.len() == expected.len()
        && given.bytes().zip(expected).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same { Ok(()) } else { Err(ApiError::Unauthorized) }
}

fn body_bytes(state: &AppState, body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(state.config.max_body_bytes)
        } else {
            ApiError::BadRequest(rejection.body_text())
        }
    })
}

/// Reads a JSON request body; an empty body reads as `{}`.
fn parse_params<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { bytes };
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("the request body is not valid here: {e}")))
}

fn parse_id(text: &str, what: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| ApiError::NotFound(format!("{what} `{text}`")))
}

async fn list_models(State(state): Shared) -> Result<Response, ApiError> {
    let models = blocking(move || Ok(state.store.list_models()?)).await?;
    Ok(json_body(json!({ "models": models }).to_string()).into_response())
}

#[derive(Deserialize)]
struct UploadQuery {
    file: Option<String>,
}

async fn upload_model(
    State(state): Shared,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let bytes = body_bytes(&state, body)?;
    let file = query.file.unwrap_or_else(|| "upload.yaml".to_owned());
    let (summary, validation) = blocking(move || {
        let stored = crate::add_model(&state.store, &file, &bytes).map_err(|e| match e {
            crate::AddModelError::Invalid(error) => ApiError::InvalidModel(error),
            crate::AddModelError::Store(error) => ApiError::Store(error),
        })?;
        Ok(stored)
    })
    .await?;
    let document = model_document(&summary, &validation);
    let location = format!("/api/models/{}", summary.id);
    let mut response = (StatusCode::CREATED, json_body(document.to_string())).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

fn model_document(summary: &crate::store::ModelSummary, validation: &str) -> Value {
    let mut document = serde_json::to_value(summary).expect("summaries serialize");
    let validation: Value = serde_json::from_str(validation).unwrap_or(Value::Null);
    document["validation"] = validation;
    document
}

async fn get_model(State(state): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = parse_id(&id, "model")?;
    let record = blocking(move || {
        state.store.model(id)?.ok_or_else(|| ApiError::NotFound(format!("model {id}")))
    })
    .await?;
    Ok(json_body(model_document(&record.summary, &record.validation).to_string()).into_response())
}

async fn model_source(State(state): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = parse_id(&id, "model")?;
    let record = blocking(move || {
        state.store.model(id)?.ok_or_else(|| ApiError::NotFound(format!("model {id}")))
    })
    .await?;
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/yaml; charset=utf-8"))],
        record.source,
    )
        .into_response())
}

/// The parsed model `id`, from the cache or parsed from the store.
fn loaded(state: &AppState, id: i64) -> Result<Arc<Loaded>, ApiError> {
    let lock = |models: &Mutex<HashMap<i64, Arc<Loaded>>>| {
        models.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&id).cloned()
    };
    if let Some(found) = lock(&state.models) {
        return Ok(found);
    }
    let record = state.store.model(id)?.ok_or_else(|| ApiError::NotFound(format!("model {id}")))?;
    let catalog = blastradius_catalog::Catalog::builtin();
    let source = record.source.as_bytes();
    let model =
        blastradius_catalog::load_model(&catalog, &record.summary.file, source).map_err(|e| {
            ApiError::Internal(format!(
                "stored model {id} no longer loads: {} problems",
                e.diagnostics.len()
            ))
        })?;
    let index = WhatIfIndex::new(&model);
    let loaded = Arc::new(Loaded { model, index, lowering: OnceLock::new() });
    let mut models = state.models.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    while models.len() >= state.config.max_cached_models.max(1) {
        let Some(&oldest) = models.keys().min() else { break };
        models.remove(&oldest);
    }
    Ok(models.entry(id).or_insert(loaded).clone())
}

async fn model_graph(State(state): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = parse_id(&id, "model")?;
    let text = blocking(move || Ok(graph::graph_json(&loaded(&state, id)?.model))).await?;
    Ok(json_body(text).into_response())
}

/// What a what-if request reads.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct WhatIfParams {
    fail: Vec<String>,
}

/// What a cut-set request reads.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct CutSetsParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_order: Option<u32>,
}

/// What an availability request reads: nothing yet.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct AvailabilityParams {}

/// What an importance request reads.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ImportanceParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    function: Option<String>,
}

/// The indices of the functions to analyse: the one named, or all of them.
fn selected_functions(model: &Model, function: Option<&str>) -> Result<Vec<usize>, ApiError> {
    let Some(name) = function else {
        return Ok((0..model.functions().len()).collect());
    };
    match model.functions().iter().position(|f| f.id == name) {
        Some(index) => Ok(vec![index]),
        None if model.functions().is_empty() => Err(ApiError::Unprocessable(format!(
            "function `{name}`: the model declares no functions"
        ))),
        None => {
            let known: Vec<&str> = model.functions().iter().map(|f| f.id.as_str()).collect();
            Err(ApiError::Unprocessable(format!(
                "function `{name}`: no such function; the model has {}",
                known.join(", ")
            )))
        }
    }
}

fn engine_error(
    model: &Model,
    function: usize,
    error: blastradius_analysis::EngineError,
) -> ApiError {
    ApiError::Unprocessable(format!(
        "function `{}`: {error}: too large to analyse exactly",
        model.functions()[function].id
    ))
}

/// Runs one analysis on model `id` under the concurrency limit, stores it with its inputs and
/// result in one transaction, and answers 201 with the result (the CLI's `--format json`
/// document) and the run's address in `Location` and `X-Run-Id`.
async fn analysis<P>(
    state: Arc<AppState>,
    headers: HeaderMap,
    id: String,
    body: Result<Bytes, BytesRejection>,
    kind: &'static str,
    analyse: fn(&Loaded, &P) -> Result<String, ApiError>,
) -> Result<Response, ApiError>
where
    P: serde::de::DeserializeOwned + Serialize + Send + 'static,
{
    authorize(&state, &headers)?;
    let bytes = body_bytes(&state, body)?;
    let id = parse_id(&id, "model")?;
    let params: P = parse_params(&bytes)?;
    let _permit = Arc::clone(&state.analyses)
        .acquire_owned()
        .await
        .map_err(|_| ApiError::Internal("the server is shutting down".to_owned()))?;
    let run = blocking(move || {
        let model = loaded(&state, id)?;
        #[allow(clippy::disallowed_methods, reason = "the server times the runs it stores")]
        let started = std::time::Instant::now();
        let result = analyse(&model, &params)?;
        let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        let params = serde_json::to_string(&params).expect("params serialize");
        let run = state.store.insert_run(id, kind, &params, &result, duration_ms)?;
        Ok((run.id, result))
    })
    .await?;
    let (run_id, result) = run;
    let mut response = (StatusCode::CREATED, json_body(result)).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&format!("/api/runs/{run_id}")) {
        headers.insert(header::LOCATION, value);
    }
    headers.insert("x-run-id", HeaderValue::from(run_id));
    Ok(response)
}

async fn run_what_if(
    State(state): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    analysis(state, headers, id, body, "what-if", |loaded, params: &WhatIfParams| {
        let model = &loaded.model;
        if params.fail.is_empty() {
            return Err(ApiError::Unprocessable(
                "`fail` is empty: name at least one id to fail".to_owned(),
            ));
        }
        let mut failed = Vec::with_capacity(params.fail.len());
        for name in &params.fail {
            match model.lookup(name) {
                Some(node) => failed.push(node),
                None => {
                    let hint = model
                        .closest_id(name)
                        .map(|id| format!("; did you mean `{id}`?"))
                        .unwrap_or_default();
                    return Err(ApiError::Unprocessable(format!(
                        "fail `{name}`: no component or provider node has this id{hint}"
                    )));
                }
            }
        }
        let result = blastradius_analysis::what_if(model, &loaded.index, &failed);
        Ok(blastradius_report::what_if_json(model, &result))
    })
    .await
}

async fn run_cut_sets(
    State(state): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    analysis(state, headers, id, body, "cutsets", |loaded, params: &CutSetsParams| {
        let model = &loaded.model;
        if params.max_order == Some(0) {
            return Err(ApiError::Unprocessable("`max_order` must be at least 1".to_owned()));
        }
        let functions = selected_functions(model, params.function.as_deref())?;
        let lowering = loaded.lowering.get_or_init(|| Lowering::new(model));
        let mut results = Vec::with_capacity(functions.len());
        for index in functions {
            let sets = blastradius_analysis::cut_sets(lowering, model, index, params.max_order)
                .map_err(|e| engine_error(model, index, e))?;
            results.push((index, sets));
        }
        Ok(blastradius_report::cut_sets_json(
            model,
            &results,
            params.max_order,
            params.function.is_some(),
        ))
    })
    .await
}

async fn run_availability(
    State(state): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    analysis(state, headers, id, body, "availability", |loaded, _: &AvailabilityParams| {
        let model = &loaded.model;
        let report = blastradius_analysis::availability(model).map_err(|e| {
            ApiError::Unprocessable(format!("{e}: the model is too large to analyse exactly"))
        })?;
        Ok(blastradius_report::availability_json(model, &report))
    })
    .await
}

async fn run_importance(
    State(state): Shared,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    analysis(state, headers, id, body, "importance", |loaded, params: &ImportanceParams| {
        let model = &loaded.model;
        let functions = selected_functions(model, params.function.as_deref())?;
        let lowering = loaded.lowering.get_or_init(|| Lowering::new(model));
        let mut results = Vec::with_capacity(functions.len());
        for index in functions {
            results.push(
                blastradius_analysis::importance(lowering, model, index)
                    .map_err(|e| engine_error(model, index, e))?,
            );
        }
        Ok(blastradius_report::importance_json(model, &results, params.function.is_some()))
    })
    .await
}

#[derive(Deserialize)]
struct RunsQuery {
    model: Option<i64>,
    kind: Option<String>,
    before: Option<i64>,
    limit: Option<u32>,
}

/// The most runs one listing returns.
const MAX_RUNS_LISTED: u32 = 500;

async fn list_runs(
    State(state): Shared,
    query: Result<Query<RunsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let filter = RunFilter {
        model_id: query.model,
        kind: query.kind,
        before: query.before,
        limit: query.limit.unwrap_or(50).clamp(1, MAX_RUNS_LISTED),
    };
    let runs = blocking(move || Ok(state.store.list_runs(&filter)?)).await?;
    Ok(json_body(json!({ "runs": runs }).to_string()).into_response())
}

async fn get_run(State(state): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = parse_id(&id, "run")?;
    let (summary, result) = blocking(move || {
        state.store.run(id)?.ok_or_else(|| ApiError::NotFound(format!("run {id}")))
    })
    .await?;
    let mut document = serde_json::to_value(&summary).expect("summaries serialize");
    document["result"] = serde_json::from_str(&result).unwrap_or(Value::String(result));
    Ok(json_body(document.to_string()).into_response())
}
