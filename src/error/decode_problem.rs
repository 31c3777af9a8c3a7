//! [`DecodeProblem`]: what could not be decoded from a peer's status.

use crate::truncate::truncate;

/// Something in a peer's status that could not be used. Decoding never
/// fails and never panics: the outer gRPC code and message are always kept
/// (tonic's own timeout aside: see
/// [`StatusDecoder::decode`](crate::StatusDecoder::decode)), and each
/// problem is reported here.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeProblem {
    /// The details are not a `google.rpc.Status`.
    #[error("status details are not a google.rpc.Status: {reason}")]
    MalformedStatus {
        /// What was wrong.
        reason: String,
    },
    /// One detail is not a valid message of its type. Its bytes are kept in
    /// [`Error::raw_details`](crate::Error::raw_details).
    #[error("detail {type_url} is malformed: {reason}")]
    MalformedDetail {
        /// The detail's type URL, cut at 256 bytes.
        type_url: String,
        /// What was wrong.
        reason: String,
    },
    /// The same detail type came twice (AIP-193 allows one); the first is
    /// used and the others are kept in
    /// [`Error::raw_details`](crate::Error::raw_details).
    #[error("detail {type_url} appears more than once; the first is used")]
    DuplicateDetail {
        /// The detail's type URL, cut at 256 bytes.
        type_url: String,
    },
    /// The inner `google.rpc.Status` disagrees with the outer status, so
    /// its details are not trusted: the error claims no catalog code from
    /// them, and every detail is kept raw in
    /// [`Error::raw_details`](crate::Error::raw_details). grpc-go turns such
    /// a status into `INTERNAL`; Python's grpcio-status raises.
    #[error("inner status (code {inner_code}, message {inner_message:?}) disagrees with the outer status; its details are not trusted")]
    InnerStatusMismatch {
        /// The inner status code.
        inner_code: i32,
        /// The inner message, cut at 256 bytes.
        inner_message: String,
    },
    /// A string field was not UTF-8; invalid bytes were replaced with
    /// U+FFFD.
    #[error("{field} is not UTF-8; invalid bytes were replaced")]
    InvalidUtf8 {
        /// The field, such as `google.rpc.Status.message`.
        field: &'static str,
    },
    /// A field was longer than this library keeps, and was cut.
    #[error("{field} is {len} bytes long; it was cut to {kept}")]
    Oversized {
        /// The field, such as `google.rpc.ErrorInfo.reason`.
        field: &'static str,
        /// How long it was.
        len: usize,
        /// How much of it was kept.
        kept: usize,
    },
    /// The `google.rpc.ErrorInfo` metadata `code` names a catalog code whose
    /// reason is not the ErrorInfo's `reason` (or names a code this build
    /// lacks while the reason is another code's). Neither is picked: the
    /// error claims no catalog code, and keeps both as they came.
    #[error(
        "ErrorInfo metadata code {code:?} is not the code of reason {reason:?}; neither is used"
    )]
    CodeReasonMismatch {
        /// The metadata `code`, cut at 64 bytes.
        code: String,
        /// The ErrorInfo `reason`, cut at 64 bytes.
        reason: String,
    },
    /// The typed `csghub.errorx.v1.ErrorInfo` and the `google.rpc.ErrorInfo`
    /// metadata `code` name different codes. Neither is picked: the error
    /// claims no catalog code.
    #[error("the typed ErrorInfo names {typed} but the ErrorInfo metadata code is {metadata:?}; neither is used")]
    TypedCodeMismatch {
        /// The code the typed ErrorInfo names, as a code string.
        typed: String,
        /// The metadata `code`, cut at 64 bytes.
        metadata: String,
    },
    /// The `google.rpc.ErrorInfo` metadata `code`, in a domain that maps
    /// onto the catalog, is not a code string (`PREFIX-ERR-N`) of one of
    /// its modules. The code is taken from the reason, if it names one.
    #[error("ErrorInfo metadata code {code:?} is not a code string of the catalog")]
    NotACodeString {
        /// The metadata `code`, cut at 64 bytes.
        code: String,
    },
    /// The `google.rpc.ErrorInfo` metadata `module` is not the prefix of the
    /// error's code string. The code is kept: the module is the code
    /// string's prefix, said again.
    #[error("ErrorInfo metadata module {module:?} is not the module of code {code}")]
    ModuleMismatch {
        /// The metadata `module`, cut at 64 bytes.
        module: String,
        /// The error's code string.
        code: String,
    },
    /// The `grpc-status-details-bin` header was not valid base64. The client
    /// layer removed it before tonic could panic on it.
    #[error("grpc-status-details-bin is not valid base64 and was removed")]
    InvalidBase64Header,
    /// An HTTP error body is not JSON, or not a JSON error of a shape this
    /// library knows (an HTML page from a proxy): the error has the gRPC
    /// code of the HTTP status.
    #[error("the HTTP body ({content_type}, {len} bytes) is not a JSON error of a known shape")]
    UnrecognizedBody {
        /// The `Content-Type` of the body, cut at 256 bytes; empty if none.
        content_type: String,
        /// The length of the body in bytes.
        len: usize,
    },
}

impl DecodeProblem {
    /// A detail that is not a valid message of its type, both cut so that
    /// a report stays small.
    pub(crate) fn malformed_detail(
        type_url: &str,
        reason: &dyn std::fmt::Display,
    ) -> DecodeProblem {
        DecodeProblem::MalformedDetail {
            type_url: truncate(type_url, 256).into_owned(),
            reason: truncate(&reason.to_string(), 256).into_owned(),
        }
    }

    /// A second detail of a type AIP-193 allows once.
    pub(crate) fn duplicate_detail(type_url: &str) -> DecodeProblem {
        DecodeProblem::DuplicateDetail {
            type_url: truncate(type_url, 256).into_owned(),
        }
    }
}
