//! The first thing to run: `cargo run --example demo`.
//!
//! Starts the `Demo` and `Repos` services in-process on an ephemeral
//! loopback port, behind the server log layer, and calls them through a
//! client behind the client log layer. For each call it prints the log
//! lines both layers wrote and what the client decoded. Last, it calls
//! `Demo.Fail` over HTTP/JSON on the same port, and decodes the JSON.

use std::collections::BTreeMap;

use csghub_errorx::http::{HttpErrors, OnePort};
use csghub_errorx::layer::LogLayer;
use csghub_errorx::Error;
use csghub_errorx_demo::{
    DemoClient, DemoServer, DemoService, FailRequest, GetFileRequest, RepoService, ReposClient,
    ReposServer,
};
use tokio::net::TcpListener;
use tokio_stream::StreamExt;
use tonic::service::Routes;
use tonic::transport::Channel;
use tower::ServiceBuilder;

/// Context entries of a demo call.
type Context = &'static [(&'static str, &'static str)];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter("csghub_errorx=debug")
        .with_writer(std::io::stdout)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .without_time()
        .init();

    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // gRPC, gRPC-Web and HTTP/JSON on one port, as the library composes
    // them: each RPC logged once by the server log layer (a panicking
    // handler answered SYS-ERR-0 inside it), each REST request by the HTTP
    // error layer, unknown routes answered with the catalog's 404.
    let app = OnePort::new(
        Routes::new(DemoServer::new(DemoService::new()))
            .add_service(ReposServer::new(RepoService::with_sample_data())),
    )
    .rest(csghub_errorx_demo::http::router())
    .http_errors(HttpErrors::new())
    .log_layer(LogLayer::server())
    .into_router();
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("server listening on {addr} (gRPC and HTTP/JSON)\n");

    let channel = Channel::from_shared(format!("http://{addr}"))?
        .connect()
        .await?;
    let channel = ServiceBuilder::new()
        .layer(LogLayer::client())
        .service(channel);
    let mut demo = DemoClient::new(channel.clone());
    let mut repos = ReposClient::new(channel);

    let calls: [(&str, &str, Context); 5] = [
        (
            "an authentication failure",
            "GIT-ERR-8",
            &[("remote", "origin")],
        ),
        (
            "a rate limit, with RetryInfo",
            "errRateLimitExceeded",
            &[("limit", "100/min")],
        ),
        (
            "a code the catalog lacks: REQ-ERR-6 with a BadRequest",
            "NOPE-ERR-1",
            &[],
        ),
        (
            "a 1 MiB context value, cut to fit the header budget",
            "GIT_LFS_ERROR",
            &[],
        ),
        (
            "a handler that panics: SYS-ERR-0, the panic logged as the cause, never sent",
            csghub_errorx_demo::PANIC,
            &[],
        ),
    ];
    for (what, code, context) in calls {
        heading(&format!("Demo.Fail: {what}"));
        let mut context: BTreeMap<String, String> = context
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if code == "GIT_LFS_ERROR" {
            context.insert("object".into(), "x".repeat(1 << 20));
        }
        let request = FailRequest {
            code: code.into(),
            context,
            messages_before_error: 0,
        };
        let status = demo.fail(request).await.expect_err("Fail always fails");
        show(&Error::from_status(&status));
    }

    heading("Demo.FailStream: two replies, then TASK-ERR-5 in the trailers");
    let request = FailRequest {
        code: "TASK-ERR-5".into(),
        context: [("cluster".to_string(), "gpu-a".to_string())].into(),
        messages_before_error: 2,
    };
    let mut stream = demo.fail_stream(request).await?.into_inner();
    while let Some(item) = stream.next().await {
        match item {
            Ok(reply) => println!("reply {}", reply.index),
            Err(status) => show(&Error::from_status(&status)),
        }
    }

    let files: [(&str, &str, &str); 3] = [
        ("a file that does not exist", "opencsg/csghub", "nope.md"),
        ("a private repository", "opencsg/secret", "plan.txt"),
        (
            "a storage fault: the cause is logged on the server, never sent",
            "opencsg/csghub",
            "broken.bin",
        ),
    ];
    for (what, repo, path) in files {
        heading(&format!("Repos.GetFile: {what}"));
        let request = GetFileRequest {
            repo: repo.into(),
            branch: String::new(),
            path: path.into(),
        };
        match repos.get_file(request).await {
            Ok(file) => println!("unexpected success: {:?}", file.into_inner().path),
            Err(status) => show(&Error::from_status(&status)),
        }
    }

    heading("POST /v1/demo:fail over HTTP/JSON, on the same port: REQ-ERR-10");
    let body = r#"{"code":"REQ-ERR-10","context":{"limit":"100/min"}}"#;
    println!("request: {body}");
    let (status, headers, body) =
        post_json(addr, csghub_errorx_demo::http::FAIL_PATH, body).await?;
    println!("HTTP {status}");
    for name in ["content-type", "retry-after"] {
        if let Some(value) = headers.get(name) {
            println!("{name}: {}", value.to_str().unwrap_or("?"));
        }
    }
    println!("{}", String::from_utf8_lossy(&body));
    show(&Error::from_http_response(status, &headers, &body));
    Ok(())
}

/// POSTs `body` as JSON with hyper's client; the response's parts.
async fn post_json(
    addr: std::net::SocketAddr,
    path: &str,
    body: &'static str,
) -> Result<(http::StatusCode, http::HeaderMap, bytes::Bytes), Box<dyn std::error::Error>> {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let request = http::Request::post(format!("http://{addr}{path}"))
        .header("content-type", "application/json")
        .body(Full::new(bytes::Bytes::from_static(body.as_bytes())))?;
    let client = Client::builder(TokioExecutor::new()).build_http();
    let (parts, body) = client.request(request).await?.into_parts();
    Ok((
        parts.status,
        parts.headers,
        body.collect().await?.to_bytes(),
    ))
}

fn heading(text: &str) {
    println!("\n== {text} ==");
}

fn show(error: &Error) {
    println!("decoded by the client:");
    for line in error.report().to_string().lines() {
        println!("  {line}");
    }
}
