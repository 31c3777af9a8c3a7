//! A response made of arbitrary headers, data frames, body errors and
//! trailers, through `LogLayer::client()` into a tonic client, unary and
//! streaming: nothing panics (tonic alone panics on some details headers),
//! each RPC is logged exactly once, and every line is escaped and bounded.
#![no_main]

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use csghub_errorx::layer::LogLayer;
use csghub_errorx_demo::{DemoClient, FailRequest};
use csghub_errorx_fuzz::inputs::Part;
use csghub_errorx_fuzz::invariants::check_shown;
use csghub_errorx_fuzz::response::response;
use libfuzzer_sys::fuzz_target;
use tower::ServiceBuilder;
use tracing_subscriber::layer::SubscriberExt;

/// What the log shows: the text written, and the client events counted.
#[derive(Clone, Default)]
struct Log {
    text: Arc<Mutex<Vec<u8>>>,
    client_events: Arc<AtomicUsize>,
}

impl Write for Log {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.text.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Log {
    type Writer = Log;

    fn make_writer(&'a self) -> Log {
        self.clone()
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Log {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "csghub_errorx::client" {
            self.client_events.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// The log, recording every level of this crate's targets as
/// `tracing_subscriber::fmt` writes them.
fn log() -> &'static Log {
    static LOG: OnceLock<Log> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Log::default();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_subscriber::EnvFilter::new("csghub_errorx=trace"))
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(log.clone()),
            )
            .with(log.clone());
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        log
    })
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
    })
}

fuzz_target!(|data: &[u8]| {
    let log = log();
    log.text.lock().unwrap().clear();
    log.client_events.store(0, Ordering::Relaxed);
    let parts = Part::parse_all(data);
    runtime().block_on(async move {
        let service = tower::service_fn(move |_: http::Request<tonic::body::Body>| {
            let response = response(&parts);
            async move { Ok::<_, std::convert::Infallible>(response) }
        });
        let mut client = DemoClient::new(
            ServiceBuilder::new()
                .layer(LogLayer::client())
                .service(service),
        );
        let _ = client.fail(FailRequest::default()).await;
        if let Ok(response) = client.fail_stream(FailRequest::default()).await {
            let mut stream = response.into_inner();
            while let Ok(Some(_)) = stream.message().await {}
        }
    });
    assert_eq!(
        log.client_events.load(Ordering::Relaxed),
        2,
        "one event per RPC"
    );
    let text = String::from_utf8(log.text.lock().unwrap().clone()).expect("fmt writes UTF-8");
    check_shown(&text, usize::MAX, 24 * 1024);
});
