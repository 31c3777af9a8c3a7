//! A details list in proto3 JSON back into this library's types: the
//! ErrorInfos here, each standard detail by its own file
//! (`crate::details::json`). A detail that cannot be read is kept as it
//! came and reported.

use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::details::RawDetail;
use crate::details::{DetailKind, Details};
use crate::error::problems::Problems;
use crate::status::slots::place_standard;
use crate::status::{GOOGLE_ERROR_INFO, TYPED_ERROR_INFO};
use crate::truncate::truncate;
use crate::{Context, DecodeProblem};

/// What a list of details holds, sorted by kind.
#[derive(Default)]
pub(crate) struct FoundDetails {
    pub(crate) google: Option<GoogleInfo>,
    /// CSGHub's module number and code number.
    pub(crate) typed: Option<(i32, u32)>,
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
        found
            .problems
            .push(DecodeProblem::malformed_detail("details", &"not an array"));
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
        found.problems.push(DecodeProblem::malformed_detail(
            "details[]",
            &"not an object with an @type",
        ));
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
            Some(kind) => match found.details.read_json(kind, item) {
                Ok(true) => Ok(()),
                Ok(false) => Err(String::new()),
                Err(reason) => Err(reason),
            },
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
                DecodeProblem::duplicate_detail(type_url)
            } else {
                DecodeProblem::malformed_detail(type_url, &reason)
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
fn read_typed(object: &Map<String, Value>) -> Result<(i32, u32), String> {
    let module = match object.get("module") {
        Some(Value::String(name)) => crate::csghub::CATALOG
            .modules()
            .iter()
            .find(|m| m.proto_name() == name)
            .map(|m| m.number())
            .ok_or_else(|| format!("unknown module {:?}", truncate(name, 64)))?,
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or("module is not an int32")?,
        None => 0,
        Some(_) => return Err("module is not a name or a number".into()),
    };
    let number = match object.get("number") {
        None => 0,
        Some(value) => uint(value)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or("number is not a uint32")?,
    };
    if module == 0 {
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
