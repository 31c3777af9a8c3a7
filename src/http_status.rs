//! The canonical mapping from gRPC status codes to HTTP statuses.

use http::StatusCode;

/// The HTTP status that `google/rpc/code.proto` gives for a gRPC code, for
/// example `NOT_FOUND` → 404 and `CANCELLED` → 499.
///
/// ```
/// use csghub_errorx::http_status::from_grpc_code;
///
/// assert_eq!(from_grpc_code(tonic::Code::NotFound), http::StatusCode::NOT_FOUND);
/// assert_eq!(from_grpc_code(tonic::Code::Cancelled).as_u16(), 499);
/// ```
pub fn from_grpc_code(code: tonic::Code) -> StatusCode {
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

/// The canonical upper-case name of a gRPC code, as in
/// `google/rpc/code.proto`: `UNAUTHENTICATED` for
/// [`tonic::Code::Unauthenticated`].
///
/// ```
/// assert_eq!(csghub_errorx::http_status::grpc_code_name(tonic::Code::NotFound), "NOT_FOUND");
/// ```
pub fn grpc_code_name(code: tonic::Code) -> &'static str {
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
