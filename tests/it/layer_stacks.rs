//! Every stack a tonic user writes with the log layers compiles, logs one
//! line per RPC, and leaves the other layers' errors as they were: against
//! real tonic servers and clients on 127.0.0.1.

use crate::common;

use std::any::TypeId;
use std::time::Duration;

use common::logs::{capture, Logs};
use common::{request, DemoFixture};
use csghub_errorx::auth::BearerToken;
use csghub_errorx::layer::LogLayer;
use csghub_errorx::{Error, ErrorCode};
use csghub_errorx_demo::{DemoClient, DemoServer, DemoService};
use tonic::service::InterceptorLayer;
use tonic::transport::{Channel, Server};
use tonic::Status;
use tower::ServiceBuilder;
use tower_http::classify::GrpcFailureClass;
use tower_http::trace::TraceLayer;

/// Waits (5 s at most) until `side` logged `count` events, then a little
/// more, so that an extra event would be seen too.
async fn settle(logs: &Logs, side: &str, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while logs.side(side).len() < count && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
}

/// One RPC logged once by `side`, with the catalog code the request asked
/// for.
async fn assert_one_line(logs: &Logs, side: &str, code: &str) {
    settle(logs, side, 1).await;
    let events = logs.side(side);
    assert_eq!(events.len(), 1, "{side}: {events:#?}");
    assert_eq!(events[0].field("code"), Some(code), "{side}");
}

async fn channel(server: &DemoFixture) -> Channel {
    server.channel().await
}

/// A plain `Demo` server, the client stacks' peer.
async fn plain_server() -> DemoFixture {
    DemoFixture::start().await
}

fn token() -> BearerToken {
    BearerToken::new("s3cret").expect("a valid token")
}

/// What every client stack asks for: a `GIT-ERR-9`.
async fn fail<T>(client: &mut DemoClient<T>) -> Status
where
    T: tonic::client::GrpcService<tonic::body::Body>,
    T::Error: Into<tonic::codegen::StdError>,
    T::ResponseBody: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    <T::ResponseBody as http_body::Body>::Error: Into<tonic::codegen::StdError> + Send,
{
    let status = client.fail(request("GIT-ERR-9", &[], 0)).await.unwrap_err();
    assert!(Error::from_status(&status).is(ErrorCode::GIT_REPO_NOT_FOUND));
    status
}

// ---- Clients ----

#[tokio::test]
async fn client_new_over_the_layered_channel() {
    let (logs, _guard) = capture();
    let server = plain_server().await;
    let layered = ServiceBuilder::new()
        .layer(LogLayer::client())
        .service(channel(&server).await);
    fail(&mut DemoClient::new(layered)).await;
    assert_one_line(&logs, "client", "GIT-ERR-9").await;
}

#[tokio::test]
async fn client_with_interceptor_over_the_layered_channel() {
    let (logs, _guard) = capture();
    let server = plain_server().await;
    let layered = ServiceBuilder::new()
        .layer(LogLayer::client())
        .service(channel(&server).await);
    // Needs `LoggedBody: Default`.
    let mut client = DemoClient::with_interceptor(layered, token());
    fail(&mut client).await;
    assert_one_line(&logs, "client", "GIT-ERR-9").await;
}

#[tokio::test]
async fn interceptor_layer_outside_the_log_layer() {
    let (logs, _guard) = capture();
    let server = plain_server().await;
    let stack = ServiceBuilder::new()
        .layer(InterceptorLayer::new(token()))
        .layer(LogLayer::client())
        .service(channel(&server).await);
    fail(&mut DemoClient::new(stack)).await;
    assert_one_line(&logs, "client", "GIT-ERR-9").await;
}

#[tokio::test]
async fn interceptor_layer_inside_the_log_layer() {
    let (logs, _guard) = capture();
    let server = plain_server().await;
    let stack = ServiceBuilder::new()
        .layer(LogLayer::client())
        .layer(InterceptorLayer::new(token()))
        .service(channel(&server).await);
    fail(&mut DemoClient::new(stack)).await;
    assert_one_line(&logs, "client", "GIT-ERR-9").await;
}

