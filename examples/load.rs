//! A load test on 127.0.0.1: N concurrent clients each make M failing RPCs
//! to an in-process `Demo` server behind `LogLayer::server()`, cycling
//! through all 100 catalog codes, unary and streaming in turn. It checks
//! that every client decodes the code it asked for and that each side
//! logged exactly one line per RPC with that code, and reports throughput,
//! p50/p99 latency, and the process's RSS and heap in use (server and
//! clients share them) before and after each run: the RSS keeps the
//! allocator's high-water mark, the heap in use shows a leak.
//!
//! ```sh
//! cargo run --release --example load -- --clients 100 --rpcs 10000
//! ```
//!
//! Exits 1 on any mismatch, any line lost or extra, a heap in use that
//! grows from run to run, or a run longer than `--max-seconds`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use csghub_errorx::layer::{LogLayer, LogService};
use csghub_errorx::{Error, ErrorCode};
use csghub_errorx_demo::{DemoClient, DemoServer, DemoService, FailRequest};
use hdrhistogram::Histogram;
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};
use tower::ServiceBuilder;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::SubscriberExt;

#[derive(Parser)]
#[command(about = "Load-test the log layers with every catalog code, on 127.0.0.1")]
struct Args {
    /// Concurrent clients, each on its own connection.
    #[arg(long, default_value_t = 10)]
    clients: usize,
    /// Failing RPCs per client and run.
    #[arg(long, default_value_t = 100)]
    rpcs: usize,
    /// Runs, one after the other: the RSS after each shows whether memory
    /// stays flat.
    #[arg(long, default_value_t = 2)]
    runs: usize,
    /// Replies a streaming RPC sends before it fails.
    #[arg(long, default_value_t = 2)]
    replies: u32,
    /// Fails if a run takes longer than this.
    #[arg(long, default_value_t = 600)]
    max_seconds: u64,
}

/// Counts the heap bytes in use, process-wide. The RSS keeps what the
/// allocator holds on to after a peak; this falls back to where it was
/// when nothing leaks.
struct LiveBytes;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed on to `System` unchanged; only the sizes of
// what succeeded are counted.
unsafe impl GlobalAlloc for LiveBytes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE_BYTES.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: LiveBytes = LiveBytes;

fn heap_mib() -> f64 {
    LIVE_BYTES.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0)
}

/// How much the heap in use may grow from the first run to a later one.
const MAX_HEAP_GROWTH_MIB: f64 = 4.0;

/// The index of a code in `csghub_errorx::csghub::CATALOG.codes()`; `CODES` counts lines
/// without a known code.
const CODES: usize = 100;

/// Lines per code, for one side.
struct Tally([AtomicUsize; CODES + 1]);

impl Tally {
    fn new() -> Tally {
        Tally(std::array::from_fn(|_| AtomicUsize::new(0)))
    }

    fn add(&self, index: usize) {
        self.0[index].fetch_add(1, Ordering::Relaxed);
    }

    fn total(&self) -> usize {
        self.0.iter().map(|n| n.load(Ordering::Relaxed)).sum()
    }

    fn take(&self) -> Vec<usize> {
        self.0
            .iter()
            .map(|n| n.swap(0, Ordering::Relaxed))
            .collect()
    }
}

/// Counts the layers' lines by side and code: a `tracing` layer in place of
/// a log file.
struct LineCounter {
    server: Arc<Tally>,
    client: Arc<Tally>,
    index: Arc<BTreeMap<String, usize>>,
}

struct CodeField(Option<String>);

impl Visit for CodeField {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "code" {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for LineCounter {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let tally = match event.metadata().target() {
            "csghub_errorx::server" => &self.server,
            "csghub_errorx::client" => &self.client,
            _ => return,
        };
        let mut code = CodeField(None);
        event.record(&mut code);
        let index = code
            .0
            .and_then(|code| self.index.get(&code).copied())
            .unwrap_or(CODES);
        tally.add(index);
    }
}

/// The process's resident set, in MiB, from `/proc/self/status` (Linux).
fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

fn show_rss(rss: Option<f64>) -> String {
    rss.map_or_else(|| "n/a".to_string(), |mib| format!("{mib:.1} MiB"))
}

type Client = DemoClient<LogService<Channel>>;

/// What one client saw in one run.
struct ClientRun {
    /// Microseconds, to three significant digits.
    latencies: Histogram<u64>,
    mismatches: Vec<String>,
    expected: Vec<usize>,
}

/// A latency histogram from 1 µs to an hour.
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid bounds")
}

