//! [`Outcome`]: how an RPC ended, as its log line and metrics tell it.

use std::borrow::Cow;

use tonic::Status;

use crate::Error;

/// How an RPC ended, once its status is known (parsed, and decoded when the
/// event wants it): the `outcome` field of the log line, and what each kind
/// of ending adds to it.
pub(crate) enum Outcome<'a> {
    /// A status arrived, in the headers or the trailers.
    Status {
        status: &'a Status,
        /// The error it stands for: the handler's own (in-process), or
        /// decoded from the wire; `None` for `OK`.
        error: Option<&'a Error>,
        /// The client layer removed a details value that was not base64.
        details_removed: bool,
    },
    /// The response body failed.
    BodyError(String),
    /// The inner service failed before any response.
    ServiceError(&'a str),
    /// The response ended without a status.
    NoStatus,
    /// Ended at the deadline: dropped at the one the request carried, or
    /// ended by tonic's own timer (the request's deadline or the channel's
    /// timeout).
    Deadline,
    /// Dropped before the end: the peer went away.
    Cancelled,
}

impl Outcome<'_> {
    /// The `outcome` field: `status`, `body_error`, `service_error`,
    /// `no_status`, `deadline` or `cancelled`.
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Outcome::Status { .. } => "status",
            Outcome::BodyError(_) => "body_error",
            Outcome::ServiceError(_) => "service_error",
            Outcome::NoStatus => "no_status",
            Outcome::Deadline => "deadline",
            Outcome::Cancelled => "cancelled",
        }
    }

    /// The status's message; empty for the other endings.
    pub(crate) fn message(&self) -> &str {
        match self {
            Outcome::Status { status, .. } => status.message(),
            _ => "",
        }
    }

    /// The error the RPC failed with, when a status says one.
    pub(crate) fn error(&self) -> Option<&Error> {
        match self {
            Outcome::Status { error, .. } => *error,
            _ => None,
        }
    }

    /// The status details bytes, when a status carried them.
    pub(crate) fn status_details(&self) -> Option<&[u8]> {
        match self {
            Outcome::Status { status, .. } if !status.details().is_empty() => {
                Some(status.details())
            }
            _ => None,
        }
    }

    /// The text of a failure without a status: a body or service (transport)
    /// error.
    #[cfg(feature = "otel")]
    pub(crate) fn transport_failure(&self) -> Option<&str> {
        match self {
            Outcome::BodyError(text) => Some(text),
            Outcome::ServiceError(text) => Some(text),
            _ => None,
        }
    }

    /// The `detail` field: what went wrong besides the status.
    pub(crate) fn detail(&self) -> Option<Cow<'_, str>> {
        match self {
            Outcome::Status {
                details_removed: true,
                ..
            } => Some(Cow::Borrowed(
                "grpc-status-details-bin was not valid base64 and was removed",
            )),
            Outcome::BodyError(text) => Some(Cow::Borrowed(text)),
            Outcome::ServiceError(text) => Some(Cow::Borrowed(text)),
            _ => None,
        }
    }
}
