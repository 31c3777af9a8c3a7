//! [`DecodeProblem`]: what could not be decoded from a peer's status.

/// Something in a peer's `grpc-status-details-bin` that could not be used.
/// Decoding never fails and never panics: the outer gRPC code and message
/// are always kept, and each problem is reported here.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeProblem {
    /// The details are not a `google.rpc.Status`.
    #[error("status details are not a google.rpc.Status: {reason}")]
    MalformedStatus {
        /// What prost reported.
        reason: String,
    },
    /// One detail is not a valid message of its type. Its raw `Any` is kept
    /// in [`Details::other`](crate::Details::other).
    #[error("detail {type_url} is malformed: {reason}")]
    MalformedDetail {
        /// The detail's type URL.
        type_url: String,
        /// What prost reported.
        reason: String,
    },
    /// The same detail type came twice (AIP-193 allows one); the first is
    /// used and the others are kept in [`Details::other`](crate::Details::other).
    #[error("detail {type_url} appears more than once; the first is used")]
    DuplicateDetail {
        /// The detail's type URL.
        type_url: String,
    },
    /// The inner `google.rpc.Status` disagrees with the outer status. The
    /// outer code and message are kept; grpc-go would turn this into INTERNAL.
    #[error("inner status (code {inner_code}, message {inner_message:?}) disagrees with the outer status")]
    InnerStatusMismatch {
        /// The inner status code.
        inner_code: i32,
        /// The inner message, cut to 256 bytes.
        inner_message: String,
    },
    /// The `grpc-status-details-bin` header was not valid base64. The client
    /// layer removed it before tonic could panic on it.
    #[error("grpc-status-details-bin is not valid base64 and was removed")]
    InvalidBase64Header,
}
