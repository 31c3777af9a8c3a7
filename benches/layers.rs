//! What the log layers cost end to end: tonic calls over 127.0.0.1 with 8
//! concurrent callers, with and without both layers, measured in the same
//! run. Events are formatted at INFO into a sink, as a production
//! subscriber would format them.
//!
//! `cargo bench --bench layers`, then `python3 benches/report.py`.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use csghub_errorx::demo::{
    DemoClient, DemoServer, DemoService, FailRequest, GetRepoRequest, RepoService, ReposClient,
    ReposServer,
};
use csghub_errorx::layer::{LogLayer, LogService};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_stream::StreamExt;
use tonic::transport::{Channel, Server};
use tower::ServiceBuilder;

const CALLERS: u64 = 8;

async fn serve(layered: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("addr");
    let incoming = TcpListenerStream::new(listener);
    let demo = DemoServer::new(DemoService::new());
    let repos = ReposServer::new(RepoService::with_sample_data());
    if layered {
        let router = Server::builder()
            .layer(LogLayer::server())
            .add_service(demo)
            .add_service(repos);
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

fn layers(c: &mut Criterion) {
    tracing_subscriber::fmt()
        .with_writer(std::io::sink)
        .with_max_level(tracing::Level::INFO)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (plain, layered) = rt.block_on(async {
        let plain_addr = serve(false).await;
        let layered_addr = serve(true).await;
        let plain_channel = channel(plain_addr).await;
        let layered_channel = ServiceBuilder::new()
            .layer(LogLayer::client())
            .service(channel(layered_addr).await);
        (
            Clients::Plain(
                DemoClient::new(plain_channel.clone()),
                ReposClient::new(plain_channel),
            ),
            Clients::Layered(
                DemoClient::new(layered_channel.clone()),
                ReposClient::new(layered_channel),
            ),
        )
    });
    for (name, call) in [
        ("unary_error", Call::FailUnary),
        ("unary_success", Call::Succeed),
        ("stream_error", Call::FailStream),
    ] {
        let mut group = c.benchmark_group(format!("layers/{name}"));
        group.bench_function("baseline_no_layers", |b| {
            b.iter_custom(|iters| run(&rt, &plain, call, iters))
        });
        group.bench_function("both_layers", |b| {
            b.iter_custom(|iters| run(&rt, &layered, call, iters))
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(5)).warm_up_time(Duration::from_secs(1));
    targets = layers
}
criterion_main!(benches);
