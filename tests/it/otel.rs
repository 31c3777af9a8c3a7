//! The layers record each RPC on its OpenTelemetry span by the RPC semantic
//! conventions (v1.44): a real tonic server and client on loopback, their
//! spans exported by `tracing-opentelemetry` into `opentelemetry_sdk`'s
//! in-memory exporter.

use crate::common;

use std::time::Duration;

use common::{replies_then_error, request, DemoFixture};
use csghub_errorx::layer::{CatchPanicLayer, LogLayer, OtelSpans};
use csghub_errorx::{Error, ErrorCode};
use csghub_errorx_demo::{Demo, DemoClient, DemoServer, DemoService, FailReply, FailRequest};
use opentelemetry::trace::{SpanKind, Status, TracerProvider as _};
use opentelemetry::Value;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tonic::transport::{Channel, Server};
use tonic::{Request, Response};
use tower::ServiceBuilder;
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;

/// A cause that names a host: it must reach the server span's exception
/// event and nothing on the client.
const CAUSE: &str = "connection reset by 10.0.0.9";

/// The demo, with what the conventions distinguish: `OK` succeeds,
/// `DEADLINE` fails with `DEADLINE_EXCEEDED`, `SLOW` waits to be
/// cancelled, `SYS-ERR-2` fails with a cause; anything else as the demo.
#[derive(Clone, Default)]
struct SpanDemo(DemoService);

#[tonic::async_trait]
impl Demo for SpanDemo {
    async fn fail(
        &self,
        request: Request<FailRequest>,
    ) -> Result<Response<FailReply>, tonic::Status> {
        match request.get_ref().code.as_str() {
            "OK" => Ok(Response::new(FailReply { index: 0 })),
            "DEADLINE" => Err(Error::uncataloged(
                tonic::Code::DeadlineExceeded,
                "the upstream did not answer in time",
            )
            .into()),
            "SLOW" => {
                tokio::time::sleep(Duration::from_secs(10)).await;
                Ok(Response::new(FailReply { index: 0 }))
            }
            "SYS-ERR-2" => Err(Error::new(ErrorCode::DATABASE_FAILURE)
                .with_context("table", "repos")
                .with_source(std::io::Error::other(CAUSE))
                .into()),
            _ => self.0.fail(request).await,
        }
    }

    type FailStreamStream = <DemoService as Demo>::FailStreamStream;

    async fn fail_stream(
        &self,
        request: Request<FailRequest>,
    ) -> Result<Response<Self::FailStreamStream>, tonic::Status> {
        self.0.fail_stream(request).await
    }
}

/// Both sides' layers, exporting to memory, on this thread's subscriber.
struct Traced {
    exporter: InMemorySpanExporter,
    client: DemoClient<csghub_errorx::layer::LogService<Channel>>,
    _server: DemoFixture,
    _guard: tracing::subscriber::DefaultGuard,
}

impl Traced {
    async fn start(server_spans: OtelSpans, client_spans: OtelSpans) -> Traced {
        Traced::start_with_timeout(server_spans, client_spans, None).await
    }

    /// With the client channel's own `timeout` (tonic's timer, never sent
    /// to the server).
    async fn start_with_timeout(
        server_spans: OtelSpans,
        client_spans: OtelSpans,
        timeout: Option<Duration>,
    ) -> Traced {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let guard = tracing::subscriber::set_default(subscriber(&provider));
        let server = DemoFixture::spawn(move |incoming| async move {
            let _ = Server::builder()
                .trace_fn(|_| tracing::info_span!("rpc.server", otel.kind = "server"))
                .layer(LogLayer::server().otel(server_spans))
                .layer(CatchPanicLayer::new())
                .add_service(DemoServer::new(SpanDemo::default()))
                .serve_with_incoming(incoming)
                .await;
        })
        .await;
        let mut endpoint = Channel::from_shared(format!("http://{}", server.addr)).expect("url");
        if let Some(timeout) = timeout {
            endpoint = endpoint.timeout(timeout);
        }
        let channel = endpoint.connect().await.expect("connect");
        let client = DemoClient::new(
            ServiceBuilder::new()
                .layer(LogLayer::client().otel(client_spans))
                .service(channel),
        );
        Traced {
            exporter,
            client,
            _server: server,
            _guard: guard,
        }
    }

