//! The domain `Error`: display, identity, context, source, conversion.

use std::error::Error as _;

use csghub_errorx::{Error, ErrorCode, Module};
use csghub_errorx_demo::RepoError;
use prost::Message as _;

#[test]
fn display_is_code_name_and_message_without_the_source() {
    let error = Error::new(ErrorCode::GIT_AUTH_FAILED)
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

/// A status from a newer server, with a code this build lacks.
fn newer_servers_status(module: Module, number: u32, message: &str) -> tonic::Status {
    let typed = csghub_errorx::proto::v1::ErrorInfo {
        module: module.number(),
        number,
        ..Default::default()
    };
    let inner = tonic_types::pb::Status {
        code: tonic::Code::NotFound as i32,
        message: message.into(),
        details: vec![prost_types::Any {
            type_url: "type.googleapis.com/csghub.errorx.v1.ErrorInfo".into(),
            value: typed.encode_to_vec(),
        }],
    };
    tonic::Status::with_details(tonic::Code::NotFound, message, inner.encode_to_vec().into())
}

#[test]
fn display_of_unknown_and_uncataloged_errors_keeps_what_is_known() {
    let unknown = Error::from_status(&newer_servers_status(Module::GIT, 99, "new"));
    assert_eq!(unknown.to_string(), "GIT-ERR-99: new");
    let foreign = Error::uncataloged(tonic::Code::NotFound, "no such thing");
    assert_eq!(foreign.to_string(), "NOT_FOUND: no such thing");
}

#[test]
fn display_escapes_what_a_peer_sent() {
    let status = newer_servers_status(Module::GIT, 99, "line\nFORGED-LINE \u{1b}[31m");
    let shown = Error::from_status(&status).to_string();
    assert!(
        !shown.contains('\n') && !shown.contains('\u{1b}'),
        "{shown}"
    );
    assert!(shown.contains("\\nFORGED-LINE"), "{shown}");
}

#[test]
fn is_ignores_message_context_and_source() {
    let error = Error::new(ErrorCode::FORBIDDEN)
        .with_message("custom")
        .with_context("repo", "x")
        .with_source(std::io::Error::other("cause"));
    assert!(error.is(ErrorCode::FORBIDDEN));
    assert!(!error.is(ErrorCode::UNAUTHORIZED));
    assert_eq!(error.code(), Some(ErrorCode::FORBIDDEN));
}

#[test]
fn the_default_message_is_the_catalog_description() {
    for code in csghub_errorx::csghub::CATALOG.codes() {
        assert_eq!(Error::new(code).message(), code.description());
        assert_eq!(Error::from(code).grpc_code(), code.grpc_code());
    }
}

#[test]
fn context_is_sorted_and_a_key_set_twice_keeps_the_last_value() {
    let error = Error::new(ErrorCode::GIT_FILE_NOT_FOUND)
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
    assert!(error.is(ErrorCode::GIT_REPO_NOT_FOUND));
    assert_eq!(error.context().get("repo"), Some("ns/gone"));
    assert_eq!(
        error.resource_info().map(|r| r.resource_name()),
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
        Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED)
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
        Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED)
            .with_retry_delay(delay)
            .retry_delay(),
        Some(delay)
    );
    assert_eq!(
        Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED).retry_delay(),
        None
    );
    // A peer's negative delay reads as none.
    let retry = tonic_types::pb::RetryInfo {
        retry_delay: Some(prost_types::Duration {
            seconds: -1,
            nanos: 0,
        }),
    };
    let inner = tonic_types::pb::Status {
        code: tonic::Code::Unavailable as i32,
        message: "x".into(),
        details: vec![prost_types::Any {
            type_url: "type.googleapis.com/google.rpc.RetryInfo".into(),
            value: retry.encode_to_vec(),
        }],
    };
    let status =
        tonic::Status::with_details(tonic::Code::Unavailable, "x", inner.encode_to_vec().into());
    let error = Error::from_status(&status);
    assert!(error.retry_info().is_some());
    assert_eq!(error.retry_delay(), None);
}

#[test]
fn context_values_are_any_display_value() {
    let error = Error::new(ErrorCode::ERR_REQ_PARAM_OUT_OF_RANGE)
        .with_context("min", 1)
        .with_context("max", 100u64)
        .with_context("ratio", 0.5);
    let entries: Vec<_> = error.context().iter().collect();
    assert_eq!(entries, [("max", "100"), ("min", "1"), ("ratio", "0.5")]);
}

#[test]
fn keys_that_are_not_metadata_keys_never_collapse() {
    let error = Error::new(ErrorCode::USER_NOT_FOUND)
        .with_context("名字", "alice")
        .with_context("年龄", 30)
        .with_context("code", "c")
        .with_context("ctxCode", "d");
    assert_eq!(error.context().len(), 4);
    let decoded = Error::from_status(&tonic::Status::from(error));
    assert_eq!(decoded.context().get("名字"), Some("alice"));
    assert_eq!(decoded.context().get("年龄"), Some("30"));
    assert_eq!(decoded.context().get("code"), Some("c"));
    assert_eq!(decoded.context().get("ctxCode"), Some("d"));
}

/// A service's own detail type.
#[derive(Clone, PartialEq, prost::Message)]
struct Quota {
    #[prost(string, tag = "1")]
    bucket: String,
    #[prost(uint64, tag = "2")]
    used: u64,
}

impl prost::Name for Quota {
    const NAME: &'static str = "Quota";
    const PACKAGE: &'static str = "acme.v1";
}

#[test]
fn a_custom_detail_round_trips_as_its_own_message_type() {
    let quota = Quota {
        bucket: "b1".into(),
        used: 7,
    };
    let error = Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED).add_custom_detail(&quota);
    let decoded = Error::from_status(&tonic::Status::from(error));
    let raw = &decoded.raw_details()[0];
    assert_eq!(raw.type_url(), "type.googleapis.com/acme.v1.Quota");
    assert_eq!(raw.to_message::<Quota>(), Some(Ok(quota)));
    assert_eq!(
        raw.to_message::<csghub_errorx::proto::v1::ErrorInfo>(),
        None
    );
}
