//! A handler that panics costs its RPC, not the server: with
//! `CatchPanicLayer` inside the server log layer, the peer gets `SYS-ERR-0`
//! (`INTERNAL`) with no byte of the panic message, the next RPC on the same
//! connection is answered, and the log line carries the message as its
//! cause.

use crate::common;

use std::time::Duration;

use base64::Engine as _;
use common::logs::capture;
use common::raw_h2::RawH2Client;
use common::{replies_then_error, request, DemoFixture};
use csghub_errorx::layer::{CatchPanicLayer, CountingMetrics, LogLayer, Side};
use csghub_errorx::{Error, ErrorCode};
use csghub_errorx_demo::{DemoClient, DemoServer, DemoService, PANIC, PANIC_SECRET};
use prost::Message as _;
use tonic::transport::{Channel, Server};

const FAIL: &str = "/csghub.errorx.demo.v1.Demo/Fail";

/// The demo behind the log layer and, inside it, the panic layer.
async fn panic_safe_server(metrics: CountingMetrics) -> DemoFixture {
    DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .layer(LogLayer::server().metrics(metrics))
            .layer(CatchPanicLayer::new())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await
}

async fn client(server: &DemoFixture) -> DemoClient<Channel> {
    let channel = Channel::from_shared(format!("http://{}", server.addr))
        .expect("url")
        .connect()
        .await
        .expect("connect");
    DemoClient::new(channel)
}

/// Waits, at most 5 s, until the server logged `count` lines: it logs a
/// stream's line when tonic drops the body, after the client has its end.
async fn settle(logs: &common::logs::Logs, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while logs.side("server").len() < count && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn assert_internal_server_error(status: &tonic::Status) {
    assert_eq!(status.code(), tonic::Code::Internal);
    let error = Error::from_status(status);
    assert_eq!(error.code(), Some(ErrorCode::INTERNAL_SERVER_ERROR));
    assert_eq!(
        status.message(),
        ErrorCode::INTERNAL_SERVER_ERROR.description()
    );
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
    assert!(!format!("{status:?}").contains(PANIC_SECRET));
}

#[tokio::test(flavor = "current_thread")]
async fn a_handler_that_panics_answers_internal_server_error_and_the_connection_goes_on() {
    let (logs, _guard) = capture();
    let metrics = CountingMetrics::new();
    let server = panic_safe_server(metrics.clone()).await;
    let mut demo = client(&server).await;

    let status = demo
        .fail(request(PANIC, &[], 0))
        .await
        .expect_err("the handler panicked");
    assert_internal_server_error(&status);

    // The next RPC on the same connection is answered as usual.
    let status = demo
        .fail(request("GIT-ERR-8", &[], 0))
        .await
        .expect_err("Fail fails");
    assert!(Error::from_status(&status).is(ErrorCode::GIT_AUTH_FAILED));

    settle(&logs, 2).await;
    let lines = logs.side("server");
    assert_eq!(lines.len(), 2, "one line per RPC: {lines:#?}");
    let panicked = &lines[0];
    assert_eq!(panicked.field("code"), Some("SYS-ERR-0"));
    assert_eq!(panicked.field("outcome"), Some("status"));
    let source = panicked.field("error.source").expect("the cause");
    assert!(
        source.contains("handler panicked") && source.contains(PANIC_SECRET),
        "{source}"
    );
    assert_eq!(
        metrics.count(
            Side::Server,
            FAIL,
            tonic::Code::Internal,
            Some(ErrorCode::INTERNAL_SERVER_ERROR)
        ),
        1
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_stream_that_panics_after_two_messages_ends_with_internal_server_error_in_its_trailers() {
    let (logs, _guard) = capture();
    let server = panic_safe_server(CountingMetrics::new()).await;
    let mut demo = client(&server).await;

    let mut stream = demo
        .fail_stream(request(PANIC, &[], 2))
        .await
        .expect("the stream starts")
        .into_inner();
    let (replies, status) = replies_then_error(&mut stream).await;
    assert_eq!(replies, [0, 1]);
    assert_internal_server_error(&status);

    let mut stream = demo
        .fail_stream(request("TASK-ERR-5", &[], 1))
        .await
        .expect("the next stream starts")
        .into_inner();
    let (replies, status) = replies_then_error(&mut stream).await;
    assert_eq!(replies, [0]);
    assert!(Error::from_status(&status).is(ErrorCode::CLUSTER_UNAVAILABLE));

    settle(&logs, 2).await;
    let lines = logs.side("server");
    assert_eq!(lines.len(), 2, "one line per RPC: {lines:#?}");
    let panicked = lines
        .iter()
        .find(|line| line.field("code") == Some("SYS-ERR-0"))
        .expect("the panicked stream's line");
    assert!(panicked
        .field("error.source")
        .is_some_and(|source| source.contains(PANIC_SECRET)));
}

#[tokio::test(flavor = "current_thread")]
async fn the_panic_message_is_on_no_byte_of_the_wire() {
    let server = panic_safe_server(CountingMetrics::new()).await;
    let mut raw = RawH2Client::connect(server.addr, 64 * 1024).await;
    for messages_before_error in [0, 3] {
        let (path, message) = if messages_before_error == 0 {
            (FAIL, request(PANIC, &[], 0))
        } else {
            (
                "/csghub.errorx.demo.v1.Demo/FailStream",
                request(PANIC, &[], messages_before_error),
            )
        };
        let reply = raw
            .call(
                RawH2Client::request(path.as_bytes(), &http::HeaderMap::new()),
                &message.encode_to_vec(),
            )
            .await;
        assert_eq!(reply.grpc_status(), Some("13"), "{reply:?}");
        assert!(reply.error.is_none(), "no reset: {reply:?}");
        let mut wire = Vec::new();
        for headers in std::iter::once(&reply.headers).chain(reply.trailers.as_ref()) {
            for (name, value) in headers {
                wire.extend_from_slice(name.as_str().as_bytes());
                wire.extend_from_slice(value.as_bytes());
                if name == "grpc-status-details-bin" {
                    let details = base64::engine::general_purpose::STANDARD_NO_PAD
                        .decode(value.as_bytes().trim_ascii_end())
                        .expect("base64 details");
                    wire.extend_from_slice(&details);
                }
            }
        }
        wire.extend_from_slice(&reply.body);
        let text = String::from_utf8_lossy(&wire);
        for leak in [PANIC_SECRET, "hunter2", "panicked"] {
            assert!(!text.contains(leak), "{leak:?} on the wire: {text}");
        }
        assert!(text.contains("SYS-ERR-0"), "{text}");
    }
}
