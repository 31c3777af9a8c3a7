//! The examples a new user runs first, run as the processes they are.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// An example binary that `cargo test` built beside this test.
fn example(name: &str) -> PathBuf {
    let deps = std::env::current_exe().expect("test path");
    let path = deps
        .parent()
        .and_then(|d| d.parent())
        .expect("target dir")
        .join("examples")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: run the README's test command, `cargo test --all-features`, which builds the examples",
        path.display()
    );
    path
}

fn output(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"))
}

#[test]
fn the_demo_round_trips_real_errors_and_exits_0() {
    let out = output(Command::new(example("demo")).env_remove("RUST_LOG"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "code:        GIT-ERR-8",
        "code:        REQ-ERR-10",
        "detail:      RetryInfo",
        "code:        REQ-ERR-6",
        "detail:      BadRequest",
        "code:        GIT-ERR-17",
        "...(truncated)",
        "reply 1",
        "code:        TASK-ERR-5",
        "code:        GIT-ERR-13",
        "code:        AUTH-ERR-2",
        "code:        SYS-ERR-2",
        // The REST call on the same port, and its decoded error.
        "POST /v1/demo:fail over HTTP/JSON",
        "HTTP 429 Too Many Requests",
        "retry-after: 1",
        r#"{"error":{"code":429,"#,
        "limit = 100/min",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    // The layers' log lines are there, on both sides, with the catalog code.
    assert!(stdout.contains("csghub_errorx::server: rpc failed"));
    assert!(stdout.contains("csghub_errorx::client: rpc failed"));
    assert!(stdout.contains("code=SYS-ERR-2"));
    assert!(stdout.contains("csghub_errorx::http: request failed"));
    // The storage cause is in the server's log line, and nowhere else.
    let cause = "input/output error";
    let lines_with_cause: Vec<&str> = stdout.lines().filter(|l| l.contains(cause)).collect();
    assert_eq!(lines_with_cause.len(), 1, "{lines_with_cause:#?}");
    assert!(lines_with_cause[0].contains("csghub_errorx::server"));
}

/// The server example on an ephemeral port. Killed when dropped.
struct ServerProcess {
    child: Child,
    addr: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(args: &[&str]) -> ServerProcess {
    let mut child = Command::new(example("server"))
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("a line");
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected {line:?}"))
        .to_string();
    ServerProcess { child, addr }
}

/// Reads the server's log until a line contains `needle`.
fn server_log_line(server: &mut ServerProcess, needle: &str) -> String {
    let stderr = server.child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    loop {
        let line = lines
            .next()
            .expect("the server logs the call")
            .expect("utf-8");
        if line.contains(needle) {
            return line;
        }
    }
}

fn client(addr: &str, args: &[&str]) -> Output {
    output(
        Command::new(example("client"))
            .args(["--addr", &format!("http://{addr}")])
            .args(args),
    )
}

#[test]
fn the_client_prints_the_decoded_error_and_the_server_logs_one_line_with_the_code() {
    let mut server = start_server(&[]);
    let out = client(
        &server.addr,
        &["GIT-ERR-8", "-c", "repo=ns/name", "-c", "remote=origin"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("code:        GIT-ERR-8"));
    assert!(stdout.contains("name:        gitAuthFailed"));
    assert!(stdout.contains("repo = ns/name"));
    let line = server_log_line(&mut server, "rpc failed");
    assert!(line.contains("code=GIT-ERR-8"), "{line}");
    assert!(
        line.contains("rpc.method=/csghub.errorx.demo.v1.Demo/Fail"),
        "{line}"
    );
}

#[test]
fn the_client_streams_replies_before_the_error() {
    let server = start_server(&[]);
    let out = client(
        &server.addr,
        &["taskNotFound-is-not-a-code", "--stream", "2"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.starts_with("reply 0\nreply 1\n"), "{stdout}");
    assert!(stdout.contains("code:        REQ-ERR-6"));
}

#[test]
fn the_server_with_auth_rejects_calls_without_the_token() {
    let server = start_server(&["--auth-token", "s3cret"]);
    let denied = client(&server.addr, &["GIT-ERR-8"]);
    assert!(String::from_utf8_lossy(&denied.stdout).contains("code:        AUTH-ERR-5"));
    let wrong = client(&server.addr, &["GIT-ERR-8", "--token", "guess"]);
    assert!(String::from_utf8_lossy(&wrong.stdout).contains("code:        AUTH-ERR-4"));
    let allowed = client(&server.addr, &["GIT-ERR-8", "--token", "s3cret"]);
    assert!(String::from_utf8_lossy(&allowed.stdout).contains("code:        GIT-ERR-8"));
}

#[test]
fn the_client_exits_1_when_it_cannot_connect() {
    let out = client("127.0.0.1:1", &["GIT-ERR-8"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_client_over_http_decodes_the_csghub_envelope_from_the_same_port() {
    let mut server = start_server(&["--json-shape", "csghub"]);
    let out = client(&server.addr, &["--http", "GIT-ERR-8", "-c", "repo=ns/name"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("HTTP 401 Unauthorized"), "{stdout}");
    assert!(stdout.contains("www-authenticate: Bearer"), "{stdout}");
    assert!(stdout.contains("code:        GIT-ERR-8"), "{stdout}");
    assert!(stdout.contains("repo = ns/name"), "{stdout}");
    // gRPC on the same port still works.
    let grpc = client(&server.addr, &["GIT-ERR-9"]);
    assert!(String::from_utf8_lossy(&grpc.stdout).contains("code:        GIT-ERR-9"));
    let line = server_log_line(&mut server, "csghub_errorx::http");
    assert!(line.contains("http.route=/v1/demo:fail"), "{line}");
    assert!(line.contains("code=GIT-ERR-8"), "{line}");
}

#[test]
fn the_client_over_http_asks_for_problem_details_and_the_server_checks_the_token() {
    let server = start_server(&["--auth-token", "s3cret"]);
    let denied = client(&server.addr, &["--http", "GIT-ERR-8", "--problem"]);
    let stdout = String::from_utf8_lossy(&denied.stdout);
    assert!(
        stdout.contains("content-type: application/problem+json"),
        "{stdout}"
    );
    assert!(stdout.contains("code:        AUTH-ERR-5"), "{stdout}");
    let allowed = client(&server.addr, &["--http", "REQ-ERR-10", "--token", "s3cret"]);
    let stdout = String::from_utf8_lossy(&allowed.stdout);
    assert!(stdout.contains("retry-after: 1"), "{stdout}");
    assert!(stdout.contains("code:        REQ-ERR-10"), "{stdout}");
}

#[test]
fn beside_tower_http_each_rpc_has_one_line_per_side_inside_its_span() {
    let out = output(Command::new(example("tower_http")).env_remove("RUST_LOG"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server_lines: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("csghub_errorx::server"))
        .collect();
    assert_eq!(server_lines.len(), 2, "{stdout}");
    for line in &server_lines {
        // Inside tower-http's span, which the fmt subscriber prints first.
        assert!(line.contains("request{method=POST"), "{line}");
    }
    assert!(server_lines[0].contains("code=GIT-ERR-9"), "{stdout}");
    assert!(server_lines[1].contains("code=TASK-ERR-5"), "{stdout}");
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.contains("csghub_errorx::client"))
            .count(),
        2,
        "{stdout}"
    );
    assert!(!stdout.contains("tower_http"), "no second line: {stdout}");
}

#[test]
fn the_client_asks_for_a_language_over_grpc_and_http() {
    let server = start_server(&[]);
    let grpc = client(
        &server.addr,
        &["GIT-ERR-8", "-c", "remote=origin", "--lang", "zh-TW"],
    );
    let stdout = String::from_utf8_lossy(&grpc.stdout);
    assert!(
        grpc.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&grpc.stderr)
    );
    assert!(stdout.contains("localized:   [zh-HK] "), "{stdout}");
    let http = client(&server.addr, &["--http", "GIT-ERR-8", "--lang", "zh-CN"]);
    let stdout = String::from_utf8_lossy(&http.stdout);
    assert!(stdout.contains("content-language: zh-CN"), "{stdout}");
}

#[test]
fn the_load_example_decodes_every_code_and_logs_one_line_per_rpc_at_20_x_100() {
    let out = output(Command::new(example("load")).args(["--clients", "20", "--rpcs", "100"]));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout
            .matches("mismatches 0; lines: server 2000/2000, client 2000/2000")
            .count(),
        2,
        "{stdout}"
    );
    common::say(&format!("load example, 20 x 100:\n{stdout}"));
}

/// A line break and the ways to take over a terminal: ESC (CSI), a C1
/// CSI, a bidi override and a Unicode line separator, then 1 KiB.
fn forged() -> String {
    format!(
        "x\r\nFORGED-LINE level=ERROR \u{1b}[31m red \u{9b}31m \u{202e}rtl \u{2028}{}",
        "A".repeat(1024)
    )
}

/// Fails unless `bytes` hold no raw byte that starts a line or drives a
/// terminal, no forged line, and no line over 8 KiB.
fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    assert!(!bytes.contains(&0x1b), "{what}: a raw ESC: {text}");
    assert!(!bytes.contains(&b'\r'), "{what}: a raw CR: {text}");
    for c in ['\u{9b}', '\u{202e}', '\u{2028}'] {
        assert!(!text.contains(c), "{what}: a raw {c:?}: {text}");
    }
    for line in text.lines() {
        assert!(
            !line.starts_with("FORGED-LINE"),
            "{what}: a forged line: {line}"
        );
        assert!(
            line.len() <= 8 * 1024,
            "{what}: a line of {} bytes",
            line.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_client_shows_a_hostile_servers_strings_escaped_and_cut() {
    use prost::Message as _;
    let text = forged();
    let google = tonic_types::pb::ErrorInfo {
        reason: text.clone(),
        domain: text.clone(),
        metadata: [(text.clone(), text.clone())].into(),
    };
    let details = tonic_types::pb::Status {
        code: tonic::Code::Internal as i32,
        message: text.clone(),
        details: vec![prost_types::Any {
            type_url: "type.googleapis.com/google.rpc.ErrorInfo".into(),
            value: google.encode_to_vec(),
        }],
    };
    let status =
        tonic::Status::with_details(tonic::Code::Internal, text, details.encode_to_vec().into());
    let headers = status.into_http::<()>().headers().clone();
    let peer =
        common::raw_h2::RawH2Server::start(common::raw_h2::Answer::TrailersOnly(headers)).await;
    let addr = peer.addr.to_string();
    let out = tokio::task::spawn_blocking(move || client(&addr, &["GIT-ERR-8"]))
        .await
        .expect("the client ran");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("FORGED-LINE"));
    assert_clean("stdout", &out.stdout);
    assert_clean("stderr", &out.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_client_over_http_shows_a_hostile_servers_headers_and_body_escaped_and_cut() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let text = forged();
    let body = serde_json::json!({
        "error": {
            "code": 403,
            "message": text,
            "status": "PERMISSION_DENIED",
            "details": [{
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": text,
                "domain": text,
                "metadata": { "key": text },
            }],
        }
    })
    .to_string();
    // Header values may hold bytes 0x80-0xFF: UTF-8 C1 controls.
    let mut response = format!(
        "HTTP/1.1 403 Forbidden\r\ncontent-length: {}\r\nconnection: close\r\ncontent-type: application/json; x=",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice("\u{9b}31m\u{202e}".as_bytes());
    response.extend_from_slice(b"\r\nwww-authenticate: Bearer ");
    response.extend(std::iter::repeat_n(b'A', 64 * 1024));
    response.extend_from_slice(b"\r\n\r\n");
    response.extend_from_slice(body.as_bytes());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    let server = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = vec![0; 64 * 1024];
            let _ = socket.read(&mut request).await;
            let _ = socket.write_all(&response).await;
            let _ = socket.shutdown().await;
        }
    });
    let out = tokio::task::spawn_blocking(move || client(&addr, &["--http", "AUTH-ERR-2"]))
        .await
        .expect("the client ran");
    server.abort();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("HTTP 403"), "{stdout}");
    assert!(stdout.contains("FORGED-LINE"), "{stdout}");
    assert_clean("stdout", &out.stdout);
    assert_clean("stderr", &out.stderr);
}

#[cfg(feature = "otel")]
#[test]
fn the_otel_example_prints_each_rpcs_spans_by_the_conventions() {
    let out = output(Command::new(example("otel")).env_remove("RUST_LOG"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Three RPCs, a span on each side.
    let spans: Vec<&str> = stdout
        .split("\n\n")
        .filter(|s| !s.trim().is_empty())
        .collect();
    assert_eq!(spans.len(), 6, "{stdout}");
    let server_not_found = spans
        .iter()
        .find(|s| s.starts_with("grpc.server") && s.contains("error.code = GIT-ERR-9"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        server_not_found.contains("status=Unset"),
        "{server_not_found}"
    );
    assert!(server_not_found.contains("error.context.repo = opencsg/csghub"));
    let client_not_found = spans
        .iter()
        .find(|s| s.starts_with("grpc.client") && s.contains("error.code = GIT-ERR-9"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        client_not_found.contains("status=Error"),
        "{client_not_found}"
    );
    let panicked = spans
        .iter()
        .find(|s| s.starts_with("grpc.server") && s.contains("error.code = SYS-ERR-0"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        panicked.contains("event rpc.server.call.exception"),
        "{panicked}"
    );
    assert!(panicked.contains("exception.type = panic"), "{panicked}");
}

/// The example server's log lines, to its end: the server is stopped first,
/// so that reading is bounded.
fn server_log_lines(mut server: ServerProcess) -> Vec<String> {
    let _ = server.child.kill();
    let stderr = server.child.stderr.take().expect("stderr");
    BufReader::new(stderr)
        .lines()
        .map(|line| line.expect("utf-8"))
        .collect()
}

/// What a client with gRPC's retry policy (3 attempts, 10 to 50 ms of
/// backoff, `UNAVAILABLE` retried) shows when it waited the example
/// server's pushback: `TASK-ERR-5` failed three times, and the two waits
/// were the demo's 1 s, not the policy's backoff; the server logged each
/// attempt.
fn assert_waited_the_pushback(server: ServerProcess, grpc_code: i64, elapsed_ms: f64) {
    assert_eq!(grpc_code, tonic::Code::Unavailable as i64);
    assert!(
        elapsed_ms >= 2000.0,
        "waited the 2 x 1 s pushback: {elapsed_ms} ms"
    );
    let attempts = server_log_lines(server)
        .into_iter()
        .filter(|line| line.contains("rpc failed") && line.contains("code=TASK-ERR-5"))
        .count();
    assert_eq!(attempts, 3);
}

#[tokio::test]
async fn with_retry_hints_a_grpcio_client_waits_the_example_servers_pushback() {
    let server = start_server(&["--retry-hints"]);
    let mut command = common::python::command("retry_client.py");
    command.args([server.addr.as_str(), "TASK-ERR-5"]);
    let result = common::json_value(command).await;
    assert_waited_the_pushback(
        server,
        result["grpc_code"].as_i64().expect("a code"),
        result["elapsed_ms"].as_f64().expect("a time"),
    );
}

#[tokio::test]
async fn with_retry_hints_a_grpc_go_client_waits_the_example_servers_pushback() {
    let Some(go) = common::go::programs() else {
        return;
    };
    let server = start_server(&["--retry-hints"]);
    let mut command = Command::new(&go.client);
    command
        .args(["-retry", "-retry-code", "TASK-ERR-5", "-addr", &server.addr])
        .env("GRPC_GO_RETRY", "on");
    let result = common::json_value(command).await;
    assert_waited_the_pushback(
        server,
        result["grpcCode"].as_i64().expect("a code"),
        result["elapsedMs"].as_f64().expect("a time"),
    );
}
