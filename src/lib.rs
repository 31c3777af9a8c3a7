//! The CSGHub error catalog as precise, typed gRPC errors for
//! [tonic](https://docs.rs/tonic): 100 coded errors such as
//! `GIT-ERR-8 gitAuthFailed`, sent as standard `google.rpc` details and
//! decoded back, with tower layers that log and count every code.
//!
//! ```toml
//! [dependencies]
//! csghub-errorx = "0.2"   # features: derive (default); transport, metrics, serde, json, axum
//! ```
//!
//! **Server**: return an [`Error`], or your own error type deriving
//! [`CatalogError`], from a tonic handler.
//!
//! ```
//! use csghub_errorx::{Error, ErrorCode};
//!
//! fn get_repo(name: &str) -> Result<(), tonic::Status> {
//!     Err(Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", name))?
//! }
//! # let status = get_repo("ns/name").unwrap_err();
//! # assert_eq!(status.code(), tonic::Code::NotFound);
//! ```
//!
//! **Client**: decode the status back into the same [`Error`], and match on
//! its [`ErrorCode`].
//!
//! ```
//! # use csghub_errorx::{Error, ErrorCode};
//! # let status = tonic::Status::from(Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", "ns/name"));
//! let error = Error::from_status(&status);
//! match error.code() {
//!     Some(ErrorCode::GIT_REPO_NOT_FOUND) => assert_eq!(error.context().get("repo"), Some("ns/name")),
//!     _ => unreachable!(),
//! }
//! ```
//!
//! **Layers**: one log line per RPC with its catalog code, on both sides:
//! `Server::builder().layer(LogLayer::server())` and
//! `ServiceBuilder::new().layer(LogLayer::client()).service(channel)`; see
//! [`layer`].
//!
//! The catalog is declared once, in `proto/csghub/errorx/v1/catalog.proto`;
//! `build.rs` generates [`ErrorCode`] from it, and other languages' `protoc`
//! users get the same constants. Every code, with its gRPC code and HTTP
//! status, is listed by `errorx list` (the `csghub-errorx-cli` crate) and on
//! [`ErrorCode`]'s constants.
//!
//! # Features
//! - `derive` (default): `#[derive(CatalogError)]`.
//! - `serde`: `Serialize`/`Deserialize` for [`ErrorCode`] and
//!   [`UnknownCode`] (as code strings) and [`Context`] (as an object).
//! - `json`: HTTP/JSON errors on `http` types, rendered as AIP-193, CSGHub
//!   or RFC 9457 JSON and decoded back from any of them; see [`http`].
//! - `axum`: `IntoResponse` for [`Error`], and extractors and a fallback
//!   whose rejections are catalog errors.
//! - `transport`: the client log layer classifies a tonic `Channel`'s own
//!   errors (`tonic::transport::Error`: a timeout, a refused connection) as
//!   tonic does, instead of as `UNKNOWN`. Turns on tonic's `channel`
//!   feature, which any tonic client compiles anyway. Turn it on in a
//!   client.
//! - `metrics`: `layer::FacadeMetrics`, RPC durations and error counts in
//!   the [`metrics`](https://docs.rs/metrics) facade, named after the
//!   OpenTelemetry RPC conventions.
//!
//! # Modules
//! - [`layer`]: the tower layers that log and count every RPC.
//! - [`auth`]: bearer tokens: checked on the server (sync or async) with
//!   the catalog's auth errors, attached on the client.
//! - [`details`]: the standard `google.rpc` details as value types.
//! - `http` (feature `json`): errors over HTTP/JSON, for REST clients and
//!   browsers.
//! - [`proto`]: the generated protobuf types, and the proto include
//!   directory for your own protos.

#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

// The modules in the order they build on each other: each imports only
// from those above it.
//
// What everything uses: text bounds, protobuf wire helpers, the gRPC codes,
// the generated protos.
pub mod grpc_code;
pub mod proto;
mod text;
mod truncate;
mod wire;
// The catalog, and its messages for end users beside it.
mod catalog;
mod locale;
// The standard `google.rpc` details as value types.
pub mod details;
// `Error`: a catalog error, its context, details and decode problems.
mod error;
#[cfg(feature = "serde")]
mod serde_support;
// `Error` ⇄ `tonic::Status`.
mod status;
// The one log line of each RPC or request: levels and fields.
pub mod log;
// The tower layers that log and count every RPC.
pub mod layer;
// Bearer tokens, checked on the server, sent by the client.
pub mod auth;
// HTTP/JSON, for REST clients and browsers.
#[cfg(feature = "json")]
pub mod http;

pub use catalog::{Codes, ErrorCode, Module, ParseCodeError, UnknownCode, CATALOG_DOMAIN};
pub use error::{CatalogError, Context, DecodeProblem, Error, Report, Source};
pub use locale::{Locale, UnknownLocale};
pub use status::{StatusDecoder, StatusEncoder, StatusExt};

/// `#[derive(CatalogError)]`: maps an application's error enum onto the
/// catalog. See the [`CatalogError`] trait.
#[cfg(feature = "derive")]
pub use csghub_errorx_derive::CatalogError;

/// What the derive's generated code names, so that it works whatever the
/// user's crate depends on. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use tonic::Status;
}

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
