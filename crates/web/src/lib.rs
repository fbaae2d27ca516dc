//! `recount serve`: a JSON API over a [`Store`], described by an OpenAPI 3 document at
//! `/openapi.json`; API tokens with roles; and a dashboard in English and Chinese,
//! rendered on the server (maud escapes every value), with the map of China and the
//! timeline drawn as inline SVG from data compiled into the binary. Nothing is fetched
//! at run time and no script runs in the page.
//!
//! The store is synchronous: each request takes it behind a mutex inside
//! `spawn_blocking`, so a slow query never stalls the async workers. Any backend of the
//! [`Store`] trait plugs in.

mod api;
mod auth;
mod error;
mod i18n;
mod map;
mod pages;
mod query;

use auth::BearerScheme;
pub use auth::{hash_secret, new_secret};
pub use error::ApiError;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::Router;
use recount_search::SearchIndex;
use recount_store::{Signer, SigningKey, Store};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// How the server behaves.
pub struct Config {
    /// Reads (API and dashboard) without a token; otherwise a reader token is needed.
    pub public_reads: bool,
    /// The log's signing key: after each review action a checkpoint is signed, as the
    /// command line does. Without it the actions are logged and signed at the next
    /// `recount checkpoint`.
    pub signer: Option<(String, SigningKey)>,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// Longest a request may take before it is answered 408.
    pub timeout: Duration,
    /// Longest a client may take to send a request's line and headers (and a kept-alive
    /// connection may wait for its next request) before the connection is closed.
    pub header_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_reads: true,
            signer: None,
            max_body: 1 << 20,
            timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// What every handler shares: the store, the search index and the configuration.
#[derive(Clone)]
pub struct AppState {
    store: Arc<Mutex<Box<dyn Store + Send>>>,
    config: Arc<Config>,
    search: Option<Arc<SearchIndex>>,
}

/// A search hit with its incident.
pub(crate) type Found = (recount_search::Hit, recount_model::Incident);

impl AppState {
    pub fn new(store: Box<dyn Store + Send>, config: Config) -> Self {
        AppState {
            store: Arc::new(Mutex::new(store)),
            config: Arc::new(config),
            search: None,
        }
    }

    /// Searches go to this full-text index (kept current from the store's change feed
    /// before each search); without one, `q` is the store's substring filter.
    pub fn with_search(mut self, index: SearchIndex) -> Self {
        self.search = Some(Arc::new(index));
        self
    }

    /// The incidents matching words and a filter, best first, at most `limit`; `None`
    /// when the server has no search index.
    pub(crate) async fn search(
        &self,
        q: String,
        filter: recount_store::Filter,
        limit: usize,
    ) -> Result<Option<Vec<Found>>, ApiError> {
        let Some(index) = self.search.clone() else {
            return Ok(None);
        };
        self.with_store(move |store| {
            // Busy: another process is writing the index; search what it committed.
            index.catch_up(store).map_err(search_error)?;
            let hits = index.search(&q, &filter, limit).map_err(search_error)?;
            let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
            let mut incidents: std::collections::HashMap<String, recount_model::Incident> = store
                .incidents_by_id(&ids)?
                .into_iter()
                .map(|i| (i.id.clone(), i))
                .collect();
            Ok(Some(
                hits.into_iter()
                    .filter_map(|h| incidents.remove(&h.id).map(|i| (h, i)))
                    .collect(),
            ))
        })
        .await
    }

    /// Runs `f` with the store on a blocking thread.
    pub(crate) async fn with_store<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store) -> Result<T, ApiError> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            // A handler that panicked cannot have left a transaction open: the store
            // commits or rolls back inside each call, so the data behind a poisoned
            // lock is sound.
            let mut guard = store.lock().unwrap_or_else(|p| p.into_inner());
            f(guard.as_mut())
        })
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
    }

    /// Signs a checkpoint after a write, when the server holds the key.
    pub(crate) fn sign(&self, store: &mut dyn Store) -> Result<(), ApiError> {
        if let Some((origin, key)) = &self.config.signer {
            store
                .checkpoint(&Signer { origin, key })
                .map_err(ApiError::from)?;
        }
        Ok(())
    }
}

fn search_error(e: recount_search::SearchError) -> ApiError {
    match e {
        recount_search::SearchError::EmptyQuery => ApiError::bad_request(format!("q: {e}")),
        recount_search::SearchError::Store(e) => e.into(),
        e => ApiError::internal(e.to_string()),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "recount",
        description = "Incidents (accidents, strikes, protests, corruption cases) with every claimed figure, its source and speaker; the archived originals; the tamper-evident log; review actions.",
        license(name = "MIT", identifier = "MIT")
    ),
    components(schemas(error::ErrorBody, error::ErrorDetail)),
    modifiers(&BearerScheme),
    tags(
        (name = "incidents", description = "Listing, one incident, search and statistics"),
        (name = "sources", description = "Archived originals"),
        (name = "log", description = "Checkpoints, inclusion and consistency proofs"),
        (name = "review", description = "Edits, merges and splits (editor tokens)"),
        (name = "tokens", description = "API tokens (admin tokens)"),
        (name = "dashboard", description = "The HTML dashboard")
    )
)]
struct ApiDoc;

/// The routes of the application and the OpenAPI document that describes them, built
/// together so that no route can be missing from the document.
fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(api::routes())
        .merge(pages::routes())
        .split_for_parts()
}

/// The application: every route, the OpenAPI document at `/openapi.json`, JSON errors
/// for unknown routes and for every refusal of axum's and tower-http's own (see
/// [`error::json_errors`]), bounded bodies and times, and headers that keep a browser from
/// running or framing anything the server did not write.
pub fn app(state: AppState) -> Router {
    let (router, _) = routes();
    let max_body = state.config.max_body;
    let timeout = state.config.timeout;
    router
        .fallback(|| async { ApiError::not_found("no such route") })
        .with_state(state)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        // Outside the limits and the timeout, so that their answers become JSON too.
        .layer(axum::middleware::map_response(error::json_errors))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
}

/// The OpenAPI document, as `/openapi.json` serves it; built once.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(|| routes().1)
}

/// Serves the application on `listener` until Ctrl-C; see [`serve_until`].
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves the application on `listener` (HTTP/1.1) until `shutdown` completes, then lets
/// the requests in flight finish (for at most the request timeout). A client must send
/// each request's line and headers within [`Config::header_timeout`], and a kept-alive
/// connection is closed when no request starts within it: a client that connects and
/// sends nothing, or a few bytes at a time, holds its connection no longer than that.
/// (axum's own `serve` has no such bound, hence the connections are built here.)
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;

    let header_timeout = state.config.header_timeout;
    let drain = state.config.timeout + header_timeout;
    let app = app(state);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A connection lost before it was accepted, or no descriptor left for it:
                // that connection fails, the server goes on (after a breath, when the
                // process is out of descriptors).
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection that fails (closed by the client, headers too slow) ends alone.
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(drain, graceful.shutdown()).await;
    Ok(())
}
