//! The bytes on the wire: the details of a status carry the typed
//! ErrorInfo beside the standard one, whose metadata carries the code
//! string (for peers with only the `google.rpc` types) and the context.
//! Against a server with only `google.rpc.ErrorInfo` (its metadata holding
//! the code string, the module and the context) and the same standard
//! details, the only difference is the typed ErrorInfo, less the `module`
//! entry it makes redundant. Sizes are exact, not timed.
//!
//! Targets: the typical error within 1.15× (issue 18, which put the code
//! string back); rich errors within 1.1× (issue 15). The bare error, with
//! no context, is 1.2×: the typed ErrorInfo's 56 bytes weigh more against
//! 185. See BENCHMARKS.md.

use std::time::Duration;

use csghub_errorx::{Error, ErrorCode};
use tonic_types::StatusExt;

#[path = "../../benches/common/fixtures.rs"]
mod fixtures;
use fixtures::{tonic_types_details, typical};

/// The size of the google-only equivalent's details, as tonic-types
/// encodes them.
fn google_only(error: &Error) -> usize {
    let details = tonic_types_details(error);
    tonic::Status::with_error_details(error.grpc_code(), error.message(), details)
        .details()
        .len()
}

fn ours(error: &Error) -> usize {
    tonic::Status::from(error.clone()).details().len()
}

fn rich() -> Error {
    typical()
        .with_resource("repository", "opencsg/csghub")
        .with_retry_delay(Duration::from_secs(3))
}

fn ratio(name: &str, error: &Error) -> f64 {
    let (ours, theirs) = (ours(error), google_only(error));
    let ratio = ours as f64 / theirs as f64;
    println!("{name}: {ours} B against {theirs} B google-only: {ratio:.3}×");
    ratio
}

#[test]
fn the_typical_errors_details_are_within_15_percent_of_google_only() {
    let ratio = ratio("typical", &typical());
    assert!(ratio <= 1.15, "typical: {ratio:.3}×");
}

#[test]
fn a_rich_errors_details_are_within_10_percent_of_google_only() {
    let ratio = ratio("rich", &rich());
    assert!(ratio <= 1.1, "rich: {ratio:.3}×");
}

#[test]
fn the_only_extra_bytes_are_the_typed_error_info_less_the_module_entry() {
    // `Any { type_url: "type.googleapis.com/csghub.errorx.v1.ErrorInfo",
    // value: { module, number } }` as a repeated field of google.rpc.Status,
    // and the `module` map entry the google-only server sends.
    // The value: module (one-byte tag and varint), number (left out when
    // 0); the Any: type URL (46 bytes) and value, each with tag and length.
    let typed = |number: u32| {
        let number_len = if number == 0 {
            0
        } else {
            1 + prost::length_delimiter_len(number as usize)
        };
        let any = 2 + 46 + 2 + 2 + number_len;
        2 + any
    };
    let module_entry = |prefix: &str| 2 + 2 + "module".len() + 2 + prefix.len();
    for (name, error) in [
        ("typical", typical()),
        ("rich", rich()),
        ("bare", Error::new(ErrorCode::UNAUTHORIZED)),
    ] {
        let code = error.code().expect("a catalog code");
        let extra = ours(&error) as isize - google_only(&error) as isize;
        let expected =
            typed(code.number()) as isize - module_entry(code.module().prefix()) as isize;
        // Lengths are varints: a message crossing 128 bytes takes one more.
        assert!(
            (extra - expected).abs() <= 2,
            "{name}: {extra} B more than google-only, expected {expected}"
        );
        ratio(name, &error);
    }
}
