//! HTTP/JSON (feature `json`; axum support with feature `axum`): one
//! [`Error`](crate::Error) renders correctly to every JSON client, and
//! decodes back from every JSON error shape in use.
//!
//! **Server.** An error renders with its catalog HTTP status, as
//! - Google's AIP-193 error (the default): `{"error":{"code":404,
//!   "message":…,"status":"NOT_FOUND","details":[{"@type":
//!   "type.googleapis.com/google.rpc.ErrorInfo",…},…]}}`, details in proto3
//!   JSON, ErrorInfo first;
//! - CSGHub's envelope, for its existing frontend, when the server is
//!   configured so ([`JsonShape::Csghub`]): `{"code":"GIT-ERR-8",
//!   "msg":"GIT-ERR-8: …","context":{…}}`;
//! - RFC 9457 problem details (`application/problem+json`) when the
//!   request's `Accept` prefers them, whatever the configured shape;
//! - the Connect protocol's error ([`JsonShape::Connect`]), for a Connect
//!   client's request (`Connect-Protocol-Version`) whatever the configured
//!   shape: `{"code":"not_found","message":…,"details":[{"type":…,
//!   "value":"<base64>","debug":{…}}]}`.
//!
//! with `Retry-After` from a `RetryInfo`, `WWW-Authenticate: Bearer` on
//! 401, `Vary: Accept, Accept-Language`, and `Content-Language` when the
//! body is localized. The source is logged, never rendered;
//! `DebugInfo` only if the server opts in. [`HttpErrors`] holds the
//! configuration and renders on plain `http` types for any framework; with
//! axum, handlers return the [`Error`](crate::Error) itself, the extractors
//! [`Json`], [`Path`] and [`Query`] reject with catalog errors (never
//! plain text), [`fallback`] answers unknown routes, and
//! [`HttpErrorLayer`] renders in the configured shape and logs one line
//! per request.
//!
//! ```
//! use axum::routing::get;
//! use csghub_errorx::http::{HttpErrors, JsonShape, Path};
//! use csghub_errorx::{Error, ErrorCode};
//!
//! async fn repo(Path(name): Path<String>) -> Result<String, Error> {
//!     Err(Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", name))
//! }
//!
//! let app: axum::Router = axum::Router::new()
//!     .route("/v1/repos/{name}", get(repo))
//!     .fallback(csghub_errorx::http::fallback)
//!     .layer(HttpErrors::new().shape(JsonShape::Google).into_layer());
//! ```
//!
//! **One port, and browsers.** `OnePort` (feature `axum`) serves gRPC,
//! gRPC-Web (feature `grpc-web`) and REST routes on one port, each request
//! logged once by the layer that understands it; `grpc_web_cors`
//! (feature `grpc-web`) is the CORS preset for pages of other origins.
//!
//! **Client.** [`Error::from_http_response`](crate::Error::from_http_response)
//! decodes any JSON error body: the AIP-193 wrapper, the bare
//! `google.rpc.Status` of grpc-gateway and Envoy, CSGHub's envelope,
//! problem details, Connect's error; a body that is not JSON (a proxy's HTML page) gives
//! an error with the HTTP status's gRPC code, never a parse failure.
//!
//! ```
//! use csghub_errorx::{Error, ErrorCode};
//! use http::{HeaderMap, StatusCode};
//!
//! let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", "ns/x");
//! let response = error.to_http_response(&HeaderMap::new());
//!
//! let decoded = Error::from_http_response(response.status(), response.headers(), response.body().as_bytes());
//! assert!(decoded.is(ErrorCode::GIT_REPO_NOT_FOUND));
//! assert_eq!(decoded.context().get("repo"), Some("ns/x"));
//! ```

mod accept;
#[cfg(feature = "axum")]
mod axum;
mod connect_json;
#[cfg(feature = "grpc-web")]
mod cors;
mod csghub_json;
mod decode_json;
mod detail_from_json;
mod detail_json;
mod error_body;
mod event;
mod google_json;
mod http_errors;
mod json_shape;
mod layer;
#[cfg(feature = "axum")]
mod one_port;
mod problem_json;

#[cfg(feature = "axum")]
pub use self::axum::{fallback, Json, Path, Query};
#[cfg(feature = "grpc-web")]
pub use cors::{grpc_web_cors, GRPC_WEB_ALLOWED_HEADERS, GRPC_WEB_EXPOSED_HEADERS};
pub use error_body::ErrorBody;
pub use http_errors::HttpErrors;
pub use json_shape::JsonShape;
pub use layer::{HttpErrorFuture, HttpErrorLayer, HttpErrorService};
#[cfg(feature = "axum")]
pub use one_port::OnePort;

/// The media type of RFC 9457 problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl crate::Error {
    /// This error's response to a request with `request_headers`, rendered
    /// by the default [`HttpErrors`] (the Google AIP-193 shape, or problem
    /// details if the request's `Accept` prefers them): for frameworks on
    /// `http` types. The body is a `String`, which is an
    /// [`http_body::Body`].
    ///
    /// ```
    /// use csghub_errorx::{Error, ErrorCode};
    ///
    /// let mut request_headers = http::HeaderMap::new();
    /// request_headers.insert("accept", "application/problem+json".parse().unwrap());
    /// let response = Error::new(ErrorCode::GIT_AUTH_FAILED).to_http_response(&request_headers);
    /// assert_eq!(response.status(), http::StatusCode::UNAUTHORIZED);
    /// assert_eq!(response.headers()["content-type"], "application/problem+json");
    /// assert_eq!(response.headers()["www-authenticate"], "Bearer");
    /// ```
    pub fn to_http_response(
        &self,
        request_headers: &::http::HeaderMap,
    ) -> ::http::Response<String> {
        HttpErrors::new().render(self, request_headers)
    }

    /// Decodes an HTTP error response with the default [`StatusDecoder`](crate::StatusDecoder);
    /// see [`StatusDecoder::decode_http_response`](crate::StatusDecoder::decode_http_response).
    ///
    /// ```
    /// use csghub_errorx::{Error, ErrorCode};
    /// use http::{HeaderMap, StatusCode};
    ///
    /// let body = br#"{"code":"GIT-ERR-8","msg":"GIT-ERR-8: git authentication failed","context":{"repo":"ns/x"}}"#;
    /// let error = Error::from_http_response(StatusCode::UNAUTHORIZED, &HeaderMap::new(), body);
    /// assert!(error.is(ErrorCode::GIT_AUTH_FAILED));
    /// assert_eq!(error.context().get("repo"), Some("ns/x"));
    ///
    /// // An HTML page from a proxy is no parse failure.
    /// let error = Error::from_http_response(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>502</html>");
    /// assert_eq!(error.grpc_code(), tonic::Code::Unavailable);
    /// assert_eq!(error.code(), None);
    /// ```
    pub fn from_http_response(
        status: ::http::StatusCode,
        headers: &::http::HeaderMap,
        body: &[u8],
    ) -> crate::Error {
        const DEFAULT: crate::StatusDecoder = crate::StatusDecoder::new();
        DEFAULT.decode_http_response(status, headers, body)
    }
}
