//! The details list of an error in proto3 JSON: each detail a
//! `google.protobuf.Any`, `{"@type":…}` first, then its fields as its own
//! file writes them (`crate::details::json`); the ErrorInfos first, enums
//! by name.

use base64::Engine as _;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::details::json::{string, DetailVisitor, ProtoJson};
use crate::details::DetailKind;
use crate::details::{LocalizedMessage, RawDetail};
use crate::status::{GOOGLE_ERROR_INFO, TYPED_ERROR_INFO};
use crate::{Context, Error};

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
            out.detail(
                GOOGLE_ERROR_INFO,
                &GoogleErrorInfo {
                    reason: error.reason(),
                    domain: error.wire_domain(self.domain),
                    metadata: MetadataJson {
                        code: code.as_deref(),
                        context: error.context(),
                    },
                },
            )?;
            if let Some((module, number)) = error.typed_parts() {
                out.detail(TYPED_ERROR_INFO, &TypedErrorInfo { module, number })?;
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
                    out.detail(name, localized)?;
                }
                continue;
            }
            if let Some(details) = details {
                details.visit_json(kind, out)?;
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
            out.raw(&RawJson(raw))?;
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

/// Where the details go: a JSON array, or a counter. The ErrorInfos and
/// raw details are written as they are (`raw`); the standard details come
/// from their table (`DetailVisitor::detail`).
trait DetailSink: DetailVisitor {
    fn raw<T: Serialize>(&mut self, detail: &T) -> Result<(), Self::Error>;
}

struct SeqSink<S>(S);

impl<S: SerializeSeq> DetailVisitor for SeqSink<S> {
    type Error = S::Error;
    fn detail<T: ProtoJson>(&mut self, type_name: &str, detail: &T) -> Result<(), S::Error> {
        self.0.serialize_element(&Any(type_name, detail))
    }
}

impl<S: SerializeSeq> DetailSink for SeqSink<S> {
    fn raw<T: Serialize>(&mut self, detail: &T) -> Result<(), S::Error> {
        self.0.serialize_element(detail)
    }
}

struct Counter(usize);

impl DetailVisitor for Counter {
    type Error = std::convert::Infallible;
    fn detail<T: ProtoJson>(&mut self, _: &str, _: &T) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
}

impl DetailSink for Counter {
    fn raw<T: Serialize>(&mut self, _: &T) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
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
    module: i32,
    number: u32,
}

impl ProtoJson for TypedErrorInfo {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        match crate::csghub::CATALOG.module(self.module) {
            Some(module) => map.serialize_entry("module", module.proto_name())?,
            None if self.module != 0 => map.serialize_entry("module", &self.module)?,
            None => {}
        }
        if self.number != 0 {
            map.serialize_entry("number", &self.number)?;
        }
        Ok(())
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
