//! `POST /v1/demo:fail`: the `Fail` RPC over HTTP/JSON, for serving beside
//! the gRPC services on one port.

use axum::routing::post;
use axum::Router;
use csghub_errorx::http::Json;
use csghub_errorx::Error;

use crate::{requested_error, FailRequest};

/// The path of the REST `Fail`, in the AIP-136 custom-method style that
/// grpc-gateway and Google's APIs use.
pub const FAIL_PATH: &str = "/v1/demo:fail";

/// A router with `POST /v1/demo:fail`: it takes a `FailRequest` as proto3
/// JSON (`{"code":"GIT-ERR-8","context":{"repo":"ns/x"}}`) and fails with
/// that code, as the gRPC `Fail` does. A body that is not such a request
/// fails with the catalog's `REQ-ERR-*` codes.
///
/// ```
/// let router: axum::Router = csghub_errorx_demo::http::router();
/// ```
pub fn router() -> Router {
    Router::new().route(FAIL_PATH, post(fail))
}

async fn fail(Json(request): Json<FailRequest>) -> Error {
    requested_error(&request)
}

/// The path of `Demo.Fail` in the Connect protocol: the gRPC method's path.
pub const CONNECT_FAIL_PATH: &str = "/csghub.errorx.demo.v1.Demo/Fail";

/// A router with the unary `Demo.Fail` in the Connect protocol, JSON only:
/// `POST /csghub.errorx.demo.v1.Demo/Fail` with `Content-Type:
/// application/json` and `Connect-Protocol-Version: 1`, as a connect-es or
/// connect-go client sends it. It fails as the gRPC `Fail` does, and an
/// `HttpErrorLayer` answers the Connect client in Connect's error JSON.
///
/// Its path is a gRPC method's, so serve it where requests are sent on by
/// their `content-type` ([`csghub_errorx::http::OnePort`]), not in a router
/// merged with tonic's, where it would take gRPC calls to `Fail`.
///
/// ```
/// let router: axum::Router = csghub_errorx_demo::http::connect_router();
/// ```
pub fn connect_router() -> Router {
    Router::new().route(CONNECT_FAIL_PATH, post(fail))
}
