//! [`Details`]: the standard `google.rpc` error details an error carries
//! besides its `ErrorInfo`.

use prost_types::Any;
use tonic_types::pb;

/// The standard error details of one error, at most one of each type
/// (AIP-193), plus any detail of a type this library does not know.
///
/// Servers fill in what applies; the encoder sends it and, when the status
/// is over its byte budget, drops details in a documented order (see
/// [`StatusEncoder`](crate::StatusEncoder)). Clients get every detail back,
/// and details of unknown types stay available as raw [`Any`] in
/// [`Details::other`] instead of being dropped.
///
/// The types are `tonic_types::pb`'s generated `google.rpc` messages.
///
/// ```
/// use csghub_errorx::{Code, Error};
/// use std::time::Duration;
///
/// let error = Error::new(Code::ERR_RATE_LIMIT_EXCEEDED).with_retry_delay(Duration::from_secs(3));
/// assert!(error.details().retry_info.is_some());
/// assert_eq!(error.retry_delay(), Some(Duration::from_secs(3)));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    /// When to retry: for rate limits and unavailable services.
    pub retry_info: Option<pb::RetryInfo>,
    /// Which request fields are wrong: for the request-parameter codes.
    pub bad_request: Option<pb::BadRequest>,
    /// Which resource was not found or refused.
    pub resource_info: Option<pb::ResourceInfo>,
    /// Which preconditions failed.
    pub precondition_failure: Option<pb::PreconditionFailure>,
    /// Which quota ran out.
    pub quota_failure: Option<pb::QuotaFailure>,
    /// Links to documentation.
    pub help: Option<pb::Help>,
    /// The request or trace id, so a report can be tied to the server's logs.
    pub request_info: Option<pb::RequestInfo>,
    /// A message for end users, in their locale.
    pub localized_message: Option<pb::LocalizedMessage>,
    /// Stack entries and detail for debugging. Only sent when the encoder was
    /// told to ([`StatusEncoder::include_debug_info`](crate::StatusEncoder::include_debug_info)).
    pub debug_info: Option<pb::DebugInfo>,
    /// Details of other types, kept as they came: custom details a server
    /// adds, and any type a newer peer sends.
    pub other: Vec<Any>,
}

impl Details {
    /// No details.
    pub const EMPTY: Details = Details {
        retry_info: None,
        bad_request: None,
        resource_info: None,
        precondition_failure: None,
        quota_failure: None,
        help: None,
        request_info: None,
        localized_message: None,
        debug_info: None,
        other: Vec::new(),
    };

    /// Whether no detail is set.
    pub fn is_empty(&self) -> bool {
        *self == Details::EMPTY
    }
}
