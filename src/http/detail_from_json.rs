//! Details in proto3 JSON back into this library's types, leniently: the
//! lowerCamel names and the proto's own names, int64 as strings or
//! numbers, unknown fields ignored. A detail that cannot be read is kept
//! as it came and reported.

use std::collections::HashMap;

use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Map, Value};
use tonic_types::pb;

use super::detail_json::{GOOGLE_ERROR_INFO, TYPED_ERROR_INFO};
use crate::details::{DetailKind, Details};
use crate::status::decoder::{duplicate, malformed, place_standard};
use crate::status::problems::Problems;
use crate::truncate::truncate;
use crate::{
    BadRequest, Context, DebugInfo, Detail, FieldViolation, Help, HelpLink, LocalizedMessage,
    Module, PreconditionFailure, PreconditionViolation, QuotaFailure, RawDetail, RequestInfo,
    ResourceInfo, RetryInfo,
};

/// What a list of details holds, sorted by kind.
#[derive(Default)]
pub(crate) struct FoundDetails {
    pub(crate) google: Option<GoogleInfo>,
    pub(crate) typed: Option<(Module, u32)>,
    pub(crate) details: Details,
    pub(crate) problems: Problems,
}

/// The `google.rpc.ErrorInfo` of a JSON error.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(crate) struct GoogleInfo {
    pub(crate) reason: String,
    pub(crate) domain: String,
    pub(crate) metadata: Context,
}

/// Reads a `details` array. Anything that is not an array is reported and
/// ignored.
pub(crate) fn read_details(value: &Value) -> FoundDetails {
    let mut found = FoundDetails::default();
    let Some(items) = value.as_array() else {
        found.problems.push(malformed("details", &"not an array"));
        return found;
    };
    for item in items {
        read_detail(item, &mut found);
    }
    found
}

fn read_detail(item: &Value, found: &mut FoundDetails) {
    let Some((object, type_url)) = item
        .as_object()
        .and_then(|o| Some((o, o.get("@type")?.as_str()?)))
    else {
        found
            .problems
            .push(malformed("details[]", &"not an object with an @type"));
        return;
    };
    let type_name = type_url.rsplit('/').next().unwrap_or_default();
    // `{"@type":…,"value":"<base64>"}`: the bytes of a type the sender
    // could not write as JSON.
    if let Some(bytes) = value_form(object) {
        let kept = match DetailKind::from_type_name(type_name) {
            Some(kind) => place_standard(
                &mut found.details,
                kind,
                &bytes,
                &mut found.problems,
                || type_url.to_string(),
            ),
            None => false,
        };
        if !kept {
            found.details.raw.push(RawDetail::new(type_url, bytes));
        }
        return;
    }
    let placed = match type_name {
        GOOGLE_ERROR_INFO if found.google.is_none() => match GoogleInfo::deserialize(item) {
            Ok(info) => {
                found.google = Some(info);
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        },
        TYPED_ERROR_INFO if found.typed.is_none() => read_typed(object).map(|typed| {
            found.typed = Some(typed);
        }),
        GOOGLE_ERROR_INFO | TYPED_ERROR_INFO => Err(String::new()),
        _ => match DetailKind::from_type_name(type_name) {
            Some(kind) if found.details.has(kind) => Err(String::new()),
            Some(kind) => read_standard(kind, item).map(|detail| found.details.set(detail)),
            None => {
                found
                    .details
                    .raw
                    .push(RawDetail::from_json(type_url, item.to_string()));
                return;
            }
        },
    };
    if let Err(reason) = placed {
        found.problems.push_with(|| {
            if reason.is_empty() {
                duplicate(type_url)
            } else {
                malformed(type_url, &reason)
            }
        });
        found
            .details
            .raw
            .push(RawDetail::from_json(type_url, item.to_string()));
    }
}

/// The bytes of a detail in the `value` form: only `@type` and a base64
/// `value`.
fn value_form(object: &Map<String, Value>) -> Option<Vec<u8>> {
    if object.len() != 2 {
        return None;
    }
    let value = object.get("value")?.as_str()?;
    base64::engine::general_purpose::STANDARD.decode(value).ok()
}

/// `csghub.errorx.v1.ErrorInfo`: the module by name or number, and the
/// number as a number or a string.
fn read_typed(object: &Map<String, Value>) -> Result<(Module, u32), String> {
    let module = match object.get("module") {
        Some(Value::String(name)) => Module::iter()
            .find(|m| m.proto_name() == Some(name.as_str()))
            .ok_or_else(|| format!("unknown module {:?}", truncate(name, 64)))?,
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Module::from_i32)
            .ok_or("module is not an int32")?,
        None => Module::UNSPECIFIED,
        Some(_) => return Err("module is not a name or a number".into()),
    };
    let number = match object.get("number") {
        None => 0,
        Some(value) => uint(value)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or("number is not a uint32")?,
    };
    if module == Module::UNSPECIFIED {
        return Err("module is unspecified".into());
    }
    Ok((module, number))
}

