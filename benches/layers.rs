//! What the log layers cost end to end: tonic calls over 127.0.0.1 with 8
//! concurrent callers (tasks on one runtime thread), with and without both
//! layers, measured in the same run, samples alternating. The layered calls run twice: with the layers' events filtered out
//! (the cost of the middleware itself), and with them formatted at INFO
//! into a sink, as a production subscriber would format them (the cost of
//! the log lines: errors log at INFO and above, success at DEBUG).
//!
//! With the `metrics` feature, the layered calls also run with
//! `FacadeMetrics` on both layers, recording into the Prometheus exporter's
//! recorder (installed globally, as a service would): the cost of the
//! metrics adapter.
//!
//! `cargo bench --features metrics --bench layers`, then
//! `python3 benches/report.py`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use csghub_errorx::layer::{LogLayer, LogService};
use csghub_errorx_demo::{
    DemoClient, DemoServer, DemoService, FailRequest, GetRepoRequest, RepoService, ReposClient,
    ReposServer,
};
use tokio::runtime::Runtime;
use tokio_stream::StreamExt;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tower::ServiceBuilder;
use tracing::Instrument as _;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::reload;
use tracing_subscriber::util::SubscriberInitExt;

const CALLERS: u64 = 8;

/// Which layers a server or client has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layers {
    None,
    Logging,
    /// Logging, and `FacadeMetrics`.
    #[cfg(feature = "metrics")]
    LoggingAndMetrics,
    /// Logging, each RPC in a span on both sides, not recorded on it.
    #[cfg(feature = "otel")]
    InSpansOtelOff,
    /// Logging, each RPC in a span on both sides, recorded on it.
    #[cfg(feature = "otel")]
    InSpansOtelOn,
}

impl Layers {
    fn server(self) -> Option<LogLayer> {
        match self {
            Layers::None => None,
            Layers::Logging => Some(LogLayer::server()),
            #[cfg(feature = "metrics")]
            Layers::LoggingAndMetrics => {
                Some(LogLayer::server().metrics(csghub_errorx::layer::FacadeMetrics::new()))
            }
            #[cfg(feature = "otel")]
            Layers::InSpansOtelOff => Some(LogLayer::server().otel(None)),
            #[cfg(feature = "otel")]
            Layers::InSpansOtelOn => Some(LogLayer::server()),
        }
    }

    /// Whether each RPC runs in a span on both sides.
    fn in_spans(self) -> bool {
        #[cfg(feature = "otel")]
        return matches!(self, Layers::InSpansOtelOff | Layers::InSpansOtelOn);
        #[cfg(not(feature = "otel"))]
        return false;
    }

    fn client(self) -> LogLayer {
        match self {
            #[cfg(feature = "metrics")]
            Layers::LoggingAndMetrics => {
                LogLayer::client().metrics(csghub_errorx::layer::FacadeMetrics::new())
            }
            #[cfg(feature = "otel")]
            Layers::InSpansOtelOff => LogLayer::client().otel(None),
            _ => LogLayer::client(),
        }
    }
}

async fn serve(layers: Layers) -> SocketAddr {
    // TCP_NODELAY, as `Server::serve` sets it and as the client's channel
    // has it: otherwise Nagle's algorithm times the calls, not the code.
    let incoming = TcpIncoming::bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind loopback")
        .with_nodelay(Some(true));
    let addr = incoming.local_addr().expect("addr");
    let demo = DemoServer::new(DemoService::new());
    let repos = ReposServer::new(RepoService::with_sample_data());
    let mut builder = Server::builder();
    if layers.in_spans() {
        builder = builder.trace_fn(|_| tracing::info_span!("grpc.server", otel.kind = "server"));
    }
    if let Some(layer) = layers.server() {
        let router = builder.layer(layer).add_service(demo).add_service(repos);
        tokio::spawn(router.serve_with_incoming(incoming));
    } else {
        let router = Server::builder().add_service(demo).add_service(repos);
        tokio::spawn(router.serve_with_incoming(incoming));
    }
    addr
}

async fn channel(addr: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .expect("url")
        .connect()
        .await
        .expect("connect")
}

/// Plain or layered clients of one server.
#[derive(Clone)]
enum Clients {
    Plain(DemoClient<Channel>, ReposClient<Channel>),
    Layered(
        DemoClient<LogService<Channel>>,
        ReposClient<LogService<Channel>>,
    ),
    /// Layered, with the retry layer inside the client's log layer.
    #[cfg(feature = "retry")]
    Retrying(
        DemoClient<LogService<csghub_errorx::layer::RetryService<Channel>>>,
        ReposClient<LogService<csghub_errorx::layer::RetryService<Channel>>>,
    ),
    /// Layered, each call in a client span.
    InSpans(
        DemoClient<LogService<Channel>>,
        ReposClient<LogService<Channel>>,
    ),
}

