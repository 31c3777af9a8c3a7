//! `Error` ⇄ `tonic::Status`: encoding with rich details within a header
//! budget, and decoding that keeps everything.
//!
//! ```
//! use csghub_errorx::{Code, Error};
//!
//! // Server: return a typed error.
//! let status: tonic::Status = Error::new(Code::GIT_FILE_NOT_FOUND)
//!     .with_context("path", "README.md")
//!     .with_resource("file", "ns/repo/README.md")
//!     .into();
//!
//! // Client: decode it back.
//! let error = Error::from_status(&status);
//! assert!(error.is(Code::GIT_FILE_NOT_FOUND));
//! assert_eq!(error.reason(), "GIT_FILE_NOT_FOUND");
//! assert_eq!(error.context().get("path"), Some("README.md"));
//! assert_eq!(error.details().resource_info.as_ref().unwrap().resource_name, "ns/repo/README.md");
//! ```

mod decode;
mod decode_problem;
mod detail_kind;
mod encoder;
mod header_size;
mod plan;
mod wire;
mod wire_reader;

use tonic::Status;

pub use decode_problem::DecodeProblem;
pub use encoder::StatusEncoder;

use crate::Error;

impl Error {
    /// Decodes a status, in one pass over its details. Never fails and never
    /// panics: what cannot be decoded is in [`Error::decode_problems`], and
    /// the outer gRPC code and message are always kept. A status from a
    /// server without the catalog gives an error whose
    /// [`code`](Error::code) is `None`.
    pub fn from_status(status: &Status) -> Error {
        decode::decode_status(status)
    }
}

impl From<&Status> for Error {
    fn from(status: &Status) -> Error {
        Error::from_status(status)
    }
}

impl From<Status> for Error {
    fn from(status: Status) -> Error {
        Error::from_status(&status)
    }
}

/// Decoding on `tonic::Status` itself, for clients.
///
/// ```
/// use csghub_errorx::{Code, Error, StatusExt};
///
/// let status = tonic::Status::from(Error::new(Code::ERR_RATE_LIMIT_EXCEEDED));
/// assert_eq!(status.catalog_code(), Some(Code::ERR_RATE_LIMIT_EXCEEDED));
/// ```
pub trait StatusExt {
    /// Decodes the status into an [`Error`]; see [`Error::from_status`].
    fn to_error(&self) -> Error;

    /// The catalog code, decoding the details.
    fn catalog_code(&self) -> Option<crate::Code>;
}

impl StatusExt for Status {
    fn to_error(&self) -> Error {
        Error::from_status(self)
    }

    fn catalog_code(&self) -> Option<crate::Code> {
        Error::from_status(self).code()
    }
}
