//! The details of an error in proto3 JSON, as Go's `protojson` and
//! Python's `json_format` write them: `{"@type":…}` first, lowerCamel
//! field names, empty fields left out, `Duration` as `"1.500s"`, int64 as
//! strings, enums by name.
//!
//! Written by hand on `serde`: the `google.rpc` types of `tonic-types` have
//! no serde support, and pbjson would add a build step and a dependency
//! tree for ten small messages.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::details::{DetailKind, Details};
use crate::{
    BadRequest, Context, DebugInfo, Error, FieldViolation, Help, HelpLink, LocalizedMessage,
    Module, PreconditionFailure, PreconditionViolation, QuotaFailure, QuotaViolation, RawDetail,
    RequestInfo, ResourceInfo, RetryInfo,
};

/// The type name of the standard ErrorInfo.
pub(crate) const GOOGLE_ERROR_INFO: &str = "google.rpc.ErrorInfo";
/// The type name of this library's typed ErrorInfo.
pub(crate) const TYPED_ERROR_INFO: &str = "csghub.errorx.v1.ErrorInfo";
/// The longest `google.protobuf.Duration` proto3 JSON accepts, in seconds.
const MAX_DURATION_SECONDS: u64 = 315_576_000_000;

/// Which details of an error are written, and with what.
pub(crate) struct DetailsJson<'a> {
    pub(crate) error: &'a Error,
    /// The `ErrorInfo.domain` unless the error has its own.
    pub(crate) domain: &'a str,
    /// Whether the two ErrorInfos lead the list (AIP-193), or are left out
    /// (problem details, which carry them as members).
    pub(crate) with_error_info: bool,
    pub(crate) include_debug_info: bool,
    /// A `LocalizedMessage` for the request's locale, written where the
    /// error has none of its own.
    pub(crate) localized: Option<&'a LocalizedMessage>,
}

impl DetailsJson<'_> {
    /// Whether the list would be empty.
    pub(crate) fn is_empty(&self) -> bool {
        let mut count = Counter(0);
        let _ = self.write(&mut count);
        count.0 == 0
    }

    /// Hands every detail, in order, to `out`.
    fn write<O: DetailSink>(&self, out: &mut O) -> Result<(), O::Error> {
        let error = self.error;
        if self.with_error_info {
            let code = error.code_str();
            out.detail(&Any(
                GOOGLE_ERROR_INFO,
                &GoogleErrorInfo {
                    reason: error.reason(),
                    domain: error.domain().unwrap_or(self.domain),
                    metadata: MetadataJson {
                        code: code.as_deref(),
                        context: error.context(),
                    },
                },
            ))?;
            let typed = match (error.code(), error.unknown_code()) {
                (Some(code), _) => Some((code.module(), code.number())),
                (None, Some(code)) => Some((code.module(), code.number())),
                (None, None) => None,
            };
            if let Some((module, number)) = typed {
                out.detail(&Any(TYPED_ERROR_INFO, &TypedErrorInfo { module, number }))?;
            }
        }
        let details = error.details();
        for &kind in DetailKind::WIRE_ORDER {
            if kind == DetailKind::DebugInfo && !self.include_debug_info {
                continue;
            }
            let own_localized = details.is_some_and(|d| d.localized_message.is_some());
            if kind == DetailKind::LocalizedMessage && !own_localized {
                if let (Some(localized), Some(name)) = (self.localized, kind.type_name()) {
                    out.detail(&Any(name, localized))?;
                }
                continue;
            }
            if let Some(details) = details {
                write_kind(kind, details, out)?;
            }
        }
        let Some(details) = details else {
            return Ok(());
        };
        // AIP-193 allows one detail of each type: a raw detail of a type
        // already written (a duplicate a peer sent) is left out.
        let mut written: Vec<&str> = Vec::new();
        for raw in &details.raw {
            let name = raw.type_name();
            let standard = DetailKind::from_type_name(name).is_some_and(|kind| {
                details.has(kind) && (kind != DetailKind::DebugInfo || self.include_debug_info)
            });
            let error_info =
                self.with_error_info && (name == GOOGLE_ERROR_INFO || name == TYPED_ERROR_INFO);
            if standard || error_info || written.contains(&name) {
                continue;
            }
            written.push(name);
            out.detail(&RawJson(raw))?;
        }
        Ok(())
    }
}

