//! The log layers beside tower-http's `TraceLayer`:
//!
//! ```sh
//! cargo run --example tower_http
//! ```
//!
//! Which to use for what:
//! - `TraceLayer` makes the **span** of each request (method, URI,
//!   version), and its `GrpcErrorsAsFailures` classifier tells success from
//!   failure by the gRPC code alone (headers first, then trailers), for
//!   any gRPC service, catalog or not.
//! - `LogLayer` writes the **one line** per RPC: the gRPC code and, for a
//!   failure, the catalog code, reason, module, context and (on the server)
//!   the in-process cause. It enters the span that is current when the RPC
//!   starts, so its line sits inside `TraceLayer`'s span.
//!
//! Both would write a line for a failure, so turn `TraceLayer`'s own
//! response and failure events off (`on_response(())`, `on_failure(())`,
//! `on_eos(())`) and keep its span: one RPC, one line. If you want
//! tower-http's failure events instead (say, for non-gRPC routes on the
//! same server), keep them and raise `csghub_errorx::server` to `WARN`, or
//! give them a target filter of their own.
//!
//! Prints the server's and the client's line of a failing unary call and of
//! a stream that fails after two replies, each inside its `request` span.

use std::time::Duration;

use csghub_errorx::layer::LogLayer;
use csghub_errorx_demo::{DemoClient, DemoServer, DemoService, FailRequest};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::{Channel, Server};
use tower::ServiceBuilder;
use tower_http::trace::{DefaultMakeSpan, TraceLayer};
use tracing::Level;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()))
        .with_ansi(false)
        .without_time()
        .init();

    // tower-http: the span and the classification; no lines of its own.
    let trace = TraceLayer::new_for_grpc()
        .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
        .on_response(())
        .on_failure(())
        .on_eos(());
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(
        Server::builder()
            .layer(trace)
            .layer(LogLayer::server())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );

    let channel = Channel::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    let channel = ServiceBuilder::new()
        .layer(LogLayer::client())
        .service(channel);
    let mut client = DemoClient::new(channel);
    let call = |code: &str, replies: u32| FailRequest {
        code: code.to_string(),
        context: [("repo".to_string(), "ns/name".to_string())].into(),
        messages_before_error: replies,
    };

    let _ = client.fail(call("GIT-ERR-9", 0)).await;
    let mut stream = client
        .fail_stream(call("TASK-ERR-5", 2))
        .await?
        .into_inner();
    while let Ok(Some(_)) = stream.message().await {}
    // The server logs after the client has its answer.
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(())
}
