//! Serves `Demo` and `Repos` over gRPC, and `Demo.Fail` over HTTP/JSON, on
//! one port:
//!
//! ```sh
//! cargo run --example server -- --addr 127.0.0.1:50051 [--auth-token TOKEN] [--json-shape google|csghub]
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
//! [`HttpErrorLayer`]: csghub_errorx::http::HttpErrorLayer

use std::net::SocketAddr;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use clap::{Parser, ValueEnum};
use csghub_errorx::auth::{invalid_token, AuthInterceptor};
use csghub_errorx::http::{HttpErrors, JsonShape};
use csghub_errorx::layer::{CatchPanicLayer, LogLayer};
use csghub_errorx::Error;
use csghub_errorx_demo::{DemoServer, DemoService, RepoService, ReposServer};
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Shape {
    /// Google's AIP-193 `{"error":{…}}`.
    Google,
    /// CSGHub's `{"code","msg","context"}` envelope.
    Csghub,
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

    // gRPC: tonic's routes, as an axum router, behind the server log layer.
    // The log layer's error type is `BoxError`, which axum wants handled;
    // the routes never fail, so the handler is never called.
    let grpc = Routes::new(DemoServer::with_interceptor(
        DemoService::new(),
        interceptor.clone(),
    ))
    .add_service(ReposServer::with_interceptor(
        RepoService::with_sample_data(),
        interceptor,
    ))
    .prepare()
    .into_axum_router()
    // The HTTP side's fallback answers gRPC requests for unknown methods
    // too; a merged router may have only one.
    .reset_fallback()
    // A handler that panics costs its RPC (SYS-ERR-0), not the server;
    // inside the log layer, which logs the panic as the cause.
    .layer(CatchPanicLayer::new())
    // The layer passes the router's own (infallible) error through.
    .layer(LogLayer::server());

    // HTTP/JSON: the REST Fail, the same auth, errors in the chosen shape.
    let shape = match args.json_shape {
        Shape::Google => JsonShape::Google,
        Shape::Csghub => JsonShape::Csghub,
    };
    let rest = csghub_errorx_demo::http::router()
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let auth = auth.clone();
                async move { check_bearer(auth.as_ref(), request, next).await }
            },
        ))
        .fallback(csghub_errorx::http::fallback)
        .layer(HttpErrors::new().shape(shape).into_layer());

    let listener = TcpListener::bind(args.addr).await?;
    println!("listening on {}", listener.local_addr()?);
    axum::serve(listener, grpc.merge(rest))
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
