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
