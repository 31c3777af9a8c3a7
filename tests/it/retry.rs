//! The client retry layer against a real tonic server on loopback that
//! fails on purpose, counting the attempts it sees, their requests and
//! their spacing.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::logs::capture;
use common::{replies_then_error, request, DemoFixture};
use csghub_errorx::auth::BearerToken;
use csghub_errorx::layer::{attempts, LogLayer, RetryLayer, RetryPolicy, RETRY_PUSHBACK};
use csghub_errorx::{Error, ErrorCode, Locale};
use csghub_errorx_demo::{Demo, DemoClient, DemoServer, FailReply, FailRequest};
use tonic::service::InterceptorLayer;
use tonic::transport::{Channel, Server};
use tonic::{Request, Response, Status};
use tower::{Layer as _, ServiceBuilder};

const FAIL: &str = "/csghub.errorx.demo.v1.Demo/Fail";
const FAIL_STREAM: &str = "/csghub.errorx.demo.v1.Demo/FailStream";

/// How the flaky server answers the attempts of a call.
#[derive(Clone, Copy)]
enum Script {
    /// `TASK-ERR-5` with a RetryInfo of `delay` for the first `failures`
    /// attempts, then success.
    UnavailableThenOk { failures: usize, delay: Duration },
    /// Always this code, with a RetryInfo of `delay` and this pushback.
    Always {
        code: ErrorCode,
        delay: Duration,
        pushback: Option<&'static str>,
    },
}

/// A Demo server that follows a script and records each attempt.
#[derive(Clone)]
struct Flaky {
    script: Script,
    seen: Arc<Mutex<Vec<(Instant, FailRequest)>>>,
    /// Each attempt's request headers, as the server read them.
    headers: Arc<Mutex<Vec<http::HeaderMap>>>,
}

impl Flaky {
    fn answer(&self, request: FailRequest) -> Result<(), Status> {
        let mut seen = self.seen.lock().unwrap();
        seen.push((Instant::now(), request));
        let (code, delay, pushback) = match self.script {
            Script::UnavailableThenOk { failures, .. } if seen.len() > failures => return Ok(()),
            Script::UnavailableThenOk { delay, .. } => {
                (ErrorCode::CLUSTER_UNAVAILABLE, delay, None)
            }
            Script::Always {
                code,
                delay,
                pushback,
            } => (code, delay, pushback),
        };
        let mut error = Error::new(code);
        if !delay.is_zero() {
            error = error.with_retry_delay(delay);
        }
        // As a server with retry hints answers: its RetryInfo delay is
        // also the grpc-retry-pushback-ms that A6 clients read.
        let mut status = csghub_errorx::StatusEncoder::new()
            .retry_hints(true)
            .into_status(error);
        if let Some(pushback) = pushback {
            status
                .metadata_mut()
                .insert(RETRY_PUSHBACK, pushback.parse().unwrap());
        }
        Err(status)
    }
}

#[tonic::async_trait]
impl Demo for Flaky {
    async fn fail(&self, request: Request<FailRequest>) -> Result<Response<FailReply>, Status> {
        self.headers
            .lock()
            .unwrap()
            .push(request.metadata().clone().into_headers());
        self.answer(request.into_inner())
            .map(|()| Response::new(FailReply { index: 0 }))
    }

    type FailStreamStream = <csghub_errorx_demo::DemoService as Demo>::FailStreamStream;

    /// `messages_before_error` replies, then the script's answer; with no
    /// replies, the stream fails before its first message.
    async fn fail_stream(
        &self,
        request: Request<FailRequest>,
    ) -> Result<Response<Self::FailStreamStream>, Status> {
        let request = request.into_inner();
        let count = request.messages_before_error;
        let end = self.answer(request).err();
        let replies = (0..count).map(|index| Ok(FailReply { index }));
        Ok(Response::new(Box::pin(tokio_stream::iter(
            replies.chain(end.map(Err)),
        ))))
    }
}

struct Fixture {
    seen: Seen,
    headers: SeenHeaders,
    server: DemoFixture,
    client:
        DemoClient<csghub_errorx::layer::LogService<csghub_errorx::layer::RetryService<Channel>>>,
}

