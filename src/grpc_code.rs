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

/// The gRPC code for an HTTP status, for an error body that names none: the
/// inverse of [`http_status`] where it is one to one, and the classes of
/// Google's API clients elsewhere (`409` → `ABORTED`, `412` →
/// `FAILED_PRECONDITION`, `502` → `UNAVAILABLE`, as gRPC's own HTTP
/// mapping treats a bad gateway). Other statuses, successes among them
/// (an error body never has one), are `UNKNOWN`.
///
/// ```
/// use csghub_errorx::grpc_code::from_http_status;
/// use http::StatusCode;
///
/// assert_eq!(from_http_status(StatusCode::NOT_FOUND), tonic::Code::NotFound);
/// assert_eq!(from_http_status(StatusCode::BAD_GATEWAY), tonic::Code::Unavailable);
/// assert_eq!(from_http_status(StatusCode::IM_A_TEAPOT), tonic::Code::Unknown);
/// ```
pub fn from_http_status(status: StatusCode) -> tonic::Code {
    use tonic::Code::*;
    match status.as_u16() {
        400 => InvalidArgument,
        401 => Unauthenticated,
        403 => PermissionDenied,
        404 => NotFound,
        408 | 504 => DeadlineExceeded,
        409 => Aborted,
        412 => FailedPrecondition,
        416 => OutOfRange,
        429 => ResourceExhausted,
        499 => Cancelled,
        500 => Internal,
        501 => Unimplemented,
        502 | 503 => Unavailable,
        _ => Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_but_the_shared_statuses_maps_back_to_itself() {
        for code in (0..=16).map(tonic::Code::from_i32) {
            let back = from_http_status(http_status(code));
            match code {
                // 400, 409 and 500 are shared by several codes.
                tonic::Code::FailedPrecondition
                | tonic::Code::OutOfRange
                | tonic::Code::AlreadyExists
                | tonic::Code::Unknown
                | tonic::Code::DataLoss
                | tonic::Code::Ok => {}
                _ => assert_eq!(back, code, "{code:?}"),
            }
        }
    }
}
