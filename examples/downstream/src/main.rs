//! `cargo run -p csghub-errorx-example-downstream`: serves the model hub on
//! an ephemeral loopback port, calls it, and prints what the client decoded.

use csghub_errorx_example_downstream::proto::model_hub_client::ModelHubClient;
use csghub_errorx_example_downstream::proto::model_hub_server::ModelHubServer;
use csghub_errorx_example_downstream::proto::{BatchGetModelsRequest, GetModelRequest};
use csghub_errorx_example_downstream::{describe, failure_code, Hub};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(ModelHubServer::new(Hub::with_sample_models()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let mut client = ModelHubClient::connect(format!("http://{addr}")).await?;

    for name in ["opencsg/csg-wukong-1b", "opencsg/nope", "no-slash"] {
        let request = GetModelRequest { name: name.into() };
        match client.get_model(request).await {
            Ok(model) => println!(
                "{name}: {}B parameters",
                model.get_ref().parameters_billions
            ),
            Err(status) => println!("{name}: {}", describe(&status)),
        }
    }
    let batch = BatchGetModelsRequest {
        names: vec!["opencsg/csg-wukong-1b".into(), "opencsg/nope".into()],
    };
    let response = client.batch_get_models(batch).await?.into_inner();
    for failure in &response.failures {
        let code = failure_code(failure).map_or("?".into(), |c| c.to_string());
        println!("batch: {} failed with {code}", failure.name);
    }
    Ok(())
}
