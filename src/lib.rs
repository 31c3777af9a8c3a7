//! # csghub-errorx
//!
//! The CSGHub error catalog — 100 coded errors in 10 modules, such as
//! `GIT-ERR-8 gitAuthFailed` — as precise gRPC errors for
//! [tonic](https://docs.rs/tonic).
//!
//! - Servers return a typed [`Error`]; it becomes a `tonic::Status` whose
//!   details carry a standard `google.rpc.ErrorInfo` (AIP-193) and a typed
//!   one, within a header budget.
//! - Clients decode that status back into the same [`Error`].
//! - Tower layers log and count every error code (see [`layer`]).
//!
//! ```
//! use csghub_errorx::{Code, Error};
//!
//! fn get_repo(name: &str) -> Result<(), Error> {
//!     Err(Error::new(Code::GIT_REPO_NOT_FOUND).with_context("repo", name))
//! }
//!
//! // In a tonic handler, `?` or `.into()` gives the status.
//! let status: tonic::Status = get_repo("ns/name").unwrap_err().into();
//! assert_eq!(status.code(), tonic::Code::NotFound);
//!
//! // On the client, decode it.
//! let error = Error::from_status(&status);
//! assert!(error.is(Code::GIT_REPO_NOT_FOUND));
//! assert_eq!(error.context().get("repo"), Some("ns/name"));
//! ```
//!
//! The catalog is declared once, in `proto/csghub/errorx/v1/catalog.proto`;
//! `build.rs` generates [`Code`] from it.

#![warn(missing_docs)]

pub mod auth;
mod catalog;
mod error;
pub mod http_status;
pub mod layer;
mod status;
mod truncate;

pub mod proto;

pub use catalog::{Code, Codes, Module, ParseCodeError};
pub use error::{
    normalize_key, CatalogError, Context, Details, Error, Report, Source, MAX_KEY_LEN,
    RESERVED_KEYS,
};
pub use status::{DecodeProblem, StatusEncoder, StatusExt};
pub use truncate::TRUNCATION_MARKER;

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
