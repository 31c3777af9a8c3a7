//! `Error::from_http_response` over an arbitrary status, content type and
//! body; then the invariants of what it decoded, forwarded over gRPC and
//! over HTTP.
#![no_main]

use csghub_errorx::Error;
use csghub_errorx_fuzz::inputs::HttpInput;
use csghub_errorx_fuzz::invariants::{check_error_shown, check_forwarding};
use http::{header::CONTENT_TYPE, HeaderMap, HeaderValue, StatusCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(input) = HttpInput::parse(data) else {
        return;
    };
    let Ok(status) = StatusCode::from_u16(input.status) else {
        return;
    };
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(input.content_type) {
        headers.insert(CONTENT_TYPE, value);
    }
    let error = Error::from_http_response(status, &headers, input.body);
    check_forwarding(&error, input.budget);
    check_error_shown(&error);

    // Forwarded as JSON, it decodes to the same code.
    let (parts, body) = error.to_http_response(&HeaderMap::new()).into_parts();
    let again = Error::from_http_response(parts.status, &parts.headers, body.as_bytes());
    assert_eq!(again.code(), error.code(), "{body}");
    assert_eq!(again.unknown_code(), error.unknown_code(), "{body}");
});