impl Serialize for DetailsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = SeqSink(serializer.serialize_seq(None)?);
        self.write(&mut seq)?;
        seq.0.end()
    }
}

fn write_kind<O: DetailSink>(
    kind: DetailKind,
    details: &Details,
    out: &mut O,
) -> Result<(), O::Error> {
    let Some(name) = kind.type_name() else {
        return Ok(());
    };
    // Exhaustive, so that a detail added to the table must be added here.
    match kind {
        DetailKind::RetryInfo => details
            .retry_info
            .as_ref()
            .map(|d| out.detail(&Any(name, d))),
        DetailKind::BadRequest => details
            .bad_request
            .as_ref()
            .map(|d| out.detail(&Any(name, d))),
        DetailKind::ResourceInfo => details
            .resource_info
            .as_ref()
            .map(|d| out.detail(&Any(name, d))),
        DetailKind::PreconditionFailure => details
            .precondition_failure
            .as_ref()
            .map(|d| out.detail(&Any(name, d))),
        DetailKind::QuotaFailure => details
            .quota_failure
            .as_ref()
            .map(|d| out.detail(&Any(name, d))),
        DetailKind::RequestInfo => details
            .request_info
            .as_ref()
            .map(|d| out.detail(&Any(name, d))),
        DetailKind::LocalizedMessage => details
            .localized_message
            .as_ref()
            .map(|d| out.detail(&Any(name, d))),
        DetailKind::Help => details.help.as_ref().map(|d| out.detail(&Any(name, d))),
        DetailKind::DebugInfo => details
            .debug_info
            .as_ref()
            .map(|d| out.detail(&Any(name, d))),
        DetailKind::Raw => None,
    }
    .unwrap_or(Ok(()))
}

/// Where the details go: a JSON array, or a counter.
trait DetailSink {
    type Error;
    fn detail<T: Serialize>(&mut self, detail: &T) -> Result<(), Self::Error>;
}

struct SeqSink<S>(S);

impl<S: SerializeSeq> DetailSink for SeqSink<S> {
    type Error = S::Error;
    fn detail<T: Serialize>(&mut self, detail: &T) -> Result<(), S::Error> {
        self.0.serialize_element(detail)
    }
}

struct Counter(usize);

impl DetailSink for Counter {
    type Error = std::convert::Infallible;
    fn detail<T: Serialize>(&mut self, _: &T) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
}

/// A message's fields in proto3 JSON, written into an open object.
pub(crate) trait ProtoJson {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// A message as a `google.protobuf.Any` in proto3 JSON: `@type`, then its
/// fields.
pub(crate) struct Any<'a, T>(pub(crate) &'a str, pub(crate) &'a T);

impl<T: ProtoJson> Serialize for Any<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@type", &TypeUrl(self.0))?;
        self.1.write_fields(&mut map)?;
        map.end()
    }
}

/// `type.googleapis.com/` and a type name.
struct TypeUrl<'a>(&'a str);

impl Serialize for TypeUrl<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The types written most, as whole strings: one write, no
        // formatting.
        let whole = match self.0 {
            GOOGLE_ERROR_INFO => "type.googleapis.com/google.rpc.ErrorInfo",
            TYPED_ERROR_INFO => "type.googleapis.com/csghub.errorx.v1.ErrorInfo",
            "google.rpc.RetryInfo" => "type.googleapis.com/google.rpc.RetryInfo",
            "google.rpc.BadRequest" => "type.googleapis.com/google.rpc.BadRequest",
            "google.rpc.ResourceInfo" => "type.googleapis.com/google.rpc.ResourceInfo",
            name => {
                return serializer
                    .collect_str(&format_args!("{}{name}", crate::wire::TYPE_URL_PREFIX))
            }
        };
        serializer.serialize_str(whole)
    }
}

/// A nested message.
struct Message<'a, T>(&'a T);

impl<T: ProtoJson> Serialize for Message<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.0.write_fields(&mut map)?;
        map.end()
    }
}

