//! Hostile gRPC clients (raw HTTP/2 peers on 127.0.0.1) against a tonic
//! server behind `LogLayer::server()` and the async auth layer: the server
//! does not panic, keeps serving, forgets what it was asked, and logs one
//! clean line per RPC it served.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::logs::{assert_clean, capture_text, Logs};
use common::raw_h2::RawH2Client;
use common::{request, DemoFixture};
use csghub_errorx::auth::{invalid_token, AsyncAuthLayer, AuthInterceptor};
use csghub_errorx::layer::LogLayer;
use csghub_errorx::{Error, ErrorCode};
use csghub_errorx_demo::{Demo, DemoServer, DemoService, FailReply, FailRequest};
use prost::Message as _;
use tonic::transport::Server;
use tonic::{Request, Response, Status};

const FAIL: &[u8] = b"/csghub.errorx.demo.v1.Demo/Fail";

fn check_token(token: &str) -> Result<String, Error> {
    if token == "good-token" {
        Ok("alice".into())
    } else {
        Err(invalid_token())
    }
}

/// `service` behind the log layer and the async auth layer, accepting
/// header lists of up to `max_header_list_size` bytes (tonic's default,
/// 16 KiB, if `None`).
async fn server<D: Demo>(service: D, max_header_list_size: Option<u32>) -> DemoFixture {
    DemoFixture::spawn(move |incoming| async move {
        let auth = AsyncAuthLayer::token(|token: String| async move { check_token(&token) });
        let _ = Server::builder()
            .http2_max_header_list_size(max_header_list_size)
            .layer(LogLayer::server())
            .layer(auth)
            .add_service(DemoServer::new(service))
            .serve_with_incoming(incoming)
            .await;
    })
    .await
}

/// The demo service behind the log layer and the auth interceptor.
async fn intercepted_server() -> DemoFixture {
    type CheckToken = fn(&str) -> Result<String, Error>;
    DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .layer(LogLayer::server())
            .add_service(DemoServer::with_interceptor(
                DemoService::new(),
                AuthInterceptor::token(check_token as CheckToken),
            ))
            .serve_with_incoming(incoming)
            .await;
    })
    .await
}

fn headers(pairs: &[(&str, &[u8])]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_bytes(value).unwrap(),
        );
    }
    map
}

fn fail_request(code: &str) -> Vec<u8> {
    request(code, &[], 0).encode_to_vec()
}

/// Waits (5 s at most) until the server logged `count` events.
async fn settle(logs: &Logs, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while logs.side("server").len() < count && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
}

/// The server still answers a well-behaved client as it should.
async fn still_serves(server: &DemoFixture) {
    let mut call = Request::new(request("GIT-ERR-9", &[], 0));
    call.metadata_mut()
        .insert("authorization", "Bearer good-token".parse().unwrap());
    let status = server.client().await.fail(call).await.unwrap_err();
    assert!(Error::from_status(&status).is(ErrorCode::GIT_REPO_NOT_FOUND));
}

#[tokio::test]
async fn a_1_mib_authorization_header_over_the_limit_is_refused_and_the_server_goes_on() {
    let (logs, text, _guard) = capture_text();
    let server = server(DemoService::new(), None).await;
    let token = format!("Bearer {}", "A".repeat(1 << 20));
    let mut client = RawH2Client::connect(server.addr, 64 << 20).await;
    let reply = tokio::time::timeout(
        Duration::from_secs(10),
        client.call(
            RawH2Client::request(FAIL, &headers(&[("authorization", token.as_bytes())])),
            &fail_request("GIT-ERR-9"),
        ),
    )
    .await
    .expect("no hang");
    // HTTP/2 refuses it before any service sees it: 431, or a reset.
    assert_ne!(reply.grpc_status(), Some("0"), "{:?}", reply.status);
    still_serves(&server).await;
    settle(&logs, 1).await;
    // The refused request never reached the layer; the good one did.
    assert_eq!(logs.side("server").len(), 1);
    assert_clean(&text, 1);
}

#[tokio::test]
async fn a_1_mib_authorization_header_within_a_raised_limit_is_rejected_by_auth_once() {
    let (logs, text, _guard) = capture_text();
    let server = server(DemoService::new(), Some(4 << 20)).await;
    let token = format!("Bearer {}\u{9b}31m", "A".repeat(1 << 20));
    let mut client = RawH2Client::connect(server.addr, 64 << 20).await;
    let reply = client
        .call(
            RawH2Client::request(FAIL, &headers(&[("authorization", token.as_bytes())])),
            &fail_request("GIT-ERR-9"),
        )
        .await;
    // INVALID_AUTH_HEADER: the value is not visible ASCII.
    assert_eq!(reply.grpc_status(), Some("16"), "{reply:?}");
    settle(&logs, 1).await;
    let events = logs.side("server");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].field("code"), Some("AUTH-ERR-5"));
    assert_clean(&text, 1);
    // The token is nowhere in the line.
    assert!(!text.lines()[0].contains(&"A".repeat(1000)));
}

