//! The standard `google.rpc` error details, as this crate's value types,
//! declared once in one table.
//!
//! An [`Error`](crate::Error) carries at most one detail of each type
//! (AIP-193), plus [`RawDetail`]s of types this library does not decode.
//! Build them with the `with_*` methods of `Error` (or
//! [`Error::with_detail`](crate::Error::with_detail)) and read them with its
//! accessors:
//!
//! ```
//! use csghub_errorx::{Error, ErrorCode};
//! use csghub_errorx::details::ResourceInfo;
//! use std::time::Duration;
//!
//! let error = Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED)
//!     .with_retry_delay(Duration::from_secs(2))
//!     .with_detail(ResourceInfo::new("model", "ns/llama"));
//! let status = tonic::Status::from(error);
//!
//! let decoded = Error::from_status(&status);
//! assert_eq!(decoded.retry_delay(), Some(Duration::from_secs(2)));
//! assert_eq!(decoded.resource_info().unwrap().resource_name(), "ns/llama");
//! ```

mod bad_request;
mod debug_info;
mod help;
mod localized_message;
mod precondition_failure;
mod quota_failure;
mod raw_detail;
mod request_info;
mod resource_info;
mod retry_info;

#[cfg(feature = "json")]
pub(crate) mod json;

use std::fmt;

pub use bad_request::{BadRequest, FieldViolation};
pub use debug_info::DebugInfo;
pub use help::{Help, HelpLink};
pub use localized_message::LocalizedMessage;
pub use precondition_failure::{PreconditionFailure, PreconditionViolation};
pub use quota_failure::{QuotaFailure, QuotaViolation};
pub use raw_detail::RawDetail;
pub use request_info::RequestInfo;
pub use resource_info::ResourceInfo;
pub use retry_info::RetryInfo;

use crate::wire::WireMessage;

/// Declares every standard detail once, for the macros that expand it (a
/// callback, as axum-core's `__define_rejection!` does): this module's
/// [`Details`] slots, [`Detail`] and `DetailKind` (`define_details!`, below),
/// and `Error`'s accessor and builder for each (in `error/detail_methods.rs`).
/// The wire and JSON forms of each type are in its own file, as trait
/// implementations the expansions call.
///
/// Each row: the type; its slot (and accessor) name; the generated
/// `google.rpc` message it decodes from; its protobuf type name; its rank in
/// the order details are dropped when a status is over budget (0 first);
/// the builder on `Error` (`set`: replaces the detail, `add`: adds an item
/// to its list) with its docs; and the builder's arguments in the example
/// every kind is tested with. Rows are in wire order, most useful first;
/// raw details go last.
macro_rules! standard_details {
    ($callback:ident) => {
        $callback! {
            /// When to retry: for rate limits and unavailable services.
            RetryInfo {
                slot: retry_info,
                proto: tonic_types::pb::RetryInfo,
                type_name: "google.rpc.RetryInfo",
                drop_rank: 9,
                /// Adds `RetryInfo`: the client should wait `delay` before retrying.
                builder: with_retry_delay(delay: std::time::Duration) => set $crate::details::RetryInfo::new,
                example: (std::time::Duration::from_millis(1500)),
            }
            /// Which request fields are wrong.
            BadRequest {
                slot: bad_request,
                proto: tonic_types::pb::BadRequest,
                type_name: "google.rpc.BadRequest",
                drop_rank: 8,
                /// Adds a `BadRequest` field violation: `field` (a path such as
                /// `repo.name`) is wrong, and why. Violations add up.
                builder: add_field_violation(field: impl Into<String>, description: impl Into<String>)
                    => add $crate::details::FieldViolation::new,
                example: ("repo.name", "must be namespace/name"),
            }
            /// Which resource was not found or refused.
            ResourceInfo {
                slot: resource_info,
                proto: tonic_types::pb::ResourceInfo,
                type_name: "google.rpc.ResourceInfo",
                drop_rank: 7,
                /// Adds `ResourceInfo`: which resource was not found or refused.
                builder: with_resource(resource_type: impl Into<String>, resource_name: impl Into<String>)
                    => set $crate::details::ResourceInfo::new,
                example: ("repository", "ns/name"),
            }
            /// Which preconditions failed.
            PreconditionFailure {
                slot: precondition_failure,
                proto: tonic_types::pb::PreconditionFailure,
                type_name: "google.rpc.PreconditionFailure",
                drop_rank: 6,
                /// Adds a `PreconditionFailure` violation: a precondition of type
                /// `kind` on `subject` failed, and how. Violations add up.
                builder: add_precondition_violation(
                    kind: impl Into<String>,
                    subject: impl Into<String>,
                    description: impl Into<String>
                ) => add $crate::details::PreconditionViolation::new,
                example: ("TOS", "user:alice", "terms of service not accepted"),
            }
            /// Which quota ran out.
            QuotaFailure {
                slot: quota_failure,
                proto: tonic_types::pb::QuotaFailure,
                type_name: "google.rpc.QuotaFailure",
                drop_rank: 5,
                /// Adds a `QuotaFailure` violation: `subject` exceeded a quota, as
                /// `description` says. Violations add up.
                builder: add_quota_violation(subject: impl Into<String>, description: impl Into<String>)
                    => add $crate::details::QuotaViolation::new,
                example: ("project:ns", "100 inference calls a day"),
            }
            /// The request or trace id, to find the request in the server's logs.
            RequestInfo {
                slot: request_info,
                proto: tonic_types::pb::RequestInfo,
                type_name: "google.rpc.RequestInfo",
                drop_rank: 4,
                /// Adds `RequestInfo` with a request or trace id.
                builder: with_request_id(request_id: impl Into<String>) => set $crate::details::RequestInfo::new,
                example: ("req-7f3a"),
            }
            /// A message for end users, in their locale.
            LocalizedMessage {
                slot: localized_message,
                proto: tonic_types::pb::LocalizedMessage,
                type_name: "google.rpc.LocalizedMessage",
                drop_rank: 3,
                /// Adds a `LocalizedMessage`: `message` for end users in `locale`.
                builder: with_localized_message(locale: impl Into<String>, message: impl Into<String>)
                    => set $crate::details::LocalizedMessage::new,
                example: ("zh-CN", "未找到该仓库。"),
            }
            /// Links to documentation.
            Help {
                slot: help,
                proto: tonic_types::pb::Help,
                type_name: "google.rpc.Help",
                drop_rank: 1,
                /// Adds a `Help` link. Links add up.
                builder: add_help_link(description: impl Into<String>, url: impl Into<String>)
                    => add $crate::details::HelpLink::new,
                example: ("The error codes", "https://csghub.opencsg.com/errors/GIT-ERR-9"),
            }
            /// Stack entries and detail, for internal callers only.
            DebugInfo {
                slot: debug_info,
                proto: tonic_types::pb::DebugInfo,
                type_name: "google.rpc.DebugInfo",
                drop_rank: 0,
                /// Adds `DebugInfo`. It is sent only by an encoder that opted in with
                /// [`StatusEncoder::include_debug_info`](crate::StatusEncoder::include_debug_info).
                builder: with_debug_info(
                    detail: impl Into<String>,
                    stack_entries: impl IntoIterator<Item = impl Into<String>>
                ) => set $crate::details::DebugInfo::new,
                example: ("pool exhausted", ["db::pool::get"]),
            }
            [raw] drop_rank: 2;
        }
    };
}
pub(crate) use standard_details;