impl Fixture {
    async fn start(script: Script, policy: RetryPolicy) -> Fixture {
        Fixture::start_logged(script, policy, LogLayer::client()).await
    }

    async fn start_logged(script: Script, policy: RetryPolicy, log: LogLayer) -> Fixture {
        let (server, seen, headers) = serve(script).await;
        let client = DemoClient::new(
            ServiceBuilder::new()
                .layer(log)
                .layer(RetryLayer::new(policy))
                .service(connect(&server).await),
        );
        Fixture {
            seen,
            headers,
            server,
            client,
        }
    }

    fn attempts(&self) -> Vec<(Instant, FailRequest)> {
        self.seen.lock().unwrap().clone()
    }
}

type Seen = Arc<Mutex<Vec<(Instant, FailRequest)>>>;
type SeenHeaders = Arc<Mutex<Vec<http::HeaderMap>>>;

/// A `Flaky` server following `script`, and what it records.
async fn serve(script: Script) -> (DemoFixture, Seen, SeenHeaders) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let headers = Arc::new(Mutex::new(Vec::new()));
    let flaky = Flaky {
        script,
        seen: Arc::clone(&seen),
        headers: Arc::clone(&headers),
    };
    let server = DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .add_service(DemoServer::new(flaky))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    (server, seen, headers)
}

async fn connect(server: &DemoFixture) -> Channel {
    Channel::from_shared(format!("http://{}", server.addr))
        .unwrap()
        .connect()
        .await
        .expect("connect")
}

fn idempotent() -> RetryPolicy {
    RetryPolicy::new().idempotent([FAIL, FAIL_STREAM])
}

#[tokio::test]
async fn an_unavailable_call_succeeds_on_the_third_attempt_after_the_servers_delays() {
    let delay = Duration::from_millis(200);
    let mut fixture = Fixture::start(
        Script::UnavailableThenOk { failures: 2, delay },
        idempotent(),
    )
    .await;
    let started = Instant::now();
    let request = request("ANY", &[("repo", "ns/x")], 0);
    fixture
        .client
        .fail(request.clone())
        .await
        .expect("the third attempt succeeds");
    assert!(started.elapsed() >= 2 * delay, "{:?}", started.elapsed());
    let seen = fixture.attempts();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter().all(|(_, sent)| *sent == request),
        "identical bodies"
    );
    for pair in seen.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= delay, "waited the RetryInfo delay");
    }
}

/// Each attempt sends the headers the call would have sent without the
/// layer (no `content-length` the application's body did not have), but
/// for the attempts that came before it (A6).
#[tokio::test]
async fn every_attempt_sends_the_calls_own_headers_and_the_attempts_before_it() {
    let mut fixture = Fixture::start(
        Script::UnavailableThenOk {
            failures: 2,
            delay: Duration::from_millis(10),
        },
        idempotent(),
    )
    .await;
    fixture
        .client
        .fail(request("ANY", &[("repo", "ns/x")], 0))
        .await
        .expect("the third attempt succeeds");
    let headers = fixture.headers.lock().unwrap().clone();
    assert_eq!(headers.len(), 3);
    for (attempt, headers) in headers.iter().enumerate() {
        let mut headers = headers.clone();
        let previous = headers.remove("grpc-previous-rpc-attempts");
        assert_eq!(
            previous.map(|value| value.to_str().unwrap().to_string()),
            (attempt > 0).then(|| attempt.to_string())
        );
        assert_eq!(headers, fixture.headers.lock().unwrap()[0], "{attempt}");
        assert!(!headers.contains_key(http::header::CONTENT_LENGTH));
    }
}

#[tokio::test]
async fn an_auth_error_is_not_retried() {
    let script = Script::Always {
        code: ErrorCode::INVALID_JWT,
        delay: Duration::ZERO,
        pushback: None,
    };
    let mut fixture = Fixture::start(script, idempotent().all_idempotent()).await;
    let status = fixture.client.fail(request("x", &[], 0)).await.unwrap_err();
    assert!(Error::from_status(&status).is(ErrorCode::INVALID_JWT));
    assert_eq!(fixture.attempts().len(), 1);
    assert_eq!(attempts(status.metadata()), 1);
}

