//! What must hold of every decoded error, whatever the bytes it came from.

use csghub_errorx::{DecodeProblem, Error, StatusEncoder, CATALOG_DOMAIN};
use tonic::Status;

/// The header-list size of a status, as HTTP/2 counts it.
pub fn header_list_size(status: &Status) -> usize {
    let mut headers = http::HeaderMap::new();
    status
        .add_header(&mut headers)
        .expect("an encoded status is valid headers");
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 32)
        .sum()
}

/// Forwarding `error` (encoding it again, as a server passing on what it
/// received does) with a budget of `budget` bytes: the status fits the
/// budget, and decoded again it has the same catalog or unknown code, gRPC
/// code and reason; a foreign domain stays foreign, and the inner status
/// agrees with the outer one.
pub fn check_forwarding(error: &Error, budget: usize) {
    let status = StatusEncoder::new().budget(budget).encode(error);
    let size = header_list_size(&status);
    assert!(
        size <= budget.max(StatusEncoder::MIN_BUDGET),
        "{size} bytes over a budget of {budget}"
    );
    let response = status.into_http::<()>();
    let wire = Status::from_header_map(response.headers()).expect("grpc-status is there");
    let forwarded = Error::from_status(&wire);
    assert_eq!(forwarded.code(), error.code(), "the code survives");
    assert_eq!(
        forwarded.unknown_code(),
        error.unknown_code(),
        "an unknown code survives"
    );
    assert_eq!(forwarded.grpc_code(), error.grpc_code());
    assert_eq!(forwarded.reason(), error.reason());
    if let Some(domain) = error.domain().filter(|&d| d != CATALOG_DOMAIN) {
        assert_eq!(
            forwarded.domain(),
            Some(domain),
            "a foreign domain stays foreign"
        );
    }
    for problem in forwarded.decode_problems() {
        assert!(
            !matches!(
                problem,
                DecodeProblem::MalformedStatus { .. } | DecodeProblem::InnerStatusMismatch { .. }
            ),
            "our own encoding: {problem}"
        );
    }
}

/// Whether `c` must not reach a log line or a terminal raw.
pub fn drives_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` is at most `max_lines` lines of at most `max_line` bytes, and
/// holds nothing that starts a line or drives a terminal but its own line
/// breaks.
pub fn check_shown(text: &str, max_lines: usize, max_line: usize) {
    assert!(
        !text.chars().any(drives_a_terminal),
        "raw control text: {text:?}"
    );
    let mut lines = 0;
    for line in text.lines() {
        lines += 1;
        assert!(line.len() <= max_line, "a line of {} bytes", line.len());
    }
    assert!(lines <= max_lines, "{lines} lines");
}

/// Everything a person sees of `error` (its `Display` and its report) is
/// escaped and bounded.
pub fn check_error_shown(error: &Error) {
    check_shown(&error.to_string(), 1, 8 * 1024);
    check_shown(&error.report().to_string(), 300, 8 * 1024);
}