/// Defines the detail slots and kinds from the table.
macro_rules! define_details {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident {
            slot: $slot:ident,
            proto: $proto:ty,
            type_name: $type_name:literal,
            drop_rank: $drop:literal,
            // The builder, for `Error`'s methods.
            $($builder:tt)*
        }
    )* [raw] drop_rank: $raw_drop:literal;) => {
        /// The details of one error. Boxed in `Error`, which most errors
        /// leave empty.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub(crate) struct Details {
            $(pub(crate) $slot: Option<$kind>,)*
            pub(crate) raw: Vec<RawDetail>,
        }

        /// One detail, of any type an `Error` can carry: the argument of
        /// [`Error::with_detail`](crate::Error::with_detail). Every detail
        /// type converts into it.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum Detail {
            $($(#[doc = $doc])* $kind($kind),)*
            /// A detail of another type, kept raw.
            Raw(RawDetail),
        }

        $(
            impl From<$kind> for Detail {
                fn from(detail: $kind) -> Detail {
                    Detail::$kind(detail)
                }
            }
        )*

        impl From<RawDetail> for Detail {
            fn from(detail: RawDetail) -> Detail {
                Detail::Raw(detail)
            }
        }

        /// The kinds of detail, to order and select them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum DetailKind {
            $($kind,)*
            Raw,
        }

        impl DetailKind {
            /// Every kind, in the order details are written.
            pub(crate) const WIRE_ORDER: &'static [DetailKind] = &[$(DetailKind::$kind,)* DetailKind::Raw];

            /// Where the kind is in the order details are dropped, 0 first.
            pub(crate) const fn drop_rank(self) -> usize {
                match self {
                    $(DetailKind::$kind => $drop,)*
                    DetailKind::Raw => $raw_drop,
                }
            }

            /// The protobuf type name, `None` for raw details.
            pub(crate) const fn type_name(self) -> Option<&'static str> {
                match self {
                    $(DetailKind::$kind => Some($type_name),)*
                    DetailKind::Raw => None,
                }
            }

            /// The kind whose protobuf type name is `name`.
            pub(crate) fn from_type_name(name: &str) -> Option<DetailKind> {
                match name {
                    $($type_name => Some(DetailKind::$kind),)*
                    _ => None,
                }
            }

            /// The type's short name, for people: `RetryInfo`.
            pub(crate) const fn label(self) -> &'static str {
                match self {
                    $(DetailKind::$kind => stringify!($kind),)*
                    DetailKind::Raw => "raw",
                }
            }
        }

        impl Details {
            /// The detail of `kind`, to encode; `None` for raw details,
            /// which are many.
            pub(crate) fn message(&self, kind: DetailKind) -> Option<&dyn WireMessage> {
                match kind {
                    $(DetailKind::$kind => self.$slot.as_ref().map(|d| d as &dyn WireMessage),)*
                    DetailKind::Raw => None,
                }
            }

            /// The detail of `kind`, to show; `None` for raw details.
            pub(crate) fn debug(&self, kind: DetailKind) -> Option<&dyn fmt::Debug> {
                match kind {
                    $(DetailKind::$kind => self.$slot.as_ref().map(|d| d as &dyn fmt::Debug),)*
                    DetailKind::Raw => None,
                }
            }

            /// Whether the error has a detail of `kind`.
            pub(crate) fn has(&self, kind: DetailKind) -> bool {
                match kind {
                    $(DetailKind::$kind => self.$slot.is_some(),)*
                    DetailKind::Raw => !self.raw.is_empty(),
                }
            }

            /// Sets `detail`, replacing one of its type; raw details add up.
            pub(crate) fn set(&mut self, detail: Detail) {
                match detail {
                    $(Detail::$kind(detail) => self.$slot = Some(detail),)*
                    Detail::Raw(detail) => self.raw.push(detail),
                }
            }

            /// Decodes `value` into the empty slot of `kind`. `Ok(false)`
            /// when the slot is taken.
            pub(crate) fn decode_into(
                &mut self,
                kind: DetailKind,
                value: &[u8],
            ) -> Result<bool, prost::DecodeError> {
                match kind {
                    $(DetailKind::$kind => {
                        if self.$slot.is_some() {
                            return Ok(false);
                        }
                        self.$slot = Some(<$proto as prost::Message>::decode(value)?.into());
                    })*
                    DetailKind::Raw => return Ok(false),
                }
                Ok(true)
            }

            /// Hands the detail of `kind`, if any, to `visitor` in proto3
            /// JSON; raw details are the caller's.
            #[cfg(feature = "json")]
            pub(crate) fn visit_json<V: json::DetailVisitor>(
                &self,
                kind: DetailKind,
                visitor: &mut V,
            ) -> Result<(), V::Error> {
                match kind {
                    $(DetailKind::$kind => match &self.$slot {
                        Some(detail) => visitor.detail($type_name, detail),
                        None => Ok(()),
                    },)*
                    DetailKind::Raw => Ok(()),
                }
            }

            /// Reads a detail of `kind` from its proto3 JSON object into
            /// its slot: `Ok(false)` when the slot is taken.
            #[cfg(feature = "json")]
            pub(crate) fn read_json(
                &mut self,
                kind: DetailKind,
                item: &serde_json::Value,
            ) -> Result<bool, String> {
                match kind {
                    $(DetailKind::$kind => {
                        if self.$slot.is_some() {
                            return Ok(false);
                        }
                        self.$slot = Some(<$kind as json::FromProtoJson>::from_proto_json(item)?);
                    })*
                    DetailKind::Raw => return Ok(false),
                }
                Ok(true)
            }
        }
    };
}

