//! Serves `Demo` and `Repos` behind the server log layer:
//!
//! ```sh
//! cargo run --example server -- --addr 127.0.0.1:50051 [--auth-token TOKEN]
//! ```
//!
//! Prints `listening on ADDR` once ready, then one log line per RPC, with
//! the catalog code of each failure (`code=GIT-ERR-8`). With `--auth-token`,
//! every call needs `authorization: Bearer TOKEN`, and the caller is `alice`.

use std::net::SocketAddr;

use clap::Parser;
use csghub_errorx::auth::{invalid_token, AuthInterceptor};
use csghub_errorx::layer::LogLayer;
use csghub_errorx::Error;
use csghub_errorx_demo::{DemoServer, DemoService, RepoService, ReposServer};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::service::Interceptor;
use tonic::transport::Server;

#[derive(Parser)]
#[command(about = "Serve the csghub-errorx Demo and Repos services")]
struct Args {
    /// Where to listen; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:50051")]
    addr: SocketAddr,
    /// Require `authorization: Bearer TOKEN` on every call.
    #[arg(long)]
    auth_token: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();

    // One interceptor type whether auth is on or off.
    let auth = args.auth_token.map(|expected| {
        AuthInterceptor::token(move |token: &str| -> Result<String, Error> {
            if token == expected {
                Ok("alice".to_string())
            } else {
                Err(invalid_token())
            }
        })
    });
    let interceptor = move |request: tonic::Request<()>| match auth.clone() {
        Some(mut auth) => auth.call(request),
        None => Ok(request),
    };

    let listener = TcpListener::bind(args.addr).await?;
    println!("listening on {}", listener.local_addr()?);
    Server::builder()
        .layer(LogLayer::server())
        .add_service(DemoServer::with_interceptor(
            DemoService::new(),
            interceptor.clone(),
        ))
        .add_service(ReposServer::with_interceptor(
            RepoService::with_sample_data(),
            interceptor,
        ))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