#[tokio::test]
async fn a_negative_pushback_forbids_the_retry() {
    let script = Script::Always {
        code: ErrorCode::CLUSTER_UNAVAILABLE,
        delay: Duration::from_millis(10),
        pushback: Some("-1"),
    };
    let mut fixture = Fixture::start(script, idempotent()).await;
    fixture.client.fail(request("x", &[], 0)).await.unwrap_err();
    assert_eq!(fixture.attempts().len(), 1);
}

#[tokio::test]
async fn the_pushback_overrides_the_retry_info_delay() {
    let script = Script::Always {
        code: ErrorCode::CLUSTER_UNAVAILABLE,
        delay: Duration::from_secs(10),
        pushback: Some("50"),
    };
    let mut fixture = Fixture::start(script, idempotent().max_attempts(2)).await;
    let status = fixture.client.fail(request("x", &[], 0)).await.unwrap_err();
    let seen = fixture.attempts();
    assert_eq!(seen.len(), 2);
    let gap = seen[1].0 - seen[0].0;
    assert!(
        gap >= Duration::from_millis(50) && gap < Duration::from_secs(5),
        "{gap:?}"
    );
    // The application's error is the last attempt's, and says how many.
    assert!(Error::from_status(&status).is(ErrorCode::CLUSTER_UNAVAILABLE));
    assert_eq!(attempts(status.metadata()), 2);
}

#[tokio::test]
async fn no_retry_waits_past_the_deadline() {
    let script = Script::Always {
        code: ErrorCode::CLUSTER_UNAVAILABLE,
        delay: Duration::from_secs(1),
        pushback: None,
    };
    let mut fixture = Fixture::start(script, idempotent()).await;
    let mut call = tonic::Request::new(request("x", &[], 0));
    call.set_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let status = fixture.client.fail(call).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status.code(), tonic::Code::Unavailable);
    assert_eq!(fixture.attempts().len(), 1);
}

