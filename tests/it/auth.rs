//! Client credentials (`BearerToken`, `SharedToken`) and the async server
//! check (`AsyncAuthLayer`), against real tonic servers and clients on
//! 127.0.0.1.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{request, DemoFixture};
use csghub_errorx::auth::{
    invalid_token, AsyncAuthLayer, AsyncTokenValidator, AuthInterceptor, BearerToken, SharedToken,
};
use csghub_errorx::layer::LogLayer;
use csghub_errorx::{Error, ErrorCode, StatusEncoder};
use csghub_errorx_demo::{
    DemoClient, DemoServer, DemoService, GetRepoRequest, RepoService, ReposClient, ReposServer,
};
use tonic::transport::{Channel, Server};

type CheckToken = fn(&str) -> Result<String, Error>;

fn check_token(token: &str) -> Result<String, Error> {
    match token {
        "alice-token" => Ok("alice".into()),
        _ => Err(invalid_token()),
    }
}

/// A repository server behind the sync interceptor: only `alice` reads
/// `opencsg/secret`.
async fn intercepted_repos() -> DemoFixture {
    DemoFixture::start_with(|b| {
        b.add_service(ReposServer::with_interceptor(
            RepoService::with_sample_data(),
            AuthInterceptor::token(check_token as CheckToken),
        ))
    })
    .await
}

fn secret() -> GetRepoRequest {
    GetRepoRequest {
        name: "opencsg/secret".into(),
    }
}

// ---- The client side ----

#[tokio::test]
async fn a_bearer_token_reaches_the_servers_interceptor() {
    let server = intercepted_repos().await;
    let token = BearerToken::new("alice-token").unwrap();
    let mut client = ReposClient::with_interceptor(server.channel().await, token);
    let repo = client.get_repo(secret()).await.expect("alice may read it");
    assert_eq!(repo.into_inner().name, "opencsg/secret");
}

