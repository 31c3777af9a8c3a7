//! The canonical names and HTTP statuses of gRPC status codes
//! (`google/rpc/code.proto`).

use http::StatusCode;

/// The canonical upper-case name of a gRPC code: `UNAUTHENTICATED` for
/// [`tonic::Code::Unauthenticated`]. It is also the `status` of the
/// AIP-193 JSON error shape.
///
/// ```
/// assert_eq!(csghub_errorx::grpc_code::name(tonic::Code::NotFound), "NOT_FOUND");
/// ```
pub fn name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}

/// The gRPC code with this canonical name, such as `NOT_FOUND`.
///
/// ```
/// assert_eq!(csghub_errorx::grpc_code::from_name("NOT_FOUND"), Some(tonic::Code::NotFound));
/// ```
pub fn from_name(name: &str) -> Option<tonic::Code> {
    (0..=16)
        .map(tonic::Code::from_i32)
        .find(|&code| self::name(code) == name)
}

/// The HTTP status that `google/rpc/code.proto` gives for a gRPC code, for
/// example `NOT_FOUND` → 404 and `CANCELLED` → 499.
///
/// ```
/// use csghub_errorx::grpc_code::http_status;
///
/// assert_eq!(http_status(tonic::Code::NotFound), http::StatusCode::NOT_FOUND);
/// assert_eq!(http_status(tonic::Code::Cancelled).as_u16(), 499);
/// ```
pub fn http_status(code: tonic::Code) -> StatusCode {
    use tonic::Code::*;
    match code {
        Ok => StatusCode::OK,
        // 499 Client Closed Request has no constant in `http`.
        Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Unknown | Internal | DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
        InvalidArgument | FailedPrecondition | OutOfRange => StatusCode::BAD_REQUEST,
        DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        NotFound => StatusCode::NOT_FOUND,
        AlreadyExists | Aborted => StatusCode::CONFLICT,
        PermissionDenied => StatusCode::FORBIDDEN,
        Unauthenticated => StatusCode::UNAUTHORIZED,
        ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}