/// One RPC for `code`: unary or streaming; the decoded error.
async fn call(
    client: &mut Client,
    code: ErrorCode,
    stream: bool,
    replies: u32,
) -> Result<Error, String> {
    let request = FailRequest {
        code: code.as_str().to_string(),
        context: [("repo".to_string(), "ns/name".to_string())].into(),
        messages_before_error: replies,
    };
    let status = if stream {
        let mut replies_seen = 0;
        match client.fail_stream(request).await {
            Err(status) => status,
            Ok(response) => {
                let mut stream = response.into_inner();
                loop {
                    match stream.message().await {
                        Ok(Some(_)) => replies_seen += 1,
                        Ok(None) => {
                            return Err(format!("{code}: the stream ended without an error"))
                        }
                        Err(status) if replies_seen == replies => break status,
                        Err(_) => {
                            return Err(format!("{code}: {replies_seen} replies of {replies}"))
                        }
                    }
                }
            }
        }
    } else {
        match client.fail(request).await {
            Ok(_) => return Err(format!("{code}: the call succeeded")),
            Err(status) => status,
        }
    };
    Ok(Error::from_status(&status))
}

async fn run_client(mut client: Client, first: usize, rpcs: usize, replies: u32) -> ClientRun {
    let codes: Vec<ErrorCode> = csghub_errorx::csghub::CATALOG.codes().collect();
    let mut run = ClientRun {
        latencies: histogram(),
        mismatches: Vec::new(),
        expected: vec![0; CODES + 1],
    };
    for i in 0..rpcs {
        let index = (first + i) % CODES;
        let code = codes[index];
        run.expected[index] += 1;
        let started = Instant::now();
        let outcome = call(&mut client, code, i % 2 == 1, replies).await;
        run.latencies
            .saturating_record(started.elapsed().as_micros().try_into().unwrap_or(u64::MAX));
        match outcome {
            Ok(error) if error.code() == Some(code) && error.grpc_code() == code.grpc_code() => {}
            Ok(error) => run.mismatches.push(format!(
                "{code}: decoded {:?} ({:?})",
                error.code(),
                error.grpc_code()
            )),
            Err(message) => run.mismatches.push(message),
        }
    }
    run
}

/// Compares the lines a side logged with the RPCs made, per code.
fn accounting(side: &str, logged: &[usize], expected: &[usize]) -> Result<(), String> {
    let codes: Vec<ErrorCode> = csghub_errorx::csghub::CATALOG.codes().collect();
    let wrong: Vec<String> = logged
        .iter()
        .zip(expected)
        .enumerate()
        .filter(|(_, (logged, expected))| logged != expected)
        .map(|(index, (logged, expected))| {
            let name = codes.get(index).map_or("(no code)", |c| c.as_str());
            format!("{name}: {logged} lines for {expected} RPCs")
        })
        .collect();
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!("{side}: {}", wrong.join(", ")))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let server_lines = Arc::new(Tally::new());
    let client_lines = Arc::new(Tally::new());
    let index: BTreeMap<String, usize> = csghub_errorx::csghub::CATALOG
        .codes()
        .enumerate()
        .map(|(i, code)| (code.as_str().to_string(), i))
        .collect();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::filter::LevelFilter::INFO)
        .with(LineCounter {
            server: server_lines.clone(),
            client: client_lines.clone(),
            index: Arc::new(index),
        });
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        eprintln!("load: a global subscriber is already set");
        return ExitCode::FAILURE;
    }

    let Ok(listener) = TcpListener::bind("127.0.0.1:0").await else {
        eprintln!("load: cannot bind 127.0.0.1");
        return ExitCode::FAILURE;
    };
    let Ok(addr) = listener.local_addr() else {
        return ExitCode::FAILURE;
    };
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    tokio::spawn(
        Server::builder()
            .layer(LogLayer::server())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming),
    );

    println!(
        "load: {} clients x {} RPCs on 127.0.0.1, all {CODES} codes, unary and streaming in turn, {} runs",
        args.clients, args.rpcs, args.runs
    );
    println!(
        "before: rss {}, heap in use {:.1} MiB",
        show_rss(rss_mib()),
        heap_mib()
    );
    let mut failed = false;
    let mut heap_after_first = None;
    for run in 1..=args.runs {
        match one_run(&args, addr, &server_lines, &client_lines).await {
            Ok(summary) => println!("run {run}: {summary}"),
            Err(problem) => {
                println!("run {run}: FAILED: {problem}");
                failed = true;
            }
        }
        // The clients are gone; let the server close their connections.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let heap = heap_mib();
        println!(
            "after run {run}: rss {}, heap in use {heap:.1} MiB",
            show_rss(rss_mib()),
        );
        // Every run frees what it allocated; a few MiB of slack for the
        // connections the server is still closing.
        let first = *heap_after_first.get_or_insert(heap);
        if heap > first + MAX_HEAP_GROWTH_MIB {
            println!("run {run}: FAILED: the heap in use grew from {first:.1} to {heap:.1} MiB");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        println!("ok: 0 mismatches, exactly one line per RPC on each side");
        ExitCode::SUCCESS
    }
}