    /// The server's and the client's span of the one RPC since the last
    /// call, once both are exported (the server's may end after the
    /// client has its answer).
    async fn spans(&self) -> (SpanData, SpanData) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let spans = self.exporter.get_finished_spans().expect("spans");
            let kind = |kind: SpanKind| spans.iter().find(|s| s.span_kind == kind).cloned();
            if let (Some(server), Some(client)) = (kind(SpanKind::Server), kind(SpanKind::Client)) {
                assert_eq!(spans.len(), 2, "{spans:#?}");
                self.exporter.reset();
                return (server, client);
            }
            assert!(tokio::time::Instant::now() < deadline, "{spans:#?}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Spans and events at INFO and above, to OpenTelemetry: the RPCs' spans,
/// not h2's and hyper's own at TRACE.
fn subscriber(provider: &SdkTracerProvider) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::registry()
        .with(tracing_subscriber::filter::LevelFilter::INFO)
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("tests")))
}

fn client_span() -> tracing::Span {
    tracing::info_span!("rpc.client", otel.kind = "client")
}

fn attribute<'a>(span: &'a SpanData, key: &str) -> Option<&'a Value> {
    span.attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

fn text(span: &SpanData, key: &str) -> Option<String> {
    attribute(span, key).map(|value| value.as_str().into_owned())
}

/// What both sides record of a failure: the status code, `error.type`,
/// the catalog code and module.
fn assert_failure(span: &SpanData, code: &str, error_type: &str, catalog: Option<(&str, &str)>) {
    let side = format!("{:?}", span.span_kind);
    assert_eq!(
        text(span, "rpc.response.status_code").as_deref(),
        Some(code),
        "{side}"
    );
    assert_eq!(
        text(span, "error.type").as_deref(),
        Some(error_type),
        "{side}"
    );
    assert_eq!(
        text(span, "error.code").as_deref(),
        catalog.map(|c| c.0),
        "{side}"
    );
    assert_eq!(
        text(span, "error.module").as_deref(),
        catalog.map(|c| c.1),
        "{side}"
    );
    assert_eq!(
        attribute(span, "rpc.grpc.status_code"),
        None,
        "not unless asked"
    );
}

