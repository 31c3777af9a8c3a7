//! Reading a gRPC status out of headers or trailers without trusting them.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use std::borrow::Cow;

use base64::Engine as _;
use http::{HeaderMap, HeaderName};
use percent_encoding::{percent_decode, utf8_percent_encode};

use crate::status::header_size::GRPC_MESSAGE_ENCODING;
use tonic::Status;

use super::base64_check::is_decodable;

// Header names made once, at compile time: a lookup by `&str` parses and
// checks the name on every call, which showed as an eighth of the layers'
// instructions under callgrind.
pub(crate) const GRPC_STATUS: HeaderName = HeaderName::from_static("grpc-status");
const GRPC_MESSAGE: HeaderName = HeaderName::from_static("grpc-message");
pub(crate) const GRPC_STATUS_DETAILS: HeaderName =
    HeaderName::from_static("grpc-status-details-bin");
pub(crate) const GRPC_TIMEOUT: HeaderName = HeaderName::from_static("grpc-timeout");
/// How many attempts came before this one (gRPC's retry design, A6): on a
/// retried request, and on the final response the retry layer hands on.
pub(crate) const PREVIOUS_ATTEMPTS: HeaderName =
    HeaderName::from_static("grpc-previous-rpc-attempts");

/// The attempts an RPC made, from the `grpc-previous-rpc-attempts` of its
/// final headers or trailers; `None` for one attempt.
pub(crate) fn attempts_in(headers: &HeaderMap) -> Option<u32> {
    let previous: u32 = headers
        .get(&PREVIOUS_ATTEMPTS)?
        .to_str()
        .ok()?
        .parse()
        .ok()?;
    (previous > 0).then(|| previous.saturating_add(1))
}
const DETAILS_REMOVED: HeaderName = HeaderName::from_static(crate::status::DETAILS_REMOVED_KEY);

/// The base64 tonic decodes details with: standard alphabet, padding
/// optional.
pub(crate) const DETAILS_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Whether `headers` end the RPC, as a trailers-only response does.
pub(crate) fn has_status(headers: &HeaderMap) -> bool {
    headers.contains_key(&GRPC_STATUS)
}

/// Makes status headers safe for tonic to parse, on the client side, before
/// tonic sees them; see [`remove_malformed_details`] and
/// [`repair_message`]. Returns whether a details value was removed.
pub(crate) fn guard_status_headers(headers: &mut HeaderMap) -> bool {
    repair_message(headers);
    remove_malformed_details(headers)
}

/// Replaces a `grpc-message` whose percent-decoding is not UTF-8 with its
/// decoding, invalid bytes replaced by U+FFFD, percent-encoded again.
///
/// tonic 0.14's `Status::from_header_map` turns such a message into an
/// `UNKNOWN` status of its own, so the peer's code would be lost (grpc-go
/// keeps the code). A marker is left, so that decoding the status reports
/// [`DecodeProblem::InvalidUtf8`](crate::DecodeProblem) for `grpc-message`.
fn repair_message(headers: &mut HeaderMap) {
    let Some(value) = headers.get(&GRPC_MESSAGE) else {
        return;
    };
    if decodes_to_ascii(value.as_bytes()) {
        return;
    }
    let decoded: Cow<'_, [u8]> = percent_decode(value.as_bytes()).into();
    if std::str::from_utf8(&decoded).is_ok() {
        return;
    }
    let repaired =
        utf8_percent_encode(&String::from_utf8_lossy(&decoded), GRPC_MESSAGE_ENCODING).to_string();
    // Percent-encoded text is visible ASCII: always a valid value.
    if let Ok(repaired) = http::HeaderValue::from_str(&repaired) {
        headers.insert(GRPC_MESSAGE, repaired);
        headers.insert(
            crate::status::MESSAGE_REPLACED_KEY,
            http::HeaderValue::from_static("invalid-utf8"),
        );
        tracing::event!(
            target: "csghub_errorx::guard",
            tracing::Level::WARN,
            "replaced invalid UTF-8 in a grpc-message; tonic would have dropped the peer's code for UNKNOWN"
        );
    }
}

