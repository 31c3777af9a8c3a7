//! Calls `Demo.Fail` (or `Demo.FailStream`) and prints the decoded error:
//!
//! ```sh
//! cargo run --example client -- --addr http://127.0.0.1:50051 GIT-ERR-8 [--stream N] [-c key=value ...]
//! ```
//!
//! With `--http`, calls the same `Fail` as `POST /v1/demo:fail` with a JSON
//! body, and decodes the JSON error body the same way (add `--problem` to
//! ask for `application/problem+json`).
//!
//! Exits 0 once it has printed the decoded error; 1 if the call did not
//! fail as the demo service always does, or could not be made.

use std::process::ExitCode;

use clap::Parser;
use csghub_errorx::layer::LogLayer;
use csghub_errorx::Error;
use csghub_errorx_demo::{DemoClient, FailRequest};
use tokio_stream::StreamExt;
use tonic::transport::Channel;
use tower::ServiceBuilder;

#[derive(Parser)]
#[command(about = "Call the csghub-errorx Demo service and decode its error")]
struct Args {
    /// The server, e.g. http://127.0.0.1:50051.
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    addr: String,
    /// The code to fail with: GIT-ERR-8, gitAuthFailed or GIT_AUTH_FAILED.
    code: String,
    /// Call FailStream, which sends N replies before failing.
    #[arg(long, value_name = "N")]
    stream: Option<u32>,
    /// Context entries of the error, as key=value.
    #[arg(short = 'c', long = "context", value_name = "KEY=VALUE", value_parser = parse_entry)]
    context: Vec<(String, String)>,
    /// Sent as `authorization: Bearer TOKEN`.
    #[arg(long)]
    token: Option<String>,
    /// Call `POST /v1/demo:fail` over HTTP/JSON instead of gRPC.
    #[arg(long, conflicts_with = "stream")]
    http: bool,
    /// With --http, ask for RFC 9457 problem details.
    #[arg(long, requires = "http")]
    problem: bool,
    /// Ask for messages in this language, as `accept-language`: zh-HK,
    /// zh-CN, en-US, or any tag (zh-TW is served in zh-HK).
    #[arg(long, value_name = "TAG")]
    lang: Option<String>,
}

fn parse_entry(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("{text:?} is not key=value"))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
    match run(Args::parse()).await {
        Ok(error) => {
            print!("{}", error.report());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("client: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Makes the call and returns the decoded error.
async fn run(args: Args) -> Result<Error, String> {
    if args.http {
        return run_http(args).await;
    }
    let channel = Channel::from_shared(args.addr.clone())
        .map_err(|e| e.to_string())?
        .connect()
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", args.addr))?;
    let mut client = DemoClient::new(
        ServiceBuilder::new()
            .layer(LogLayer::client())
            .service(channel),
    );
    let mut request = tonic::Request::new(FailRequest {
        code: args.code,
        context: args.context.into_iter().collect(),
        messages_before_error: args.stream.unwrap_or(0),
    });
    if let Some(token) = &args.token {
        let value = format!("Bearer {token}")
            .parse()
            .map_err(|_| "the token is not valid header text")?;
        request.metadata_mut().insert("authorization", value);
    }
    if let Some(lang) = &args.lang {
        let value = lang
            .parse()
            .map_err(|_| "--lang is not valid header text")?;
        request.metadata_mut().insert("accept-language", value);
    }
    let status = match args.stream {
        None => client.fail(request).await.err(),
        Some(_) => match client.fail_stream(request).await {
            Err(status) => Some(status),
            Ok(response) => {
                let mut stream = response.into_inner();
                let mut failure = None;
                while let Some(item) = stream.next().await {
                    match item {
                        Ok(reply) => println!("reply {}", reply.index),
                        Err(status) => {
                            failure = Some(status);
                            break;
                        }
                    }
                }
                failure
            }
        },
    };
    status
        .map(|status| Error::from_status(&status))
        .ok_or_else(|| "the call did not fail".to_string())
}

/// A header value of the server's as this example prints it: as it is when
/// it is plain printable text of at most 256 bytes, else quoted and escaped
/// as `{:?}` writes it, and cut, so that a hostile server cannot forge lines
/// or move the cursor (header values may hold bytes 0x80-0xFF, which UTF-8
/// decodes to C1 controls).
fn shown(text: &str) -> String {
    const MAX_SHOWN: usize = 256;
    // What `{:?}` leaves as it is: no control, bidi or separator character.
    let plain = text.chars().all(|c| c.escape_debug().len() == 1);
    if text.len() <= MAX_SHOWN && plain {
        return text.to_string();
    }
    let mut end = text.len().min(MAX_SHOWN);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < text.len() {
        format!("{:?}... ({} bytes)", &text[..end], text.len())
    } else {
        format!("{text:?}")
    }
}

/// `POST /v1/demo:fail` with the request as JSON; decodes the error body.
async fn run_http(args: Args) -> Result<Error, String> {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let context: serde_json::Map<String, serde_json::Value> = args
        .context
        .into_iter()
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    let body = serde_json::json!({ "code": args.code, "context": context }).to_string();
    let uri = format!(
        "{}{}",
        args.addr.trim_end_matches('/'),
        csghub_errorx_demo::http::FAIL_PATH
    );
    let mut request = http::Request::post(&uri)
        .header("content-type", "application/json")
        .header(
            "accept",
            if args.problem {
                csghub_errorx::http::PROBLEM_JSON
            } else {
                "application/json"
            },
        );
    if let Some(lang) = &args.lang {
        request = request.header("accept-language", lang.as_str());
    }
    if let Some(token) = &args.token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = request
        .body(Full::new(bytes::Bytes::from(body)))
        .map_err(|e| format!("cannot make a request to {uri}: {e}"))?;
    let client = Client::builder(TokioExecutor::new()).build_http();
    let response = client
        .request(request)
        .await
        .map_err(|e| format!("cannot call {uri}: {e}"))?;
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map_err(|e| format!("cannot read the response of {uri}: {e}"))?
        .to_bytes();
    if parts.status.is_success() {
        return Err("the call did not fail".to_string());
    }
    println!("HTTP {}", parts.status);
    for name in [
        "content-type",
        "content-language",
        "retry-after",
        "www-authenticate",
    ] {
        if let Some(value) = parts.headers.get(name) {
            println!(
                "{name}: {}",
                shown(&String::from_utf8_lossy(value.as_bytes()))
            );
        }
    }
    Ok(Error::from_http_response(
        parts.status,
        &parts.headers,
        &body,
    ))
}
