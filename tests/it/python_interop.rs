//! The wire format against stacks we did not write: Python's grpcio and
//! grpcio-status, with the modules grpcio-tools generates from the protos,
//! as a client of the Rust server and as a server for the Rust client.

use crate::common;

use std::time::Duration;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};

use common::logs::capture;
use common::python;
use common::{replies_then_error, request, DemoFixture};
use csghub_errorx::layer::LogLayer;
use csghub_errorx::{Error, ErrorCode, Module, StatusEncoder};
use csghub_errorx_demo::DemoClient;
use tonic::transport::Channel;
use tower::ServiceBuilder;

/// Runs `interop_client.py` against `server` for `codes`, with `args` after
/// the address, and returns its JSON lines: one per call, unary then
/// streaming for each code.
async fn python_client(
    server: &DemoFixture,
    codes: &[ErrorCode],
    args: &[String],
) -> Vec<serde_json::Value> {
    let codes: String = codes.iter().map(|c| format!("{}\n", c.as_str())).collect();
    let mut all_args = vec![server.addr.to_string()];
    all_args.extend_from_slice(args);
    python::json_lines("interop_client.py", &all_args, codes).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_client_decodes_every_code_strictly_unary_and_streaming() {
    let server = DemoFixture::start().await;
    let codes: Vec<ErrorCode> = csghub_errorx::csghub::CATALOG.codes().collect();
    let results = python_client(&server, &codes, &[]).await;
    assert_eq!(results.len(), 200, "every code, unary and streaming");
    for (result, (code, mode)) in results
        .iter()
        .zip(codes.iter().flat_map(|&c| [(c, "unary"), (c, "stream")]))
    {
        let what = format!("{code:?} {mode}: {result}");
        assert_eq!(result.get("error"), None, "{what}");
        assert_eq!(result["mode"], mode, "{what}");
        assert_eq!(result["grpc_code"], code.grpc_code() as i32, "{what}");
        assert_eq!(result["inner_code"], code.grpc_code() as i32, "{what}");
        assert_eq!(result["message"], code.description(), "{what}");
        // Read with only the google.rpc types: the metadata `code`.
        assert_eq!(result["code_string"], code.as_str(), "{what}");
        assert_eq!(result["reason"], code.reason(), "{what}");
        assert_eq!(result["domain"], csghub_errorx::CATALOG_DOMAIN, "{what}");
        // The metadata is the code string and the context.
        assert_eq!(
            result["metadata"],
            serde_json::json!({"code": code.as_str(), "repo": "ns/name", "caller": "python"}),
            "{what}"
        );
        assert_eq!(result["typed"]["module"], code.module().number(), "{what}");
        assert_eq!(result["typed"]["number"], code.number(), "{what}");
        assert_eq!(result["typed"]["code"], "", "{what}");
        assert_eq!(result["typed"]["context"], serde_json::json!({}), "{what}");
        // The generated catalog enum of the typed ErrorInfo's module, and
        // its value of the typed number, is the code.
        let catalog = &result["catalog"];
        assert_eq!(
            catalog["enum"],
            common::catalog_enum_name(code.module()),
            "{what}"
        );
        assert_eq!(catalog["value"], code.reason(), "{what}");
        assert_eq!(catalog["name"], code.name(), "{what}");
        assert_eq!(
            catalog["grpc_code"],
            csghub_errorx::grpc_code::name(code.grpc_code()),
            "{what}"
        );
        assert_eq!(
            catalog["http_status"],
            code.http_status().as_u16(),
            "{what}"
        );
        // The retry class a Python client reads from the generated option
        // (or its gRPC code's default) is the Rust retry layer's.
        assert_eq!(
            catalog["retry"],
            common::retry_class_proto_name(code.retry_class()),
            "{what}"
        );
        assert_eq!(
            catalog["retry_delay_ms"],
            code.retry_delay()
                .map_or(0, |delay| delay.as_millis() as u64),
            "{what}"
        );
        if mode == "stream" {
            assert_eq!(result["replies"], serde_json::json!([0, 1]), "{what}");
        }
    }
}

/// grpcio refuses received metadata past its limit (`grpc.max_metadata_size`,
/// 8 KiB by default); the header budget cuts the context values so that the
/// status fits, and keeps the code string and the reason whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_client_reads_the_code_string_despite_a_one_mebibyte_context_value() {
    let server = DemoFixture::start().await;
    let codes = [
        ErrorCode::GIT_AUTH_FAILED,
        ErrorCode::GIT_REPO_NOT_FOUND,
        ErrorCode::ERR_RATE_LIMIT_EXCEEDED,
        ErrorCode::CLUSTER_UNAVAILABLE,
    ];
    let results = python_client(&server, &codes, &[(1 << 20).to_string()]).await;
    assert_eq!(results.len(), 2 * codes.len(), "unary and streaming");
    for (result, (code, mode)) in results
        .iter()
        .zip(codes.iter().flat_map(|&c| [(c, "unary"), (c, "stream")]))
    {
        let what = format!("{code:?} {mode}");
        assert_eq!(result.get("error"), None, "{what}: {result}");
        assert_eq!(result["grpc_code"], code.grpc_code() as i32, "{what}");
        assert_eq!(result["inner_code"], code.grpc_code() as i32, "{what}");
        assert_eq!(result["code_string"], code.as_str(), "{what}");
        assert_eq!(result["metadata"]["code"], code.as_str(), "{what}");
        assert_eq!(result["reason"], code.reason(), "{what}");
        assert_eq!(result["typed"]["number"], code.number(), "{what}");
        assert_eq!(result["metadata"]["repo"], "ns/name", "{what}");
        let blob = result["metadata"]["blob"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: the entry survives, cut"));
        assert!(blob.ends_with(StatusEncoder::TRUNCATION_MARKER), "{what}");
        assert!(blob.len() < 2048, "{what}: {} bytes", blob.len());
    }
}

/// A Python Demo server on a loopback port. Killed when dropped.
struct PythonServer {
    child: Child,
    url: String,
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl PythonServer {
    fn start() -> PythonServer {
        let mut child = python::command("interop_server.py")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("a line");
        let port = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected {line:?}"));
        let url = format!("http://127.0.0.1:{port}");
        PythonServer { child, url }
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
    async fn client(&self) -> DemoClient<csghub_errorx::layer::LogService<Channel>> {
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

/// A peer with only the `google.rpc` types names the code by the metadata
/// `code`, and sends no typed ErrorInfo.
#[tokio::test]
async fn a_google_only_python_status_with_a_code_string_decodes_into_the_error_code() {
    let (logs, _guard) = capture();
    let server = PythonServer::start();
    let mut client = server.client().await;
    let context = [
        ("grpcCode", "16"),
        ("codeString", "GIT-ERR-8"),
        ("remote", "origin"),
    ];
    let status = client
        .fail(request("GIT_AUTH_FAILED", &context, 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), Some(ErrorCode::GIT_AUTH_FAILED), "{error:?}");
    assert_eq!(error.grpc_code(), tonic::Code::Unauthenticated);
    assert_eq!(error.message(), "python says GIT_AUTH_FAILED");
    // The code string is the code, not context.
    assert_eq!(
        error.context().iter().collect::<Vec<_>>(),
        [("remote", "origin")]
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
async fn a_python_status_with_only_a_catalog_reason_decodes_by_the_reason() {
    let server = PythonServer::start();
    let mut client = server.plain_client().await;
    let context = [("grpcCode", "16"), ("remote", "origin")];
    let status = client
        .fail(request("GIT_AUTH_FAILED", &context, 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), Some(ErrorCode::GIT_AUTH_FAILED), "{error:?}");
    assert_eq!(
        error.context().iter().collect::<Vec<_>>(),
        [("remote", "origin")]
    );
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
}

#[tokio::test]
async fn a_code_string_this_build_does_not_know_is_kept_as_an_unknown_code() {
    let (logs, _guard) = capture();
    let server = PythonServer::start();
    let mut client = server.client().await;
    let context = [("grpcCode", "8"), ("codeString", "GIT-ERR-99")];
    let status = client
        .fail(request("GIT_LFS_QUOTA_GONE", &context, 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), None);
    assert_eq!(
        error.unknown_code(),
        csghub_errorx::csghub::CATALOG.unknown_code("GIT-ERR-99")
    );
    let code = error.unknown_code().expect("an unknown code");
    assert_eq!((code.module(), code.number()), (Some(Module::GIT), 99));
    assert_eq!(error.reason(), "GIT_LFS_QUOTA_GONE");
    assert_eq!(error.code_str().as_deref(), Some("GIT-ERR-99"));
    assert!(error.context().is_empty(), "{:?}", error.context());
    let event = logs.side("client").pop().expect("the client layer logged");
    assert_eq!(event.field("code"), Some("GIT-ERR-99"));
    assert_eq!(event.field("reason"), Some("GIT_LFS_QUOTA_GONE"));
}

#[tokio::test]
async fn a_typed_error_info_of_a_code_this_build_lacks_is_kept_with_its_number() {
    let (logs, _guard) = capture();
    let server = PythonServer::start();
    let mut client = server.client().await;
    let context = [("grpcCode", "8"), ("typed", "4/99")];
    let status = client
        .fail(request("GIT_LFS_QUOTA_GONE", &context, 0))
        .await
        .unwrap_err();
    let error = Error::from_status(&status);
    assert_eq!(error.code(), None);
    assert_eq!(
        error.unknown_code(),
        csghub_errorx::csghub::CATALOG.unknown_code("GIT-ERR-99")
    );
    assert_eq!(error.reason(), "GIT_LFS_QUOTA_GONE");
    assert_eq!(error.code_str().as_deref(), Some("GIT-ERR-99"));
    let event = logs.side("client").pop().expect("the client layer logged");
    assert_eq!(event.field("code"), Some("GIT-ERR-99"));
    assert_eq!(event.field("reason"), Some("GIT_LFS_QUOTA_GONE"));
}

#[tokio::test]
async fn a_typed_error_info_from_python_wins_and_unknown_details_are_kept() {
    let server = PythonServer::start();
    let mut client = server.plain_client().await;
    let context = [
        ("grpcCode", "5"),
        ("codeString", "USER-ERR-12"),
        ("typed", "10/12"),
        ("custom", "1"),
        ("username", "bob"),
    ];
    let error = Error::from_status(
        &client
            .fail(request("USERNAME_EXISTS", &context, 0))
            .await
            .unwrap_err(),
    );
    assert!(error.is(ErrorCode::USERNAME_EXISTS));
    assert_eq!(
        error.context().iter().collect::<Vec<_>>(),
        [("username", "bob")]
    );
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
    assert_eq!(error.raw_details().len(), 1);
    assert_eq!(
        error.raw_details()[0].type_url(),
        "type.example.com/acme.Custom"
    );
}

#[tokio::test]
async fn standard_details_from_python_are_decoded() {
    let server = PythonServer::start();
    let mut client = server.plain_client().await;
    let context = [
        ("grpcCode", "8"),
        ("codeString", "REQ-ERR-10"),
        ("retry", "7"),
        ("badField", "page_size"),
    ];
    let error = Error::from_status(
        &client
            .fail(request("ERR_RATE_LIMIT_EXCEEDED", &context, 0))
            .await
            .unwrap_err(),
    );
    assert!(error.is(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
    assert_eq!(error.retry_delay(), Some(Duration::from_secs(7)));
    let bad = error.bad_request().expect("BadRequest");
    assert_eq!(bad.field_violations()[0].field(), "page_size");
}

#[tokio::test]
async fn a_foreign_domain_from_python_is_not_mistaken_for_the_catalog() {
    let server = PythonServer::start();
    let mut client = server.plain_client().await;
    let context = [("grpcCode", "7"), ("domain", "pubsub.googleapis.com")];
    let error = Error::from_status(
        &client
            .fail(request("FORBIDDEN", &context, 0))
            .await
            .unwrap_err(),
    );
    assert_eq!(error.code(), None);
    assert_eq!(error.reason(), "FORBIDDEN");
    assert_eq!(error.domain(), Some("pubsub.googleapis.com"));
    assert_eq!(error.grpc_code(), tonic::Code::PermissionDenied);
}

#[tokio::test]
async fn a_python_stream_failure_decodes_from_the_trailers() {
    let (logs, _guard) = capture();
    let server = PythonServer::start();
    let mut client = server.client().await;
    let context = [("grpcCode", "14"), ("codeString", "TASK-ERR-5")];
    let mut stream = client
        .fail_stream(request("CLUSTER_UNAVAILABLE", &context, 3))
        .await
        .unwrap()
        .into_inner();
    let (replies, status) = replies_then_error(&mut stream).await;
    assert_eq!(replies, [0, 1, 2]);
    assert!(Error::from_status(&status).is(ErrorCode::CLUSTER_UNAVAILABLE));
    let event = logs.side("client").pop().expect("the client layer logged");
    assert_eq!(event.field("code"), Some("TASK-ERR-5"));
    assert_eq!(event.field("outcome"), Some("status"));
}

/// Every detail the HTTP/JSON renderer writes, ParseDict'ed by Python's
/// `json_format` into its message and written back identically.
#[test]
fn python_json_format_accepts_every_rendered_detail_exactly() {
    use csghub_errorx::http::HttpErrors;

    let errors = HttpErrors::new().encoder(StatusEncoder::new().include_debug_info(true));
    let headers = http::HeaderMap::new();
    let mut details: Vec<serde_json::Value> = Vec::new();
    let mut add = |error: &Error| {
        let body: serde_json::Value =
            serde_json::from_str(errors.render(error, &headers).body()).expect("JSON");
        for detail in body["error"]["details"].as_array().expect("details") {
            let type_url = detail["@type"].as_str().expect("@type");
            if type_url.contains("google.rpc.") || type_url.contains("csghub.errorx.v1.") {
                details.push(detail.clone());
            }
        }
    };
    for code in csghub_errorx::csghub::CATALOG.codes() {
        add(&Error::new(code)
            .with_context("repo", "ns/x")
            .with_context("attempt", 2));
    }
    add(&common::http::rich_error());
    // A QuotaViolation with the proto's newer fields, int64s among them.
    let quota = serde_json::json!({"code": 8, "message": "m", "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
            "subject": "project:p", "description": "d", "apiService": "hub.example.com",
            "quotaMetric": "hub.example.com/gpus", "quotaId": "GPUS-PER-REGION",
            "quotaDimensions": {"region": "cn-north", "family": "a100"},
            "quotaValue": "8", "futureQuotaValue": "0"}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.000250s"},
        {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"field": "f",
            "reason": "TOO_LONG", "localizedMessage": {"locale": "zh-CN", "message": "太长"}}]}]});
    add(&Error::from_http_response(
        http::StatusCode::TOO_MANY_REQUESTS,
        &http::HeaderMap::new(),
        quota.to_string().as_bytes(),
    ));
    // An unknown module's typed ErrorInfo: the module by number.
    let newer = serde_json::json!({"code": 5, "message": "m", "details": [
        {"@type": "type.googleapis.com/csghub.errorx.v1.ErrorInfo", "module": 42, "number": 3}]});
    add(&Error::from_http_response(
        http::StatusCode::NOT_FOUND,
        &http::HeaderMap::new(),
        newer.to_string().as_bytes(),
    ));

    let input = serde_json::to_vec(&details).expect("JSON");
    let mut child = python::command("json_details.py")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("send details");
    let output = child.wait_with_output().expect("python ends");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("ok ")).count(),
        details.len()
    );
    for kind in [
        "ErrorInfo",
        "RetryInfo",
        "BadRequest",
        "ResourceInfo",
        "PreconditionFailure",
        "QuotaFailure",
        "RequestInfo",
        "LocalizedMessage",
        "Help",
        "DebugInfo",
    ] {
        assert!(
            stdout.contains(&format!("google.rpc.{kind}\n")),
            "no {kind} checked:\n{stdout}"
        );
    }
    assert!(stdout.contains("csghub.errorx.v1.ErrorInfo"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_client_asking_for_zh_tw_gets_one_zh_hk_localized_message() {
    // The server layer localizes by the request's accept-language.
    let server = DemoFixture::spawn(|incoming| async move {
        let _ = tonic::transport::Server::builder()
            .layer(LogLayer::server())
            .add_service(csghub_errorx_demo::DemoServer::new(
                csghub_errorx_demo::DemoService::new(),
            ))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    let addr = server.addr.to_string();
    let output = tokio::task::spawn_blocking(move || {
        python::command("localized_client.py")
            .args([addr.as_str(), "zh-TW,en;q=0.5", "GIT-ERR-9"])
            .output()
            .expect("python runs")
    })
    .await
    .expect("join");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();
    assert_eq!(results.len(), 2, "unary and stream");
    for result in results {
        assert_eq!(
            result["grpc_message"],
            ErrorCode::GIT_REPO_NOT_FOUND.description(),
            "{result}"
        );
        assert_eq!(
            result["localized"],
            serde_json::json!([{
                "locale": "zh-HK",
                "message": "找不到儲存庫 ns/name，請檢查儲存庫名稱及存取權限。",
            }]),
            "{result}"
        );
    }
}

/// A grpcio client of a server whose handler panics (the demo's `PANIC`,
/// unary and after two stream messages) gets `SYS-ERR-0` with no panic
/// text, and its next calls on the same channel are answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_client_gets_internal_server_error_for_a_panic_and_its_channel_goes_on() {
    use csghub_errorx::layer::CatchPanicLayer;
    use csghub_errorx_demo::{DemoServer, DemoService, PANIC, PANIC_SECRET};

    let server = DemoFixture::spawn(|incoming| async move {
        let _ = tonic::transport::Server::builder()
            .layer(LogLayer::server())
            .layer(CatchPanicLayer::new())
            .add_service(DemoServer::new(DemoService::new()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await;
    let results = python::json_lines(
        "interop_client.py",
        &[server.addr.to_string()],
        format!("{PANIC}\nGIT-ERR-8\n"),
    )
    .await;
    let stdout = format!("{results:?}");
    assert!(!stdout.contains(PANIC_SECRET), "{stdout}");
    assert_eq!(results.len(), 4, "{stdout}");
    for result in &results[..2] {
        assert_eq!(result.get("error"), None, "{result}");
        assert_eq!(
            result["grpc_code"],
            tonic::Code::Internal as i32,
            "{result}"
        );
        assert_eq!(result["code_string"], "SYS-ERR-0", "{result}");
        assert_eq!(result["reason"], "INTERNAL_SERVER_ERROR", "{result}");
    }
    assert_eq!(results[1]["replies"], serde_json::json!([0, 1]));
    for result in &results[2..] {
        assert_eq!(result["code_string"], "GIT-ERR-8", "{result}");
    }
}
