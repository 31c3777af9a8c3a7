//! Real tonic servers on 127.0.0.1 for the integration tests.
#![allow(dead_code)] // each test binary uses its own part

pub mod http;
pub mod logs;
pub mod python;
pub mod raw_h2;

use std::net::SocketAddr;

use csghub_errorx_demo::{DemoClient, DemoServer, DemoService, FailReply, FailRequest};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::TcpListenerStream;
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
    pub async fn spawn<F, Fut>(serve: F) -> DemoFixture
    where
        F: FnOnce(TcpListenerStream) -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(serve(TcpListenerStream::new(listener)));
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
