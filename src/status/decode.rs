//! Decoding a `tonic::Status` into an [`Error`], once, keeping everything.

use prost::Message;
use prost_types::Any;
use tonic::Status;
use tonic_types::pb;

use super::plan::{GOOGLE_ERROR_INFO, TYPED_ERROR_INFO};
use crate::error::received::Received;
use crate::proto::v1 as errorx_pb;
use crate::truncate::truncate;
use crate::{Code, Context, DecodeProblem, Details, Error, Module, StatusEncoder};

/// Decodes `status`: the details are parsed once, in one pass.
///
/// The code comes from the typed `csghub.errorx.v1.ErrorInfo` if present,
/// else from the `google.rpc.ErrorInfo` when its domain is this process's
/// ([`StatusEncoder::installed`]), else there is none and the error keeps
/// the gRPC code and message alone.
pub(crate) fn decode_status(status: &Status) -> Error {
    let mut received = Received::default();
    let mut details = Details::default();
    let mut typed: Option<errorx_pb::ErrorInfo> = None;
    let mut google: Option<pb::ErrorInfo> = None;

    if !status.details().is_empty() {
        match pb::Status::decode(status.details()) {
            Err(e) => received.problems.push(DecodeProblem::MalformedStatus {
                reason: e.to_string(),
            }),
            Ok(inner) => {
                if inner.code != status.code() as i32 || inner.message != status.message() {
                    received.problems.push(DecodeProblem::InnerStatusMismatch {
                        inner_code: inner.code,
                        inner_message: truncate(&inner.message, 256).into_owned(),
                    });
                }
                for any in inner.details {
                    sort_detail(
                        any,
                        &mut typed,
                        &mut google,
                        &mut details,
                        &mut received.problems,
                    );
                }
            }
        }
    }

    let mut code = None;
    let mut context = Context::new();
    if let Some(google) = google {
        let ours = google.domain == StatusEncoder::installed().domain_name();
        if ours && typed.is_none() {
            code = Code::from_reason(&google.reason).or_else(|| {
                google
                    .metadata
                    .get("code")
                    .and_then(|text| Code::from_code_str(text))
            });
        }
        if typed.is_none() {
            context.extend(
                google
                    .metadata
                    .iter()
                    .filter(|(key, _)| !crate::RESERVED_KEYS.contains(&key.as_str())),
            );
            received.code_str = google.metadata.get("code").cloned();
        }
        received.reason = Some(google.reason);
        received.domain = Some(google.domain);
    }
    if let Some(typed) = typed {
        let typed_code = Code::from_parts(Module::from_i32(typed.module), typed.number);
        code = Some(typed_code);
        if !typed_code.is_known() && !typed.code.is_empty() {
            received.code_str = Some(typed.code);
        }
        context.extend(typed.context);
    }
    if let Some(code) = code.filter(|c| c.is_known()) {
        // The catalog restates these; keep only what it cannot.
        if received.code_str.as_deref() == Some(code.as_str()) {
            received.code_str = None;
        }
    }

    Error::from_parts(
        code,
        status.code(),
        status.message().to_string(),
        context,
        details,
        received,
    )
}

/// Puts one detail where it belongs, decoding it by its type URL.
fn sort_detail(
    any: Any,
    typed: &mut Option<errorx_pb::ErrorInfo>,
    google: &mut Option<pb::ErrorInfo>,
    details: &mut Details,
    problems: &mut Vec<DecodeProblem>,
) {
    // Type URLs may use any host; the type name follows the last '/'.
    let type_name = any.type_url.rsplit('/').next().unwrap_or_default();
    let placed = match type_name {
        TYPED_ERROR_INFO => place(typed, &any, problems),
        GOOGLE_ERROR_INFO => place(google, &any, problems),
        "google.rpc.RetryInfo" => place(&mut details.retry_info, &any, problems),
        "google.rpc.BadRequest" => place(&mut details.bad_request, &any, problems),
        "google.rpc.ResourceInfo" => place(&mut details.resource_info, &any, problems),
        "google.rpc.PreconditionFailure" => {
            place(&mut details.precondition_failure, &any, problems)
        }
        "google.rpc.QuotaFailure" => place(&mut details.quota_failure, &any, problems),
        "google.rpc.RequestInfo" => place(&mut details.request_info, &any, problems),
        "google.rpc.LocalizedMessage" => place(&mut details.localized_message, &any, problems),
        "google.rpc.Help" => place(&mut details.help, &any, problems),
        "google.rpc.DebugInfo" => place(&mut details.debug_info, &any, problems),
        _ => false,
    };
    if !placed {
        details.other.push(any);
    }
}

/// Decodes `any` into an empty `slot`. Returns false, reporting why, when
/// the slot is taken or the bytes are malformed; the caller keeps the `Any`.
fn place<M: Message + Default>(
    slot: &mut Option<M>,
    any: &Any,
    problems: &mut Vec<DecodeProblem>,
) -> bool {
    if slot.is_some() {
        problems.push(DecodeProblem::DuplicateDetail {
            type_url: truncate(&any.type_url, 256).into_owned(),
        });
        return false;
    }
    match M::decode(&any.value[..]) {
        Ok(message) => {
            *slot = Some(message);
            true
        }
        Err(e) => {
            problems.push(DecodeProblem::MalformedDetail {
                type_url: truncate(&any.type_url, 256).into_owned(),
                reason: e.to_string(),
            });
            false
        }
    }
}
