//! The canonical gRPC status codes of `google/rpc/code.proto`, declared
//! once, here: the checks hold each code's `grpc_code` and `http_status`
//! against them, and the library's own table (`src/grpc_code/table.rs` of
//! csghub-errorx) is generated from them.

/// One canonical gRPC code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrpcCode {
    /// The canonical upper-case name, `NOT_FOUND`.
    pub name: &'static str,
    /// The `tonic::Code` variant, `NotFound`.
    pub variant: &'static str,
    /// The HTTP status `google/rpc/code.proto` maps it to ("HTTP Mapping").
    pub http_status: u16,
}

/// Every code, by number: `GRPC_CODES[5]` is `NOT_FOUND`.
pub const GRPC_CODES: [GrpcCode; 17] = [
    GrpcCode {
        name: "OK",
        variant: "Ok",
        http_status: 200,
    },
    // 499 Client Closed Request.
    GrpcCode {
        name: "CANCELLED",
        variant: "Cancelled",
        http_status: 499,
    },
    GrpcCode {
        name: "UNKNOWN",
        variant: "Unknown",
        http_status: 500,
    },
    GrpcCode {
        name: "INVALID_ARGUMENT",
        variant: "InvalidArgument",
        http_status: 400,
    },
    GrpcCode {
        name: "DEADLINE_EXCEEDED",
        variant: "DeadlineExceeded",
        http_status: 504,
    },
    GrpcCode {
        name: "NOT_FOUND",
        variant: "NotFound",
        http_status: 404,
    },
    GrpcCode {
        name: "ALREADY_EXISTS",
        variant: "AlreadyExists",
        http_status: 409,
    },
    GrpcCode {
        name: "PERMISSION_DENIED",
        variant: "PermissionDenied",
        http_status: 403,
    },
    GrpcCode {
        name: "RESOURCE_EXHAUSTED",
        variant: "ResourceExhausted",
        http_status: 429,
    },
    GrpcCode {
        name: "FAILED_PRECONDITION",
        variant: "FailedPrecondition",
        http_status: 400,
    },
    GrpcCode {
        name: "ABORTED",
        variant: "Aborted",
        http_status: 409,
    },
    GrpcCode {
        name: "OUT_OF_RANGE",
        variant: "OutOfRange",
        http_status: 400,
    },
    GrpcCode {
        name: "UNIMPLEMENTED",
        variant: "Unimplemented",
        http_status: 501,
    },
    GrpcCode {
        name: "INTERNAL",
        variant: "Internal",
        http_status: 500,
    },
    GrpcCode {
        name: "UNAVAILABLE",
        variant: "Unavailable",
        http_status: 503,
    },
    GrpcCode {
        name: "DATA_LOSS",
        variant: "DataLoss",
        http_status: 500,
    },
    GrpcCode {
        name: "UNAUTHENTICATED",
        variant: "Unauthenticated",
        http_status: 401,
    },
];

/// The codes that say the request itself is wrong: sending it again gets
/// the same answer, so the build rejects a retry class on them. The library
/// holds the same list (`RetryClass::request_is_wrong`, which cannot depend
/// on this crate); its `tests/it/generated.rs` compares the two.
pub const REQUEST_IS_WRONG: &[&str] = &[
    "INVALID_ARGUMENT",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "UNAUTHENTICATED",
    "FAILED_PRECONDITION",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
];
