//! `IntoResponse for Error`.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::HeaderMap;

use crate::http::HttpErrors;
use crate::Error;

impl IntoResponse for Error {
    /// The catalog's HTTP status, the headers of
    /// [`HttpErrors::render`], and the Google AIP-193 body; the error
    /// itself rides in the response's extensions, for an
    /// [`HttpErrorLayer`](crate::http::HttpErrorLayer) to render it in the
    /// server's shape (or as problem details) and log its source. The
    /// source is never rendered.
    fn into_response(self) -> Response {
        let (mut parts, body) = HttpErrors::new()
            .render(&self, &HeaderMap::new())
            .into_parts();
        parts.extensions.insert(self);
        Response::from_parts(parts, Body::from(body))
    }
}
