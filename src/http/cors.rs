//! [`grpc_web_cors`]: the CORS preset for a page on another origin that
//! calls the server over gRPC-Web, Connect or HTTP/JSON.

use std::time::Duration;

use http::header::{
    HeaderName, ACCEPT, ACCEPT_LANGUAGE, AUTHORIZATION, CONTENT_LANGUAGE, CONTENT_TYPE,
    RETRY_AFTER, WWW_AUTHENTICATE,
};
use http::Method;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The request headers a cross-origin page may send: those this library's
/// layers read (`authorization` for the auth interceptors, `accept-language`
/// for localization, `accept` for problem details, `grpc-timeout` for
/// deadlines) and those gRPC-Web and Connect clients send (`x-grpc-web`,
/// `x-user-agent`, `connect-protocol-version`, `connect-timeout-ms`).
pub const GRPC_WEB_ALLOWED_HEADERS: [HeaderName; 10] = [
    CONTENT_TYPE,
    ACCEPT,
    ACCEPT_LANGUAGE,
    AUTHORIZATION,
    HeaderName::from_static("grpc-timeout"),
    HeaderName::from_static("x-grpc-web"),
    HeaderName::from_static("x-user-agent"),
    HeaderName::from_static("connect-protocol-version"),
    HeaderName::from_static("connect-timeout-ms"),
    HeaderName::from_static("grpc-accept-encoding"),
];

/// The response headers a cross-origin page may read. Without
/// `grpc-status-details-bin` exposed, a browser hides it, and a gRPC-Web
/// client sees a trailers-only error's code and message but none of its
/// details (grpc-web #1319, connectrpc/conformance #48).
pub const GRPC_WEB_EXPOSED_HEADERS: [HeaderName; 6] = [
    HeaderName::from_static("grpc-status"),
    HeaderName::from_static("grpc-message"),
    HeaderName::from_static("grpc-status-details-bin"),
    RETRY_AFTER,
    CONTENT_LANGUAGE,
    WWW_AUTHENTICATE,
];

/// How long a browser may cache a preflight's answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(2 * 60 * 60);

/// tower-http's `CorsLayer` for pages of `origins` calling this server
/// over gRPC-Web (tonic-web's `GrpcWebLayer`), Connect or HTTP/JSON, with
/// every detail of an error readable: `POST` and `GET`, the request
/// headers of [`GRPC_WEB_ALLOWED_HEADERS`], the response headers of
/// [`GRPC_WEB_EXPOSED_HEADERS`], and preflights cached for two hours.
/// No credentials (cookies) unless added with `.allow_credentials(true)`;
/// a bearer token in `authorization` needs none.
///
/// Put it outside everything else, so that it answers preflights (which
/// have no `content-type` and would not reach the gRPC routes) and adds
/// its headers to every answer, errors included; [`OnePort::cors`](super::OnePort::cors)
/// does.
///
/// ```
/// use csghub_errorx::http::grpc_web_cors;
/// use http::HeaderValue;
///
/// let cors = grpc_web_cors([HeaderValue::from_static("https://hub.example.com")]);
/// // Any further setting is tower-http's:
/// let cors = cors.allow_credentials(true);
/// ```
pub fn grpc_web_cors(origins: impl Into<AllowOrigin>) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([Method::POST, Method::GET])
        .allow_headers(GRPC_WEB_ALLOWED_HEADERS)
        .expose_headers(GRPC_WEB_EXPOSED_HEADERS)
        .max_age(PREFLIGHT_MAX_AGE)
}
