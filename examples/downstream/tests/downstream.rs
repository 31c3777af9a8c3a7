//! The downstream crate works as a new user's would: its proto imports the
//! catalog's, `?` on its own error enum gives a Status with the catalog
//! code, and its client decodes it, over a real loopback connection.

use csghub_errorx::{Error, ErrorCode};
use csghub_errorx_example_downstream::proto::model_hub_client::ModelHubClient;
use csghub_errorx_example_downstream::proto::model_hub_server::ModelHubServer;
use csghub_errorx_example_downstream::proto::{BatchGetModelsRequest, GetModelRequest};
use csghub_errorx_example_downstream::{failure_code, Hub};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;

async fn client() -> ModelHubClient<tonic::transport::Channel> {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(ModelHubServer::new(Hub::with_sample_models()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    ModelHubClient::connect(format!("http://{addr}"))
        .await
        .expect("connect")
}

#[tokio::test]
async fn the_derived_error_reaches_the_client_as_its_catalog_code() {
    let mut client = client().await;
    let status = client
        .get_model(GetModelRequest {
            name: "opencsg/nope".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);
    let error = Error::from_status(&status);
    assert!(error.is(ErrorCode::GIT_REPO_NOT_FOUND));
    assert_eq!(error.context().get("name"), Some("opencsg/nope"));
    // The enum's Display text is the source: logged, never sent.
    assert!(!status.message().contains("model opencsg/nope not found"));
}

#[tokio::test]
async fn each_variant_maps_to_its_own_code() {
    let mut client = client().await;
    let status = client
        .get_model(GetModelRequest {
            name: "no-slash".into(),
        })
        .await
        .unwrap_err();
    assert!(Error::from_status(&status).is(ErrorCode::ERR_REQ_PARAM_INVALID));
    let model = client
        .get_model(GetModelRequest {
            name: "opencsg/csg-wukong-1b".into(),
        })
        .await
        .expect("found")
        .into_inner();
    assert_eq!(model.parameters_billions, 1);
}

#[tokio::test]
async fn the_imported_typed_error_info_carries_per_item_failures() {
    let mut client = client().await;
    let response = client
        .batch_get_models(BatchGetModelsRequest {
            names: vec!["opencsg/csg-wukong-1b".into(), "opencsg/nope".into()],
        })
        .await
        .expect("a batch never fails as a whole")
        .into_inner();
    assert_eq!(response.models.len(), 1);
    assert_eq!(response.failures.len(), 1);
    assert_eq!(
        failure_code(&response.failures[0]),
        Some(ErrorCode::GIT_REPO_NOT_FOUND)
    );
}
