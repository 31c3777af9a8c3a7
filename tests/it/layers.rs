//! The log layers, the header guard and the auth interceptor, against real
//! tonic servers and clients (and a raw HTTP/2 peer) on 127.0.0.1.

use crate::common;

use std::pin::Pin;
use std::time::Duration;

use common::logs::{capture, Captured, Logs};
use common::raw_h2::{Answer, RawH2Server};
use common::{replies_then_error, request, DemoFixture};
use csghub_errorx::auth::{invalid_token, AsyncAuthLayer, AuthInterceptor};
use csghub_errorx::layer::{CountingMetrics, LogLayer, Side};
use csghub_errorx::log::LevelPolicy;
use csghub_errorx::{Error, ErrorCode, StatusDecoder, StatusEncoder};
use csghub_errorx_demo::{Demo, DemoClient, DemoServer, DemoService, FailReply, FailRequest};
use tokio_stream::{Stream, StreamExt};
use tonic::transport::{Channel, Server};
use tonic::{Request, Response, Status};
use tower::ServiceBuilder;
use tracing::Level;

const FAIL: &str = "/csghub.errorx.demo.v1.Demo/Fail";
const FAIL_STREAM: &str = "/csghub.errorx.demo.v1.Demo/FailStream";

type LoggedChannel = csghub_errorx::layer::LogService<Channel>;

/// A `Demo` service behind the server layer.
async fn logged_server<D: Demo>(service: D, layer: LogLayer) -> DemoFixture {
    DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .layer(layer)
            .add_service(DemoServer::new(service))
            .serve_with_incoming(incoming)
            .await;
    })
    .await
}

async fn logged_client(url: String, layer: LogLayer) -> DemoClient<LoggedChannel> {
    let channel = Channel::from_shared(url)
        .unwrap()
        .connect()
        .await
        .expect("connect");
    DemoClient::new(ServiceBuilder::new().layer(layer).service(channel))
}

/// The one event a side logged; fails if it logged none or several.
fn only(logs: &Logs, side: &str) -> Captured {
    let events = logs.side(side);
    assert_eq!(events.len(), 1, "{side}: {events:#?}");
    events.into_iter().next().unwrap()
}

/// Waits (5 s at most) until each side in `sides` logged `count` events:
/// the server may finish logging after the client has its response. Then
/// waits a little more, so an extra event would be seen too.
async fn settle(logs: &Logs, sides: &[&str], count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while sides.iter().any(|side| logs.side(side).len() < count)
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
}

const BOTH: &[&str] = &["server", "client"];

#[tokio::test]
async fn a_stream_that_fails_after_its_replies_is_logged_once_per_side() {
    let (logs, _guard) = capture();
    let server = logged_server(DemoService::new(), LogLayer::server()).await;
    let mut client = logged_client(server.url(), LogLayer::client()).await;
    let mut stream = client
        .fail_stream(request("GIT-ERR-8", &[], 3))
        .await
        .unwrap()
        .into_inner();
    let (replies, _) = replies_then_error(&mut stream).await;
    assert_eq!(replies, [0, 1, 2]);
    settle(&logs, BOTH, 1).await;
    for side in ["server", "client"] {
        let event = only(&logs, side);
        assert_eq!(event.field("rpc.method"), Some(FAIL_STREAM));
        assert_eq!(
            event.field("outcome"),
            Some("status"),
            "{side}: trailers path"
        );
        assert_eq!(event.field("code"), Some("GIT-ERR-8"));
    }
}

#[tokio::test]
async fn a_unary_success_is_logged_at_debug() {
    let (logs, _guard) = capture();
    let server = logged_server(SlowDemo, LogLayer::server()).await;
    let mut client = logged_client(server.url(), LogLayer::client()).await;
    let reply = client
        .fail(request("ok", &[], 0))
        .await
        .expect("SlowDemo answers `ok`");
    assert_eq!(reply.into_inner().index, 7);
    settle(&logs, BOTH, 1).await;
    for side in ["server", "client"] {
        let event = only(&logs, side);
        assert_eq!(event.level, Level::DEBUG, "{side}");
        assert_eq!(event.field("rpc.grpc.status_code"), Some("0"));
        assert_eq!(event.field("grpc.code"), Some("OK"));
        assert_eq!(event.field("code"), None);
        assert_eq!(event.field("rpc.system"), Some("grpc"));
        let latency: f64 = event
            .field("latency_ms")
            .expect("latency_ms")
            .parse()
            .expect("a number of milliseconds");
        // A loopback call: well under the 60 s a stalled machine could take.
        assert!((0.0..60_000.0).contains(&latency), "{side}: {latency}");
    }
}

