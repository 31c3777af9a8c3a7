//! Errors and baselines shared by the benchmarks and `tests/wire_size.rs`,
//! so that the sizes a test checks are those of the errors a bench times.
//! Included with `#[path]` (benches cannot share a module otherwise); not
//! every includer uses every item.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use csghub_errorx::{Error, ErrorCode};
use tonic_types::{ErrorDetails, FieldViolation};

/// The error of the examples: a repository that was not found, with the
/// three context entries a handler has at hand.
pub fn typical() -> Error {
    Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
        .with_context("repo", "opencsg/csghub")
        .with_context("branch", "main")
        .with_context("path", "docs/README.md")
}

/// 20 context entries, BadRequest with 5 violations, and RetryInfo.
pub fn heavy() -> Error {
    let error = (0..20).fold(Error::new(ErrorCode::ERR_REQ_PARAM_INVALID), |e, i| {
        e.with_context(
            format!("key{i}"),
            format!("value number {i} of the heavy error"),
        )
    });
    (0..5)
        .fold(error, |e, i| {
            e.add_field_violation(format!("field{i}"), "must be a positive integer")
        })
        .with_retry_delay(Duration::from_secs(3))
}

/// The same `google.rpc` content as tonic-types builds it: an ErrorInfo
/// whose metadata carries the code string, the module and the context (what
/// a server that only has `google.rpc.ErrorInfo` sends for the same facts),
/// and the standard details.
pub fn tonic_types_details(error: &Error) -> ErrorDetails {
    let code = error.code().expect("a catalog error");
    let mut metadata: HashMap<String, String> = error
        .context()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    metadata.insert("code".into(), code.as_str().into());
    metadata.insert("module".into(), code.module().to_string());
    let mut details =
        ErrorDetails::with_error_info(code.reason(), csghub_errorx::CATALOG_DOMAIN, metadata);
    if let Some(bad) = error.bad_request() {
        let violations = bad
            .field_violations()
            .iter()
            .map(|v| FieldViolation::new(v.field(), v.description()))
            .collect::<Vec<_>>();
        details.set_bad_request(violations);
    }
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
    details
}
