//! [`DecodeProblem`]: what could not be decoded from a peer's status.

/// Something in a peer's status that could not be used. Decoding never
/// fails and never panics: the outer gRPC code and message are always kept,
/// and each problem is reported here.
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