#[tokio::test]
async fn a_handler_error_is_one_line_with_code_reason_module_and_context() {
    let (logs, _guard) = capture();
    let server = logged_server(DemoService::new(), LogLayer::server()).await;
    let mut client = logged_client(server.url(), LogLayer::client()).await;
    let status = client
        .fail(request("gitRepoNotFound", &[("repo", "ns/name")], 0))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);
    settle(&logs, BOTH, 1).await;
    for side in ["server", "client"] {
        let event = only(&logs, side);
        assert_eq!(event.level, Level::INFO, "{side}: a client fault");
        assert_eq!(event.field("rpc.method"), Some(FAIL));
        assert_eq!(event.field("rpc.grpc.status_code"), Some("5"));
        assert_eq!(event.field("grpc.code"), Some("NOT_FOUND"));
        assert_eq!(event.field("code"), Some("GIT-ERR-9"));
        assert_eq!(event.field("reason"), Some("GIT_REPO_NOT_FOUND"));
        assert_eq!(event.field("module"), Some("GIT"));
        assert_eq!(event.field("context"), Some("repo=ns/name"));
        assert_eq!(event.field("outcome"), Some("status"));
        assert_eq!(event.field("message"), Some("rpc failed"));
    }
}

#[tokio::test]
async fn server_faults_log_at_error_with_the_source_which_the_client_never_sees() {
    let (logs, _guard) = capture();
    let server = logged_server(SlowDemo, LogLayer::server()).await;
    let mut client = logged_client(server.url(), LogLayer::client()).await;
    let status = client.fail(request("db", &[], 0)).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Internal);
    settle(&logs, BOTH, 1).await;
    let server_event = only(&logs, "server");
    assert_eq!(server_event.level, Level::ERROR);
    assert_eq!(server_event.field("code"), Some("SYS-ERR-2"));
    assert_eq!(
        server_event.field("error.source"),
        Some("connection reset by 10.0.0.7:5432")
    );
    let client_event = only(&logs, "client");
    assert_eq!(client_event.level, Level::ERROR);
    assert_eq!(client_event.field("error.source"), None);
    assert!(!format!("{status:?}").contains("10.0.0.7"));
}

#[tokio::test]
async fn a_mid_stream_failure_is_read_from_the_trailers() {
    let (logs, _guard) = capture();
    let server = logged_server(DemoService::new(), LogLayer::server()).await;
    let mut client = logged_client(server.url(), LogLayer::client()).await;
    let mut stream = client
        .fail_stream(request("TASK-ERR-5", &[("cluster", "c1")], 2))
        .await
        .unwrap()
        .into_inner();
    assert!(stream.next().await.unwrap().is_ok());
    assert!(stream.next().await.unwrap().is_ok());
    let status = stream.next().await.unwrap().unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unavailable);
    assert!(stream.next().await.is_none());
    settle(&logs, BOTH, 1).await;
    for side in ["server", "client"] {
        let event = only(&logs, side);
        assert_eq!(
            event.level,
            Level::ERROR,
            "{side}: UNAVAILABLE is a server fault"
        );
        assert_eq!(event.field("code"), Some("TASK-ERR-5"));
        assert_eq!(event.field("reason"), Some("CLUSTER_UNAVAILABLE"));
        assert_eq!(event.field("context"), Some("cluster=c1"));
        assert_eq!(event.field("rpc.method"), Some(FAIL_STREAM));
    }
}

#[tokio::test]
async fn a_client_that_goes_away_mid_stream_is_logged_as_cancelled() {
    let (logs, _guard) = capture();
    let server = logged_server(SlowDemo, LogLayer::server()).await;
    let mut client = logged_client(server.url(), LogLayer::client()).await;
    let mut stream = client
        .fail_stream(request("", &[], 0))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stream.next().await.unwrap().unwrap().index, 0);
    drop(stream);
    settle(&logs, BOTH, 1).await;
    for side in ["server", "client"] {
        let event = only(&logs, side);
        assert_eq!(event.field("outcome"), Some("cancelled"), "{side}");
        assert_eq!(event.field("grpc.code"), Some("CANCELLED"));
        assert_eq!(event.level, Level::INFO);
    }
}

