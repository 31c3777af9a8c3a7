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

use base64::Engine as _;
use csghub_errorx::Error;
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
/// base64 value, a header line, or a log line of the layers at `DEBUG`)
/// into the [`Report`](csghub_errorx::Report) of its error: every line
/// escaped and bounded, whatever the input. `Err` says why the input holds
/// no status, without repeating it.
pub fn decode_input(input: &str) -> Result<String, String> {
    let value = details_input::details_value(input);
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(value.trim_end_matches('='))
        .map_err(|e| format!("not base64: {e}"))?;
    let head =
        StatusHead::decode(&bytes[..]).map_err(|e| format!("not a google.rpc.Status: {e}"))?;
    // Rebuild the status the header came with: the outer code and message
    // are the inner ones by contract (a client's tonic replaces invalid
    // UTF-8 in `grpc-message` too). The decoder reports what disagrees.
    let status = tonic::Status::with_details(
        tonic::Code::from_i32(head.code),
        String::from_utf8_lossy(&head.message),
        bytes.into(),
    );
    Ok(Error::from_status(&status).report().to_string())
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