#[tokio::test]
async fn non_ascii_metadata_is_rejected_or_ignored_never_logged_raw() {
    let (logs, text, _guard) = capture_text();
    // Behind the async auth layer, and behind the interceptor.
    for server in [
        server(DemoService::new(), None).await,
        intercepted_server().await,
    ] {
        send_non_ascii_metadata(&server).await;
    }
    settle(&logs, 6).await;
    assert_eq!(logs.side("server").len(), 6);
    assert_clean(&text, 6);
}

async fn send_non_ascii_metadata(server: &DemoFixture) {
    let mut client = RawH2Client::connect(server.addr, 1 << 20).await;
    // Header values may hold any byte from 0x80 up: UTF-8 C1 controls,
    // invalid UTF-8.
    for (authorization, note) in [
        (&b"Bearer caf\xc3\xa9"[..], &b"\xc2\x9b31m\xe2\x80\xae"[..]),
        (b"Bearer \xff\xfe", b"\xff"),
        (b"Bearer good-token", b"\xc2\x9b31m\xe2\x80\xae\xff"),
    ] {
        let reply = client
            .call(
                RawH2Client::request(
                    FAIL,
                    &headers(&[("authorization", authorization), ("x-note", note)]),
                ),
                &fail_request("GIT-ERR-9"),
            )
            .await;
        let expected = if authorization == b"Bearer good-token" {
            "5"
        } else {
            "16"
        };
        assert_eq!(reply.grpc_status(), Some(expected), "{reply:?}");
    }
}

/// A `Demo` whose `Fail` never answers, counting the calls it started and
/// the ones dropped.
#[derive(Clone, Default)]
struct Hanging {
    started: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
}

/// Counts a drop of the handler's future.
struct CountsDrop(Arc<AtomicUsize>);

impl Drop for CountsDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

type ReplyStream =
    std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<FailReply, Status>> + Send>>;

#[tonic::async_trait]
impl Demo for Hanging {
    async fn fail(&self, _: Request<FailRequest>) -> Result<Response<FailReply>, Status> {
        let _counts = CountsDrop(self.dropped.clone());
        self.started.fetch_add(1, Ordering::SeqCst);
        std::future::pending().await
    }

    type FailStreamStream = ReplyStream;

    async fn fail_stream(&self, _: Request<FailRequest>) -> Result<Response<ReplyStream>, Status> {
        Err(Status::unimplemented("not here"))
    }
}

#[tokio::test]
async fn a_client_that_cancels_1000_streams_gets_one_line_each_and_leaves_nothing_behind() {
    let (logs, text, _guard) = capture_text();
    let service = Hanging::default();
    let server = server(service.clone(), None).await;
    let mut client = RawH2Client::connect(server.addr, 1 << 20).await;
    let auth = headers(&[("authorization", b"Bearer good-token")]);
    // In batches within the server's limit of concurrent streams: each
    // handler starts, then its stream is reset.
    const BATCH: usize = 100;
    for batch in 0..10 {
        let mut open = Vec::with_capacity(BATCH);
        for _ in 0..BATCH {
            let (response, mut stream) = client
                .start(
                    RawH2Client::request(FAIL, &auth),
                    &fail_request("GIT-ERR-9"),
                )
                .await
                .expect("send");
            let _ = stream.send_data(bytes::Bytes::new(), true);
            open.push((response, stream));
        }
        let started = (batch + 1) * BATCH;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while service.started.load(Ordering::SeqCst) < started {
            assert!(
                tokio::time::Instant::now() < deadline,
                "handlers did not start"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        for (_response, mut stream) in open {
            stream.send_reset(h2::Reason::CANCEL);
        }
    }
    settle(&logs, 1000).await;
    let events = logs.side("server");
    assert_eq!(events.len(), 1000);
    assert!(events
        .iter()
        .all(|e| e.field("grpc.code") == Some("CANCELLED")));
    // Every handler was dropped: nothing of the cancelled calls is kept.
    assert_eq!(service.dropped.load(Ordering::SeqCst), 1000);
    assert_clean(&text, 1000);
}