#[tokio::test]
async fn a_deadline_that_passes_is_logged_as_deadline_exceeded() {
    let (logs, _guard) = capture();
    let server = logged_server(SlowDemo, LogLayer::server()).await;
    let mut client = logged_client(server.url(), LogLayer::client()).await;
    let mut call = Request::new(request("sleep", &[], 0));
    // Long enough that the last tenth (the slack the layer allows between
    // the two clocks) outlasts a busy machine's scheduling delays.
    call.set_timeout(Duration::from_millis(300));
    let status = client.fail(call).await.unwrap_err();
    settle(&logs, BOTH, 1).await;
    // The server layer sees its handler dropped past the deadline.
    let server_event = only(&logs, "server");
    assert_eq!(server_event.field("grpc.code"), Some("DEADLINE_EXCEEDED"));
    assert_eq!(server_event.field("outcome"), Some("deadline"));
    assert_eq!(server_event.level, Level::WARN);
    // tonic's server answers an expired deadline with CANCELLED ("Timeout
    // expired"); the client layer logs what arrived.
    assert!(
        matches!(
            status.code(),
            tonic::Code::Cancelled | tonic::Code::DeadlineExceeded
        ),
        "{status:?}"
    );
    let client_event = only(&logs, "client");
    // Reading the channel's timeout error takes the `transport` feature;
    // without it the layer logs UNKNOWN, as the doc of the feature says.
    let logged = if cfg!(feature = "transport") {
        status.code()
    } else {
        tonic::Code::Unknown
    };
    assert_eq!(
        client_event.field("rpc.grpc.status_code"),
        Some((logged as i32).to_string().as_str())
    );
}

/// tonic ends a call that ran out its own deadline as CANCELLED ("Timeout
/// expired"); the client layer names it DEADLINE_EXCEEDED where no earlier
/// contract pins the code: its outcome and level, its metrics, and the
/// decoded `Error`, which keeps tonic's status as its source. The log
/// line's code stays what tonic handed the application (the test above).
#[cfg(feature = "transport")]
#[tokio::test]
async fn a_clients_own_deadline_is_named_deadline_exceeded() {
    let (logs, _guard) = capture();
    let server = logged_server(SlowDemo, LogLayer::server()).await;
    let metrics = CountingMetrics::new();
    // The channel's own timeout, well inside the deadline the request
    // sends: tonic's timer, not the server's answer, ends the call.
    let channel = Channel::from_shared(server.url())
        .unwrap()
        .timeout(Duration::from_millis(200))
        .connect()
        .await
        .expect("connect");
    let mut client = DemoClient::new(
        ServiceBuilder::new()
            .layer(LogLayer::client().metrics(metrics.clone()))
            .service(channel),
    );
    let mut call = Request::new(request("sleep", &[], 0));
    call.set_timeout(Duration::from_secs(5));
    let status = client.fail(call).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Cancelled, "{status:?}");

    let error = Error::from_status(&status);
    assert_eq!(error.grpc_code(), tonic::Code::DeadlineExceeded);
    assert_eq!(error.code(), None);
    let tonics = std::error::Error::source(&error)
        .and_then(|source| source.downcast_ref::<Status>())
        .expect("tonic's own status");
    assert_eq!(tonics.code(), tonic::Code::Cancelled);
    assert_eq!(tonics.message(), status.message());

    settle(&logs, &["client"], 1).await;
    let event = only(&logs, "client");
    assert_eq!(event.field("outcome"), Some("deadline"));
    assert_eq!(
        event.level,
        Level::WARN,
        "the deadline's level, not CANCELLED's"
    );
    assert_eq!(
        event.field("rpc.grpc.status_code"),
        Some((tonic::Code::Cancelled as i32).to_string().as_str())
    );
    assert_eq!(event.field("grpc.code"), Some("CANCELLED"));
    assert_eq!(
        metrics.count(Side::Client, FAIL, tonic::Code::DeadlineExceeded, None),
        1
    );
    assert_eq!(
        metrics.count(Side::Client, FAIL, tonic::Code::Cancelled, None),
        0
    );
}

