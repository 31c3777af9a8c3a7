//! The bytes on the wire: the details of a status carry the typed
//! ErrorInfo beside the standard one, and say nothing twice, so they are
//! at most 1.1× what a server with only `google.rpc.ErrorInfo` sends for the
//! same facts (its metadata holding the code string, the module and the
//! context) and the same standard details. Sizes are exact, not timed.

use std::time::Duration;

use csghub_errorx::{Error, ErrorCode};
use tonic_types::StatusExt;

#[path = "../benches/common/fixtures.rs"]
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

#[test]
fn the_details_are_at_most_a_tenth_larger_than_google_only() {
    let rich = typical()
        .with_resource("repository", "opencsg/csghub")
        .with_retry_delay(Duration::from_secs(3));
    let bare = Error::new(ErrorCode::UNAUTHORIZED);
    for (name, error) in [("typical", typical()), ("rich", rich), ("bare", bare)] {
        let ours = tonic::Status::from(error.clone()).details().len();
        let theirs = google_only(&error);
        let ratio = ours as f64 / theirs as f64;
        println!("{name}: {ours} B against {theirs} B google-only: {ratio:.3}×");
        assert!(ratio <= 1.1, "{name}: {ours} B is {ratio:.3}× {theirs} B");
    }
}
