//! The CSGHub error catalog, generated at build time from
//! `proto/csghub/errorx/v1/catalog.proto`.
//!
//! ```
//! use csghub_errorx::{Code, Module};
//!
//! let code: Code = "GIT-ERR-8".parse().unwrap();
//! assert_eq!(code, Code::GIT_AUTH_FAILED);
//! assert_eq!(code.module(), Module::GIT);
//! assert_eq!(code.name(), "gitAuthFailed");
//! assert_eq!(code.reason(), "GIT_AUTH_FAILED");
//! assert_eq!(code.grpc_code(), tonic::Code::Unauthenticated);
//! assert_eq!(Code::iter().count(), 100);
//! ```

mod code;
mod entry;
mod module;
mod parse_error;

pub use code::{Code, Codes};
pub use module::Module;
pub use parse_error::ParseCodeError;