/// A peer cannot make a deadline of a CANCELLED: the same status tonic
/// gives for its own timeout, from the wire, on a call that carries a
/// deadline, stays CANCELLED in the log line, the metrics and the decoded
/// `Error`.
#[tokio::test]
async fn a_cancelled_status_from_the_wire_is_not_a_deadline() {
    let (logs, _guard) = capture();
    let headers = Status::cancelled("Timeout expired")
        .into_http::<()>()
        .headers()
        .clone();
    let peer = RawH2Server::start(Answer::TrailersOnly(headers)).await;
    let metrics = CountingMetrics::new();
    let mut client = logged_client(peer.url(), LogLayer::client().metrics(metrics.clone())).await;
    let mut call = Request::new(request("", &[], 0));
    call.set_timeout(Duration::from_secs(5));
    let status = client.fail(call).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Cancelled, "{status:?}");
    assert_eq!(
        Error::from_status(&status).grpc_code(),
        tonic::Code::Cancelled
    );
    settle(&logs, &["client"], 1).await;
    let event = only(&logs, "client");
    assert_eq!(event.field("grpc.code"), Some("CANCELLED"));
    assert_ne!(event.field("outcome"), Some("deadline"));
    assert_eq!(
        metrics.count(Side::Client, FAIL, tonic::Code::DeadlineExceeded, None),
        0
    );
}

#[tokio::test]
async fn a_response_body_that_fails_is_logged_as_a_body_error() {
    let (logs, _guard) = capture();
    // The raw peer resets the stream after one message.
    let peer = RawH2Server::start(Answer::MessageThenReset { message: vec![] }).await;
    let mut client = logged_client(peer.url(), LogLayer::client()).await;
    let mut stream = client
        .fail_stream(request("", &[], 0))
        .await
        .unwrap()
        .into_inner();
    // The message may or may not arrive before the reset.
    let (_, error) = replies_then_error(&mut stream).await;
    assert_eq!(error.code(), tonic::Code::Internal, "{error:?}");
    let event = only(&logs, "client");
    assert_eq!(event.field("outcome"), Some("body_error"));
    let detail = event.field("detail").expect("the body error's text");
    // tonic's status for a body that failed, with the reset underneath.
    assert!(
        detail.contains("error reading a body from connection"),
        "{detail}"
    );
    assert!(detail.contains("Reset"), "{detail}");
}

#[tokio::test]
async fn levels_can_be_configured() {
    let (logs, _guard) = capture();
    let levels = LevelPolicy::default().grpc_code(tonic::Code::NotFound, Level::WARN);
    let server = logged_server(DemoService::new(), LogLayer::server().levels(levels)).await;
    let mut client = server.client().await;
    let _ = client.fail(request("GIT-ERR-9", &[], 0)).await;
    settle(&logs, &["server"], 1).await;
    assert_eq!(only(&logs, "server").level, Level::WARN);
}

#[tokio::test]
async fn context_in_the_log_line_is_bounded() {
    let (logs, _guard) = capture();
    let server = logged_server(
        DemoService::new(),
        LogLayer::server().max_context_entries(2),
    )
    .await;
    let long = "v".repeat(1000);
    let context = [("k1", "1"), ("k2", "2"), ("k3", "3"), ("k4", long.as_str())];
    let _ = server
        .client()
        .await
        .fail(request("GIT-ERR-9", &context, 0))
        .await;
    settle(&logs, &["server"], 1).await;
    assert_eq!(
        only(&logs, "server").field("context"),
        Some("k1=1 k2=2 (+2 more)")
    );
}

#[tokio::test]
async fn metrics_count_per_method_grpc_code_and_error_code() {
    let (logs, _guard) = capture();
    let server_metrics = CountingMetrics::new();
    let client_metrics = CountingMetrics::new();
    let server = logged_server(
        DemoService::new(),
        LogLayer::server().metrics(server_metrics.clone()),
    )
    .await;
    let mut client = logged_client(
        server.url(),
        LogLayer::client().metrics(client_metrics.clone()),
    )
    .await;
    for code in ["GIT-ERR-9", "GIT-ERR-9", "AUTH-ERR-0"] {
        let _ = client.fail(request(code, &[], 0)).await;
    }
    settle(&logs, BOTH, 3).await;
    for (metrics, side) in [
        (&server_metrics, Side::Server),
        (&client_metrics, Side::Client),
    ] {
        assert_eq!(
            metrics.count(
                side,
                FAIL,
                tonic::Code::NotFound,
                Some(ErrorCode::GIT_REPO_NOT_FOUND)
            ),
            2
        );
        assert_eq!(
            metrics.count(
                side,
                FAIL,
                tonic::Code::Unauthenticated,
                Some(ErrorCode::UNAUTHORIZED)
            ),
            1
        );
        assert_eq!(metrics.snapshot().len(), 2);
    }
}

