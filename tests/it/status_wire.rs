//! `Error` ⇄ `Status` through a real tonic server and client on 127.0.0.1.

use crate::common;

use std::time::Duration;

use common::{replies_then_error, request, DemoFixture};
use csghub_errorx::{Error, ErrorCode, StatusEncoder};
use csghub_errorx_demo::FailRequest;
use tokio_stream::StreamExt;

#[tokio::test]
async fn every_catalog_code_round_trips_unary() {
    let server = DemoFixture::start().await;
    let mut client = server.client().await;
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let status = client
            .fail(request(
                code.as_str(),
                &[("repo", "ns/name"), ("branch", "main")],
                0,
            ))
            .await
            .unwrap_err();
        assert_eq!(status.code(), code.grpc_code(), "{code:?}");
        assert_eq!(status.message(), code.description());
        let error = Error::from_status(&status);
        assert_eq!(error.code(), Some(code));
        assert_eq!(error.message(), code.description());
        assert_eq!(error.reason(), code.reason());
        assert_eq!(error.domain(), Some(csghub_errorx::CATALOG_DOMAIN));
        assert_eq!(error.context().get("repo"), Some("ns/name"));
        assert_eq!(error.context().get("branch"), Some("main"));
        assert!(
            error.decode_problems().is_empty(),
            "{:?}",
            error.decode_problems()
        );
    }
}

#[tokio::test]
async fn every_catalog_code_round_trips_in_stream_trailers() {
    let server = DemoFixture::start().await;
    let mut client = server.client().await;
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let mut stream = client
            .fail_stream(request(code.reason(), &[("task", "t-1")], 2))
            .await
            .expect("the stream starts")
            .into_inner();
        let (indexes, status) = replies_then_error(&mut stream).await;
        assert_eq!(indexes, [0, 1], "{code:?}");
        let error = Error::from_status(&status);
        assert!(error.is(code), "{code:?}");
        assert_eq!(error.context().get("task"), Some("t-1"));
        assert!(error.decode_problems().is_empty());
    }
}

#[tokio::test]
async fn a_code_the_catalog_lacks_fails_with_a_bad_request_on_code() {
    let server = DemoFixture::start().await;
    let status = server
        .client()
        .await
        .fail(request("NOPE-ERR-1", &[], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert!(error.is(ErrorCode::ERR_REQ_PARAM_INVALID));
    let violations = error.bad_request().expect("BadRequest").field_violations();
    assert_eq!(violations[0].field(), "code");
}

#[tokio::test]
async fn retryable_codes_carry_retry_info() {
    let server = DemoFixture::start().await;
    let status = server
        .client()
        .await
        .fail(request("errRateLimitExceeded", &[], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.retry_delay(), Some(Duration::from_secs(1)));
}

/// A context value far past every header limit.
fn one_mebibyte() -> String {
    "x".repeat(1 << 20)
}

#[tokio::test]
async fn a_one_mebibyte_context_value_still_yields_code_and_reason_unary() {
    let server = DemoFixture::start().await;
    let huge = one_mebibyte();
    let status = server
        .client()
        .await
        .fail(request("GIT-ERR-8", &[("blob", &huge)], 0))
        .await
        .unwrap_err();
    // Not `Internal "h2 protocol error"`: the status fit the headers.
    assert_eq!(status.code(), tonic::Code::Unauthenticated);
    let error = Error::from_status(&status);
    assert!(error.is(ErrorCode::GIT_AUTH_FAILED));
    assert_eq!(error.reason(), "GIT_AUTH_FAILED");
    let blob = error
        .context()
        .get("blob")
        .expect("the entry survives, cut");
    assert!(blob.ends_with(StatusEncoder::TRUNCATION_MARKER));
    assert!(blob.len() < 2048);
}

#[tokio::test]
async fn a_one_mebibyte_context_value_still_yields_code_and_reason_streaming() {
    let server = DemoFixture::start().await;
    let huge = one_mebibyte();
    let mut stream = server
        .client()
        .await
        .fail_stream(request("GIT-ERR-8", &[("blob", &huge)], 1))
        .await
        .expect("the stream starts")
        .into_inner();
    assert_eq!(
        stream.next().await.and_then(Result::ok).map(|r| r.index),
        Some(0)
    );
    let status = stream
        .next()
        .await
        .expect("an item")
        .expect_err("the error");
    let error = Error::from_status(&status);
    assert!(
        error.is(ErrorCode::GIT_AUTH_FAILED),
        "details were lost: {status:?}"
    );
    assert_eq!(error.reason(), "GIT_AUTH_FAILED");
}

#[tokio::test]
async fn the_source_never_reaches_the_client() {
    use csghub_errorx_demo::{Demo, DemoServer, FailReply};
    use tonic::{Request, Response, Status};

    const SECRET: &str = "password=hunter2 at /var/lib/postgres";

    #[derive(Default)]
    struct Leaky;
    #[tonic::async_trait]
    impl Demo for Leaky {
        async fn fail(&self, _: Request<FailRequest>) -> Result<Response<FailReply>, Status> {
            let cause = std::io::Error::other(SECRET);
            Err(Error::new(ErrorCode::DATABASE_FAILURE)
                .with_source(cause)
                .into())
        }
        type FailStreamStream = tokio_stream::Empty<Result<FailReply, Status>>;
        async fn fail_stream(
            &self,
            _: Request<FailRequest>,
        ) -> Result<Response<Self::FailStreamStream>, Status> {
            Err(Status::unimplemented("not here"))
        }
    }

    let server = DemoFixture::start_with(|b| b.add_service(DemoServer::new(Leaky))).await;
    let status = server
        .client()
        .await
        .fail(request("", &[], 0))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::Internal);
    let everything = format!(
        "{status:?} {:?} {:?}",
        status.metadata(),
        String::from_utf8_lossy(status.details())
    );
    assert!(!everything.contains("hunter2"), "{everything}");
    assert!(!everything.contains("postgres"), "{everything}");
    assert!(Error::from_status(&status).is(ErrorCode::DATABASE_FAILURE));
}

/// Why the budget exists: the same error with the budget lifted loses its
/// code on the way to a tonic client (hyper's 16 KiB header-list limit).
#[tokio::test]
async fn without_the_budget_a_large_status_loses_its_code() {
    use csghub_errorx_demo::{DemoServer, DemoService};
    let encoder = StatusEncoder::new().budget(4 << 20);
    let server = DemoFixture::start_with(|b| {
        b.add_service(DemoServer::new(DemoService::with_encoder(encoder)))
    })
    .await;
    let huge = "x".repeat(64 * 1024);
    let status = server
        .client()
        .await
        .fail(request("GIT-ERR-8", &[("blob", &huge)], 0))
        .await
        .unwrap_err();
    assert_ne!(status.code(), tonic::Code::Unauthenticated, "{status:?}");
    assert!(!Error::from_status(&status).is(ErrorCode::GIT_AUTH_FAILED));
}