/// Whether the percent-decoding of `value` is surely ASCII, and so UTF-8:
/// no raw byte over 0x7F and no escape of one (`%8`..`%F`). The check the
/// usual message (ASCII, spaces escaped) needs, without decoding it; any
/// other value is decoded and checked in full.
fn decodes_to_ascii(value: &[u8]) -> bool {
    if !value.is_ascii() {
        return false;
    }
    let mut rest = value;
    while let Some(at) = rest.iter().position(|&byte| byte == b'%') {
        if matches!(
            rest.get(at + 1),
            Some(b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F')
        ) {
            return false;
        }
        rest = &rest[at + 1..];
    }
    true
}

/// Removes a `grpc-status-details-bin` value that is not valid base64.
///
/// tonic 0.14's `Status::from_header_map` panics on one (`.expect(..)`;
/// fixed upstream in grpc-rust PR #2618, not released), so a hostile server
/// could crash any tonic client. The outer `grpc-status` and `grpc-message`
/// stay, and a marker takes the value's place, so that decoding the status
/// reports [`DecodeProblem::InvalidBase64Header`](crate::DecodeProblem).
/// Returns whether a value was removed.
fn remove_malformed_details(headers: &mut HeaderMap) -> bool {
    let malformed = has_malformed_details(headers);
    if malformed {
        headers.remove(&GRPC_STATUS_DETAILS);
        headers.insert(
            DETAILS_REMOVED,
            http::HeaderValue::from_static("invalid-base64"),
        );
        // Always said, whatever the level of the RPC's own event: a peer
        // that sends this is broken or hostile.
        // Read as the RPC's event reads it: a peer's text is not logged.
        let grpc_status = headers
            .get(&GRPC_STATUS)
            .map(|v| tonic::Code::from_bytes(v.as_bytes()) as i32);
        tracing::event!(
            target: "csghub_errorx::guard",
            tracing::Level::WARN,
            rpc.grpc.status_code = grpc_status,
            "removed a grpc-status-details-bin that is not valid base64; tonic would have panicked on it"
        );
    }
    malformed
}

/// Replaces the status `headers` carry (`grpc-status`, `grpc-message`,
/// `grpc-status-details-bin`) with `status`. Leaves them as they were, and
/// returns `false`, if `status` cannot be written as headers.
pub(crate) fn replace_status(headers: &mut HeaderMap, status: &Status) -> bool {
    let mut fresh = HeaderMap::with_capacity(3);
    if status.add_header(&mut fresh).is_err() {
        return false;
    }
    for name in [&GRPC_STATUS, &GRPC_MESSAGE, &GRPC_STATUS_DETAILS] {
        headers.remove(name);
    }
    headers.extend(fresh);
    true
}

/// Whether `headers` hold a details value that tonic's decoder rejects.
/// The quick check lets the usual, valid value through without decoding it;
/// a value it doubts is decoded with the same engine tonic uses, so the
/// guard removes nothing tonic would accept.
fn has_malformed_details(headers: &HeaderMap) -> bool {
    headers.get(&GRPC_STATUS_DETAILS).is_some_and(|value| {
        !is_decodable(value.as_bytes()) && DETAILS_BASE64.decode(value.as_bytes()).is_err()
    })
}

/// The status in `headers`, if they carry one. Never panics: malformed
/// details are left out (and reported by the `bool`). `sanitized` headers
/// went through [`remove_malformed_details`] already and are not checked
/// again.
pub(crate) fn status_from_headers(headers: &HeaderMap, sanitized: bool) -> Option<(Status, bool)> {
    if !has_status(headers) {
        return None;
    }
    let malformed = !sanitized && has_malformed_details(headers);
    let status = if malformed {
        let mut clean = headers.clone();
        clean.remove(&GRPC_STATUS_DETAILS);
        Status::from_header_map(&clean)
    } else {
        Status::from_header_map(headers)
    };
    status.map(|status| (status, malformed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        /// The quick check never passes a value whose decoding is not UTF-8.
        #[test]
        fn the_quick_check_only_passes_utf8(
            value in proptest::collection::vec(
                prop_oneof![Just(b'%'), Just(b'8'), Just(b'F'), Just(b'c'), Just(b'3'), any::<u8>()],
                0..24,
            )
        ) {
            if decodes_to_ascii(&value) {
                let decoded: Cow<'_, [u8]> = percent_decode(&value).into();
                prop_assert!(decoded.is_ascii());
            }
        }
    }

    #[test]
    fn the_quick_check_passes_the_usual_message() {
        assert!(decodes_to_ascii(b"Git%20repository%20not%20found%3A%20x"));
        assert!(!decodes_to_ascii(b"caf%C3%A9"));
        assert!(!decodes_to_ascii("café".as_bytes()));
    }

    fn headers(details: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(GRPC_STATUS, "5".parse().unwrap());
        headers.insert("grpc-message", "gone".parse().unwrap());
        headers.insert(GRPC_STATUS_DETAILS, details.parse().unwrap());
        headers
    }

    #[test]
    fn invalid_base64_is_removed_and_the_code_kept() {
        let mut map = headers("!!not base64!!");
        let (status, malformed) = status_from_headers(&map, false).unwrap();
        assert!(malformed);
        assert_eq!(status.code(), tonic::Code::NotFound);
        assert_eq!(status.message(), "gone");
        assert!(guard_status_headers(&mut map));
        assert!(!map.contains_key(GRPC_STATUS_DETAILS));
        let status = status_from_headers(&map, true).unwrap().0;
        assert_eq!(
            crate::Error::from_status(&status).decode_problems(),
            [crate::DecodeProblem::InvalidBase64Header]
        );
    }

    #[test]
    fn a_message_that_is_not_utf8_keeps_the_code_and_is_reported() {
        let mut map = headers("CAU");
        map.insert(GRPC_MESSAGE, "caf%E9%20%zz".parse().unwrap());
        assert!(!guard_status_headers(&mut map));
        let status = status_from_headers(&map, true).unwrap().0;
        assert_eq!(status.code(), tonic::Code::NotFound);
        assert_eq!(status.message(), "caf\u{fffd} %zz");
        assert!(crate::Error::from_status(&status)
            .decode_problems()
            .contains(&crate::DecodeProblem::InvalidUtf8 {
                field: "grpc-message"
            }));
    }

    #[test]
    fn padded_and_unpadded_base64_are_both_valid() {
        for value in ["CAU", "CAU="] {
            let mut map = headers(value);
            assert!(!guard_status_headers(&mut map), "{value}");
            assert_eq!(
                status_from_headers(&map, true).unwrap().0.details(),
                &[0x08, 0x05]
            );
        }
    }
}
