//! [`DetailKind`]: the optional details, in wire order and in drop order.

use tonic_types::pb;

use super::wire::WireMessage;
use crate::Details;

/// One kind of optional detail the encoder may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DetailKind {
    RetryInfo,
    BadRequest,
    ResourceInfo,
    PreconditionFailure,
    QuotaFailure,
    RequestInfo,
    LocalizedMessage,
    Help,
    /// Custom and unknown details, sent as the raw `Any`s they are.
    Other,
    DebugInfo,
}

impl DetailKind {
    /// The order details are written in: most useful first.
    pub(crate) const WIRE_ORDER: [DetailKind; 10] = [
        DetailKind::RetryInfo,
        DetailKind::BadRequest,
        DetailKind::ResourceInfo,
        DetailKind::PreconditionFailure,
        DetailKind::QuotaFailure,
        DetailKind::RequestInfo,
        DetailKind::LocalizedMessage,
        DetailKind::Help,
        DetailKind::Other,
        DetailKind::DebugInfo,
    ];

    /// The order details are dropped in when a status is over budget:
    /// DebugInfo, Help, custom details, then the other standard details from
    /// the least to the most useful to a client deciding what to do.
    pub(crate) const DROP_ORDER: [DetailKind; 10] = [
        DetailKind::DebugInfo,
        DetailKind::Help,
        DetailKind::Other,
        DetailKind::LocalizedMessage,
        DetailKind::RequestInfo,
        DetailKind::QuotaFailure,
        DetailKind::PreconditionFailure,
        DetailKind::ResourceInfo,
        DetailKind::BadRequest,
        DetailKind::RetryInfo,
    ];

    pub(crate) const fn bit(self) -> u16 {
        1 << self as u16
    }

    /// The protobuf type name and the message of this kind, if `details`
    /// has one. `Other` has many messages and is handled apart.
    pub(crate) fn message(self, details: &Details) -> Option<(&'static str, &dyn WireMessage)> {
        fn typed<'d, M: prost::Message>(
            name: &'static str,
            message: &'d Option<M>,
        ) -> Option<(&'static str, &'d dyn WireMessage)> {
            message.as_ref().map(|m| (name, m as &dyn WireMessage))
        }
        match self {
            DetailKind::RetryInfo => typed("google.rpc.RetryInfo", &details.retry_info),
            DetailKind::BadRequest => typed("google.rpc.BadRequest", &details.bad_request),
            DetailKind::ResourceInfo => typed("google.rpc.ResourceInfo", &details.resource_info),
            DetailKind::PreconditionFailure => typed(
                "google.rpc.PreconditionFailure",
                &details.precondition_failure,
            ),
            DetailKind::QuotaFailure => typed("google.rpc.QuotaFailure", &details.quota_failure),
            DetailKind::RequestInfo => typed("google.rpc.RequestInfo", &details.request_info),
            DetailKind::LocalizedMessage => {
                typed("google.rpc.LocalizedMessage", &details.localized_message)
            }
            DetailKind::Help => typed("google.rpc.Help", &details.help),
            DetailKind::DebugInfo => {
                typed::<pb::DebugInfo>("google.rpc.DebugInfo", &details.debug_info)
            }
            DetailKind::Other => None,
        }
    }
}