#[tokio::test]
async fn one_interceptor_sends_the_token_and_the_readers_locale() {
    // The server localizes in its log layer; the token passes its check.
    let server = DemoFixture::spawn(|incoming| async move {
        let _ = Server::builder()
            .layer(LogLayer::server())
            .add_service(DemoServer::with_interceptor(
                DemoService::new(),
                AuthInterceptor::token(check_token as CheckToken),
            ))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    let attach = BearerToken::new("alice-token")
        .unwrap()
        .accept_language(csghub_errorx::Locale::ZH_HK);
    let mut client = DemoClient::with_interceptor(server.channel().await, attach);
    let status = client
        .fail(request("GIT-ERR-9", &[("repo", "ns/x")], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert!(
        error.is(ErrorCode::GIT_REPO_NOT_FOUND),
        "not INVALID_JWT: {error:?}"
    );
    let localized = error.localized_message().expect("a LocalizedMessage");
    assert_eq!(localized.locale(), "zh-HK");
    assert_eq!(
        status.message(),
        ErrorCode::GIT_REPO_NOT_FOUND.description()
    );
}

#[tokio::test]
async fn a_wrong_bearer_token_is_rejected_with_invalid_jwt() {
    let server = intercepted_repos().await;
    let token = BearerToken::new("mallory-token").unwrap();
    let mut client = ReposClient::with_interceptor(server.channel().await, token);
    let status = client.get_repo(secret()).await.unwrap_err();
    assert!(Error::from_status(&status).is(ErrorCode::INVALID_JWT));
}

#[tokio::test]
async fn a_shared_token_refreshed_by_the_application_is_used_from_the_next_call() {
    let server = intercepted_repos().await;
    let token = SharedToken::new();
    let mut client = ReposClient::with_interceptor(
        server.channel().await,
        BearerToken::from_source(token.clone()),
    );
    // No token yet: the server says the header is missing.
    let status = client.get_repo(secret()).await.unwrap_err();
    assert!(Error::from_status(&status).is(ErrorCode::INVALID_AUTH_HEADER));
    // The refresh task hands a token over.
    token.set("alice-token").unwrap();
    client
        .get_repo(secret())
        .await
        .expect("the refreshed token");
    // And an expired one is replaced the same way.
    token.set("expired").unwrap();
    let status = client.get_repo(secret()).await.unwrap_err();
    assert!(Error::from_status(&status).is(ErrorCode::INVALID_JWT));
}

// ---- The async server side ----

/// An identity provider that answers after a delay and counts its
/// lookups.
#[derive(Clone, Default)]
struct SlowDirectory {
    lookups: Arc<AtomicUsize>,
}

impl AsyncTokenValidator for SlowDirectory {
    type Identity = String;

    async fn validate(&self, token: String) -> Result<String, Error> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(5)).await;
        check_token(&token)
    }
}

async fn async_authed_repos(layer: AsyncAuthLayer<SlowDirectory>) -> DemoFixture {
    DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .layer(LogLayer::server())
            .layer(layer)
            .add_service(ReposServer::new(RepoService::with_sample_data()))
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await
}

async fn get_secret(server: &DemoFixture, authorization: Option<&str>) -> Result<String, Error> {
    let mut client: ReposClient<Channel> = ReposClient::new(server.channel().await);
    let mut call = tonic::Request::new(secret());
    if let Some(value) = authorization {
        call.metadata_mut()
            .insert("authorization", value.parse().unwrap());
    }
    client
        .get_repo(call)
        .await
        .map(|repo| repo.into_inner().name)
        .map_err(|status| Error::from_status(&status))
}

#[tokio::test]
async fn the_async_layer_hands_the_identity_to_the_handler() {
    let directory = SlowDirectory::default();
    let server = async_authed_repos(AsyncAuthLayer::token(directory.clone())).await;
    assert_eq!(
        get_secret(&server, Some("Bearer alice-token"))
            .await
            .unwrap(),
        "opencsg/secret"
    );
    assert_eq!(directory.lookups.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_async_layer_rejects_a_missing_header_with_invalid_auth_header() {
    let directory = SlowDirectory::default();
    let server = async_authed_repos(AsyncAuthLayer::token(directory.clone())).await;
    let error = get_secret(&server, None).await.unwrap_err();
    assert!(error.is(ErrorCode::INVALID_AUTH_HEADER), "{error:?}");
    assert_eq!(error.grpc_code(), tonic::Code::Unauthenticated);
    assert_eq!(directory.lookups.load(Ordering::SeqCst), 0, "no lookup");
}

#[tokio::test]
async fn the_async_layer_rejects_a_missing_api_key_with_need_api_key() {
    let server = async_authed_repos(AsyncAuthLayer::api_key(SlowDirectory::default())).await;
    assert!(get_secret(&server, None)
        .await
        .unwrap_err()
        .is(ErrorCode::NEED_API_KEY));
}

#[tokio::test]
async fn the_async_layer_rejects_a_malformed_header_with_invalid_auth_header() {
    let server = async_authed_repos(AsyncAuthLayer::token(SlowDirectory::default())).await;
    for value in ["alice-token", "Basic alice-token", "Bearer a b"] {
        let error = get_secret(&server, Some(value)).await.unwrap_err();
        assert!(
            error.is(ErrorCode::INVALID_AUTH_HEADER),
            "{value}: {error:?}"
        );
        assert_eq!(error.context().get("expected"), Some("Bearer {token}"));
    }
}

#[tokio::test]
async fn the_async_layer_rejects_a_bad_token_with_the_validators_error() {
    let server = async_authed_repos(AsyncAuthLayer::token(SlowDirectory::default())).await;
    assert!(get_secret(&server, Some("Bearer mallory-token"))
        .await
        .unwrap_err()
        .is(ErrorCode::INVALID_JWT));
}

#[tokio::test]
async fn the_async_layer_encodes_rejections_with_its_encoder() {
    let layer = AsyncAuthLayer::token(SlowDirectory::default())
        .encoder(StatusEncoder::new().domain("auth.example.com"));
    let server = async_authed_repos(layer).await;
    let error = get_secret(&server, None).await.unwrap_err();
    assert_eq!(error.domain(), Some("auth.example.com"));
}

#[tokio::test]
async fn a_closure_is_an_async_validator_and_the_bearer_token_client_passes_it() {
    let layer = AsyncAuthLayer::token(|token: String| async move {
        match token.as_str() {
            "k1" => Ok("ci-bot".to_string()),
            _ => Err(invalid_token()),
        }
    });
    let server = DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .layer(layer)
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    let mut client =
        DemoClient::with_interceptor(server.channel().await, BearerToken::new("k1").unwrap());
    // Through the layer, the handler fails with the code it was asked for.
    let status = client.fail(request("GIT-ERR-8", &[], 0)).await.unwrap_err();
    assert!(Error::from_status(&status).is(ErrorCode::GIT_AUTH_FAILED));
}
