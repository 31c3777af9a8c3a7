//! The CSGHub error catalog, generated at build time from
//! `proto/csghub/errorx/v1/catalog.proto`.
//!
//! ```
//! use csghub_errorx::{ErrorCode, Module};
//!
//! let code: ErrorCode = "GIT-ERR-8".parse().unwrap();
//! assert_eq!(code, ErrorCode::GIT_AUTH_FAILED);
//! assert_eq!(code.module(), Module::GIT);
//! assert_eq!(code.name(), "gitAuthFailed");
//! assert_eq!(code.reason(), "GIT_AUTH_FAILED");
//! assert_eq!(code.grpc_code(), tonic::Code::Unauthenticated);
//! assert_eq!(ErrorCode::iter().count(), 100);
//! ```

mod entry;
mod error_code;
mod module;
mod parse_error;
mod unknown_code;

#[cfg(feature = "json")]
pub(crate) use error_code::PROBLEM_TYPE_BASE;
pub use error_code::{Codes, ErrorCode, CATALOG_DOMAIN};
pub use module::Module;
pub use parse_error::ParseCodeError;
pub(crate) use unknown_code::parse_code_str;
pub use unknown_code::UnknownCode;