/// A repeated message field.
struct Messages<'a, T>(&'a [T]);

impl<T: ProtoJson> Serialize for Messages<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Message))
    }
}

/// A string field, left out when empty.
fn string<M: SerializeMap>(map: &mut M, name: &'static str, value: &str) -> Result<(), M::Error> {
    if value.is_empty() {
        return Ok(());
    }
    map.serialize_entry(name, value)
}

/// A repeated message field, left out when empty.
fn messages<M: SerializeMap, T: ProtoJson>(
    map: &mut M,
    name: &'static str,
    values: &[T],
) -> Result<(), M::Error> {
    if values.is_empty() {
        return Ok(());
    }
    map.serialize_entry(name, &Messages(values))
}

/// `google.rpc.ErrorInfo`, from the error's parts.
pub(crate) struct GoogleErrorInfo<'a> {
    pub(crate) reason: &'a str,
    pub(crate) domain: &'a str,
    pub(crate) metadata: MetadataJson<'a>,
}

impl ProtoJson for GoogleErrorInfo<'_> {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        string(map, "reason", self.reason)?;
        string(map, "domain", self.domain)?;
        if !self.metadata.is_empty() {
            map.serialize_entry("metadata", &self.metadata)?;
        }
        Ok(())
    }
}

/// The `google.rpc.ErrorInfo` metadata as the gRPC side writes it: the code
/// string under the reserved key `code`, and the context, in key order.
pub(crate) struct MetadataJson<'a> {
    pub(crate) code: Option<&'a str>,
    pub(crate) context: &'a Context,
}

impl MetadataJson<'_> {
    pub(crate) fn is_empty(&self) -> bool {
        self.code.is_none() && self.context.is_empty()
    }
}

impl Serialize for MetadataJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        const CODE_KEY: &str = "code";
        let mut map = serializer.serialize_map(None)?;
        let mut code = self.code;
        for (key, value) in self.context.iter() {
            if self.code.is_some() && key == CODE_KEY {
                // Only a peer's entry, kept exactly: the code string wins.
                continue;
            }
            if let Some(text) = code.filter(|_| key > CODE_KEY) {
                map.serialize_entry(CODE_KEY, text)?;
                code = None;
            }
            map.serialize_entry(key, value)?;
        }
        if let Some(text) = code {
            map.serialize_entry(CODE_KEY, text)?;
        }
        map.end()
    }
}

/// `csghub.errorx.v1.ErrorInfo`: the module by its enum name (its number
/// when this build does not know it), and the number.
struct TypedErrorInfo {
    module: Module,
    number: u32,
}

impl ProtoJson for TypedErrorInfo {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match self.module.proto_name() {
            Some(name) => map.serialize_entry("module", name)?,
            None if self.module != Module::UNSPECIFIED => {
                map.serialize_entry("module", &self.module.as_i32())?
            }
            None => {}
        }
        if self.number != 0 {
            map.serialize_entry("number", &self.number)?;
        }
        Ok(())
    }
}

impl ProtoJson for RetryInfo {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match self.retry_delay() {
            Some(delay) => map.serialize_entry("retryDelay", &DurationJson(delay)),
            None => Ok(()),
        }
    }
}

/// A `google.protobuf.Duration` in proto3 JSON: seconds with 0, 3, 6 or 9
/// fractional digits and an `s`, as protojson writes it (`"2s"`,
/// `"1.500s"`), within its range.
pub(crate) struct DurationJson(pub(crate) Duration);

impl fmt::Display for DurationJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.as_secs().min(MAX_DURATION_SECONDS);
        let nanos = if seconds == MAX_DURATION_SECONDS {
            0
        } else {
            self.0.subsec_nanos()
        };
        if nanos == 0 {
            write!(f, "{seconds}s")
        } else if nanos % 1_000_000 == 0 {
            write!(f, "{seconds}.{:03}s", nanos / 1_000_000)
        } else if nanos % 1_000 == 0 {
            write!(f, "{seconds}.{:06}s", nanos / 1_000)
        } else {
            write!(f, "{seconds}.{nanos:09}s")
        }
    }
}

