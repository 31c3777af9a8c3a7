//! The bytes on the wire: the details of a status carry the typed
//! ErrorInfo beside the standard one, and say nothing twice, so they are
//! at most 1.1× what a server with only `google.rpc.ErrorInfo` sends for the
//! same facts (its metadata holding the code string, the module and the
//! context) and the same standard details. Sizes are exact, not timed.

use std::collections::HashMap;
use std::time::Duration;

use csghub_errorx::{Error, ErrorCode, StatusEncoder};
use tonic_types::{ErrorDetails, StatusExt};

/// The google-only equivalent, as tonic-types builds it.
fn google_only(error: &Error) -> usize {
    let code = error.code().expect("a catalog code");
    let mut metadata: HashMap<String, String> = error
        .context()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    metadata.insert("code".into(), code.as_str().into());
    metadata.insert("module".into(), code.module().to_string());
    let mut details =
        ErrorDetails::with_error_info(code.reason(), StatusEncoder::DEFAULT_DOMAIN, metadata);
    if let Some(resource) = error.resource_info() {
        details.set_resource_info(
            resource.resource_type(),
            resource.resource_name(),
            resource.owner(),
            resource.description(),
        );
    }
    if let Some(delay) = error.retry_delay() {
        details.set_retry_info(Some(delay));
    }
    tonic::Status::with_error_details(error.grpc_code(), error.message(), details)
        .details()
        .len()
}

fn typical() -> Error {
    Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
        .with_context("repo", "opencsg/csghub")
        .with_context("branch", "main")
        .with_context("path", "docs/README.md")
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