fn exceptions(span: &SpanData) -> Vec<String> {
    span.events
        .iter()
        .filter(|event| event.name.ends_with(".call.exception"))
        .map(|event| {
            event
                .attributes
                .iter()
                .find(|kv| kv.key.as_str() == "exception.message")
                .map(|kv| kv.value.as_str().into_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn is_error(status: &Status) -> bool {
    matches!(status, Status::Error { .. })
}

fn nothing_of_the_cause(span: &SpanData) {
    let all = format!("{span:?}");
    assert!(!all.contains("10.0.0.9"), "{all}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_catalog_not_found_is_an_error_on_the_client_span_and_unset_on_the_servers() {
    let mut traced = Traced::start(OtelSpans::new(), OtelSpans::new()).await;
    let status = traced
        .client
        .fail(request("GIT-ERR-9", &[("repo", "ns/x")], 0))
        .instrument(client_span())
        .await
        .expect_err("fails");
    assert_eq!(status.code(), tonic::Code::NotFound);
    let (server, client) = traced.spans().await;
    assert_eq!(server.status, Status::Unset);
    assert!(is_error(&client.status), "{:?}", client.status);
    for span in [&server, &client] {
        assert_failure(
            span,
            "NOT_FOUND",
            "GIT_REPO_NOT_FOUND",
            Some(("GIT-ERR-9", "GIT")),
        );
        assert_eq!(
            text(span, "error.domain").as_deref(),
            Some("csghub.opencsg.com")
        );
        // Context only when allowlisted.
        assert_eq!(attribute(span, "error.context.repo"), None);
        assert!(exceptions(span).is_empty());
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_internal_error_marks_both_spans_and_only_the_servers_gets_the_cause() {
    let mut traced = Traced::start(OtelSpans::new(), OtelSpans::new()).await;
    traced
        .client
        .fail(request("SYS-ERR-2", &[], 0))
        .instrument(client_span())
        .await
        .expect_err("fails");
    let (server, client) = traced.spans().await;
    for span in [&server, &client] {
        assert!(is_error(&span.status), "{:?}", span.status);
        let Status::Error { description } = &span.status else {
            unreachable!()
        };
        assert_eq!(description, ErrorCode::DATABASE_FAILURE.description());
        assert_failure(
            span,
            "INTERNAL",
            "DATABASE_FAILURE",
            Some(("SYS-ERR-2", "SYS")),
        );
    }
    assert_eq!(exceptions(&server), [CAUSE]);
    assert!(exceptions(&client).is_empty());
    nothing_of_the_cause(&client);
}

#[tokio::test(flavor = "current_thread")]
async fn a_panic_is_an_exception_event_on_the_server_span_only() {
    let mut traced = Traced::start(OtelSpans::new(), OtelSpans::new()).await;
    traced
        .client
        .fail(request(csghub_errorx_demo::PANIC, &[], 0))
        .instrument(client_span())
        .await
        .expect_err("fails");
    let (server, client) = traced.spans().await;
    for span in [&server, &client] {
        assert!(is_error(&span.status), "{:?}", span.status);
        assert_failure(
            span,
            "INTERNAL",
            "INTERNAL_SERVER_ERROR",
            Some(("SYS-ERR-0", "SYS")),
        );
    }
    let event = server
        .events
        .iter()
        .find(|event| event.name == "rpc.server.call.exception")
        .expect("the exception event");
    let attribute = |key: &str| {
        event
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.as_str().into_owned())
    };
    assert_eq!(attribute("exception.type").as_deref(), Some("panic"));
    assert!(attribute("exception.message")
        .is_some_and(|m| m.contains(csghub_errorx_demo::PANIC_SECRET)));
    assert!(exceptions(&client).is_empty());
    assert!(!format!("{client:?}").contains(csghub_errorx_demo::PANIC_SECRET));
}

#[tokio::test(flavor = "current_thread")]
async fn deadline_exceeded_is_an_error_on_both_sides_typed_by_its_grpc_code() {
    let mut traced = Traced::start(OtelSpans::new(), OtelSpans::new()).await;
    traced
        .client
        .fail(request("DEADLINE", &[], 0))
        .instrument(client_span())
        .await
        .expect_err("fails");
    let (server, client) = traced.spans().await;
    for span in [&server, &client] {
        assert!(is_error(&span.status), "{:?}", span.status);
        // No catalog code: the type is the gRPC code's name.
        assert_failure(span, "DEADLINE_EXCEEDED", "DEADLINE_EXCEEDED", None);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_ok_call_has_its_status_code_and_nothing_of_an_error() {
    let mut traced = Traced::start(OtelSpans::new(), OtelSpans::new()).await;
    traced
        .client
        .fail(request("OK", &[], 0))
        .instrument(client_span())
        .await
        .expect("succeeds");
    let (server, client) = traced.spans().await;
    for span in [&server, &client] {
        assert_eq!(span.status, Status::Unset);
        assert_eq!(
            text(span, "rpc.response.status_code").as_deref(),
            Some("OK")
        );
        for key in ["error.type", "error.code", "error.module"] {
            assert_eq!(attribute(span, key), None, "{key}");
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_stream_that_fails_mid_way_is_recorded_from_its_trailers() {
    let mut traced = Traced::start(OtelSpans::new(), OtelSpans::new()).await;
    async {
        let mut stream = traced
            .client
            .fail_stream(request("TASK-ERR-5", &[], 2))
            .await
            .expect("the stream starts")
            .into_inner();
        let (replies, status) = replies_then_error(&mut stream).await;
        assert_eq!(
            (replies.len(), status.code()),
            (2, tonic::Code::Unavailable)
        );
    }
    .instrument(client_span())
    .await;
    let (server, client) = traced.spans().await;
    for span in [&server, &client] {
        // UNAVAILABLE is an error on both sides.
        assert!(is_error(&span.status), "{:?}", span.status);
        assert_failure(
            span,
            "UNAVAILABLE",
            "CLUSTER_UNAVAILABLE",
            Some(("TASK-ERR-5", "TASK")),
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_cancelled_call_is_an_error_on_the_client_and_unset_on_the_server() {
    let mut traced = Traced::start(OtelSpans::new(), OtelSpans::new()).await;
    let call = traced
        .client
        .fail(request("SLOW", &[], 0))
        .instrument(client_span());
    assert!(tokio::time::timeout(Duration::from_millis(200), call)
        .await
        .is_err());
    let (server, client) = traced.spans().await;
    assert_eq!(server.status, Status::Unset);
    assert!(is_error(&client.status), "{:?}", client.status);
    for span in [&server, &client] {
        assert_failure(span, "CANCELLED", "CANCELLED", None);
    }
}

/// tonic's own timer ends the call with CANCELLED; the client span says
/// what gRPC calls it. The server never saw the channel's timeout: to it,
/// the client went away.
#[tokio::test(flavor = "current_thread")]
async fn a_clients_own_timeout_is_deadline_exceeded_on_its_span() {
    let mut traced = Traced::start_with_timeout(
        OtelSpans::new(),
        OtelSpans::new(),
        Some(Duration::from_millis(200)),
    )
    .await;
    let status = traced
        .client
        .fail(request("SLOW", &[], 0))
        .instrument(client_span())
        .await
        .expect_err("times out");
    assert_eq!(status.code(), tonic::Code::Cancelled, "tonic's own");
    let (server, client) = traced.spans().await;
    assert!(is_error(&client.status), "{:?}", client.status);
    assert_failure(&client, "DEADLINE_EXCEEDED", "DEADLINE_EXCEEDED", None);
    assert_failure(&server, "CANCELLED", "CANCELLED", None);
}

#[tokio::test(flavor = "current_thread")]
async fn allowlisted_context_and_the_legacy_status_code_are_recorded_when_asked() {
    let spans = OtelSpans::new()
        .context_keys(["repo"])
        .legacy_status_code(true);
    let mut traced = Traced::start(spans.clone(), spans).await;
    traced
        .client
        .fail(request(
            "GIT-ERR-9",
            &[("repo", "ns/x"), ("owner", "alice")],
            0,
        ))
        .instrument(client_span())
        .await
        .expect_err("fails");
    let (server, client) = traced.spans().await;
    for span in [&server, &client] {
        assert_eq!(text(span, "error.context.repo").as_deref(), Some("ns/x"));
        assert_eq!(
            attribute(span, "error.context.owner"),
            None,
            "not allowlisted"
        );
        assert_eq!(
            attribute(span, "rpc.grpc.status_code"),
            Some(&Value::I64(5))
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_span_status_does_not_follow_a_lower_log_level() {
    // INTERNAL logged at WARN: the server span is an error all the same,
    // and a NOT_FOUND logged at INFO leaves it unset.
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let _guard = tracing::subscriber::set_default(subscriber(&provider));
    let levels = csghub_errorx::log::LevelPolicy::default()
        .grpc_code(tonic::Code::Internal, tracing::Level::WARN)
        .grpc_code(tonic::Code::NotFound, tracing::Level::INFO);
    let server = DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .trace_fn(|_| tracing::info_span!("rpc.server", otel.kind = "server"))
            .layer(LogLayer::server().levels(levels))
            .add_service(DemoServer::new(SpanDemo::default()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    let mut client = DemoClient::new(
        Channel::from_shared(format!("http://{}", server.addr))
            .expect("url")
            .connect()
            .await
            .expect("connect"),
    );
    for (code, level, failed) in [("SYS-ERR-2", "WARN", true), ("GIT-ERR-9", "INFO", false)] {
        client.fail(request(code, &[], 0)).await.expect_err("fails");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let span = loop {
            if let Some(span) = exporter.get_finished_spans().expect("spans").pop() {
                exporter.reset();
                break span;
            }
            assert!(tokio::time::Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        assert_eq!(span.span_kind, SpanKind::Server);
        assert_eq!(is_error(&span.status), failed, "{code}: {:?}", span.status);
        // The line was logged, at its level, in the span.
        assert!(
            span.events.iter().any(|event| event
                .attributes
                .iter()
                .any(|kv| kv.key.as_str() == "level" && kv.value.as_str() == level)),
            "{code}: {:?}",
            span.events
        );
    }
}
