//! What the tests share: the service on a loopback port, a channel to it.

use std::net::SocketAddr;

use csghub_errorx::layer::LogLayer;
use csghub_errorx_example_own_catalog::proto::GenerateRequest;
use csghub_errorx_example_own_catalog::{decoder, ModelServingServer, Serving};
use tonic::transport::{Channel, Server};

/// The service with the server layer, on an ephemeral loopback port.
pub async fn start_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    let server = Server::builder()
        .layer(LogLayer::server().decoder(decoder()))
        .add_service(ModelServingServer::new(Serving::with_sample_models()))
        .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener));
    tokio::spawn(server);
    addr
}

pub async fn channel(addr: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect")
}

pub fn request(model: &str, prompt: &str) -> GenerateRequest {
    GenerateRequest {
        model: model.into(),
        prompt: prompt.into(),
    }
}