#[derive(Clone, Copy)]
enum Call {
    FailUnary,
    Succeed,
    FailStream,
}

impl Clients {
    async fn call(&mut self, call: Call) {
        let fail = || FailRequest {
            code: "GIT-ERR-9".into(),
            context: [("repo".to_string(), "ns/name".to_string())].into(),
            messages_before_error: 3,
        };
        let get = || GetRepoRequest {
            name: "opencsg/csghub".into(),
        };
        macro_rules! run {
            ($demo:expr, $repos:expr) => {
                match call {
                    Call::FailUnary => assert!($demo.fail(fail()).await.is_err()),
                    Call::Succeed => assert!($repos.get_repo(get()).await.is_ok()),
                    Call::FailStream => {
                        let mut stream = $demo
                            .fail_stream(fail())
                            .await
                            .expect("starts")
                            .into_inner();
                        while let Some(item) = stream.next().await {
                            if item.is_err() {
                                break;
                            }
                        }
                    }
                }
            };
        }
        match self {
            Clients::Plain(demo, repos) => run!(demo, repos),
            Clients::Layered(demo, repos) => run!(demo, repos),
            #[cfg(feature = "retry")]
            Clients::Retrying(demo, repos) => run!(demo, repos),
            Clients::InSpans(demo, repos) => {
                let span = tracing::info_span!("grpc.client", otel.kind = "client");
                async { run!(demo, repos) }.instrument(span).await
            }
        }
    }
}