#[tokio::test]
async fn a_stream_that_failed_after_a_message_is_not_retried_and_one_that_failed_before_is() {
    let script = Script::Always {
        code: ErrorCode::CLUSTER_UNAVAILABLE,
        delay: Duration::from_millis(10),
        pushback: None,
    };
    let mut fixture = Fixture::start(script, idempotent().max_attempts(2)).await;
    let mut stream = fixture
        .client
        .fail_stream(request("x", &[], 1))
        .await
        .expect("the stream starts")
        .into_inner();
    let (replies, status) = replies_then_error(&mut stream).await;
    assert_eq!(
        (replies, status.code()),
        (vec![0], tonic::Code::Unavailable)
    );
    assert_eq!(
        fixture.attempts().len(),
        1,
        "a message reached the application"
    );

    let status = match fixture.client.fail_stream(request("x", &[], 0)).await {
        Ok(response) => {
            let (replies, status) = replies_then_error(&mut response.into_inner()).await;
            assert!(replies.is_empty());
            status
        }
        Err(status) => status,
    };
    assert_eq!(status.code(), tonic::Code::Unavailable);
    assert_eq!(
        fixture.attempts().len(),
        3,
        "failed before any message: retried once"
    );
    assert_eq!(attempts(status.metadata()), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn a_request_over_the_buffer_bound_is_sent_once_and_the_log_says_why() {
    let (logs, _guard) = capture();
    let script = Script::Always {
        code: ErrorCode::CLUSTER_UNAVAILABLE,
        delay: Duration::from_millis(10),
        pushback: None,
    };
    let mut fixture = Fixture::start(script, idempotent().max_buffered_request(1024)).await;
    let big = "x".repeat(4096);
    fixture
        .client
        .fail(request("x", &[("blob", &big)], 0))
        .await
        .unwrap_err();
    assert_eq!(fixture.attempts().len(), 1);
    let events = logs.all();
    assert!(
        events.iter().any(|e| e.target == "csghub_errorx::client"
            && e.field("message")
                .is_some_and(|m| m.contains("larger than the retry buffer"))),
        "{events:#?}"
    );
}

#[tokio::test]
async fn throttling_bounds_the_extra_load_on_a_server_that_always_fails() {
    let script = Script::Always {
        code: ErrorCode::CLUSTER_UNAVAILABLE,
        delay: Duration::ZERO,
        pushback: Some("0"),
    };
    let mut fixture = Fixture::start(script, idempotent()).await;
    for _ in 0..200 {
        fixture.client.fail(request("x", &[], 0)).await.unwrap_err();
    }
    // A6's bucket of 10 tokens, 1 per failed attempt, retries only above 5:
    // the first call makes 3 attempts (10 → 7), the second 2 (→ 5), every
    // other one 1. Without throttling, 600.
    assert_eq!(fixture.attempts().len(), 203);
}

#[tokio::test(flavor = "current_thread")]
async fn the_client_logs_one_line_per_call_with_its_attempts_and_a_debug_event_per_retry() {
    let (logs, _guard) = capture();
    let script = Script::Always {
        code: ErrorCode::CLUSTER_UNAVAILABLE,
        delay: Duration::from_millis(1),
        pushback: None,
    };
    let mut fixture = Fixture::start(script, idempotent()).await;
    fixture.client.fail(request("x", &[], 0)).await.unwrap_err();
    let lines = logs.side("client");
    let rpc_lines: Vec<_> = lines
        .iter()
        .filter(|e| e.field("message") == Some("rpc failed"))
        .collect();
    assert_eq!(rpc_lines.len(), 1, "{lines:#?}");
    assert_eq!(rpc_lines[0].field("rpc.attempts"), Some("3"));
    assert_eq!(rpc_lines[0].field("code"), Some("TASK-ERR-5"));
    let retries = lines
        .iter()
        .filter(|e| e.field("message") == Some("retrying"))
        .count();
    assert_eq!(retries, 2);
}

#[tokio::test]
async fn a_catalog_that_declares_a_retry_class_is_retried_by_it() {
    use csghub_errorx_example_own_catalog::errors;
    // GPU-ERR-0 is RESOURCE_EXHAUSTED, whose default waits for a server's
    // delay; its catalog says backoff, so it is retried without one.
    let script = Script::Always {
        code: errors::GPU_OUT_OF_MEMORY,
        delay: Duration::ZERO,
        pushback: None,
    };
    let policy = idempotent()
        .max_attempts(2)
        .backoff(Duration::from_millis(1), Duration::from_millis(5))
        .decoder(csghub_errorx::StatusDecoder::new().catalog(&errors::CATALOG));
    let mut fixture = Fixture::start(script, policy).await;
    fixture.client.fail(request("x", &[], 0)).await.unwrap_err();
    assert_eq!(fixture.attempts().len(), 2);
    // A decoder that does not know the catalog goes by the gRPC code.
    let mut plain = Fixture::start(script, idempotent().max_attempts(2)).await;
    plain.client.fail(request("x", &[], 0)).await.unwrap_err();
    assert_eq!(plain.attempts().len(), 1);
    assert_eq!(
        errors::GPU_OUT_OF_MEMORY.retry_class(),
        csghub_errorx::RetryClass::Backoff
    );
    assert_eq!(
        errors::MODEL_NOT_LOADED.retry_delay(),
        Some(Duration::from_secs(20))
    );
}

#[cfg(feature = "metrics")]
#[tokio::test(flavor = "current_thread")]
async fn the_facade_counts_retried_attempts_beside_the_one_duration_of_the_call() {
    use csghub_errorx::layer::FacadeMetrics;
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);
    let script = Script::Always {
        code: ErrorCode::CLUSTER_UNAVAILABLE,
        delay: Duration::from_millis(1),
        pushback: None,
    };
    let log = LogLayer::client().metrics(FacadeMetrics::new());
    let mut fixture = Fixture::start_logged(script, idempotent(), log).await;
    fixture.client.fail(request("x", &[], 0)).await.unwrap_err();
    let all = snapshotter.snapshot().into_vec();
    let value = |name: &str| {
        all.iter()
            .find(|(key, ..)| key.key().name() == name)
            .map(|(.., value)| value)
    };
    assert_eq!(
        value(FacadeMetrics::CLIENT_RETRIES),
        Some(&DebugValue::Counter(2))
    );
    // One call, one duration and one error, whatever its attempts.
    match value(FacadeMetrics::CLIENT_DURATION) {
        Some(DebugValue::Histogram(samples)) => assert_eq!(samples.len(), 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        value(FacadeMetrics::CLIENT_ERRORS),
        Some(&DebugValue::Counter(1))
    );
}

/// Each gap between the attempts the server saw is at least `delay`, less
/// a little for the two clocks.
fn assert_spaced(seen: &[(Instant, FailRequest)], delay: Duration) {
    for pair in seen.windows(2) {
        let gap = pair[1].0 - pair[0].0;
        assert!(gap >= delay - Duration::from_millis(10), "{gap:?}");
    }
}

/// grpcio with a retry policy whose backoff is at most 50 ms: the 150 ms
/// the server asks for (RetryInfo and grpc-retry-pushback-ms) decides.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpcio_client_with_a_retry_policy_waits_the_servers_pushback() {
    let delay = Duration::from_millis(150);
    let fixture = Fixture::start(
        Script::UnavailableThenOk { failures: 2, delay },
        idempotent(),
    )
    .await;
    let mut command = common::python::command("retry_client.py");
    command.arg(fixture.server.addr.to_string());
    let result = common::json_value(command).await;
    assert_eq!(
        result["grpc_code"], 0,
        "the third attempt succeeds: {result}"
    );
    let seen = fixture.attempts();
    assert_eq!(seen.len(), 3);
    assert_spaced(&seen, delay);
}

/// grpc-go (1.33, retries behind GRPC_GO_RETRY=on) with the same policy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_go_client_with_a_retry_policy_waits_the_servers_pushback() {
    let Some(go) = common::go::programs() else {
        return;
    };
    let delay = Duration::from_millis(150);
    let fixture = Fixture::start(
        Script::UnavailableThenOk { failures: 2, delay },
        idempotent(),
    )
    .await;
    let mut command = std::process::Command::new(&go.client);
    command
        .args(["-retry", "-addr"])
        .arg(fixture.server.addr.to_string())
        .env("GRPC_GO_RETRY", "on");
    let result = common::json_value(command).await;
    assert_eq!(
        result["grpcCode"], 0,
        "the third attempt succeeds: {result}"
    );
    let seen = fixture.attempts();
    assert_eq!(seen.len(), 3);
    assert_spaced(&seen, delay);
}

