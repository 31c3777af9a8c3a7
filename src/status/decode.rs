//! Decoding a `tonic::Status` into an [`Error`]: one pass over the details'
//! bytes, reading each detail in place, keeping everything.

use std::borrow::Cow;

use prost::Message;
use prost_types::Any;
use tonic::Status;

use super::plan::{GOOGLE_ERROR_INFO, TYPED_ERROR_INFO};
use super::wire_reader::{map_entry, map_entry_bytes, utf8, FieldReader, FieldValue, WireError};
use crate::error::received::Received;
use crate::truncate::truncate;
use crate::{Code, Context, DecodeProblem, Details, Error, Module, StatusEncoder, RESERVED_KEYS};

/// Decodes `status`.
///
/// The code comes from the typed `csghub.errorx.v1.ErrorInfo` if present,
/// else from the `google.rpc.ErrorInfo` when its domain is this process's
/// ([`StatusEncoder::installed`]), else there is none and the error keeps
/// the gRPC code and message alone.
pub(crate) fn decode_status(status: &Status) -> Error {
    let mut received = Received::default();
    let mut found = Found::default();
    if !status.details().is_empty() {
        match read_status(status.details()) {
            Ok(read) => {
                if read.code != status.code() as i32 || read.message != status.message() {
                    received.problems.push(DecodeProblem::InnerStatusMismatch {
                        inner_code: read.code,
                        inner_message: truncate(read.message, 256).into_owned(),
                    });
                }
                found = read.found;
            }
            Err(e) => received.problems.push(DecodeProblem::MalformedStatus {
                reason: e.to_string(),
            }),
        }
    }
    received.problems.append(&mut found.problems);

    let mut code = None;
    let mut context = Context::new();
    if let Some(bytes) = found.typed {
        match read_typed(bytes) {
            Ok(typed) => {
                code = Some(typed.code);
                context = typed.context;
                if !typed.code.is_known() && !typed.code_str.is_empty() {
                    received.code_str = Some(typed.code_str.to_string());
                }
            }
            Err(e) => {
                received.problems.push(malformed(TYPED_ERROR_INFO, &e));
                found.details.other.push(any(TYPED_ERROR_INFO, bytes));
                found.typed = None;
            }
        }
    }
    if let Some(bytes) = found.google {
        // The typed ErrorInfo already gave the context.
        match read_google(bytes, found.typed.is_none()) {
            Ok(google) => {
                if found.typed.is_none() {
                    if google.domain == StatusEncoder::installed().domain_name() {
                        code = Code::from_reason(google.reason)
                            .or_else(|| google.code_str.and_then(Code::from_code_str));
                    }
                    context = google.context;
                    let restated =
                        code.is_some_and(|c| c.is_known() && Some(c.as_str()) == google.code_str);
                    if !restated {
                        received.code_str = google.code_str.map(str::to_string);
                    }
                }
                received.reason = Some(google.reason.to_string());
                received.domain = Some(google.domain.to_string());
            }
            Err(e) => {
                received.problems.push(malformed(GOOGLE_ERROR_INFO, &e));
                found.details.other.push(any(GOOGLE_ERROR_INFO, bytes));
            }
        }
    }

    Error::from_parts(
        code,
        status.code(),
        status.message().to_string(),
        context,
        found.details,
        received,
    )
}

/// What the details hold, sorted by kind; the ErrorInfos still as bytes.
#[derive(Default)]
struct Found<'a> {
    typed: Option<&'a [u8]>,
    google: Option<&'a [u8]>,
    details: Details,
    problems: Vec<DecodeProblem>,
}

/// The inner `google.rpc.Status`.
struct InnerStatus<'a> {
    code: i32,
    message: &'a str,
    found: Found<'a>,
}

fn read_status(bytes: &[u8]) -> Result<InnerStatus<'_>, WireError> {
    let mut inner = InnerStatus {
        code: 0,
        message: "",
        found: Found::default(),
    };
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Varint(code)) => inner.code = code as i32,
            (2, FieldValue::Bytes(message)) => inner.message = utf8(message)?,
            (3, FieldValue::Bytes(detail)) => {
                let (type_url, value) = read_any(detail)?;
                sort_detail(type_url, value, &mut inner.found);
            }
            _ => {}
        }
    }
    Ok(inner)
}

/// The type URL and value of a `google.protobuf.Any`.
fn read_any(bytes: &[u8]) -> Result<(&str, &[u8]), WireError> {
    let (mut type_url, mut value): (&str, &[u8]) = ("", &[]);
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Bytes(bytes)) => type_url = utf8(bytes)?,
            (2, FieldValue::Bytes(bytes)) => value = bytes,
            _ => {}
        }
    }
    Ok((type_url, value))
}

