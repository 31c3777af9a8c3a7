//! Real tonic servers on 127.0.0.1 for the integration tests.
#![allow(dead_code)] // each test binary uses its own part

use std::net::SocketAddr;

use csghub_errorx::demo::{DemoClient, DemoServer, DemoService};
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
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let mut server = Server::builder();
        let router = routes(&mut server);
        let task = tokio::spawn(async move {
            let _ = router
                .serve_with_incoming(TcpListenerStream::new(listener))
                .await;
        });
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