#[tokio::test]
async fn tower_timeout_inside_and_outside_the_client_layer() {
    let (logs, _guard) = capture();
    let server = plain_server().await;
    let inside = ServiceBuilder::new()
        .layer(LogLayer::client())
        .timeout(Duration::from_secs(5))
        .service(channel(&server).await);
    fail(&mut DemoClient::new(inside)).await;
    assert_one_line(&logs, "client", "GIT-ERR-9").await;

    logs.clear();
    let outside = ServiceBuilder::new()
        .timeout(Duration::from_secs(5))
        .layer(LogLayer::client())
        .service(channel(&server).await);
    fail(&mut DemoClient::new(outside)).await;
    assert_one_line(&logs, "client", "GIT-ERR-9").await;
}

#[tokio::test]
async fn tower_http_trace_around_the_client_layer() {
    let (logs, _guard) = capture();
    let server = plain_server().await;
    let stack = ServiceBuilder::new()
        .layer(TraceLayer::new_for_grpc())
        .layer(LogLayer::client())
        .service(channel(&server).await);
    fail(&mut DemoClient::new(stack)).await;
    assert_one_line(&logs, "client", "GIT-ERR-9").await;
}

// ---- The inner service's error passes through ----

fn error_type<S, R>(_: &S) -> TypeId
where
    S: tower::Service<R>,
    S::Error: 'static,
{
    TypeId::of::<S::Error>()
}

// Classifying the transport error needs the `transport` feature.
#[cfg(feature = "transport")]
#[tokio::test]
async fn the_client_layer_keeps_the_channels_transport_error() {
    let (logs, _guard) = capture();
    // A loopback port with nobody listening.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let channel = Channel::from_shared(format!("http://{closed}"))
        .expect("url")
        .connect_lazy();
    let layered = ServiceBuilder::new()
        .layer(LogLayer::client())
        .service(channel);
    assert_eq!(
        error_type::<_, http::Request<tonic::body::Body>>(&layered),
        TypeId::of::<tonic::transport::Error>()
    );
    let status = DemoClient::new(layered)
        .fail(request("GIT-ERR-9", &[], 0))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");
    settle(&logs, "client", 1).await;
    let events = logs.side("client");
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].field("outcome"), Some("service_error"));
    // Read through the transport error to its cause, as tonic does.
    assert_eq!(events[0].field("grpc.code"), Some("UNAVAILABLE"));
}

#[tokio::test]
async fn an_outer_caller_still_sees_towers_elapsed_through_the_client_layer() {
    let (logs, _guard) = capture();
    let server =
        DemoFixture::start_with(|b| b.add_service(DemoServer::new(common_slow::Sleeper))).await;
    let stack = ServiceBuilder::new()
        .layer(LogLayer::client())
        .timeout(Duration::from_millis(100))
        .service(channel(&server).await);
    let status = DemoClient::new(stack)
        .fail(request("", &[], 0))
        .await
        .unwrap_err();
    // tonic keeps an error it cannot classify as the status's source: the
    // very `Elapsed`, not a `Status` the layer made of it.
    let source = std::error::Error::source(&status).expect("a source");
    assert!(source.is::<tower::timeout::error::Elapsed>(), "{source:?}");
    settle(&logs, "client", 1).await;
    let events = logs.side("client");
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].field("outcome"), Some("service_error"));
    assert_eq!(events[0].field("detail"), Some("request timed out"));
}

/// A `Demo` whose `Fail` never answers in time.
mod common_slow {
    use std::pin::Pin;

    use csghub_errorx_demo::{Demo, FailReply, FailRequest};
    use tokio_stream::Stream;
    use tonic::{Request, Response, Status};

    pub struct Sleeper;

    #[tonic::async_trait]
    impl Demo for Sleeper {
        async fn fail(&self, _: Request<FailRequest>) -> Result<Response<FailReply>, Status> {
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
            Ok(Response::new(FailReply { index: 0 }))
        }

        type FailStreamStream = Pin<Box<dyn Stream<Item = Result<FailReply, Status>> + Send>>;