/// An integer given as a number or a string, as proto3 JSON allows.
fn uint(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// An int64, a number or a string.
fn int64<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| serde::de::Error::custom("not an int64"))
}

fn optional_int64<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    int64(deserializer).map(Some)
}

fn read_standard(kind: DetailKind, item: &Value) -> Result<Detail, String> {
    fn read<'a, T: Deserialize<'a>>(item: &'a Value) -> Result<T, String> {
        T::deserialize(item).map_err(|e| e.to_string())
    }
    Ok(match kind {
        DetailKind::RetryInfo => {
            let json: RetryInfoJson = read(item)?;
            let delay = match json.retry_delay {
                Some(text) => Some(parse_duration(&text).ok_or("retryDelay is not a Duration")?),
                None => None,
            };
            Detail::RetryInfo(RetryInfo::from(pb::RetryInfo { retry_delay: delay }))
        }
        DetailKind::BadRequest => {
            let json: BadRequestJson = read(item)?;
            Detail::BadRequest(
                json.field_violations
                    .into_iter()
                    .map(|v| {
                        let mut violation =
                            FieldViolation::new(v.field, v.description).with_reason(v.reason);
                        if let Some(m) = v.localized_message {
                            violation = violation
                                .with_localized_message(LocalizedMessage::new(m.locale, m.message));
                        }
                        violation
                    })
                    .collect::<BadRequest>(),
            )
        }
        DetailKind::ResourceInfo => {
            let json: ResourceInfoJson = read(item)?;
            Detail::ResourceInfo(
                ResourceInfo::new(json.resource_type, json.resource_name)
                    .with_owner(json.owner)
                    .with_description(json.description),
            )
        }
        DetailKind::PreconditionFailure => {
            let json: PreconditionFailureJson = read(item)?;
            Detail::PreconditionFailure(
                json.violations
                    .into_iter()
                    .map(|v| PreconditionViolation::new(v.kind, v.subject, v.description))
                    .collect::<PreconditionFailure>(),
            )
        }
        DetailKind::QuotaFailure => {
            let json: QuotaFailureJson = read(item)?;
            let violations = json
                .violations
                .into_iter()
                .map(|v| pb::quota_failure::Violation {
                    subject: v.subject,
                    description: v.description,
                    api_service: v.api_service,
                    quota_metric: v.quota_metric,
                    quota_id: v.quota_id,
                    quota_dimensions: v.quota_dimensions,
                    quota_value: v.quota_value,
                    future_quota_value: v.future_quota_value,
                })
                .collect();
            Detail::QuotaFailure(QuotaFailure::from(pb::QuotaFailure { violations }))
        }
        DetailKind::RequestInfo => {
            let json: RequestInfoJson = read(item)?;
            Detail::RequestInfo(
                RequestInfo::new(json.request_id).with_serving_data(json.serving_data),
            )
        }
        DetailKind::LocalizedMessage => {
            let json: LocalizedMessageJson = read(item)?;
            Detail::LocalizedMessage(LocalizedMessage::new(json.locale, json.message))
        }
        DetailKind::Help => {
            let json: HelpJson = read(item)?;
            Detail::Help(
                json.links
                    .into_iter()
                    .map(|l| HelpLink::new(l.description, l.url))
                    .collect::<Help>(),
            )
        }
        DetailKind::DebugInfo => {
            let json: DebugInfoJson = read(item)?;
            Detail::DebugInfo(DebugInfo::new(json.detail, json.stack_entries))
        }
        DetailKind::Raw => return Err("not a standard detail".into()),
    })
}

