//! The dashboard's files, embedded in the binary so the server needs no build step, no files
//! beside it and no network at run time.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;

/// Name, content type and bytes of each file under `/assets/`.
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("app.js", "text/javascript; charset=utf-8", include_bytes!("../assets/app.js")),
    ("style.css", "text/css; charset=utf-8", include_bytes!("../assets/style.css")),
    (
        "cytoscape.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/cytoscape.min.js"),
    ),
    ("NOTICE.md", "text/markdown; charset=utf-8", include_bytes!("../assets/NOTICE.md")),
];

fn page(content_type: &'static str, bytes: &'static [u8]) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        bytes,
    )
        .into_response()
}

/// The dashboard's single page.
pub(crate) async fn index() -> Response {
    page("text/html; charset=utf-8", include_bytes!("../assets/index.html"))
}

/// One embedded file by name.
pub(crate) async fn asset(Path(name): Path<String>) -> Result<Response, ApiError> {
    ASSETS
        .iter()
        .find(|(asset, _, _)| *asset == name)
        .map(|&(_, content_type, bytes)| page(content_type, bytes))
        .ok_or_else(|| ApiError::NotFound(format!("asset `{name}`")))
}