/// A flaky server that fails once (`TASK-ERR-5`, 10 ms), for the stack
/// tests.
fn fails_once() -> Script {
    Script::UnavailableThenOk {
        failures: 1,
        delay: Duration::from_millis(10),
    }
}

/// The token, and the reader's language, as a tonic user attaches them.
fn token() -> BearerToken {
    BearerToken::new("s3cret")
        .unwrap()
        .accept_language(Locale::ZH_HK)
}

/// Under `Client::with_interceptor`, as the log layer fits: the token and
/// the reader's language go with every attempt.
#[tokio::test]
async fn the_retry_layer_fits_under_with_interceptor() {
    let (server, seen, headers) = serve(fails_once()).await;
    let layered = ServiceBuilder::new()
        .layer(LogLayer::client())
        .layer(RetryLayer::new(idempotent()))
        .service(connect(&server).await);
    let mut client = DemoClient::with_interceptor(layered, token());
    client
        .fail(request("ANY", &[], 0))
        .await
        .expect("the second attempt");
    assert_eq!(seen.lock().unwrap().len(), 2);
    for headers in headers.lock().unwrap().iter() {
        assert_eq!(headers["authorization"], "Bearer s3cret");
        assert_eq!(headers["accept-language"], "zh-HK");
    }
}

/// Beneath tonic's `InterceptorLayer` in one `ServiceBuilder`.
#[tokio::test]
async fn the_retry_layer_fits_beneath_an_interceptor_layer() {
    let (server, seen, headers) = serve(fails_once()).await;
    let stacked = ServiceBuilder::new()
        .layer(InterceptorLayer::new(token()))
        .layer(LogLayer::client())
        .layer(RetryLayer::new(idempotent()))
        .service(connect(&server).await);
    DemoClient::new(stacked)
        .fail(request("ANY", &[], 0))
        .await
        .expect("the second attempt");
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert!(headers
        .lock()
        .unwrap()
        .iter()
        .all(|headers| headers["authorization"] == "Bearer s3cret"));
}