standard_details!(define_details);

impl DetailKind {
    /// Every kind, in the order details are dropped when a status is over
    /// budget: DebugInfo, Help, raw details, then the standard details from
    /// the least to the most useful to a client deciding what to do.
    pub(crate) fn drop_order() -> impl Iterator<Item = DetailKind> {
        (0..DetailKind::WIRE_ORDER.len()).filter_map(|rank| {
            DetailKind::WIRE_ORDER
                .iter()
                .copied()
                .find(|kind| kind.drop_rank() == rank)
        })
    }
}

impl Details {
    /// Whether no detail is set.
    pub(crate) fn is_empty(&self) -> bool {
        DetailKind::WIRE_ORDER.iter().all(|&kind| !self.has(kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_distinct_drop_rank() {
        let order: Vec<_> = DetailKind::drop_order().collect();
        assert_eq!(order.len(), DetailKind::WIRE_ORDER.len());
        assert_eq!(order[0], DetailKind::DebugInfo);
        assert_eq!(order.last(), Some(&DetailKind::RetryInfo));
    }

    #[test]
    fn type_names_map_back_to_their_kind() {
        for &kind in DetailKind::WIRE_ORDER {
            if let Some(name) = kind.type_name() {
                assert_eq!(DetailKind::from_type_name(name), Some(kind));
            }
        }
    }
}
