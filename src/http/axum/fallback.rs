//! [`fallback`]: the answer to a request no route matches.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};

use crate::Error;

/// A fallback handler for `Router::fallback`: a request no route matches
/// gets a `NOT_FOUND` error (HTTP 404) without a catalog code, since the
/// catalog has none for a missing route, in the server's JSON shape, with
/// the method and path as context. A gRPC request (`Content-Type:
/// application/grpc…`) gets `UNIMPLEMENTED` as tonic answers it, so one
/// fallback serves a port shared by gRPC and HTTP.
///
/// ```
/// let app: axum::Router = axum::Router::new().fallback(csghub_errorx::http::fallback);
/// ```
pub async fn fallback(request: Request) -> Response {
    let is_grpc = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/grpc"));
    if is_grpc {
        return tonic::Status::unimplemented("").into_http();
    }
    Error::uncataloged(tonic::Code::NotFound, "no route matches the request")
        .with_context("method", request.method())
        .with_context("path", request.uri().path())
        .into_response()
}
