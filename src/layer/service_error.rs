//! [`ServiceError`]: what the layers log of an inner service's error,
//! read by reference, since the error passes through unchanged.

use std::any::Any;
use std::fmt::{self, Write as _};

use tonic::Status;

/// The error type tonic's clients and servers accept from a service, and
/// what tower's timeout, buffer and load-shed layers return.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The gRPC code and text of a service error, as tonic's
/// `Status::from_error` would classify it for the caller: a `Status` in the
/// source chain gives its code, tonic's `TimeoutExpired` is `CANCELLED` and
/// its `ConnectError` is `UNAVAILABLE`; anything else is `UNKNOWN`.
///
/// The chain is readable only when the error is a [`BoxError`] or a
/// `Status` (what tower's timeout, buffer and load-shed layers and tonic's
/// server produce) or, with the `transport` feature (a default), tonic's
/// `transport::Error` (a `Channel`'s). A layer passes its inner error
/// through unchanged, so it can only look at it by reference, and Rust
/// cannot view an arbitrary `E` as `dyn Error` by reference when `E` may
/// also be a `BoxError`: another type is logged by its `Display` text, as
/// `UNKNOWN`.
pub(crate) struct ServiceError {
    pub(crate) code: tonic::Code,
    pub(crate) text: String,
    /// tonic's own timer ended the call (`TimeoutExpired` in the chain):
    /// the deadline the request carried, or the channel's timeout, ran
    /// out, which tonic reports as `CANCELLED` and gRPC names
    /// `DEADLINE_EXCEEDED`.
    pub(crate) timed_out: bool,
}

impl ServiceError {
    pub(crate) fn classify<E: fmt::Display + 'static>(error: &E) -> ServiceError {
        let any: &dyn Any = error;
        let chain: Option<&(dyn std::error::Error + 'static)> =
            if let Some(boxed) = any.downcast_ref::<BoxError>() {
                Some(&**boxed)
            } else if let Some(status) = any.downcast_ref::<Status>() {
                Some(status)
            } else {
                transport_error(any)
            };
        match chain {
            Some(error) => {
                let code = code_in_chain(error);
                ServiceError {
                    code,
                    text: chain_text(error),
                    timed_out: code == tonic::Code::Cancelled
                        && crate::status::timed_out_in_chain(error),
                }
            }
            None => ServiceError {
                code: tonic::Code::Unknown,
                text: error.to_string(),
                timed_out: false,
            },
        }
    }
}

/// A tonic `Channel`'s own error type, whose cause (a timeout, a refused
/// connection) is in its source chain.
#[cfg(feature = "transport")]
fn transport_error(any: &dyn Any) -> Option<&(dyn std::error::Error + 'static)> {
    any.downcast_ref::<tonic::transport::Error>()
        .map(|error| error as &(dyn std::error::Error + 'static))
}

#[cfg(not(feature = "transport"))]
fn transport_error(_: &dyn Any) -> Option<&(dyn std::error::Error + 'static)> {
    None
}

fn code_in_chain(error: &(dyn std::error::Error + 'static)) -> tonic::Code {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(status) = error.downcast_ref::<Status>() {
            return status.code();
        }
        if error.is::<tonic::TimeoutExpired>() {
            return tonic::Code::Cancelled;
        }
        if error.is::<tonic::ConnectError>() {
            return tonic::Code::Unavailable;
        }
        next = error.source();
    }
    tonic::Code::Unknown
}

/// `error: its source: its source's source`, as a one-line cause.
fn chain_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(source) = next {
        let _ = write!(text, ": {source}");
        next = source.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boxed_timeout_is_cancelled_with_its_text() {
        let error: BoxError = Box::new(tonic::TimeoutExpired(()));
        let classified = ServiceError::classify(&error);
        assert_eq!(classified.code, tonic::Code::Cancelled);
        assert_eq!(classified.text, tonic::TimeoutExpired(()).to_string());
        assert!(classified.timed_out);
    }

    #[test]
    fn a_boxed_status_keeps_its_code() {
        let error: BoxError = Box::new(Status::resource_exhausted("shed"));
        assert_eq!(
            ServiceError::classify(&error).code,
            tonic::Code::ResourceExhausted
        );
    }

    #[test]
    fn an_opaque_error_is_unknown_with_its_display_text() {
        let classified = ServiceError::classify(&std::io::Error::other("refused"));
        assert_eq!(classified.code, tonic::Code::Unknown);
        assert!(!classified.timed_out);
        assert_eq!(classified.text, "refused");
    }
}
