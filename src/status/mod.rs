//! `Error` ⇄ `tonic::Status`: encoding with rich details within a header
//! budget, and decoding that keeps everything.
//!
//! # What goes on the wire
//! `grpc-status` and `grpc-message` carry the gRPC code and the public
//! message; `grpc-status-details-bin` carries a `google.rpc.Status` that
//! repeats both exactly (grpc-go and grpcio-status reject one that does
//! not) and holds, once each:
//! - `google.rpc.ErrorInfo`: the reason (`GIT_AUTH_FAILED`), the domain,
//!   and the context as metadata: what AIP-193 asks, readable by any
//!   client;
//! - `csghub.errorx.v1.ErrorInfo`: the catalog code's module and number,
//!   so that a client recognizes even a code newer than its catalog;
//! - the standard details the error has.
//!
//! ```
//! use csghub_errorx::{Error, ErrorCode};
//!
//! // Server: return a typed error.
//! let status: tonic::Status = Error::new(ErrorCode::GIT_FILE_NOT_FOUND)
//!     .with_context("path", "README.md")
//!     .with_resource("file", "ns/repo/README.md")
//!     .into();
//!
//! // Client: decode it back.
//! let error = Error::from_status(&status);
//! assert!(error.is(ErrorCode::GIT_FILE_NOT_FOUND));
//! assert_eq!(error.reason(), "GIT_FILE_NOT_FOUND");
//! assert_eq!(error.context().get("path"), Some("README.md"));
//! assert_eq!(error.resource_info().unwrap().resource_name(), "ns/repo/README.md");
//! ```

pub(crate) mod decoder;
mod encoder;
pub(crate) mod header_size;
pub(crate) mod in_process;
mod own_deadline;
mod plan;
pub(crate) mod recognize;
pub(crate) mod slots;

use tonic::Status;

pub use decoder::StatusDecoder;
pub use encoder::StatusEncoder;
pub(crate) use own_deadline::{ran_out_its_deadline, timed_out_in_chain};

use crate::Error;

/// The type name of the standard ErrorInfo.
pub(crate) const GOOGLE_ERROR_INFO: &str = "google.rpc.ErrorInfo";
/// The type name of this library's typed ErrorInfo.
pub(crate) const TYPED_ERROR_INFO: &str = "csghub.errorx.v1.ErrorInfo";
/// The longest reason kept and sent: AIP-193's limit.
pub(crate) const MAX_REASON_LEN: usize = 63;
/// The longest domain kept and sent: the longest DNS name.
pub(crate) const MAX_DOMAIN_LEN: usize = 253;
/// The longest code string kept from a peer.
pub(crate) const MAX_CODE_STR_LEN: usize = 64;
/// The metadata key the client layer leaves where it removed a
/// `grpc-status-details-bin` that was not valid base64.
pub(crate) const DETAILS_REMOVED_KEY: &str = "x-errorx-details-removed";
/// The metadata key the client layer leaves where it replaced a
/// `grpc-message` whose percent-decoding was not UTF-8.
pub(crate) const MESSAGE_REPLACED_KEY: &str = "x-errorx-message-replaced";

impl Error {
    /// Decodes a status with the default [`StatusDecoder`], in one pass
    /// over its details. Never fails and never panics: what cannot be
    /// decoded is in [`Error::decode_problems`], and the outer gRPC code and
    /// message are always kept (but for tonic's `CANCELLED` for a call that
    /// ran out its own deadline, which is `DEADLINE_EXCEEDED`: see
    /// [`StatusDecoder::decode`]). A status from a server without the
    /// catalog gives an error whose [`code`](Error::code) is `None`.
    pub fn from_status(status: &Status) -> Error {
        const DEFAULT: StatusDecoder = StatusDecoder::new();
        DEFAULT.decode(status)
    }

    /// The error a status carries in-process: the one a handler returned,
    /// encoded by [`StatusEncoder::into_status`] or `Status::from(error)`,
    /// with its source. `None` for a status from the wire.
    pub fn in_process(status: &Status) -> Option<&Error> {
        std::error::Error::source(status)?
            .downcast_ref::<in_process::InProcess>()?
            .error()
    }
}

impl Error {
    /// The `google.rpc.ErrorInfo.domain` the error is sent with: its own
    /// (set, or its peer's), else its code's catalog's for a catalog other
    /// than CSGHub's, else `encoder_domain` (the domain this server sends
    /// CSGHub's catalog and uncataloged errors under).
    pub(crate) fn wire_domain<'a>(&'a self, encoder_domain: &'a str) -> &'a str {
        if let Some(domain) = self.domain() {
            return domain;
        }
        let catalog_domain = self
            .code()
            .map(crate::ErrorCode::domain)
            .or_else(|| self.unknown_code().map(crate::UnknownCode::domain));
        match catalog_domain {
            Some(domain) if domain != crate::csghub::DOMAIN => domain,
            _ => encoder_domain,
        }
    }

    /// The module number and number the typed `csghub.errorx.v1.ErrorInfo`
    /// carries: for a code of CSGHub's catalog only, whose modules it names.
    /// A code of another catalog travels as its `google.rpc.ErrorInfo`
    /// alone: its domain, reason and code string say it.
    pub(crate) fn typed_parts(&self) -> Option<(i32, u32)> {
        match (self.code(), self.unknown_code()) {
            (Some(code), _) => (code.domain() == crate::csghub::DOMAIN)
                .then(|| (code.module().number(), code.number())),
            (None, Some(code)) => (code.domain() == crate::csghub::DOMAIN)
                .then(|| (code.module_number(), code.number())),
            (None, None) => None,
        }
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
/// use csghub_errorx::{Error, ErrorCode, StatusExt};
///
/// let status = tonic::Status::from(Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
/// assert_eq!(status.error_code(), Some(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
/// ```
pub trait StatusExt {
    /// Decodes the status into an [`Error`]; see [`Error::from_status`].
    fn to_error(&self) -> Error;

    /// The catalog code, decoding the details.
    fn error_code(&self) -> Option<crate::ErrorCode>;
}

impl StatusExt for Status {
    fn to_error(&self) -> Error {
        Error::from_status(self)
    }

    fn error_code(&self) -> Option<crate::ErrorCode> {
        Error::from_status(self).code()
    }
}

#[cfg(test)]
mod tests {
    use crate::{Error, StatusEncoder};

    #[test]
    fn every_detail_builder_makes_its_detail_and_it_survives_the_wire() {
        let builders = crate::error::every_builder();
        assert_eq!(
            builders.len() + 1,
            crate::details::DetailKind::WIRE_ORDER.len(),
            "every kind but raw has a builder"
        );
        let encoder = StatusEncoder::new().include_debug_info(true);
        for (kind, error) in builders {
            let details = error.details().expect("the builder made a detail");
            assert!(details.has(kind), "{kind:?}");
            let decoded = Error::from_status(&encoder.encode(&error));
            assert_eq!(decoded.details(), error.details(), "{kind:?} round trip");
            assert!(decoded.decode_problems().is_empty(), "{kind:?}");
        }
    }
}
