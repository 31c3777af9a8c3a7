//! The canonical names and HTTP statuses of gRPC status codes
//! (`google/rpc/code.proto`).

use http::StatusCode;

#[path = "../build/grpc_codes.rs"]
#[allow(dead_code)] // `variant` is for the build script
mod table;

use table::GRPC_CODES;

/// The canonical upper-case name of a gRPC code: `UNAUTHENTICATED` for
/// [`tonic::Code::Unauthenticated`]. It is also the `status` of the
/// AIP-193 JSON error shape.
///
/// ```
/// assert_eq!(csghub_errorx::grpc_code::name(tonic::Code::NotFound), "NOT_FOUND");
/// ```
pub fn name(code: tonic::Code) -> &'static str {
    // Every `tonic::Code` is one of the 17 canonical codes.
    GRPC_CODES[code as usize].name
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
    // The table's statuses are all valid.
    StatusCode::from_u16(GRPC_CODES[code as usize].http_status)
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
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
    fn the_table_is_in_tonics_order() {
        for (number, code) in GRPC_CODES.iter().enumerate() {
            let tonic = tonic::Code::from_i32(number as i32);
            assert_eq!(format!("{tonic:?}"), code.variant);
        }
    }

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
