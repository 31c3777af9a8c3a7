//! No peer can forge or flood a log line: every string a peer controls is
//! escaped and bounded on its way into the layers' lines, whatever a client
//! or server sends (a newline, an escape sequence, a C1 control, a bidi
//! override, a megabyte), in the gRPC layers, the HTTP layer and the guard.
//! The command line and the example client are checked in their own tests
//! (`crates/cli/tests/cli.rs`, `tests/examples.rs`).

use crate::common;

use common::logs::{assert_clean, capture_text, Logs};
use common::raw_h2::{Answer, RawH2Client, RawH2Server};
use common::{request, DemoFixture};
use csghub_errorx::layer::LogLayer;
use csghub_errorx::{Error, ErrorCode};
use csghub_errorx_demo::{DemoClient, DemoServer, DemoService};
use prost::Message as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tonic::transport::{Channel, Server};
use tower::ServiceBuilder;
use tracing::Level;

/// A line break and the ways to take over a terminal: ESC (CSI), a C1
/// CSI, a bidi override and a Unicode line separator.
const FORGED: &str = "x\r\nFORGED-LINE level=ERROR \u{1b}[31m red \u{9b}31m \u{202e}rtl \u{2028}";

/// [`FORGED`] then a megabyte.
fn forged_megabyte() -> String {
    format!("{FORGED}{}", "A".repeat(1 << 20))
}

/// The status details of a hostile server: every string it may send (an
/// unknown module's code string, the reason, the domain, the context's
/// keys and values, the message) is `text`.
fn hostile_details(text: &str) -> Vec<u8> {
    #[allow(deprecated)]
    let typed = csghub_errorx::proto::v1::ErrorInfo {
        module: 42,
        number: 7,
        code: text.to_string(),
        ..Default::default()
    };
    let google = tonic_types::pb::ErrorInfo {
        reason: text.to_string(),
        domain: text.to_string(),
        metadata: [
            (text.to_string(), text.to_string()),
            ("key".to_string(), text.to_string()),
        ]
        .into(),
    };
    let any = |type_name: &str, value: Vec<u8>| prost_types::Any {
        type_url: format!("type.googleapis.com/{type_name}"),
        value,
    };
    tonic_types::pb::Status {
        code: tonic::Code::Internal as i32,
        message: text.to_string(),
        details: vec![
            any("google.rpc.ErrorInfo", google.encode_to_vec()),
            any("csghub.errorx.v1.ErrorInfo", typed.encode_to_vec()),
        ],
    }
    .encode_to_vec()
}

/// The trailers-only headers of a hostile server: `grpc-message` (percent
/// encoded) and the details all carry `text`.
fn hostile_headers(text: &str) -> http::HeaderMap {
    let status = tonic::Status::with_details(
        tonic::Code::Internal,
        text.to_string(),
        hostile_details(text).into(),
    );
    status.into_http::<()>().headers().clone()
}

/// A client layer on a channel that accepts headers of any size.
async fn roomy_client(
    url: String,
) -> DemoClient<csghub_errorx::layer::LogService<tonic::transport::Channel>> {
    let channel = Channel::from_shared(url)
        .expect("url")
        .http2_max_header_list_size(64 << 20)
        .connect()
        .await
        .expect("connect");
    DemoClient::new(
        ServiceBuilder::new()
            .layer(LogLayer::client())
            .service(channel),
    )
}

fn events(logs: &Logs, target: &str) -> usize {
    logs.all().iter().filter(|e| e.target == target).count()
}

/// Waits (5 s at most) until `target` has `count` events.
async fn settle(logs: &Logs, target: &str, count: usize) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while events(logs, target) < count && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
}

#[tokio::test]
async fn a_hostile_servers_strings_cannot_forge_or_flood_the_client_log() {
    let (logs, text, _guard) = capture_text();
    let peer = RawH2Server::start(Answer::TrailersOnly(hostile_headers(&forged_megabyte()))).await;
    let mut client = roomy_client(peer.url()).await;
    let status = client.fail(request("", &[], 0)).await.unwrap_err();

    // The decoded error is bounded where it adds to what tonic accepted.
    let error = Error::from_status(&status);
    assert!(error.code_str().is_some_and(|c| c.len() <= 64));
    assert!(error.reason().len() <= 63);
    assert!(error.domain().is_some_and(|d| d.len() <= 253));

    assert_eq!(events(&logs, "csghub_errorx::client"), 1);
    let event = &logs.side("client")[0];
    // At DEBUG the details would be a 1.4 MB field: only their length is.
    assert_eq!(event.field("grpc.status_details_bin"), None);
    assert_eq!(
        event.field("grpc.status_details_bin_omitted_len"),
        Some(&*status.details().len().to_string())
    );
    assert_clean(&text, 1);
}

