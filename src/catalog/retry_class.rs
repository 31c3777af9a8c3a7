//! [`RetryClass`]: how a client may retry a code.

/// How a client may retry a failed call, as a catalog code declares it
/// (`retry` in its options) or its gRPC code implies (AIP-194's advice):
/// what [`ErrorCode::retry_class`](crate::ErrorCode::retry_class) says, and
/// what the retry layer (feature `retry`) follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// Never: retrying only repeats the failure.
    Never,
    /// After the delay the server asks for, and only with one.
    AfterServerDelay,
    /// With exponential backoff (or the server's delay, if it gives one).
    Backoff,
}

impl RetryClass {
    /// The default class of a gRPC `code`, for an error without a catalog
    /// code (or a catalog code that declares none): `UNAVAILABLE` backs
    /// off, `RESOURCE_EXHAUSTED` waits for the server's delay, every other
    /// code is never retried.
    ///
    /// ```
    /// use csghub_errorx::RetryClass;
    ///
    /// assert_eq!(RetryClass::of(tonic::Code::Unavailable), RetryClass::Backoff);
    /// assert_eq!(RetryClass::of(tonic::Code::Unauthenticated), RetryClass::Never);
    /// ```
    pub fn of(code: tonic::Code) -> RetryClass {
        match code {
            tonic::Code::Unavailable => RetryClass::Backoff,
            tonic::Code::ResourceExhausted => RetryClass::AfterServerDelay,
            _ => RetryClass::Never,
        }
    }

    /// Whether `code` says the request itself is wrong (`INVALID_ARGUMENT`,
    /// `NOT_FOUND`, `ALREADY_EXISTS`, `PERMISSION_DENIED`,
    /// `UNAUTHENTICATED`, `FAILED_PRECONDITION`, `OUT_OF_RANGE`,
    /// `UNIMPLEMENTED`): sending it again gets the same answer, so no
    /// catalog may make such a code retryable (`csghub-errorx-build`
    /// rejects it, by the same list: `tests/it/generated.rs` compares them).
    pub fn request_is_wrong(code: tonic::Code) -> bool {
        use tonic::Code;
        matches!(
            code,
            Code::InvalidArgument
                | Code::NotFound
                | Code::AlreadyExists
                | Code::PermissionDenied
                | Code::Unauthenticated
                | Code::FailedPrecondition
                | Code::OutOfRange
                | Code::Unimplemented
        )
    }
}