/// Runs `iters` calls over 8 concurrent callers and returns the time taken.
fn run(rt: &Runtime, clients: &Clients, call: Call, iters: u64) -> Duration {
    rt.block_on(async {
        let start = Instant::now();
        let tasks: Vec<_> = (0..CALLERS)
            .map(|i| {
                let mut clients = clients.clone();
                let share = iters / CALLERS + u64::from(i < iters % CALLERS);
                tokio::spawn(async move {
                    for _ in 0..share {
                        clients.call(call).await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("caller");
        }
        start.elapsed()
    })
}

/// Times `measured` for `iters` calls right after running `other` for as
/// many, untimed. Baseline and layered samples thus alternate, so a shift in
/// the shared machine's load hits both alike and the ratio stays honest.
fn run_paired(
    rt: &Runtime,
    measured: &Clients,
    other: &Clients,
    call: Call,
    iters: u64,
) -> Duration {
    run(rt, other, call, iters);
    run(rt, measured, call, iters)
}

/// The subscriber every run has: `fmt` into a sink, behind a filter that
/// starts `OFF` and that the handle sets.
type EventsFilter = reload::Handle<LevelFilter, tracing_subscriber::Registry>;

fn install_subscriber() -> EventsFilter {
    let (filter, events) = reload::Layer::new(LevelFilter::OFF);
    tracing_subscriber::registry()
        .with(filter)
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(std::io::sink),
        )
        .init();
    events
}

/// One thread runs servers, clients and callers: on a shared 2-core
/// machine, cross-thread scheduling made the ratios swing by ±40%; on one
/// thread the calls are CPU-bound and the comparison is like for like.
fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Clients of a server without layers.
async fn plain_clients() -> Clients {
    let channel = channel(serve(Layers::None).await).await;
    Clients::Plain(DemoClient::new(channel.clone()), ReposClient::new(channel))
}

/// Clients of a server with `layers`, through a channel with its client
/// layer.
async fn layered_clients(layers: Layers) -> Clients {
    let layered_channel = ServiceBuilder::new()
        .layer(layers.client())
        .service(channel(serve(layers).await).await);
    let (demo, repos) = (
        DemoClient::new(layered_channel.clone()),
        ReposClient::new(layered_channel),
    );
    if layers.in_spans() {
        Clients::InSpans(demo, repos)
    } else {
        Clients::Layered(demo, repos)
    }
}

/// The retry layer's cost when nothing is retried (a success, or a code
/// that is never retried): a server with the log layer, the client's
/// channel with the retry layer inside its log layer.
#[cfg(feature = "retry")]
async fn retrying_clients() -> Clients {
    use csghub_errorx::layer::{RetryLayer, RetryPolicy};
    let channel = ServiceBuilder::new()
        .layer(LogLayer::client())
        .layer(RetryLayer::new(RetryPolicy::new()))
        .service(channel(serve(Layers::Logging).await).await);
    Clients::Retrying(DemoClient::new(channel.clone()), ReposClient::new(channel))
}

fn layers(c: &mut Criterion) {
    let events = install_subscriber();
    let set_events = |level| {
        events
            .modify(|filter| *filter = level)
            .expect("reload the filter")
    };
    let rt = runtime();
    let (plain, layered) = rt.block_on(async {
        (
            plain_clients().await,
            layered_clients(Layers::Logging).await,
        )
    });
    #[cfg(feature = "metrics")]
    let with_metrics = {
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
            .set_buckets(&csghub_errorx::layer::FacadeMetrics::RECOMMENDED_BUCKETS)
            .expect("buckets")
            .build_recorder();
        metrics::set_global_recorder(recorder).expect("the only recorder");
        rt.block_on(layered_clients(Layers::LoggingAndMetrics))
    };
    #[cfg(feature = "retry")]
    let retrying = rt.block_on(retrying_clients());
    // The `otel` feature's cost: both sides' RPCs in spans that
    // tracing-opentelemetry records (into an SDK tracer that exports
    // nothing), the layers recording on them or not; the log lines are at
    // their levels, as with OpenTelemetry they would be.
    #[cfg(feature = "otel")]
    let (otel_dispatch, otel_off, otel_on) = {
        use opentelemetry::trace::TracerProvider as _;
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let dispatch = tracing::Dispatch::new(
            tracing_subscriber::registry()
                .with(LevelFilter::INFO)
                .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("bench"))),
        );
        let (off, on) = tracing::dispatcher::with_default(&dispatch, || {
            rt.block_on(async {
                (
                    layered_clients(Layers::InSpansOtelOff).await,
                    layered_clients(Layers::InSpansOtelOn).await,
                )
            })
        });
        (dispatch, off, on)
    };
    for (name, call) in [
        ("unary_error", Call::FailUnary),
        ("unary_success", Call::Succeed),
        ("stream_error", Call::FailStream),
    ] {
        let mut group = c.benchmark_group(format!("layers/{name}"));
        group.bench_function("baseline_no_layers", |b| {
            b.iter_custom(|iters| run_paired(&rt, &plain, &layered, call, iters))
        });
        group.bench_function("both_layers_events_off", |b| {
            b.iter_custom(|iters| run_paired(&rt, &layered, &plain, call, iters))
        });
        set_events(LevelFilter::INFO);
        group.bench_function("both_layers_events_at_info", |b| {
            b.iter_custom(|iters| run_paired(&rt, &layered, &plain, call, iters))
        });
        set_events(LevelFilter::OFF);
        #[cfg(feature = "metrics")]
        group.bench_function("both_layers_events_off_metrics_on", |b| {
            b.iter_custom(|iters| run_paired(&rt, &with_metrics, &plain, call, iters))
        });
        #[cfg(feature = "retry")]
        group.bench_function("both_layers_events_off_retry_layer", |b| {
            b.iter_custom(|iters| run_paired(&rt, &retrying, &layered, call, iters))
        });
        #[cfg(feature = "otel")]
        {
            group.bench_function("in_otel_spans_layers_otel_off", |b| {
                b.iter_custom(|iters| {
                    tracing::dispatcher::with_default(&otel_dispatch, || {
                        run_paired(&rt, &otel_off, &otel_on, call, iters)
                    })
                })
            });
            group.bench_function("in_otel_spans_layers_otel_on", |b| {
                b.iter_custom(|iters| {
                    tracing::dispatcher::with_default(&otel_dispatch, || {
                        run_paired(&rt, &otel_on, &otel_off, call, iters)
                    })
                })
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(40).measurement_time(Duration::from_secs(8)).warm_up_time(Duration::from_secs(2));
    targets = layers
}

/// `ERRORX_LAYERS_PROBE=<stack>:<call>:<n>` runs `n` calls one after the
/// other instead of the benchmarks, for counting instructions: run it under
/// `valgrind --tool=callgrind` with `n` and `2n` and take the difference,
/// per call. `<stack>` is `plain`, `layered` or (with `retry`) `retrying`;
/// `<call>` is `success`, `error` or `stream`.
fn probe(spec: &str) {
    let mut parts = spec.split(':');
    let (Some(stack), Some(call), Some(n)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("ERRORX_LAYERS_PROBE=<stack>:<call>:<n>, not {spec:?}");
    };
    let n: u64 = n.parse().expect("a number of calls");
    let call = match call {
        "success" => Call::Succeed,
        "error" => Call::FailUnary,
        "stream" => Call::FailStream,
        other => panic!("unknown call {other:?}"),
    };
    // The benchmarks' subscriber, its events off, as in `layers`.
    let _events = install_subscriber();
    let rt = runtime();
    let mut clients = rt.block_on(async {
        match stack {
            "plain" => plain_clients().await,
            "layered" => layered_clients(Layers::Logging).await,
            #[cfg(feature = "retry")]
            "retrying" => retrying_clients().await,
            other => panic!("unknown stack {other:?}"),
        }
    });
    rt.block_on(async {
        // Warm: the connection, and the first call's one-time work.
        for _ in 0..20 {
            clients.call(call).await;
        }
        for _ in 0..n {
            clients.call(call).await;
        }
    });
}

fn main() {
    if let Ok(spec) = std::env::var("ERRORX_LAYERS_PROBE") {
        probe(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