// ---- Streams: their cause and their span ----

/// A `Demo` whose `FailStream` sends two replies, then fails with a
/// database error that has a source; `Fail` succeeds.
#[derive(Default)]
struct SourcedStreamDemo;

#[tonic::async_trait]
impl Demo for SourcedStreamDemo {
    async fn fail(&self, _: Request<FailRequest>) -> Result<Response<FailReply>, Status> {
        Ok(Response::new(FailReply { index: 1 }))
    }

    type FailStreamStream = Pin<Box<dyn Stream<Item = Result<FailReply, Status>> + Send>>;

    async fn fail_stream(
        &self,
        _: Request<FailRequest>,
    ) -> Result<Response<Self::FailStreamStream>, Status> {
        let cause = std::io::Error::other("replica 10.0.0.9 lagging");
        // Converted as a handler's `?` converts it: the default encoder.
        let failure: Status = Error::new(ErrorCode::DATABASE_FAILURE)
            .with_context("table", "repos")
            .with_source(cause)
            .into();
        let items = vec![
            Ok(FailReply { index: 0 }),
            Ok(FailReply { index: 1 }),
            Err(failure),
        ];
        Ok(Response::new(Box::pin(tokio_stream::iter(items))))
    }
}

/// A server whose every request runs in a span named `request`, as
/// `trace_fn` sets it.
async fn traced_server<D: Demo>(service: D, layer: LogLayer) -> DemoFixture {
    DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .trace_fn(|_| tracing::info_span!("request"))
            .layer(layer)
            .add_service(DemoServer::new(service))
            .serve_with_incoming(incoming)
            .await;
    })
    .await
}

#[tokio::test]
async fn a_mid_stream_error_logs_its_source_like_a_unary_one() {
    let (logs, _guard) = capture();
    let server = logged_server(SourcedStreamDemo, LogLayer::server()).await;
    let mut client = logged_client(server.url(), LogLayer::client()).await;
    let mut stream = client
        .fail_stream(request("", &[], 0))
        .await
        .unwrap()
        .into_inner();
    let (replies, status) = replies_then_error(&mut stream).await;
    assert_eq!(replies, [0, 1]);
    assert!(!format!("{status:?}").contains("10.0.0.9"), "never sent");
    settle(&logs, BOTH, 1).await;
    let server_event = only(&logs, "server");
    assert_eq!(server_event.field("code"), Some("SYS-ERR-2"));
    assert_eq!(server_event.field("context"), Some("table=repos"));
    assert_eq!(
        server_event.field("error.source"),
        Some("replica 10.0.0.9 lagging")
    );
    assert_eq!(only(&logs, "client").field("error.source"), None);
}

#[tokio::test]
async fn every_event_of_a_stream_is_inside_its_request_span() {
    let (logs, _guard) = capture();
    let server = traced_server(SourcedStreamDemo, LogLayer::server()).await;
    let mut client = server.client().await;
    // A stream that fails mid-way, one that succeeds (a unary), and a
    // stream the client drops.
    let mut failing = client
        .fail_stream(request("", &[], 0))
        .await
        .unwrap()
        .into_inner();
    let _ = replies_then_error(&mut failing).await;
    client.fail(request("", &[], 0)).await.unwrap();
    settle(&logs, &["server"], 2).await;
    let events = logs.side("server");
    assert_eq!(events.len(), 2, "{events:#?}");
    for event in events {
        assert!(event.in_span("request"), "{event:#?}");
    }
}

#[tokio::test]
async fn a_successful_stream_is_logged_inside_its_request_span() {
    let (logs, _guard) = capture();
    let server = traced_server(SlowDemo, LogLayer::server()).await;
    let mut client = server.client().await;
    let mut stream = client
        .fail_stream(request("", &[], 0))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stream.next().await.unwrap().unwrap().index, 0);
    drop(stream);
    settle(&logs, &["server"], 1).await;
    let event = only(&logs, "server");
    assert_eq!(event.field("outcome"), Some("cancelled"));
    assert!(event.in_span("request"), "{event:#?}");
}

// ---- The layer's encoder and decoder ----

