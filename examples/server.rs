//! Serves `Demo` and `Repos` over gRPC and gRPC-Web, and `Demo.Fail` over
//! HTTP/JSON, on one port ([`OnePort`]):
//!
//! ```sh
//! cargo run --example server -- --addr 127.0.0.1:50051 [--auth-token TOKEN] \
//!     [--json-shape google|csghub|connect] [--cors-origin http://localhost:8080] \
//!     [--retry-hints]
//! ```
//!
//! Prints `listening on ADDR` once ready, then one log line per call, with
//! the catalog code of each failure (`code=GIT-ERR-8`): gRPC calls behind
//! the server log layer, HTTP requests behind the [`HttpErrorLayer`]
//! (target `csghub_errorx::http`). `POST /v1/demo:fail` takes a
//! `FailRequest` as proto3 JSON and fails as the gRPC `Fail` does:
//!
//! ```sh
//! curl -s localhost:50051/v1/demo:fail -H 'content-type: application/json' \
//!     -d '{"code":"GIT-ERR-8","context":{"repo":"ns/x"}}'
//! ```
//!
//! With `--auth-token`, every call, gRPC or HTTP, needs
//! `authorization: Bearer TOKEN`, and the caller is `alice`.
//!
//! With `--retry-hints`, an error whose code may be retried carries a
//! `google.rpc.RetryInfo` and the `grpc-retry-pushback-ms` header gRPC's
//! retrying clients (grpc-go, grpcio, the crate's `RetryLayer`) wait for:
//! the demo asks for 1 s on `UNAVAILABLE` and `RESOURCE_EXHAUSTED` codes
//! (`TASK-ERR-5`, `REQ-ERR-10`). The server log layer encodes every
//! handler's error again with `StatusEncoder::retry_hints(true)`.
//!
//! A browser page calls it over gRPC-Web (connect-es' `createGrpcWebTransport`
//! with `baseUrl` the server); from another origin, name that origin with
//! `--cors-origin`, which turns on the CORS preset that exposes
//! `grpc-status-details-bin`.
//!
//! [`HttpErrorLayer`]: csghub_errorx::http::HttpErrorLayer
//! [`OnePort`]: csghub_errorx::http::OnePort

use std::net::SocketAddr;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use clap::{Parser, ValueEnum};
use csghub_errorx::auth::{invalid_token, AuthInterceptor};
use csghub_errorx::http::{grpc_web_cors, HttpErrors, JsonShape, OnePort};
use csghub_errorx::layer::LogLayer;
use csghub_errorx::{Error, StatusEncoder};
use csghub_errorx_demo::{DemoServer, DemoService, RepoService, ReposServer};
use http::HeaderValue;
use tokio::net::TcpListener;
use tonic::service::{Interceptor, Routes};

#[derive(Parser)]
#[command(about = "Serve the csghub-errorx Demo and Repos services, over gRPC and HTTP/JSON")]
struct Args {
    /// Where to listen; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:50051")]
    addr: SocketAddr,
    /// Require `authorization: Bearer TOKEN` on every call.
    #[arg(long)]
    auth_token: Option<String>,
    /// The JSON shape of HTTP error bodies.
    #[arg(long, value_enum, default_value_t = Shape::Google)]
    json_shape: Shape,
    /// Let pages of this origin (`http://localhost:8080`) call the server
    /// from a browser: the CORS preset `grpc_web_cors`. Repeatable.
    #[arg(long)]
    cors_origin: Vec<String>,
    /// Send `RetryInfo` and `grpc-retry-pushback-ms` with errors whose
    /// code may be retried.
    #[arg(long)]
    retry_hints: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Shape {
    /// Google's AIP-193 `{"error":{…}}`.
    Google,
    /// CSGHub's `{"code","msg","context"}` envelope.
    Csghub,
    /// The Connect protocol's `{"code":"not_found","message","details"}`.
    Connect,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();

    let auth = args.auth_token.map(|expected| {
        AuthInterceptor::token(move |token: &str| -> Result<String, Error> {
            if token == expected {
                Ok("alice".to_string())
            } else {
                Err(invalid_token())
            }
        })
    });
    // One interceptor type whether auth is on or off.
    let grpc_auth = auth.clone();
    let interceptor = move |request: tonic::Request<()>| match grpc_auth.clone() {
        Some(mut auth) => auth.call(request),
        None => Ok(request),
    };

    // HTTP/JSON: the REST Fail, the same auth, errors in the chosen shape.
    let shape = match args.json_shape {
        Shape::Google => JsonShape::Google,
        Shape::Csghub => JsonShape::Csghub,
        Shape::Connect => JsonShape::Connect,
    };
    let rest = csghub_errorx_demo::http::router().layer(axum::middleware::from_fn(
        move |request: Request, next: Next| {
            let auth = auth.clone();
            async move { check_bearer(auth.as_ref(), request, next).await }
        },
    ));

    // gRPC, gRPC-Web and the REST routes on one port: each RPC logged once
    // by the server log layer, each REST request by the HTTP error layer,
    // unknown routes answered with the catalog's 404 and logged.
    let grpc = Routes::new(DemoServer::with_interceptor(
        DemoService::new(),
        interceptor.clone(),
    ))
    .add_service(ReposServer::with_interceptor(
        RepoService::with_sample_data(),
        interceptor,
    ));
    let mut app = OnePort::new(grpc)
        .rest(rest)
        .http_errors(HttpErrors::new().shape(shape))
        .log_layer(if args.retry_hints {
            LogLayer::server().encoder(StatusEncoder::new().retry_hints(true))
        } else {
            LogLayer::server()
        });
    if !args.cors_origin.is_empty() {
        let origins = args
            .cors_origin
            .iter()
            .map(|origin| HeaderValue::from_str(origin))
            .collect::<Result<Vec<_>, _>>()?;
        app = app.cors(grpc_web_cors(origins));
    }

    let listener = TcpListener::bind(args.addr).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, app.into_router())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// The gRPC interceptor's check on an HTTP request's headers.
async fn check_bearer<V: csghub_errorx::auth::TokenValidator>(
    auth: Option<&AuthInterceptor<V>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(auth) = auth {
        let mut probe = tonic::Request::new(());
        *probe.metadata_mut() =
            tonic::metadata::MetadataMap::from_headers(request.headers().clone());
        if let Err(error) = auth.authenticate(&probe) {
            return error.into_response();
        }
    }
    next.run(request).await
}
