//! The Connect protocol's error JSON
//! (<https://connectrpc.com/docs/protocol#error-end-stream>):
//! `{"code":"not_found","message":…,"details":[{"type":"google.rpc.ErrorInfo",
//! "value":"<base64>","debug":{…}}]}`, sent with the HTTP status the
//! protocol gives each code.
//!
//! Each detail's `value` is the protobuf bytes of the message, as in a
//! `google.protobuf.Any`, so the details are exactly those the gRPC side
//! sends: they are encoded by the [`StatusEncoder`] and read back by the
//! [`StatusDecoder`](crate::StatusDecoder), one rule for both. `debug` is
//! the message in proto3 JSON, for people reading the body; Connect's
//! clients ignore it (connect-es #1095 changed what it writes there), and
//! so does the decoder.

use base64::Engine as _;
use http::StatusCode;
use prost::Message as _;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::detail_json::DetailsJson;
use crate::details::LocalizedMessage;
use crate::{Error, StatusEncoder};

/// Each gRPC code's name in the Connect protocol and the HTTP status of a
/// unary error with it, from the protocol's table
/// (<https://connectrpc.com/docs/protocol#error-codes>), by code number.
const CONNECT_CODES: [(&str, u16); 17] = [
    ("ok", 200),
    ("canceled", 499),
    ("unknown", 500),
    ("invalid_argument", 400),
    ("deadline_exceeded", 504),
    ("not_found", 404),
    ("already_exists", 409),
    ("permission_denied", 403),
    ("resource_exhausted", 429),
    ("failed_precondition", 400),
    ("aborted", 409),
    ("out_of_range", 400),
    ("unimplemented", 501),
    ("internal", 500),
    ("unavailable", 503),
    ("data_loss", 500),
    ("unauthenticated", 401),
];

/// The Connect name of `code` (`not_found`).
pub(crate) fn code_name(code: tonic::Code) -> &'static str {
    CONNECT_CODES[code as usize].0
}

/// The gRPC code a Connect code name stands for; `None` for any other text
/// (and for `ok`, which no error has).
pub(crate) fn code_from_name(name: &str) -> Option<tonic::Code> {
    (1..=16)
        .map(tonic::Code::from_i32)
        .find(|&code| code_name(code) == name)
}

/// The HTTP status of a Connect unary error with `code`.
pub(crate) fn http_status(code: tonic::Code) -> StatusCode {
    StatusCode::from_u16(CONNECT_CODES[code as usize].1)
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The body, from the error and the encoder the gRPC side uses.
pub(crate) struct ConnectBody<'a> {
    pub(crate) error: &'a Error,
    pub(crate) encoder: &'a StatusEncoder,
    /// A `LocalizedMessage` for the request's locale, where the error has
    /// none of its own.
    pub(crate) localized: Option<&'a LocalizedMessage>,
}

impl Serialize for ConnectBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let error = self.error;
        // The bytes the gRPC side would send, with no header budget: a body
        // has no 8 KiB limit, so nothing is cut.
        let encoder = self.encoder.clone().budget(usize::MAX);
        let localized_error;
        let error = match self.localized {
            Some(localized) if error.localized_message().is_none() => {
                localized_error = error
                    .clone()
                    .with_localized_message(localized.locale(), localized.message());
                &localized_error
            }
            _ => error,
        };
        let status = encoder.encode(error);
        let anys = tonic_types::pb::Status::decode(status.details())
            .map(|inner| inner.details)
            .unwrap_or_default();
        // Each detail's proto3 JSON, for `debug`, by its type name.
        let debug = serde_json::to_value(DetailsJson {
            error,
            domain: encoder.domain_name(),
            with_error_info: true,
            include_debug_info: encoder.includes_debug_info(),
            localized: None,
        })
        .ok();
        let debug: Vec<(String, Map<String, Value>)> = match debug {
            Some(Value::Array(items)) => items
                .into_iter()
                .filter_map(|item| match item {
                    Value::Object(mut members) => {
                        let type_name = match members.remove("@type") {
                            Some(Value::String(url)) => type_name(&url).to_string(),
                            _ => return None,
                        };
                        Some((type_name, members))
                    }
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", code_name(error.grpc_code()))?;
        if !status.message().is_empty() {
            map.serialize_entry("message", status.message())?;
        }
        if !anys.is_empty() {
            let details: Vec<ConnectDetail<'_>> = anys
                .iter()
                .map(|any| {
                    let name = type_name(&any.type_url);
                    ConnectDetail {
                        type_name: name,
                        value: &any.value,
                        debug: debug.iter().find(|(n, _)| n == name).map(|(_, d)| d),
                    }
                })
                .collect();
            map.serialize_entry("details", &details)?;
        }
        map.end()
    }
}

/// The type name of a type URL: what follows its last `/`.
fn type_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

/// One detail: `type` is the message's full name, without the
/// `type.googleapis.com/` prefix of an `Any`; `value` its bytes in
/// unpadded standard base64, as connect-go writes them.
struct ConnectDetail<'a> {
    type_name: &'a str,
    value: &'a [u8],
    debug: Option<&'a Map<String, Value>>,
}

impl Serialize for ConnectDetail<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", self.type_name)?;
        let value = base64::engine::general_purpose::STANDARD_NO_PAD.encode(self.value);
        map.serialize_entry("value", &value)?;
        if let Some(debug) = self.debug {
            map.serialize_entry("debug", debug)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_but_ok_has_a_connect_name_that_reads_back() {
        for n in 1..=16 {
            let code = tonic::Code::from_i32(n);
            assert_eq!(code_from_name(code_name(code)), Some(code), "{n}");
        }
        assert_eq!(code_from_name("ok"), None);
        assert_eq!(code_from_name("cancelled"), None);
        assert_eq!(code_name(tonic::Code::Cancelled), "canceled");
    }

    #[test]
    fn the_connect_statuses_are_the_canonical_http_mapping() {
        // The protocol's table and google/rpc/code.proto agree on every
        // code; a change to either shows here.
        for n in 1..=16 {
            let code = tonic::Code::from_i32(n);
            assert_eq!(
                http_status(code),
                crate::grpc_code::http_status(code),
                "{n}"
            );
        }
    }
}