#[tokio::test]
async fn the_server_layer_encodes_errors_converted_with_question_mark_with_its_encoder() {
    let (logs, _guard) = capture();
    let encoder = StatusEncoder::new().domain("hub.example.com");
    // The handlers encode with the default encoder, as `?` does.
    let server = logged_server(SourcedStreamDemo, LogLayer::server().encoder(encoder)).await;
    let mut client = server.client().await;
    let mut stream = client
        .fail_stream(request("", &[], 0))
        .await
        .unwrap()
        .into_inner();
    let (_, status) = replies_then_error(&mut stream).await;
    let error = Error::from_status(&status);
    assert!(error.is(ErrorCode::DATABASE_FAILURE));
    assert_eq!(error.domain(), Some("hub.example.com"), "mid-stream");
    settle(&logs, &["server"], 1).await;
    assert_eq!(
        only(&logs, "server").field("error.source"),
        Some("replica 10.0.0.9 lagging")
    );

    let unary = logged_server(
        DemoService::new(),
        LogLayer::server().encoder(StatusEncoder::new().domain("hub.example.com")),
    )
    .await;
    let status = unary
        .client()
        .await
        .fail(request("GIT-ERR-8", &[], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert!(error.is(ErrorCode::GIT_AUTH_FAILED));
    assert_eq!(error.domain(), Some("hub.example.com"), "trailers-only");
}

#[tokio::test]
async fn the_server_layer_applies_its_budget_to_errors_it_encodes_again() {
    let (_logs, _guard) = capture();
    let long = "x".repeat(4000);
    let context = [("a", long.as_str()), ("b", long.as_str())];
    let plain = logged_server(DemoService::new(), LogLayer::server()).await;
    let budgeted = logged_server(
        DemoService::new(),
        LogLayer::server().encoder(StatusEncoder::new().budget(1024)),
    )
    .await;
    let size = |status: &Status| status.details().len();
    let plain_status = plain
        .client()
        .await
        .fail(request("GIT-ERR-8", &context, 0))
        .await
        .unwrap_err();
    let budgeted_status = budgeted
        .client()
        .await
        .fail(request("GIT-ERR-8", &context, 0))
        .await
        .unwrap_err();
    assert!(size(&budgeted_status) < 1024, "{}", size(&budgeted_status));
    assert!(size(&plain_status) > 1024, "{}", size(&plain_status));
    assert!(Error::from_status(&budgeted_status).is(ErrorCode::GIT_AUTH_FAILED));
}

#[tokio::test]
async fn the_client_layer_decodes_with_its_decoder() {
    let (logs, _guard) = capture();
    // A server that sends the catalog's reasons under its own domain,
    // without the typed ErrorInfo: only a decoder that accepts the domain
    // maps them onto the catalog.
    let server = DemoFixture::start_with(|b| b.add_service(DemoServer::new(GoogleOnlyDemo))).await;
    let accepting =
        LogLayer::client().decoder(StatusDecoder::new().accept_domain("git.example.com"));
    for (layer, expected) in [(LogLayer::client(), None), (accepting, Some("GIT-ERR-8"))] {
        logs.clear();
        let mut client = logged_client(server.url(), layer).await;
        let _ = client.fail(request("", &[], 0)).await;
        settle(&logs, &["client"], 1).await;
        let event = only(&logs, "client");
        assert_eq!(event.field("reason"), Some("GIT_AUTH_FAILED"));
        assert_eq!(event.field("code"), expected);
    }
}

/// Answers like a Go service: `google.rpc.ErrorInfo` alone, under
/// `git.example.com`.
struct GoogleOnlyDemo;

#[tonic::async_trait]
impl Demo for GoogleOnlyDemo {
    async fn fail(&self, _: Request<FailRequest>) -> Result<Response<FailReply>, Status> {
        use prost::Message as _;
        let info = tonic_types::pb::ErrorInfo {
            reason: "GIT_AUTH_FAILED".into(),
            domain: "git.example.com".into(),
            metadata: Default::default(),
        };
        let inner = tonic_types::pb::Status {
            code: tonic::Code::Unauthenticated as i32,
            message: "auth failed".into(),
            details: vec![prost_types::Any {
                type_url: "type.googleapis.com/google.rpc.ErrorInfo".into(),
                value: info.encode_to_vec(),
            }],
        };
        Err(Status::with_details(
            tonic::Code::Unauthenticated,
            "auth failed",
            inner.encode_to_vec().into(),
        ))
    }

    type FailStreamStream = Pin<Box<dyn Stream<Item = Result<FailReply, Status>> + Send>>;

    async fn fail_stream(
        &self,
        _: Request<FailRequest>,
    ) -> Result<Response<Self::FailStreamStream>, Status> {
        Err(Status::unimplemented("unary only"))
    }
}

// ---- What `errorx decode` reads from a log line ----

#[tokio::test]
async fn at_debug_the_log_line_carries_the_status_details_for_errorx_decode() {
    let (logs, _guard) = capture();
    let server = logged_server(DemoService::new(), LogLayer::server()).await;
    let mut client = logged_client(server.url(), LogLayer::client()).await;
    let status = client
        .fail(request("GIT-ERR-13", &[("path", "a.txt")], 0))
        .await
        .unwrap_err();
    settle(&logs, BOTH, 1).await;
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD_NO_PAD.encode(status.details());
    for side in ["server", "client"] {
        assert_eq!(
            only(&logs, side).field("grpc.status_details_bin"),
            Some(expected.as_str()),
            "{side}"
        );
    }
}

#[tokio::test]
async fn above_debug_the_log_line_leaves_the_status_details_out() {
    let (logs, _guard) = common::logs::capture_at(tracing::level_filters::LevelFilter::INFO);
    let server = logged_server(DemoService::new(), LogLayer::server()).await;
    let _ = server
        .client()
        .await
        .fail(request("GIT-ERR-13", &[], 0))
        .await;
    settle(&logs, &["server"], 1).await;
    assert_eq!(only(&logs, "server").field("grpc.status_details_bin"), None);
}

// ---- A malformed peer ----

fn bad_details_headers() -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert("grpc-status", "5".parse().unwrap());
    headers.insert("grpc-message", "repo%20gone".parse().unwrap());
    headers.insert(
        "grpc-status-details-bin",
        "!!! not base64 !!!".parse().unwrap(),
    );
    headers
}

#[tokio::test]
async fn bad_base64_in_headers_gives_a_clean_status_through_the_client_layer() {
    let (logs, _guard) = capture();
    let peer = RawH2Server::start(Answer::TrailersOnly(bad_details_headers())).await;
    let mut client = logged_client(peer.url(), LogLayer::client()).await;
    let status = client.fail(request("", &[], 0)).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);
    assert_eq!(status.message(), "repo gone");
    assert!(status.details().is_empty());
    let event = only(&logs, "client");
    assert_eq!(event.field("grpc.code"), Some("NOT_FOUND"));
    assert!(event.field("detail").unwrap().contains("not valid base64"));
    let warnings: Vec<_> = logs
        .all()
        .into_iter()
        .filter(|e| e.target == "csghub_errorx::guard")
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].level, Level::WARN);
}

