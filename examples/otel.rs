//! What a trace shows of csghub-errorx's errors: a Demo server and client
//! on an ephemeral loopback port, each RPC in a span (the server's from
//! tonic's `trace_fn`, the client's from `#[instrument]`-style spans), the
//! spans exported by `tracing-opentelemetry` into memory and printed.
//!
//! `cargo run --example otel --features otel`.

use std::time::Duration;

use csghub_errorx::layer::{CatchPanicLayer, LogLayer, OtelSpans};
use csghub_errorx_demo::{DemoClient, DemoServer, DemoService, FailRequest};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tokio::net::TcpListener;
use tonic::transport::{Channel, Server};
use tower::ServiceBuilder;
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The usual setup, with an in-memory exporter where a real service has
    // its OTLP one.
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::filter::LevelFilter::INFO)
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("otel-example")));
    tracing::subscriber::set_global_default(subscriber)?;
    // A panic's own report would interleave with the spans below; the
    // server's span says it.
    std::panic::set_hook(Box::new(|_| {}));

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(
        Server::builder()
            .trace_fn(|request| {
                tracing::info_span!(
                    "grpc.server",
                    otel.kind = "server",
                    rpc.method = request.uri().path()
                )
            })
            .layer(LogLayer::server().otel(OtelSpans::new().context_keys(["repo"])))
            .layer(CatchPanicLayer::new())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let channel = Channel::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    let mut client = DemoClient::new(
        ServiceBuilder::new()
            .layer(LogLayer::client())
            .service(channel),
    );

    for code in ["GIT-ERR-9", "SYS-ERR-2", csghub_errorx_demo::PANIC] {
        let request = FailRequest {
            code: code.into(),
            context: [("repo".to_string(), "opencsg/csghub".to_string())].into(),
            messages_before_error: 0,
        };
        let span = tracing::info_span!("grpc.client", otel.kind = "client", code);
        let _ = client.fail(request).instrument(span).await;
    }
    // The server's spans end when tonic drops each response.
    tokio::time::sleep(Duration::from_millis(100)).await;

    let mut spans = exporter.get_finished_spans()?;
    spans.sort_by_key(|span| span.start_time);
    for span in &spans {
        print_span(span);
    }
    Ok(())
}

fn print_span(span: &SpanData) {
    println!(
        "{} ({:?}) status={:?}",
        span.name, span.span_kind, span.status
    );
    for kv in &span.attributes {
        let key = kv.key.as_str();
        if key.starts_with("rpc.") || key.starts_with("error.") {
            println!("  {key} = {}", kv.value);
        }
    }
    for event in span.events.iter() {
        if event.name.ends_with(".exception") {
            println!("  event {}", event.name);
            for kv in &event.attributes {
                println!("    {} = {}", kv.key, kv.value);
            }
        }
    }
    println!();
}