        async fn fail_stream(
            &self,
            _: Request<FailRequest>,
        ) -> Result<Response<Self::FailStreamStream>, Status> {
            Err(Status::unimplemented("unary only"))
        }
    }
}

// ---- Servers ----

#[tokio::test]
async fn server_builder_layer_logs_one_line() {
    let (logs, _guard) = capture();
    let server = DemoFixture::spawn(|incoming| async move {
        let _ = Server::builder()
            .layer(LogLayer::server())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    fail(&mut server.client().await).await;
    assert_one_line(&logs, "server", "GIT-ERR-9").await;
}

#[tokio::test]
async fn server_with_tower_timeout_inside_the_log_layer_logs_the_timeout() {
    let (logs, _guard) = capture();
    let server = DemoFixture::spawn(|incoming| async move {
        let _ = Server::builder()
            .layer(LogLayer::server())
            .layer(tower::timeout::TimeoutLayer::new(Duration::from_millis(
                100,
            )))
            .add_service(DemoServer::new(common_slow::Sleeper))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    let _ = server.client().await.fail(request("", &[], 0)).await;
    settle(&logs, "server", 1).await;
    let events = logs.side("server");
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].field("outcome"), Some("service_error"));
    assert_eq!(events[0].field("detail"), Some("request timed out"));
}

#[tokio::test]
async fn server_with_tower_http_trace_outside_logs_one_line_inside_its_span() {
    let (logs, _guard) = capture();
    let server = DemoFixture::spawn(|incoming| async move {
        // tower-http makes the span and classifies; its own failure and
        // response events are turned off, so the RPC has one line: ours.
        let trace = TraceLayer::new_for_grpc()
            .on_response(())
            .on_failure(())
            .on_eos(());
        let _ = Server::builder()
            .layer(trace)
            .layer(LogLayer::server())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    fail(&mut server.client().await).await;
    assert_one_line(&logs, "server", "GIT-ERR-9").await;
    let ours = &logs.side("server")[0];
    assert!(ours.in_span("request"), "tower-http's span: {ours:#?}");
    let failures: Vec<_> = logs
        .all()
        .into_iter()
        .filter(|e| e.level <= tracing::Level::INFO && e.target.starts_with("tower_http"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn server_with_tower_http_trace_inside_logs_one_line() {
    let (logs, _guard) = capture();
    let server = DemoFixture::spawn(|incoming| async move {
        let trace = TraceLayer::new_for_grpc()
            .on_response(())
            .on_failure(())
            .on_eos(());
        let _ = Server::builder()
            .layer(LogLayer::server())
            .layer(trace)
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    fail(&mut server.client().await).await;
    assert_one_line(&logs, "server", "GIT-ERR-9").await;
}

#[tokio::test]
async fn tower_http_grpc_classifier_and_the_log_layer_agree_on_a_failure() {
    use std::sync::{Arc, Mutex};
    let (logs, _guard) = capture();
    // What tower-http classified each failure as, e.g. `Code(5)`.
    let classified: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&classified);
    let server = DemoFixture::spawn(move |incoming| async move {
        let trace = TraceLayer::new_for_grpc()
            .on_response(())
            .on_eos(())
            .on_failure(
                move |class: GrpcFailureClass, _: Duration, _: &tracing::Span| {
                    let code = match class {
                        GrpcFailureClass::Code(code) => format!("Code({code})"),
                        GrpcFailureClass::Error(error) => format!("Error({error})"),
                    };
                    seen.lock().unwrap().push(code);
                },
            );
        let _ = Server::builder()
            .layer(trace)
            .layer(LogLayer::server())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    fail(&mut server.client().await).await;
    assert_one_line(&logs, "server", "GIT-ERR-9").await;
    let classified = classified.lock().unwrap().clone();
    assert_eq!(classified.len(), 1, "{classified:?}");
    assert_eq!(
        classified[0],
        format!("Code({})", tonic::Code::NotFound as i32)
    );
    assert_eq!(logs.side("server")[0].field("grpc.code"), Some("NOT_FOUND"));
}