#[tokio::test]
async fn bad_base64_in_trailers_gives_a_clean_status_through_the_client_layer() {
    let (logs, _guard) = capture();
    let peer = RawH2Server::start(Answer::MessageThenTrailers {
        message: prost::Message::encode_to_vec(&FailReply { index: 4 }),
        trailers: bad_details_headers(),
    })
    .await;
    let mut client = logged_client(peer.url(), LogLayer::client()).await;
    let mut stream = client
        .fail_stream(request("", &[], 0))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stream.next().await.unwrap().unwrap().index, 4);
    let status = stream.next().await.unwrap().unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);
    assert_eq!(status.message(), "repo gone");
    assert!(only(&logs, "client")
        .field("detail")
        .unwrap()
        .contains("not valid base64"));
}

/// What the guard prevents: tonic alone panics on the same bytes.
#[tokio::test]
async fn without_the_client_layer_tonic_panics_on_bad_base64() {
    let peer = RawH2Server::start(Answer::TrailersOnly(bad_details_headers())).await;
    let url = peer.url();
    let outcome = tokio::spawn(async move {
        let mut client = DemoClient::connect(url).await.expect("connect");
        let _ = client.fail(request("", &[], 0)).await;
    })
    .await;
    assert!(
        outcome.is_err_and(|e| e.is_panic()),
        "tonic 0.14 no longer panics: the guard may go"
    );
}

// ---- The auth interceptor ----

type CheckToken = fn(&str) -> Result<String, Error>;

async fn authed_server(interceptor: AuthInterceptor<CheckToken>) -> DemoFixture {
    DemoFixture::start_with(|b| {
        b.add_service(DemoServer::with_interceptor(
            DemoService::new(),
            interceptor,
        ))
    })
    .await
}

fn check_token(token: &str) -> Result<String, Error> {
    if token == "good-token" {
        Ok("alice".into())
    } else {
        Err(invalid_token())
    }
}

