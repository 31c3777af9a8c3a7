//! The wire format against grpc-go (Debian 12's, 1.33) and Go code that
//! protoc-gen-go generated from the protos: a Go client of the Rust server,
//! and a Go server for the Rust client. The Go programs are in
//! `tests/go/src/errorx-interop/`; `common::go` installs and builds them.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use common::logs::capture;
use common::{go, replies_then_error, request, DemoFixture};
use csghub_errorx::layer::{LogLayer, LogService};
use csghub_errorx::{Error, ErrorCode, Module};
use csghub_errorx_demo::DemoClient;
use tonic::transport::Channel;
use tower::ServiceBuilder;

/// Runs the Go client against `server` for `codes`, with `args` after the
/// address, and returns its JSON lines: one per call, unary then streaming
/// for each code.
async fn go_client(
    go: &go::Programs,
    server: &DemoFixture,
    codes: &[ErrorCode],
    args: &[&str],
) -> Vec<serde_json::Value> {
    let codes: String = codes.iter().map(|c| format!("{}\n", c.as_str())).collect();
    let mut client = Command::new(&go.client);
    client.arg("-addr").arg(server.addr.to_string()).args(args);
    common::json_lines(client, codes).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_go_client_decodes_every_code_without_error_items_unary_and_streaming() {
    let Some(go) = go::programs() else { return };
    let server = DemoFixture::start().await;
    let codes: Vec<ErrorCode> = csghub_errorx::csghub::CATALOG.codes().collect();
    let results = go_client(go, &server, &codes, &[]).await;
    assert_eq!(results.len(), 200, "every code, unary and streaming");
    for (result, (code, mode)) in results.iter().zip(
        csghub_errorx::csghub::CATALOG
            .codes()
            .flat_map(|c| [(c, "unary"), (c, "stream")]),
    ) {
        let what = format!("{code:?} {mode}: {result}");
        assert_eq!(result["code"], code.as_str(), "{what}");
        assert_eq!(result["mode"], mode, "{what}");
        assert_eq!(result.get("failure"), None, "{what}");
        // Every detail decodes: grpc-go found a Go type for each type URL.
        assert_eq!(result["detailErrors"], serde_json::json!([]), "{what}");
        let types = result["detailTypes"].as_array().expect("detail types");
        for url in [
            "type.googleapis.com/google.rpc.ErrorInfo",
            "type.googleapis.com/csghub.errorx.v1.ErrorInfo",
        ] {
            assert!(types.iter().any(|t| t == url), "{url} in {what}");
        }
        assert_eq!(result["grpcCode"], code.grpc_code() as i32, "{what}");
        assert_eq!(result["message"], code.description(), "{what}");
        // Read with only the standard errdetails types: the metadata `code`.
        assert_eq!(result["codeString"], code.as_str(), "{what}");
        assert_eq!(result["reason"], code.reason(), "{what}");
        assert_eq!(result["domain"], csghub_errorx::CATALOG_DOMAIN, "{what}");
        // The metadata is the code string and the context.
        assert_eq!(
            result["metadata"],
            serde_json::json!({"code": code.as_str(), "repo": "ns/name", "caller": "go"}),
            "{what}"
        );
        assert_eq!(result["module"], code.module().number(), "{what}");
        assert_eq!(result["number"], code.number(), "{what}");
        // The generated catalog enum value of the typed ErrorInfo is the
        // code, and the generated constants compare as Go code does.
        assert_eq!(
            result["enum"],
            common::catalog_enum_name(code.module()),
            "{what}"
        );
        assert_eq!(result["value"], code.reason(), "{what}");
        // The retry class a Go client reads from the generated option (or
        // its gRPC code's default) is the Rust retry layer's.
        assert_eq!(
            result["retry"],
            common::retry_class_proto_name(code.retry_class()),
            "{what}"
        );
        assert_eq!(
            result["retryDelayMs"],
            code.retry_delay()
                .map_or(0, |delay| delay.as_millis() as u64),
            "{what}"
        );
        assert_eq!(
            result["gitAuthFailed"],
            code == ErrorCode::GIT_AUTH_FAILED,
            "{what}"
        );
        if mode == "stream" {
            assert_eq!(result["replies"], serde_json::json!([0, 1]), "{what}");
        }
    }
}

/// The Go Demo server on a loopback port. Killed when dropped.
struct GoServer {
    child: Child,
    url: String,
}

impl Drop for GoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl GoServer {
    fn start(go: &go::Programs) -> GoServer {
        let mut child = Command::new(&go.server)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the Go server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("a line");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected {line:?}"));
        let url = format!("http://{addr}");
        GoServer { child, url }
    }

    async fn channel(&self) -> Channel {
        Channel::from_shared(self.url.clone())
            .expect("url")
            .connect()
            .await
            .expect("connect")
    }

    /// A client behind the client log layer, for a test that reads the log
    /// with [`capture`]. A test that does not uses [`Self::plain_client`]:
    /// a log callsite first reached on a thread with no subscriber, while
    /// just one other test's subscriber is alive, is cached by tracing-core
    /// as never enabled, and that other test would miss its event.
    async fn client(&self) -> DemoClient<LogService<Channel>> {
        DemoClient::new(
            ServiceBuilder::new()
                .layer(LogLayer::client())
                .service(self.channel().await),
        )
    }

    /// A client without the log layer.
    async fn plain_client(&self) -> DemoClient<Channel> {
        DemoClient::new(self.channel().await)
    }
}

/// A context value of 1 MiB, more than an HTTP/2 peer takes in headers
/// (grpc-go's default limit is 16 KiB): the header budget cuts the values
/// and keeps the code string and the reason whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grpc_go_client_reads_the_code_string_despite_a_one_mebibyte_context_value() {
    let Some(go) = go::programs() else { return };
    let server = DemoFixture::start().await;
    let codes = [
        ErrorCode::GIT_AUTH_FAILED,
        ErrorCode::GIT_REPO_NOT_FOUND,
        ErrorCode::ERR_RATE_LIMIT_EXCEEDED,
        ErrorCode::CLUSTER_UNAVAILABLE,
    ];
    let blob = (1 << 20).to_string();
    let results = go_client(go, &server, &codes, &["-blob", &blob]).await;
    assert_eq!(results.len(), 2 * codes.len(), "unary and streaming");
    for (result, (code, mode)) in results
        .iter()
        .zip(codes.iter().flat_map(|&c| [(c, "unary"), (c, "stream")]))
    {
        let what = format!("{code:?} {mode}: {result}");
        assert_eq!(result.get("failure"), None, "{what}");
        assert_eq!(result["grpcCode"], code.grpc_code() as i32, "{what}");
        assert_eq!(result["codeString"], code.as_str(), "{what}");
        assert_eq!(result["reason"], code.reason(), "{what}");
        assert_eq!(result["metadata"]["repo"], "ns/name", "{what}");
        let blob = result["metadata"]["blob"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: the entry survives, cut"));
        assert!(
            blob.ends_with(csghub_errorx::StatusEncoder::TRUNCATION_MARKER),
            "{what}"
        );
        assert!(blob.len() < 2048, "{what}: {} bytes", blob.len());
    }
}

#[tokio::test]
async fn a_catalog_code_from_a_grpc_go_server_decodes_into_the_error_code() {
    let Some(go) = go::programs() else { return };
    let (logs, _guard) = capture();
    let server = GoServer::start(go);
    let status = server
        .client()
        .await
        .fail(request("GIT_AUTH_FAILED", &[("repo", "ns/name")], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert!(error.is(ErrorCode::GIT_AUTH_FAILED), "{error:?}");
    assert_eq!(error.grpc_code(), tonic::Code::Unauthenticated);
    assert_eq!(error.message(), ErrorCode::GIT_AUTH_FAILED.description());
    assert_eq!(error.domain(), Some(csghub_errorx::CATALOG_DOMAIN));
    // The metadata `code` is the code, not context.
    assert_eq!(
        error.context().iter().collect::<Vec<_>>(),
        [("repo", "ns/name")]
    );
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
    let event = logs.side("client").pop().expect("the client layer logged");
    assert_eq!(event.field("code"), Some("GIT-ERR-8"));
    assert_eq!(event.field("reason"), Some("GIT_AUTH_FAILED"));
}

#[tokio::test]
async fn a_code_newer_than_this_build_from_a_grpc_go_server_is_kept_with_its_number() {
    let Some(go) = go::programs() else { return };
    let (logs, _guard) = capture();
    let server = GoServer::start(go);
    let status = server
        .client()
        .await
        .fail(request("FUTURE", &[("repo", "ns/name")], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), None);
    let code = error.unknown_code().expect("an unknown code");
    assert_eq!((code.module(), code.number()), (Some(Module::GIT), 99));
    assert_eq!(error.reason(), "GIT_LFS_QUOTA_GONE");
    assert_eq!(error.code_str().as_deref(), Some("GIT-ERR-99"));
    assert_eq!(error.grpc_code(), tonic::Code::ResourceExhausted);
    assert_eq!(
        error.context().iter().collect::<Vec<_>>(),
        [("repo", "ns/name")]
    );
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
    let event = logs.side("client").pop().expect("the client layer logged");
    assert_eq!(event.field("code"), Some("GIT-ERR-99"));
    assert_eq!(event.field("reason"), Some("GIT_LFS_QUOTA_GONE"));
}

#[tokio::test]
async fn a_google_only_grpc_go_status_with_a_code_string_decodes_into_the_error_code() {
    let Some(go) = go::programs() else { return };
    let (logs, _guard) = capture();
    let server = GoServer::start(go);
    let status = server
        .client()
        .await
        .fail(request("GOOGLE_ONLY", &[], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), Some(ErrorCode::GIT_AUTH_FAILED), "{error:?}");
    assert_eq!(error.grpc_code(), tonic::Code::Unauthenticated);
    assert_eq!(error.message(), "go says: authentication failed");
    // `code` and `module` are the code, never context.
    assert_eq!(
        error.context().iter().collect::<Vec<_>>(),
        [("repoPath", "ns/x")]
    );
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
    let event = logs.side("client").pop().expect("the client layer logged");
    assert_eq!(event.field("code"), Some("GIT-ERR-8"));
    assert_eq!(event.field("reason"), Some("GIT_AUTH_FAILED"));
}

#[tokio::test]
async fn a_newer_code_string_from_a_google_only_grpc_go_server_is_an_unknown_code() {
    let Some(go) = go::programs() else { return };
    let (logs, _guard) = capture();
    let server = GoServer::start(go);
    let status = server
        .client()
        .await
        .fail(request("GOOGLE_ONLY_FUTURE", &[], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), None);
    assert_eq!(
        error.unknown_code(),
        csghub_errorx::csghub::CATALOG.unknown_code("GIT-ERR-99")
    );
    assert_eq!(error.code_str().as_deref(), Some("GIT-ERR-99"));
    assert_eq!(error.reason(), "GIT_LFS_OBJECT_GONE");
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
    assert_eq!(
        error.context().iter().collect::<Vec<_>>(),
        [("repoPath", "ns/x")]
    );
    let event = logs.side("client").pop().expect("the client layer logged");
    assert_eq!(event.field("code"), Some("GIT-ERR-99"));
    assert_eq!(event.field("reason"), Some("GIT_LFS_OBJECT_GONE"));
}

#[tokio::test]
async fn a_foreign_domain_from_a_grpc_go_server_is_not_mistaken_for_the_catalog() {
    let Some(go) = go::programs() else { return };
    let server = GoServer::start(go);
    let status = server
        .plain_client()
        .await
        .fail(request("FOREIGN", &[], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), None);
    assert_eq!(error.unknown_code(), None);
    assert_eq!(error.reason(), "FORBIDDEN");
    assert_eq!(error.domain(), Some("pubsub.googleapis.com"));
    assert_eq!(error.grpc_code(), tonic::Code::PermissionDenied);
    assert_eq!(error.message(), "go says: not yours");
}

#[tokio::test]
async fn another_services_code_string_from_a_grpc_go_server_is_kept_as_its_context() {
    let Some(go) = go::programs() else { return };
    let server = GoServer::start(go);
    let status = server
        .plain_client()
        .await
        .fail(request("FOREIGN_CODE", &[], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), None);
    assert_eq!(error.unknown_code(), None);
    assert_eq!(error.reason(), "MODEL_NOT_FOUND");
    assert_eq!(error.domain(), Some("models.example.com"));
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
    // Not this catalog's code string: the metadata is context, as sent.
    assert_eq!(
        error.context().iter().collect::<Vec<_>>(),
        [("code", "MDL-ERR-3"), ("model", "llama"), ("module", "MDL")]
    );
}

#[tokio::test]
async fn a_grpc_go_stream_failure_decodes_from_the_trailers() {
    let Some(go) = go::programs() else { return };
    let (logs, _guard) = capture();
    let server = GoServer::start(go);
    let mut stream = server
        .client()
        .await
        .fail_stream(request("CLUSTER_UNAVAILABLE", &[("task", "t-1")], 3))
        .await
        .expect("the stream starts")
        .into_inner();
    let (replies, status) = replies_then_error(&mut stream).await;
    assert_eq!(replies, [0, 1, 2]);
    let error = Error::from_status(&status);
    assert!(error.is(ErrorCode::CLUSTER_UNAVAILABLE), "{error:?}");
    assert_eq!(error.context().get("task"), Some("t-1"));
    let event = logs.side("client").pop().expect("the client layer logged");
    assert_eq!(event.field("code"), Some("TASK-ERR-5"));
    assert_eq!(event.field("outcome"), Some("status"));
}

#[tokio::test]
async fn a_grpc_go_status_without_details_keeps_its_code_and_message() {
    let Some(go) = go::programs() else { return };
    let server = GoServer::start(go);
    let status = server
        .plain_client()
        .await
        .fail(request("PLAIN", &[], 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), None);
    assert_eq!(error.unknown_code(), None);
    assert_eq!(error.grpc_code(), tonic::Code::Unavailable);
    assert_eq!(error.message(), "go says: try later");
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
}
