//! The domain `Error`: display, identity, context, source, conversion.

use std::error::Error as _;

use csghub_errorx::{Code, Error, Module};
use csghub_errorx_demo::RepoError;

#[test]
fn display_is_code_name_and_message_without_the_source() {
    let error = Error::new(Code::GIT_AUTH_FAILED)
        .with_message("remote rejected the token")
        .with_source(std::io::Error::other("401 from git.example.com"));
    assert_eq!(
        error.to_string(),
        "GIT-ERR-8 gitAuthFailed: remote rejected the token"
    );
    assert_eq!(
        error.source().map(ToString::to_string),
        Some("401 from git.example.com".into())
    );
}

#[test]
fn display_of_unknown_and_uncataloged_errors_keeps_what_is_known() {
    let unknown = Error::new(Code::from_parts(Module::GIT, 99)).with_message("new");
    assert_eq!(unknown.to_string(), "GIT-ERR-99: new");
    let foreign = Error::uncataloged(tonic::Code::NotFound, "no such thing");
    assert_eq!(foreign.to_string(), "NOT_FOUND: no such thing");
}

#[test]
fn is_ignores_message_context_and_source() {
    let error = Error::new(Code::FORBIDDEN)
        .with_message("custom")
        .with_context("repo", "x")
        .with_source(std::io::Error::other("cause"));
    assert!(error.is(Code::FORBIDDEN));
    assert!(!error.is(Code::UNAUTHORIZED));
    assert!(error == Code::FORBIDDEN);
}

#[test]
fn the_default_message_is_the_catalog_description() {
    for code in Code::iter() {
        assert_eq!(Error::new(code).message(), code.description());
        assert_eq!(Error::from(code).grpc_code(), code.grpc_code());
    }
}

#[test]
fn context_is_sorted_and_a_key_set_twice_keeps_the_last_value() {
    let error = Error::new(Code::GIT_FILE_NOT_FOUND)
        .with_context("path", "a")
        .with_context("branch", "main")
        .with_context("path", "b");
    let entries: Vec<_> = error.context().iter().collect();
    assert_eq!(entries, [("branch", "main"), ("path", "b")]);
}

#[test]
fn an_application_error_converts_with_the_question_mark() {
    fn lookup() -> Result<(), Error> {
        Err(RepoError::RepoNotFound("ns/gone".into()))?;
        Ok(())
    }
    let error = lookup().unwrap_err();
    assert!(error.is(Code::GIT_REPO_NOT_FOUND));
    assert_eq!(error.context().get("repo"), Some("ns/gone"));
    assert_eq!(
        error
            .details()
            .resource_info
            .as_ref()
            .map(|r| r.resource_name.as_str()),
        Some("ns/gone")
    );
    // The application error is the source, for the logs.
    assert_eq!(
        error.source().map(ToString::to_string),
        Some("repository ns/gone not found".into())
    );
}

#[test]
fn http_status_follows_the_catalog_or_the_grpc_code() {
    assert_eq!(
        Error::new(Code::ERR_RATE_LIMIT_EXCEEDED)
            .http_status()
            .as_u16(),
        429
    );
    assert_eq!(
        Error::uncataloged(tonic::Code::Unavailable, "x")
            .http_status()
            .as_u16(),
        503
    );
}

#[test]
fn an_error_is_small_enough_to_return_cheaply() {
    assert!(
        std::mem::size_of::<Error>() <= 128,
        "{}",
        std::mem::size_of::<Error>()
    );
}

#[test]
fn retry_delay_reads_back_and_a_negative_one_reads_as_none() {
    let delay = std::time::Duration::from_millis(1500);
    assert_eq!(
        Error::new(Code::ERR_RATE_LIMIT_EXCEEDED)
            .with_retry_delay(delay)
            .retry_delay(),
        Some(delay)
    );
    assert_eq!(
        Error::new(Code::ERR_RATE_LIMIT_EXCEEDED).retry_delay(),
        None
    );
    let mut error = Error::new(Code::CLUSTER_UNAVAILABLE);
    error.details_mut().retry_info = Some(tonic_types::pb::RetryInfo {
        retry_delay: Some(prost_types::Duration {
            seconds: -1,
            nanos: 0,
        }),
    });
    assert_eq!(error.retry_delay(), None);
}
