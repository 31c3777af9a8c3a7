//! What `errorx decode` prints, as a function: for the binary, and for the
//! fuzz target that feeds it any input (`fuzz/fuzz_targets/cli_decode.rs`).
//!
//! ```
//! use base64::Engine as _;
//! use csghub_errorx::{Error, ErrorCode};
//!
//! let status = tonic::Status::from(Error::new(ErrorCode::GIT_AUTH_FAILED));
//! let value = base64::engine::general_purpose::STANDARD.encode(status.details());
//! let report = csghub_errorx_cli::decode_input(&format!("grpc-status-details-bin: {value}")).unwrap();
//! assert!(report.contains("code:        GIT-ERR-8"));
//! ```

mod details_input;

use std::fmt::Write as _;

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine as _;
use csghub_errorx::{DecodeProblem, StatusDecoder};
use details_input::{details_value, Found};
use prost::Message as _;

/// The most bytes of what a person typed or pasted that an error message
/// shows back.
const MAX_QUOTED_LEN: usize = 256;

/// The leading fields of a `google.rpc.Status`, the message as bytes: a
/// peer's message that is not UTF-8 must not make the whole status
/// unreadable (`prost` would reject it as a `string`), and the details are
/// read by [`Error::from_status`], which keeps what it cannot decode.
#[derive(Clone, PartialEq, prost::Message)]
struct StatusHead {
    #[prost(int32, tag = "1")]
    code: i32,
    #[prost(bytes = "vec", tag = "2")]
    message: Vec<u8>,
}

/// Decodes a `grpc-status-details-bin` value found in `input` (the bare
/// base64 value, a header line, or a log line of the layers at `DEBUG`,
/// with or without terminal colours) into the
/// [`Report`](csghub_errorx::Report) of its error: every line escaped and
/// bounded, whatever the input.
///
/// `Err` says why the input holds no status, without repeating it: there
/// is no value (a line logged below `DEBUG` has none), it is not base64,
/// or it is not a `google.rpc.Status` of a failed RPC. It never answers
/// with an empty report: a value that decodes to nothing is an error.
///
/// ```
/// let message = csghub_errorx_cli::decode_input("INFO rpc failed latency_ms=0.4").unwrap_err();
/// assert!(message.starts_with("no grpc-status-details-bin value found"), "{message}");
/// ```
pub fn decode_input(input: &str) -> Result<String, String> {
    decode_input_with(&StatusDecoder::new(), input)
}

/// [`decode_input`] with `decoder`'s catalogs: what `errorx --catalog FILE
/// decode` runs, so that a user catalog's codes are recognized.
///
/// ```
/// use base64::Engine as _;
/// use csghub_errorx::{csghub, Error, ErrorCode, StatusDecoder};
///
/// let status = tonic::Status::from(Error::new(ErrorCode::GIT_AUTH_FAILED));
/// let value = base64::engine::general_purpose::STANDARD.encode(status.details());
/// let decoder = StatusDecoder::new().catalog(&csghub::CATALOG);
/// let report = csghub_errorx_cli::decode_input_with(&decoder, &value).unwrap();
/// assert!(report.contains("code:        GIT-ERR-8"));
/// ```
pub fn decode_input_with(decoder: &StatusDecoder, input: &str) -> Result<String, String> {
    let (value, source) = match details_value(input) {
        Found::AfterKey { key, value } if value.is_empty() => {
            return Err(format!("the {key} value is empty"))
        }
        Found::AfterKey { key, value } => (value, Some(key)),
        Found::Whole(value) if value.is_empty() => {
            return Err(
                "no input: give a grpc-status-details-bin value, a header line or a log line"
                    .into(),
            )
        }
        Found::Whole(value) => (value, None),
    };
    let bytes = match STANDARD_NO_PAD.decode(value.trim_end_matches('=')) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Err(match source {
                Some(key) => format!("the {key} value is not base64: {e}"),
                None => NO_VALUE.to_string(),
            })
        }
    };
    let head =
        StatusHead::decode(&bytes[..]).map_err(|e| format!("not a google.rpc.Status: {e}"))?;
    if head.code == 0 && head.message.is_empty() && !has_details(&bytes) {
        return Err(format!(
            "the value decodes to an empty google.rpc.Status (code OK, no message, no details): {}",
            match source {
                Some(_) => "not the details of a failed RPC",
                None => NO_VALUE,
            }
        ));
    }
    // Rebuild the status the header came with: the outer code and message
    // are the inner ones by contract (a client's tonic replaces invalid
    // UTF-8 in `grpc-message` too). The decoder reports what disagrees.
    let status = tonic::Status::with_details(
        tonic::Code::from_i32(head.code),
        String::from_utf8_lossy(&head.message),
        bytes.into(),
    );
    let error = decoder.decode(&status);
    if let Some(DecodeProblem::MalformedStatus { reason }) = error
        .decode_problems()
        .iter()
        .find(|p| matches!(p, DecodeProblem::MalformedStatus { .. }))
    {
        return Err(format!("not a google.rpc.Status: {reason}"));
    }
    Ok(error.report().to_string())
}

/// Why a whole input that is not a value holds none.
const NO_VALUE: &str = "no grpc-status-details-bin value found: the input has no \
grpc.status_details_bin field (the layers log it at DEBUG, e.g. \
RUST_LOG=info,csghub_errorx=debug) nor a grpc-status-details-bin header, and is not a \
base64 value itself";

/// Whether a `google.rpc.Status`'s bytes have a `details` field.
fn has_details(bytes: &[u8]) -> bool {
    #[derive(Clone, PartialEq, prost::Message)]
    struct Details {
        #[prost(bytes = "vec", repeated, tag = "3")]
        details: Vec<Vec<u8>>,
    }
    Details::decode(bytes).is_ok_and(|d| !d.details.is_empty())
}

/// `text` as `{:?}` writes it (quoted, every control character escaped),
/// cut at 256 bytes with `...` after the quote: what a person typed or
/// pasted, shown back in an error message without forging lines or
/// flooding the terminal.
///
/// ```
/// assert_eq!(csghub_errorx_cli::quoted("a\nb\u{1b}"), r#""a\nb\u{1b}""#);
/// assert!(csghub_errorx_cli::quoted(&"x".repeat(10_000)).len() < 300);
/// ```
pub fn quoted(text: &str) -> String {
    let mut end = text.len().min(MAX_QUOTED_LEN);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = format!("{:?}", &text[..end]);
    if end < text.len() {
        let _ = write!(out, "... ({} bytes)", text.len());
    }
    out
}