async fn call_with(server: &DemoFixture, authorization: Option<&str>) -> Error {
    let mut call = Request::new(request("GIT-ERR-8", &[], 0));
    if let Some(value) = authorization {
        call.metadata_mut()
            .insert("authorization", value.parse().unwrap());
    }
    Error::from_status(&server.client().await.fail(call).await.unwrap_err())
}

#[tokio::test]
async fn auth_rejects_a_missing_header_with_invalid_auth_header() {
    let server = authed_server(AuthInterceptor::token(check_token as CheckToken)).await;
    let error = call_with(&server, None).await;
    assert!(error.is(ErrorCode::INVALID_AUTH_HEADER));
    assert_eq!(error.grpc_code(), tonic::Code::Unauthenticated);
}

#[tokio::test]
async fn auth_rejects_a_missing_api_key_with_need_api_key() {
    let server = authed_server(AuthInterceptor::api_key(check_token as CheckToken)).await;
    assert!(call_with(&server, None).await.is(ErrorCode::NEED_API_KEY));
}

#[tokio::test]
async fn auth_rejects_a_malformed_header_with_invalid_auth_header() {
    let server = authed_server(AuthInterceptor::token(check_token as CheckToken)).await;
    for value in [
        "good-token",
        "Basic good-token",
        "Bearer",
        "Bearer ",
        "Bearer a b",
    ] {
        let error = call_with(&server, Some(value)).await;
        assert!(
            error.is(ErrorCode::INVALID_AUTH_HEADER),
            "{value:?}: {error:?}"
        );
        assert_eq!(error.context().get("expected"), Some("Bearer {token}"));
    }
}

#[tokio::test]
async fn auth_rejects_a_bad_token_with_invalid_jwt() {
    let server = authed_server(AuthInterceptor::token(check_token as CheckToken)).await;
    assert!(call_with(&server, Some("Bearer wrong"))
        .await
        .is(ErrorCode::INVALID_JWT));
}

#[tokio::test]
async fn auth_lets_a_good_token_through_to_the_handler() {
    let server = authed_server(AuthInterceptor::token(check_token as CheckToken)).await;
    // The handler runs and fails with the code the request asked for.
    assert!(call_with(&server, Some("bearer good-token"))
        .await
        .is(ErrorCode::GIT_AUTH_FAILED));
}

/// In the file whose tests all capture logs: a test binary where some
/// threads have no subscriber may cache a callsite as disabled.
#[tokio::test]
async fn the_log_layer_around_the_async_auth_layer_logs_each_rejection_once_with_its_code() {
    let (logs, _guard) = capture();
    let auth = AsyncAuthLayer::token(|token: String| async move { check_token(&token) });
    let server = DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .layer(LogLayer::server())
            .layer(auth)
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    let error = call_with(&server, Some("Bearer wrong")).await;
    assert!(error.is(ErrorCode::INVALID_JWT));
    settle(&logs, &["server"], 1).await;
    let event = only(&logs, "server");
    assert_eq!(event.field("code"), Some("AUTH-ERR-4"));
    assert_eq!(event.field("grpc.code"), Some("UNAUTHENTICATED"));
}

// ---- A service with slow and successful RPCs ----

/// `Fail` answers by `code`: `ok` succeeds, `db` fails with a sourced
/// database error, `sleep` sleeps for 10 s. `FailStream` sends a reply
/// every 10 ms until the client goes away.
#[derive(Default)]
struct SlowDemo;

#[tonic::async_trait]
impl Demo for SlowDemo {
    async fn fail(&self, request: Request<FailRequest>) -> Result<Response<FailReply>, Status> {
        match request.get_ref().code.as_str() {
            "ok" => Ok(Response::new(FailReply { index: 7 })),
            "db" => {
                let cause = std::io::Error::other("connection reset by 10.0.0.7:5432");
                Err(Error::new(ErrorCode::DATABASE_FAILURE)
                    .with_source(cause)
                    .into())
            }
            _ => {
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok(Response::new(FailReply { index: 0 }))
            }
        }
    }

    type FailStreamStream = Pin<Box<dyn Stream<Item = Result<FailReply, Status>> + Send>>;

    async fn fail_stream(
        &self,
        _: Request<FailRequest>,
    ) -> Result<Response<Self::FailStreamStream>, Status> {
        let ticks = tokio_stream::iter(0u32..10_000).throttle(Duration::from_millis(10));
        Ok(Response::new(Box::pin(
            ticks.map(|index| Ok(FailReply { index })),
        )))
    }
}