#[tokio::test]
async fn a_hostile_servers_status_of_normal_size_is_logged_whole_at_debug_yet_escaped() {
    let (logs, text, _guard) = capture_text();
    let forged = format!("{FORGED}{}", "A".repeat(2000));
    let peer = RawH2Server::start(Answer::TrailersOnly(hostile_headers(&forged))).await;
    let mut client = roomy_client(peer.url()).await;
    client.fail(request("", &[], 0)).await.unwrap_err();
    assert_eq!(events(&logs, "csghub_errorx::client"), 1);
    assert!(logs.side("client")[0]
        .field("grpc.status_details_bin")
        .is_some());
    assert_clean(&text, 1);
}

#[tokio::test]
async fn a_hostile_clients_method_path_cannot_forge_or_flood_the_server_log() {
    let (logs, text, _guard) = capture_text();
    let server = DemoFixture::spawn(|incoming| async move {
        let _ = Server::builder()
            .http2_max_header_list_size(64 << 20)
            .layer(LogLayer::server())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    // A URI path cannot hold ASCII controls, but may hold any UTF-8 (C1
    // controls and bidi overrides among them), up to 64 KiB.
    let mut path = b"/csghub.errorx.demo.v1.Demo/Fail".to_vec();
    path.extend_from_slice("\u{9b}31m\u{202e}rtl\u{2028}".as_bytes());
    path.extend(std::iter::repeat_n(b'A', 60 * 1024));
    let mut client = RawH2Client::connect(server.addr, 64 << 20).await;
    let reply = client
        .call(RawH2Client::request(&path, &http::HeaderMap::new()), &[])
        .await;
    assert_eq!(reply.grpc_status(), Some("12"), "{reply:?}");
    settle(&logs, "csghub_errorx::server", 1).await;
    assert_eq!(events(&logs, "csghub_errorx::server"), 1);
    assert_clean(&text, 1);
}

#[tokio::test]
async fn a_hostile_clients_context_cannot_forge_or_flood_either_log() {
    let (logs, text, _guard) = capture_text();
    let server = DemoFixture::spawn(|incoming| async move {
        let _ = Server::builder()
            .layer(LogLayer::server())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    let mut client = roomy_client(server.url()).await;
    let forged = forged_megabyte();
    let status = client
        .fail(request(
            "GIT-ERR-9",
            &[(&forged, &forged), ("repo", &forged)],
            0,
        ))
        .await
        .unwrap_err();
    assert!(Error::from_status(&status).is(ErrorCode::GIT_REPO_NOT_FOUND));
    settle(&logs, "csghub_errorx::server", 1).await;
    assert_eq!(events(&logs, "csghub_errorx::server"), 1);
    assert_eq!(events(&logs, "csghub_errorx::client"), 1);
    assert_clean(&text, 2);
}

#[tokio::test]
async fn the_guards_warning_quotes_nothing_a_peer_sent() {
    let (logs, text, _guard) = capture_text();
    let mut headers = http::HeaderMap::new();
    let long = format!("1{}", "A".repeat(64 * 1024));
    headers.insert("grpc-status", long.parse().unwrap());
    headers.insert("grpc-message", "m".parse().unwrap());
    headers.insert("grpc-status-details-bin", long.parse().unwrap());
    let peer = RawH2Server::start(Answer::TrailersOnly(headers)).await;
    let mut client = roomy_client(peer.url()).await;
    let status = client.fail(request("", &[], 0)).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unknown);
    let warnings: Vec<_> = logs
        .all()
        .into_iter()
        .filter(|e| e.target == "csghub_errorx::guard")
        .collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].level, Level::WARN);
    assert_eq!(warnings[0].field("rpc.grpc.status_code"), Some("2"));
    assert_clean(&text, 2);
}

#[tokio::test]
async fn a_hostile_http_clients_path_and_method_cannot_forge_or_flood_the_http_log() {
    let (logs, text, _guard) = capture_text();
    let server = common::http::HttpFixture::start(csghub_errorx::http::HttpErrors::new()).await;
    // Raw HTTP/1.1: a method that is a long token, and a path with UTF-8
    // C1 controls and a bidi override, each 30 KiB long.
    let method = "FORGED".repeat(5000);
    let mut head = format!("{method} /v1/").into_bytes();
    head.extend_from_slice("\u{9b}31m\u{202e}rtl".as_bytes());
    head.extend(std::iter::repeat_n(b'A', 30 * 1024));
    head.extend_from_slice(b" HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    let mut socket = tokio::net::TcpStream::connect(server.addr)
        .await
        .expect("connect");
    socket.write_all(&head).await.expect("write");
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 4"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    settle(&logs, "csghub_errorx::http", 1).await;
    assert_eq!(events(&logs, "csghub_errorx::http"), 1, "{answer}");
    assert_clean(&text, 1);
}
