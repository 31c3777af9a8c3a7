//! Real tonic servers on 127.0.0.1 for the integration tests.
#![allow(dead_code)] // each test binary uses its own part

// Debian's Chromium and playwright-core, shared with crates/cli's tests.
#[path = "../../browser/browser.rs"]
pub mod browser;
pub mod cache;
pub mod go;
pub mod http;
pub mod logs;
pub mod npm;
pub mod protos;
pub mod python;
pub mod raw_h2;
pub mod ts;
pub mod web;

use std::net::SocketAddr;

use csghub_errorx_demo::{DemoClient, DemoServer, DemoService, FailReply, FailRequest};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Server};

/// A `Demo` server on an ephemeral loopback port. Stops when dropped.
pub struct DemoFixture {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for DemoFixture {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl DemoFixture {
    pub async fn start() -> DemoFixture {
        DemoFixture::start_with(|builder| builder.add_service(DemoServer::new(DemoService::new())))
            .await
    }

    /// Starts a server whose routes `routes` adds to a plain builder.
    pub async fn start_with(
        routes: impl FnOnce(&mut Server) -> tonic::transport::server::Router,
    ) -> DemoFixture {
        let mut server = Server::builder();
        let router = routes(&mut server);
        DemoFixture::spawn(move |incoming| async move {
            let _ = router.serve_with_incoming(incoming).await;
        })
        .await
    }

    /// Binds a loopback port and runs `serve` on its connections; for
    /// servers with layers, whose router types are long.
    ///
    /// The connections have TCP_NODELAY set, as `Server::serve` would: a
    /// reply's headers, message and trailers are separate small writes,
    /// which Nagle's algorithm holds back for the peer's delayed ACK
    /// (grpc-go took 20 ms per call here without it).
    pub async fn spawn<F, Fut>(serve: F) -> DemoFixture
    where
        F: FnOnce(TcpIncoming) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
        let task = tokio::spawn(serve(incoming));
        DemoFixture { addr, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.url())
            .expect("url")
            .connect()
            .await
            .expect("connect")
    }

    pub async fn client(&self) -> DemoClient<Channel> {
        DemoClient::new(self.channel().await)
    }
}

/// A `Demo` request: fail with `code` (a code string, name or reason; for
/// the Python server, the reason to send), carrying `context`.
pub fn request(code: &str, context: &[(&str, &str)], messages_before_error: u32) -> FailRequest {
    FailRequest {
        code: code.to_string(),
        context: context
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        messages_before_error,
    }
}

/// Writes a line to the real stderr, where CI's log shows it: the test
/// harness captures `eprintln!` of passing tests, and a skipped check must
/// not pass unnoticed.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Passes a test that cannot run here because a tool it needs is missing
/// and cannot be installed, saying so on stderr, on a developer's machine;
/// fails it where `CI` is set, since CI must run every test (a green run
/// that skipped one would hide a missing install step).
pub fn skip(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("CI is set, and this test cannot run: {why}");
    }
    say(&format!("skipped: {why}"));
}

/// The name of the generated catalog enum of `module`: `GitError` for
/// [`Module::GIT`](csghub_errorx::Module::GIT).
pub fn catalog_enum_name(module: csghub_errorx::Module) -> String {
    format!("{}Error", module.title())
}

/// A retry class by its name in `options.proto`: `RETRY_CLASS_BACKOFF`,
/// what a client in another language reads from the generated code.
pub fn retry_class_proto_name(class: csghub_errorx::RetryClass) -> &'static str {
    match class {
        csghub_errorx::RetryClass::Never => "RETRY_CLASS_NEVER",
        csghub_errorx::RetryClass::AfterServerDelay => "RETRY_CLASS_AFTER_SERVER_DELAY",
        csghub_errorx::RetryClass::Backoff => "RETRY_CLASS_BACKOFF",
        other => panic!("no proto name for {other:?}"),
    }
}

/// Reads a `FailStream` to its error: the indexes of the replies before it,
/// and the status. Panics if the stream ends without one.
pub async fn replies_then_error(
    stream: &mut tonic::Streaming<FailReply>,
) -> (Vec<u32>, tonic::Status) {
    let mut replies = Vec::new();
    loop {
        match stream.message().await {
            Ok(Some(reply)) => replies.push(reply.index),
            Ok(None) => panic!("the stream ended without an error after {replies:?}"),
            Err(status) => return (replies, status),
        }
    }
}

/// Runs `command` (a Python or Go peer), writes `stdin` to it off the async
/// runtime, fails the test if it fails, and returns its stdout's lines,
/// each a JSON value.
pub async fn json_lines(
    mut command: std::process::Command,
    stdin: String,
) -> Vec<serde_json::Value> {
    use std::io::Write as _;
    use std::process::Stdio;

    let what = format!("{command:?}");
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{what} starts: {e}"));
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write to the peer");
        child.wait_with_output().expect("the peer ends")
    })
    .await
    .expect("join");
    assert!(
        output.status.success(),
        "the peer failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect()
}

/// Runs `command`, a peer that prints one JSON value, as [`json_lines`]
/// runs one (with nothing on its stdin), and returns that value.
pub async fn json_value(command: std::process::Command) -> serde_json::Value {
    let mut values = json_lines(command, String::new()).await;
    assert_eq!(values.len(), 1, "one JSON value: {values:?}");
    values.remove(0)
}
