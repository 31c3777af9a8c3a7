//! The standard `google.rpc` error details, as this crate's value types,
//! declared once in one table.
//!
//! An [`Error`] carries at most one detail of each type
//! (AIP-193), plus [`RawDetail`]s of types this library does not decode.
//! Build them with the `with_*` methods of `Error` (or
//! [`Error::with_detail`](crate::Error::with_detail)) and read them with its
//! accessors:
//!
//! ```
//! use csghub_errorx::{Error, ErrorCode, ResourceInfo};
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

use std::fmt;

use prost::Message as _;
use tonic_types::pb;

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
use crate::Error;

/// Declares every standard detail once. Each row: the type, the accessor
/// (and slot) name, the generated `google.rpc` message it decodes from, its
/// protobuf type name, and its rank in the order details are dropped when a
/// status is over budget (0 first). Rows are in wire order, most useful
/// first; raw details go last.
macro_rules! standard_details {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident: $field:ident, $proto:ty, $type_name:literal, drop $drop:literal;
    )* [raw] drop $raw_drop:literal;) => {
        /// The details of one error. Boxed in [`Error`], which most errors
        /// leave empty.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub(crate) struct Details {
            $(pub(crate) $field: Option<$kind>,)*
            pub(crate) raw: Vec<RawDetail>,
        }

        /// One detail, of any type an [`Error`] can carry: the argument of
        /// [`Error::with_detail`]. Every detail type converts into it.
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
                    $(DetailKind::$kind => self.$field.as_ref().map(|d| d as &dyn WireMessage),)*
                    DetailKind::Raw => None,
                }
            }

            /// The detail of `kind`, to show; `None` for raw details.
            pub(crate) fn debug(&self, kind: DetailKind) -> Option<&dyn fmt::Debug> {
                match kind {
                    $(DetailKind::$kind => self.$field.as_ref().map(|d| d as &dyn fmt::Debug),)*
                    DetailKind::Raw => None,
                }
            }

            /// Whether the error has a detail of `kind`.
            pub(crate) fn has(&self, kind: DetailKind) -> bool {
                match kind {
                    $(DetailKind::$kind => self.$field.is_some(),)*
                    DetailKind::Raw => !self.raw.is_empty(),
                }
            }

            /// Sets `detail`, replacing one of its type; raw details add up.
            pub(crate) fn set(&mut self, detail: Detail) {
                match detail {
                    $(Detail::$kind(detail) => self.$field = Some(detail),)*
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
                        if self.$field.is_some() {
                            return Ok(false);
                        }
                        self.$field = Some(<$proto>::decode(value)?.into());
                    })*
                    DetailKind::Raw => return Ok(false),
                }
                Ok(true)
            }
        }

        impl Error {
            $(
                $(#[doc = $doc])*
                #[doc = ""]
                #[doc = concat!("The `", $type_name, "` detail, if the error has one.")]
                pub fn $field(&self) -> Option<&$kind> {
                    self.details().and_then(|details| details.$field.as_ref())
                }
            )*
        }
    };
}

standard_details! {
    /// When to retry: for rate limits and unavailable services.
    RetryInfo: retry_info, pb::RetryInfo, "google.rpc.RetryInfo", drop 9;
    /// Which request fields are wrong.
    BadRequest: bad_request, pb::BadRequest, "google.rpc.BadRequest", drop 8;
    /// Which resource was not found or refused.
    ResourceInfo: resource_info, pb::ResourceInfo, "google.rpc.ResourceInfo", drop 7;
    /// Which preconditions failed.
    PreconditionFailure: precondition_failure, pb::PreconditionFailure, "google.rpc.PreconditionFailure", drop 6;
    /// Which quota ran out.
    QuotaFailure: quota_failure, pb::QuotaFailure, "google.rpc.QuotaFailure", drop 5;
    /// The request or trace id, to find the request in the server's logs.
    RequestInfo: request_info, pb::RequestInfo, "google.rpc.RequestInfo", drop 4;
    /// A message for end users, in their locale.
    LocalizedMessage: localized_message, pb::LocalizedMessage, "google.rpc.LocalizedMessage", drop 3;
    /// Links to documentation.
    Help: help, pb::Help, "google.rpc.Help", drop 1;
    /// Stack entries and detail, for internal callers only.
    DebugInfo: debug_info, pb::DebugInfo, "google.rpc.DebugInfo", drop 0;
    [raw] drop 2;
}

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