/// On its own, with `Client::new`.
#[tokio::test]
async fn the_retry_layer_works_without_the_log_layer() {
    let (server, seen, _) = serve(fails_once()).await;
    let alone = RetryLayer::new(idempotent()).layer(connect(&server).await);
    let status = DemoClient::new(alone).fail(request("ANY", &[], 0)).await;
    assert!(status.is_ok(), "{status:?}");
    assert_eq!(seen.lock().unwrap().len(), 2);
}

/// A bidirectional `Chat` that answers each message as it arrives, written
/// out as tonic's generated code would be (the demo's protos have no
/// bidirectional method).
#[derive(Clone)]
struct Chat;

impl tonic::server::NamedService for Chat {
    const NAME: &'static str = "test.Chat";
}

impl tonic::server::StreamingService<FailRequest> for Chat {
    type Response = FailReply;
    type ResponseStream =
        std::pin::Pin<Box<dyn tokio_stream::Stream<Item = Result<FailReply, Status>> + Send>>;
    type Future = std::future::Ready<Result<Response<Self::ResponseStream>, Status>>;

    fn call(&mut self, request: Request<tonic::Streaming<FailRequest>>) -> Self::Future {
        use tokio_stream::StreamExt as _;
        let replies = request.into_inner().map(|message| {
            message.map(|message| FailReply {
                index: message.messages_before_error,
            })
        });
        std::future::ready(Ok(Response::new(Box::pin(replies))))
    }
}

impl tower::Service<http::Request<tonic::body::Body>> for Chat {
    type Response = http::Response<tonic::body::Body>;
    type Error = std::convert::Infallible;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        Box::pin(async move {
            let codec = tonic_prost::ProstCodec::<FailReply, FailRequest>::default();
            Ok(tonic::server::Grpc::new(codec)
                .streaming(Chat, request)
                .await)
        })
    }
}

/// A bidirectional call whose client sends its second message only after
/// the first reply goes through the retry layer at once (its body is not
/// held back to be kept), and is not retried.
#[tokio::test]
async fn a_bidirectional_call_that_sends_as_it_goes_is_not_held_back() {
    let server = DemoFixture::spawn(|incoming| async move {
        let _ = Server::builder()
            .add_service(Chat)
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    let channel =
        RetryLayer::new(RetryPolicy::new().all_idempotent()).layer(connect(&server).await);
    let mut client = tonic::client::Grpc::new(channel);
    let message = |n| FailRequest {
        messages_before_error: n,
        ..request("", &[], 0)
    };
    let conversation = async {
        let (sender, receiver) = tokio::sync::mpsc::channel(1);
        sender.send(message(1)).await.unwrap();
        client.ready().await.expect("ready");
        let path = http::uri::PathAndQuery::from_static("/test.Chat/Chat");
        let codec = tonic_prost::ProstCodec::<FailRequest, FailReply>::default();
        let outgoing = tokio_stream::wrappers::ReceiverStream::new(receiver);
        let mut replies = client
            .streaming(Request::new(outgoing), path, codec)
            .await
            .expect("the call starts")
            .into_inner();
        let first = replies.message().await.expect("a reply");
        sender.send(message(2)).await.unwrap();
        drop(sender);
        let second = replies.message().await.expect("a reply");
        let end = replies.message().await.expect("the end");
        (first, second, end)
    };
    let (first, second, end) = tokio::time::timeout(Duration::from_secs(10), conversation)
        .await
        .expect("the layer held back a body the application sends as it goes");
    assert_eq!(first.map(|r| r.index), Some(1));
    assert_eq!(second.map(|r| r.index), Some(2));
    assert!(end.is_none());
}
