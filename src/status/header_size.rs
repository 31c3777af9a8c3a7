//! The size of a status's headers, as HTTP/2 counts it, computed before
//! the headers exist.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// The characters tonic percent-encodes in `grpc-message` (its own
/// `ENCODING_SET` is private), besides every byte that is not ASCII: for
/// sizing a message here, and for the client layer's repair of one; a test
/// compares the sizes with the headers tonic really writes.
pub(crate) const GRPC_MESSAGE_ENCODING: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'?')
    .add(b'{')
    .add(b'}');

/// The length of `message` once percent-encoded for `grpc-message`.
fn percent_encoded_len(message: &str) -> usize {
    utf8_percent_encode(message, GRPC_MESSAGE_ENCODING)
        .map(str::len)
        .sum()
}

/// HPACK and hyper count 32 bytes of overhead per header field (RFC 7541
/// §4.1) on top of the name and value.
const HEADER_OVERHEAD: usize = 32;

/// An upper bound of [`status_header_size`] for a message of `message_len`
/// bytes, whatever they are.
pub(crate) fn status_header_bound(
    grpc_code: tonic::Code,
    message_len: usize,
    details_len: usize,
) -> usize {
    let message_size = if message_len == 0 {
        0
    } else {
        "grpc-message".len() + 3 * message_len + HEADER_OVERHEAD
    };
    status_header_size(grpc_code, "", details_len) + message_size
}

/// The header-list size of a status with this message and details length,
/// as HTTP/2 counts it: `grpc-status`, `grpc-message` (percent-encoded) and
/// `grpc-status-details-bin` (unpadded base64), each with its overhead.
pub(crate) fn status_header_size(
    grpc_code: tonic::Code,
    message: &str,
    details_len: usize,
) -> usize {
    let code_digits = if (grpc_code as i32) < 10 { 1 } else { 2 };
    let mut size = "grpc-status".len() + code_digits + HEADER_OVERHEAD;
    if !message.is_empty() {
        size += "grpc-message".len() + percent_encoded_len(message) + HEADER_OVERHEAD;
    }
    if details_len > 0 {
        size += "grpc-status-details-bin".len() + (details_len * 4).div_ceil(3) + HEADER_OVERHEAD;
    }
    size
}