/// A proto3 JSON `Duration`, `"1.500s"`, as seconds and nanos (negative
/// ones too: `RetryInfo` reads those as no delay).
fn parse_duration(text: &str) -> Option<prost_types::Duration> {
    let number = text.strip_suffix('s')?;
    let (negative, number) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 9
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let nanos: i32 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<9}").parse().ok()?
    };
    let sign = if negative { -1 } else { 1 };
    Some(prost_types::Duration {
        seconds: sign * seconds,
        nanos: sign as i32 * nanos,
    })
}

/// How long a duration the JSON says, for tests.
#[cfg(test)]
fn duration(text: &str) -> Option<std::time::Duration> {
    let parsed = parse_duration(text)?;
    RetryInfo::from(pb::RetryInfo {
        retry_delay: Some(parsed),
    })
    .retry_delay()
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RetryInfoJson {
    #[serde(alias = "retry_delay")]
    retry_delay: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct BadRequestJson {
    #[serde(alias = "field_violations")]
    field_violations: Vec<FieldViolationJson>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct FieldViolationJson {
    field: String,
    description: String,
    reason: String,
    #[serde(alias = "localized_message")]
    localized_message: Option<LocalizedMessageJson>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct LocalizedMessageJson {
    locale: String,
    message: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ResourceInfoJson {
    #[serde(alias = "resource_type")]
    resource_type: String,
    #[serde(alias = "resource_name")]
    resource_name: String,
    owner: String,
    description: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct PreconditionFailureJson {
    violations: Vec<PreconditionViolationJson>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct PreconditionViolationJson {
    #[serde(rename = "type")]
    kind: String,
    subject: String,
    description: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct QuotaFailureJson {
    violations: Vec<QuotaViolationJson>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct QuotaViolationJson {
    subject: String,
    description: String,
    #[serde(alias = "api_service")]
    api_service: String,
    #[serde(alias = "quota_metric")]
    quota_metric: String,
    #[serde(alias = "quota_id")]
    quota_id: String,
    #[serde(alias = "quota_dimensions")]
    quota_dimensions: HashMap<String, String>,
    #[serde(alias = "quota_value", deserialize_with = "int64")]
    quota_value: i64,
    #[serde(alias = "future_quota_value", deserialize_with = "optional_int64")]
    future_quota_value: Option<i64>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RequestInfoJson {
    #[serde(alias = "request_id")]
    request_id: String,
    #[serde(alias = "serving_data")]
    serving_data: String,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct HelpJson {
    links: Vec<HelpLinkJson>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct HelpLinkJson {
    description: String,
    url: String,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct DebugInfoJson {
    #[serde(alias = "stack_entries")]
    stack_entries: Vec<String>,
    detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn durations_parse_as_proto3_json_writes_them() {
        assert_eq!(duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(duration("0.000000001s"), Some(Duration::new(0, 1)));
        assert_eq!(duration("-1s"), None);
        for text in [
            "",
            "s",
            "2",
            "1.s5",
            "1.0000000001s",
            "+1s",
            "1e3s",
            "1.-5s",
        ] {
            assert_eq!(parse_duration(text), None, "{text}");
        }
    }
}