async fn one_run(
    args: &Args,
    addr: std::net::SocketAddr,
    server_lines: &Tally,
    client_lines: &Tally,
) -> Result<String, String> {
    let mut clients = Vec::with_capacity(args.clients);
    for _ in 0..args.clients {
        let channel = Channel::from_shared(format!("http://{addr}"))
            .map_err(|e| e.to_string())?
            .connect()
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        clients.push(DemoClient::new(
            ServiceBuilder::new()
                .layer(LogLayer::client())
                .service(channel),
        ));
    }
    let started = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        // Each client starts at another code, so all codes are in flight.
        .map(|(i, client)| tokio::spawn(run_client(client, i * 7, args.rpcs, args.replies)))
        .collect();
    let all = async {
        let mut runs = Vec::with_capacity(tasks.len());
        for task in tasks {
            runs.push(task.await.map_err(|e| format!("a client failed: {e}"))?);
        }
        Ok::<_, String>(runs)
    };
    let runs = tokio::time::timeout(Duration::from_secs(args.max_seconds), all)
        .await
        .map_err(|_| format!("over {} s", args.max_seconds))??;
    let elapsed = started.elapsed();

    let total = args.clients * args.rpcs;
    let mut expected = vec![0; CODES + 1];
    let mut latencies = histogram();
    let mut mismatches = Vec::new();
    for run in runs {
        for (sum, n) in expected.iter_mut().zip(&run.expected) {
            *sum += n;
        }
        latencies
            .add(&run.latencies)
            .map_err(|e| format!("latencies: {e}"))?;
        mismatches.extend(run.mismatches);
    }
    // The server logs a stream's line as its trailers go out, which may be
    // after the client has read them.
    let deadline = Instant::now() + Duration::from_secs(5);
    while (server_lines.total() < total || client_lines.total() < total)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let server = server_lines.take();
    let client = client_lines.take();
    let summary = format!(
        "{total} RPCs in {:.2} s: {:.0} RPC/s, p50 {:.2} ms, p99 {:.2} ms; mismatches {}; lines: server {}/{total}, client {}/{total}",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        latencies.value_at_quantile(0.50) as f64 / 1000.0,
        latencies.value_at_quantile(0.99) as f64 / 1000.0,
        mismatches.len(),
        server.iter().sum::<usize>(),
        client.iter().sum::<usize>(),
    );
    let mut problems = Vec::new();
    if !mismatches.is_empty() {
        problems.push(format!(
            "{} mismatches, first: {}",
            mismatches.len(),
            mismatches[0]
        ));
    }
    problems.extend(accounting("server", &server, &expected).err());
    problems.extend(accounting("client", &client, &expected).err());
    if problems.is_empty() {
        Ok(summary)
    } else {
        Err(format!("{summary}\n  {}", problems.join("\n  ")))
    }
}