impl Serialize for DurationJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl ProtoJson for BadRequest {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        messages(map, "fieldViolations", self.field_violations())
    }
}

impl ProtoJson for FieldViolation {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        string(map, "field", self.field())?;
        string(map, "description", self.description())?;
        string(map, "reason", self.reason())?;
        if let Some(message) = self.localized_message() {
            map.serialize_entry("localizedMessage", &Message(message))?;
        }
        Ok(())
    }
}

impl ProtoJson for LocalizedMessage {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        string(map, "locale", self.locale())?;
        string(map, "message", self.message())
    }
}

impl ProtoJson for ResourceInfo {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        string(map, "resourceType", self.resource_type())?;
        string(map, "resourceName", self.resource_name())?;
        string(map, "owner", self.owner())?;
        string(map, "description", self.description())
    }
}

impl ProtoJson for PreconditionFailure {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        messages(map, "violations", self.violations())
    }
}

impl ProtoJson for PreconditionViolation {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        string(map, "type", self.kind())?;
        string(map, "subject", self.subject())?;
        string(map, "description", self.description())
    }
}

impl ProtoJson for QuotaFailure {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        messages(map, "violations", self.violations())
    }
}

impl ProtoJson for QuotaViolation {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        let proto = self.proto();
        string(map, "subject", &proto.subject)?;
        string(map, "description", &proto.description)?;
        string(map, "apiService", &proto.api_service)?;
        string(map, "quotaMetric", &proto.quota_metric)?;
        string(map, "quotaId", &proto.quota_id)?;
        if !proto.quota_dimensions.is_empty() {
            // A HashMap: sorted, so the same error renders the same bytes.
            let mut dimensions: Vec<_> = proto.quota_dimensions.iter().collect();
            dimensions.sort();
            map.serialize_entry("quotaDimensions", &SortedMap(&dimensions))?;
        }
        // int64 is a string in proto3 JSON.
        if proto.quota_value != 0 {
            map.serialize_entry("quotaValue", &proto.quota_value.to_string())?;
        }
        if let Some(value) = proto.future_quota_value {
            map.serialize_entry("futureQuotaValue", &value.to_string())?;
        }
        Ok(())
    }
}

struct SortedMap<'a>(&'a [(&'a String, &'a String)]);

impl Serialize for SortedMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().copied())
    }
}

impl ProtoJson for RequestInfo {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        string(map, "requestId", self.request_id())?;
        string(map, "servingData", self.serving_data())
    }
}

impl ProtoJson for Help {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        messages(map, "links", self.links())
    }
}

impl ProtoJson for HelpLink {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        string(map, "description", self.description())?;
        string(map, "url", self.url())
    }
}

impl ProtoJson for DebugInfo {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        if !self.stack_entries().is_empty() {
            map.serialize_entry("stackEntries", self.stack_entries())?;
        }
        string(map, "detail", self.detail())
    }
}

/// A detail of a type this build does not know: the JSON object it came
/// in, or `{"@type":…,"value":"<base64>"}` (the form proto3 JSON gives an
/// `Any` whose content it cannot write field by field).
struct RawJson<'a>(&'a RawDetail);

impl Serialize for RawJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@type", raw.type_url())?;
        let members = raw.json().and_then(|json| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(json).ok()
        });
        match members {
            Some(members) => {
                for (name, value) in members.iter().filter(|(name, _)| *name != "@type") {
                    map.serialize_entry(name, value)?;
                }
            }
            None => {
                let value = base64::engine::general_purpose::STANDARD.encode(raw.value());
                map.serialize_entry("value", &value)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_0_3_6_or_9_fractional_digits() {
        for (duration, text) in [
            (Duration::ZERO, "0s"),
            (Duration::from_secs(2), "2s"),
            (Duration::from_millis(1500), "1.500s"),
            (Duration::from_micros(1_000_001), "1.000001s"),
            (Duration::new(0, 1), "0.000000001s"),
            (Duration::from_secs(u64::MAX), "315576000000s"),
        ] {
            assert_eq!(DurationJson(duration).to_string(), text);
        }
    }
}