/// Puts one detail where it belongs, by its type URL. At most one of each
/// type is used (AIP-193); extra ones are reported and kept raw.
fn sort_detail<'a>(type_url: &str, value: &'a [u8], found: &mut Found<'a>) {
    // Type URLs may use any host; the type name follows the last '/'.
    let type_name = type_url.rsplit('/').next().unwrap_or_default();
    let details = &mut found.details;
    let problems = &mut found.problems;
    let placed = match type_name {
        TYPED_ERROR_INFO => take_once(&mut found.typed, value, type_url, problems),
        GOOGLE_ERROR_INFO => take_once(&mut found.google, value, type_url, problems),
        "google.rpc.RetryInfo" => place(&mut details.retry_info, value, type_url, problems),
        "google.rpc.BadRequest" => place(&mut details.bad_request, value, type_url, problems),
        "google.rpc.ResourceInfo" => place(&mut details.resource_info, value, type_url, problems),
        "google.rpc.PreconditionFailure" => {
            place(&mut details.precondition_failure, value, type_url, problems)
        }
        "google.rpc.QuotaFailure" => place(&mut details.quota_failure, value, type_url, problems),
        "google.rpc.RequestInfo" => place(&mut details.request_info, value, type_url, problems),
        "google.rpc.LocalizedMessage" => {
            place(&mut details.localized_message, value, type_url, problems)
        }
        "google.rpc.Help" => place(&mut details.help, value, type_url, problems),
        "google.rpc.DebugInfo" => place(&mut details.debug_info, value, type_url, problems),
        _ => false,
    };
    if !placed {
        details.other.push(Any {
            type_url: type_url.to_string(),
            value: value.to_vec(),
        });
    }
}

/// Keeps `value` for an ErrorInfo decoded later, if the slot is empty.
fn take_once<'a>(
    slot: &mut Option<&'a [u8]>,
    value: &'a [u8],
    type_url: &str,
    problems: &mut Vec<DecodeProblem>,
) -> bool {
    claim(slot, type_url, problems, || Ok::<_, WireError>(value))
}

/// Decodes `value` into an empty `slot`.
fn place<M: Message + Default>(
    slot: &mut Option<M>,
    value: &[u8],
    type_url: &str,
    problems: &mut Vec<DecodeProblem>,
) -> bool {
    claim(slot, type_url, problems, || M::decode(value))
}

/// Fills an empty `slot` with what `read` gives. Returns false, reporting
/// why, when the slot is taken (AIP-193 allows one detail of a type) or the
/// bytes are malformed; the caller then keeps the bytes raw.
fn claim<T, E: std::fmt::Display>(
    slot: &mut Option<T>,
    type_url: &str,
    problems: &mut Vec<DecodeProblem>,
    read: impl FnOnce() -> Result<T, E>,
) -> bool {
    if slot.is_some() {
        problems.push(duplicate(type_url));
        return false;
    }
    match read() {
        Ok(value) => {
            *slot = Some(value);
            true
        }
        Err(e) => {
            problems.push(malformed(type_url, &e));
            false
        }
    }
}

/// The typed `csghub.errorx.v1.ErrorInfo`.
struct Typed<'a> {
    code: Code,
    code_str: &'a str,
    context: Context,
}

fn read_typed(bytes: &[u8]) -> Result<Typed<'_>, WireError> {
    let (mut module, mut number, mut code_str) = (0, 0, "");
    // The context's text is shorter than the message holding it; counting
    // its entries first costs less than growing the context as it fills.
    let entries = FieldReader::new(bytes)
        .filter(|field| matches!(field, Ok((5, _))))
        .count();
    let mut context = Context::with_capacity(bytes.len(), entries);
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Varint(value)) => module = value as i32,
            (2, FieldValue::Varint(value)) => number = value as u32,
            (3, FieldValue::Bytes(value)) => code_str = utf8(value)?,
            (5, FieldValue::Bytes(entry)) => {
                let (key, value) = map_entry(entry)?;
                context.insert(key, value);
            }
            _ => {}
        }
    }
    Ok(Typed {
        code: Code::from_parts(Module::from_i32(module), number),
        code_str,
        context,
    })
}

/// The `google.rpc.ErrorInfo`, with `code` and the context taken out of its
/// metadata.
struct Google<'a> {
    reason: &'a str,
    domain: &'a str,
    code_str: Option<&'a str>,
    context: Context,
}

fn read_google(bytes: &[u8], want_context: bool) -> Result<Google<'_>, WireError> {
    let mut google = Google {
        reason: "",
        domain: "",
        code_str: None,
        context: Context::new(),
    };
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Bytes(value)) => google.reason = utf8(value)?,
            (2, FieldValue::Bytes(value)) => google.domain = utf8(value)?,
            (3, FieldValue::Bytes(entry)) => {
                if want_context {
                    match map_entry(entry)? {
                        ("code", value) => google.code_str = Some(value),
                        (key, value) if !RESERVED_KEYS.contains(&key) => {
                            google.context.insert(key, value)
                        }
                        _ => {}
                    }
                } else if let (b"code", value) = map_entry_bytes(entry)? {
                    // Only `code` is needed; the rest is not even checked.
                    google.code_str = Some(utf8(value)?);
                }
            }
            _ => {}
        }
    }
    Ok(google)
}

fn any(type_name: &str, value: &[u8]) -> Any {
    Any {
        type_url: format!("{}{type_name}", super::wire::TYPE_URL_PREFIX),
        value: value.to_vec(),
    }
}

fn malformed(type_url: &str, error: &dyn std::fmt::Display) -> DecodeProblem {
    DecodeProblem::MalformedDetail {
        type_url: bounded(type_url),
        reason: error.to_string(),
    }
}

fn duplicate(type_url: &str) -> DecodeProblem {
    DecodeProblem::DuplicateDetail {
        type_url: bounded(type_url),
    }
}

/// Text from the peer, cut so a problem report stays small.
fn bounded(text: &str) -> String {
    match truncate(text, 256) {
        Cow::Borrowed(text) => text.to_string(),
        Cow::Owned(text) => text,
    }
}
