//! The Connect protocol's error JSON, the fourth shape: rendered with
//! Connect's HTTP status per code, read by connect-es itself (a Connect
//! client over Node's fetch, and `errorFromJson`; `tests/web/connect.test.mjs`),
//! and decoded from what connect-go and connect-es servers send.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

use base64::Engine as _;
use common::http::HttpFixture;
use csghub_errorx::http::{HttpErrors, JsonShape, OnePort};
use csghub_errorx::{Error, ErrorCode, Locale};
use http::{HeaderMap, HeaderValue, StatusCode};
use prost::Message as _;

/// Connect's code name of a gRPC code, and the HTTP status of a unary error
/// with it: the table of <https://connectrpc.com/docs/protocol#error-codes>,
/// written out again here so that the renderer is checked against the
/// document, not against itself.
const CONNECT_TABLE: [(tonic::Code, &str, u16); 16] = [
    (tonic::Code::Cancelled, "canceled", 499),
    (tonic::Code::Unknown, "unknown", 500),
    (tonic::Code::InvalidArgument, "invalid_argument", 400),
    (tonic::Code::DeadlineExceeded, "deadline_exceeded", 504),
    (tonic::Code::NotFound, "not_found", 404),
    (tonic::Code::AlreadyExists, "already_exists", 409),
    (tonic::Code::PermissionDenied, "permission_denied", 403),
    (tonic::Code::ResourceExhausted, "resource_exhausted", 429),
    (tonic::Code::FailedPrecondition, "failed_precondition", 400),
    (tonic::Code::Aborted, "aborted", 409),
    (tonic::Code::OutOfRange, "out_of_range", 400),
    (tonic::Code::Unimplemented, "unimplemented", 501),
    (tonic::Code::Internal, "internal", 500),
    (tonic::Code::Unavailable, "unavailable", 503),
    (tonic::Code::DataLoss, "data_loss", 500),
    (tonic::Code::Unauthenticated, "unauthenticated", 401),
];

fn connect_row(code: tonic::Code) -> (&'static str, StatusCode) {
    let (_, name, status) = CONNECT_TABLE
        .iter()
        .find(|(c, _, _)| *c == code)
        .expect("every error code is in the table");
    (name, StatusCode::from_u16(*status).unwrap())
}

fn connect_errors() -> HttpErrors {
    HttpErrors::new().shape(JsonShape::Connect)
}

fn decode(response: &http::Response<String>) -> Error {
    Error::from_http_response(
        response.status(),
        response.headers(),
        response.body().as_bytes(),
    )
}

fn base64_no_pad(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)
}

#[test]
fn every_code_renders_with_connects_name_and_status_and_decodes_back() {
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let error = Error::new(code).with_context("repo", "ns/x");
        let response = connect_errors().render(&error, &HeaderMap::new());
        let (name, status) = connect_row(code.grpc_code());
        assert_eq!(response.status(), status, "{code}");
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
        assert_eq!(body["code"], name, "{code}");
        assert_eq!(body["message"], code.description(), "{code}");
        // The ErrorInfos first, each as its type name and its bytes.
        let info = &body["details"][0];
        assert_eq!(info["type"], "google.rpc.ErrorInfo", "{code}");
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(info["value"].as_str().unwrap())
            .expect("unpadded standard base64");
        let decoded = tonic_types::pb::ErrorInfo::decode(bytes.as_slice()).unwrap();
        assert_eq!(decoded.reason, code.reason());
        assert_eq!(decoded.metadata["code"], code.as_str());
        // `debug` shows the same message, for people.
        assert_eq!(info["debug"]["reason"], code.reason());
        assert_eq!(info["debug"]["metadata"]["repo"], "ns/x");
        assert!(info["debug"].get("@type").is_none());
        assert_eq!(
            body["details"][1]["type"], "csghub.errorx.v1.ErrorInfo",
            "{code}"
        );

        let back = decode(&response);
        assert!(back.is(code), "{code}: {back:?}");
        assert_eq!(back.context().get("repo"), Some("ns/x"));
        assert_eq!(back.http_status(), status);
        assert!(back.decode_problems().is_empty(), "{code}: {back:?}");
    }
}

#[test]
fn every_detail_goes_in_the_connect_body_uncut_and_localized_on_request() {
    // A 20 KiB context value: a header would cut it (7 KiB budget), a body
    // does not.
    let big = "x".repeat(20 * 1024);
    let error = common::http::rich_error().with_context("object", &big);
    let mut headers = HeaderMap::new();
    headers.insert("accept-language", HeaderValue::from_static("zh-TW"));
    let response = connect_errors().render(&error, &headers);
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "2");
    assert_eq!(response.headers()["content-language"], "zh-HK");
    let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
    let types: Vec<&str> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["type"].as_str().unwrap())
        .collect();
    for expected in [
        "google.rpc.ErrorInfo",
        "google.rpc.RetryInfo",
        "google.rpc.BadRequest",
        "google.rpc.ResourceInfo",
        "google.rpc.PreconditionFailure",
        "google.rpc.QuotaFailure",
        "google.rpc.RequestInfo",
        "google.rpc.LocalizedMessage",
        "google.rpc.Help",
        "google.protobuf.Duration",
    ] {
        assert!(types.contains(&expected), "{expected} missing: {types:?}");
    }
    // DebugInfo only if the server opts in, as on gRPC.
    assert!(!types.contains(&"google.rpc.DebugInfo"), "{types:?}");

    let back = decode(&response);
    assert!(back.is(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
    assert_eq!(back.context().get("object"), Some(big.as_str()));
    assert_eq!(
        back.retry_delay(),
        Some(std::time::Duration::from_millis(1500))
    );
    // The error's own LocalizedMessage (zh-CN) is kept, as the gRPC
    // encoder keeps it; no second one is added.
    let localized = back.localized_message().expect("a LocalizedMessage");
    assert_eq!(localized.locale(), "zh-CN");
    // The source never leaves the server.
    assert!(!response.body().contains("10.0.0.7"));
}

#[test]
fn a_connect_client_gets_the_connect_shape_whatever_the_configured_shape() {
    let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", "ns/x");
    let mut headers = HeaderMap::new();
    headers.insert("connect-protocol-version", HeaderValue::from_static("1"));
    headers.insert("accept-language", HeaderValue::from_static("zh-TW"));
    for shape in [JsonShape::Google, JsonShape::Csghub, JsonShape::Connect] {
        let response = HttpErrors::new().shape(shape).render(&error, &headers);
        let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
        assert_eq!(body["code"], "not_found", "{shape:?}: {body}");
        let back = decode(&response);
        let localized = back.localized_message().expect("localized on request");
        assert_eq!(localized.locale(), "zh-HK");
        assert_eq!(
            Some(localized.message()),
            error.user_message(Locale::ZH_HK).as_deref()
        );
    }
    // Without the header, the configured shape.
    let response = HttpErrors::new().render(&error, &HeaderMap::new());
    assert!(response.body().starts_with(r#"{"error":{"code":404"#));
}

#[tokio::test]
async fn the_http_error_layer_answers_a_connect_request_in_connects_shape_and_status() {
    // Captured, as every test with a log layer: see `grpc_web.rs`.
    let (_logs, _guard) = common::logs::capture();
    // A code whose catalog status differs from none of Connect's would not
    // show the override: a decoded peer's error keeps its HTTP status
    // (here 502, a proxy's), and the Connect shape still answers with
    // Connect's status for its code (UNAVAILABLE: 503).
    let forwarded = Error::from_http_response(
        StatusCode::BAD_GATEWAY,
        &HeaderMap::new(),
        br#"{"code":"unavailable","message":"upstream down"}"#,
    );
    assert_eq!(forwarded.http_status(), StatusCode::BAD_GATEWAY);
    let router = axum::Router::new()
        .route(
            "/forwarded",
            axum::routing::post(move || {
                let forwarded = forwarded.clone();
                async move { forwarded }
            }),
        )
        .layer(HttpErrors::new().into_layer());
    let server = HttpFixture::serve(router).await;
    let reply = server
        .call(
            http::Method::POST,
            "/forwarded",
            &[
                ("content-type", "application/json"),
                ("connect-protocol-version", "1"),
            ],
            "{}",
        )
        .await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.json()["code"], "unavailable");
    assert_eq!(reply.json()["message"], "upstream down");
    assert_eq!(reply.decode().grpc_code(), tonic::Code::Unavailable);
}

/// The Connect protocol's own example of an error
/// (<https://connectrpc.com/docs/protocol#error-end-stream>, "Error
/// details"). Its `debug` says 30 s while its bytes (`0a 02 08 3c`) say
/// 60 s: the document calls the bytes normative and tells clients not to
/// depend on `debug`, so the decoder reads the bytes.
#[test]
fn the_protocols_own_example_is_decoded_by_its_bytes_not_its_debug() {
    let body = br#"{
      "code": "unavailable",
      "message": "overloaded: back off and retry",
      "details": [
        {
          "type": "google.rpc.RetryInfo",
          "value": "CgIIPA",
          "debug": {"retryDelay": "30s"}
        }
      ]
    }"#;
    let error = Error::from_http_response(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), body);
    assert_eq!(error.grpc_code(), tonic::Code::Unavailable);
    assert_eq!(error.message(), "overloaded: back off and retry");
    assert_eq!(
        error.retry_delay(),
        Some(std::time::Duration::from_secs(60))
    );
    assert_eq!(error.code(), None);
    assert!(error.decode_problems().is_empty(), "{error:?}");
}

/// What a connect-go server writes for
/// `connect.NewError(connect.CodeUnauthenticated, err)` with
/// `AddDetail(connect.NewErrorDetail(&errdetails.ErrorInfo{…}))`:
/// connect-go's `connectWireDetail.MarshalJSON` (error_writer.go) writes
/// `type` without the `type.googleapis.com/` prefix, `value` in
/// `base64.RawStdEncoding` (no padding), and `debug` as the message's
/// protojson; a streaming response ends with `{"error":{…},"metadata":{…}}`
/// (the protocol's EndStreamResponse). A Go peer with only the standard
/// types sends the code string in the metadata.
#[test]
fn what_a_connect_go_server_sends_is_decoded_unary_and_at_a_streams_end() {
    let info = tonic_types::pb::ErrorInfo {
        reason: "GIT_AUTH_FAILED".into(),
        domain: csghub_errorx::CATALOG_DOMAIN.into(),
        metadata: [
            ("code".to_string(), "GIT-ERR-8".to_string()),
            ("repo".to_string(), "ns/x".to_string()),
        ]
        .into(),
    };
    let retry = tonic_types::pb::RetryInfo {
        retry_delay: Some(prost_types::Duration {
            seconds: 5,
            nanos: 0,
        }),
    };
    let error_json = serde_json::json!({
        "code": "unauthenticated",
        "message": "git authentication failed",
        "details": [
            {
                "type": "google.rpc.ErrorInfo",
                "value": base64_no_pad(&info.encode_to_vec()),
                "debug": {"reason": "GIT_AUTH_FAILED", "domain": csghub_errorx::CATALOG_DOMAIN,
                          "metadata": {"code": "GIT-ERR-8", "repo": "ns/x"}}
            },
            {
                "type": "google.rpc.RetryInfo",
                "value": base64_no_pad(&retry.encode_to_vec()),
                "debug": {"retryDelay": "5s"}
            }
        ]
    });
    let end_stream =
        serde_json::json!({ "error": error_json, "metadata": {"x-request-id": ["r-1"]} });
    for (status, body) in [
        (StatusCode::UNAUTHORIZED, error_json.to_string()),
        // A streaming response is HTTP 200; its end carries the error.
        (StatusCode::OK, end_stream.to_string()),
    ] {
        let error = Error::from_http_response(status, &HeaderMap::new(), body.as_bytes());
        assert!(error.is(ErrorCode::GIT_AUTH_FAILED), "{body}: {error:?}");
        assert_eq!(error.grpc_code(), tonic::Code::Unauthenticated);
        assert_eq!(error.context().get("repo"), Some("ns/x"));
        assert_eq!(error.retry_delay(), Some(std::time::Duration::from_secs(5)));
        assert_eq!(error.message(), "git authentication failed");
        assert!(error.decode_problems().is_empty(), "{error:?}");
    }
}

#[test]
fn a_malformed_connect_detail_is_reported_and_the_rest_decoded() {
    let info = tonic_types::pb::ErrorInfo {
        reason: "GIT_REPO_NOT_FOUND".into(),
        domain: csghub_errorx::CATALOG_DOMAIN.into(),
        metadata: [("code".to_string(), "GIT-ERR-9".to_string())].into(),
    };
    let body = serde_json::json!({
        "code": "not_found",
        "details": [
            {"type": "google.rpc.RetryInfo", "value": "%%% not base64"},
            "not an object",
            // Padded base64 is accepted too.
            {"type": "google.rpc.ErrorInfo",
             "value": base64::engine::general_purpose::STANDARD.encode(info.encode_to_vec())},
        ]
    });
    let error = Error::from_http_response(
        StatusCode::NOT_FOUND,
        &HeaderMap::new(),
        body.to_string().as_bytes(),
    );
    assert!(error.is(ErrorCode::GIT_REPO_NOT_FOUND), "{error:?}");
    assert_eq!(error.decode_problems().len(), 2, "{error:?}");
    // Without a message, none: nothing is invented.
    assert_eq!(error.message(), "");
}

/// The fixtures of `connect.test.mjs`: every code's Connect body, and what
/// connect-es should read from it and from the server.
fn fixtures() -> serde_json::Value {
    let codes: Vec<serde_json::Value> = csghub_errorx::csghub::CATALOG
        .codes()
        .map(|code| {
            let error = Error::new(code).with_context("repo", "ns/x");
            let response = connect_errors().render(&error, &HeaderMap::new());
            let (name, _) = connect_row(code.grpc_code());
            // connect-es' `Code` enum names: `not_found` is `NotFound`.
            let connect_code: String = name
                .split('_')
                .map(|word| word[..1].to_uppercase() + &word[1..])
                .collect();
            serde_json::json!({
                "codeString": code.as_str(),
                "reason": code.reason(),
                "module": code.module().number(),
                "number": code.number(),
                "connectCode": connect_code,
                "message": error.message(),
                "zhHk": error.user_message(Locale::ZH_HK),
                "body": response.body(),
            })
        })
        .collect();
    serde_json::json!({ "codes": codes, "domain": csghub_errorx::CATALOG_DOMAIN })
}

struct Removed(Vec<PathBuf>);

impl Drop for Removed {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[tokio::test]
async fn connect_es_reads_every_code_and_what_it_writes_is_decoded() {
    let dir = common::web::prepared();
    let (logs, _guard) = common::logs::capture();
    // The demo's Fail at its Connect path, on the one port of a server
    // configured for the Google shape: the Connect client's header picks
    // Connect's.
    let app = OnePort::new(tonic::service::Routes::new(
        csghub_errorx_demo::DemoServer::new(csghub_errorx_demo::DemoService::new()),
    ))
    .rest(csghub_errorx_demo::http::connect_router())
    .into_router();
    let server = HttpFixture::serve(app).await;
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let id = std::process::id();
    let fixtures_path = tmp.join(format!("connect-fixtures-{id}.json"));
    let out_path = tmp.join(format!("connect-es-errors-{id}.json"));
    let _removed = Removed(vec![fixtures_path.clone(), out_path.clone()]);
    std::fs::write(&fixtures_path, fixtures().to_string()).unwrap();

    let script = dir.join("web/connect.test.mjs");
    let url = format!("http://{}", server.addr);
    let (fixtures_env, out_env) = (fixtures_path.clone(), out_path.clone());
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("--test")
            .arg(&script)
            .env("ERRORX_CONNECT_URL", url)
            .env("ERRORX_FIXTURES", fixtures_env)
            .env("ERRORX_OUT", out_env)
            .output()
            .expect("node runs")
    })
    .await
    .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("# pass 3"), "{report}");
    assert!(report.contains("# fail 0"), "{report}");
    // Each Connect call is a REST request to the server: one line each,
    // with its code, and none from the gRPC layer.
    let lines: Vec<_> = logs
        .all()
        .into_iter()
        .filter(|e| e.target == "csghub_errorx::http")
        .collect();
    let logged: Vec<Option<&str>> = lines.iter().map(|l| l.field("code")).collect();
    let called: Vec<Option<String>> = csghub_errorx::csghub::CATALOG
        .codes()
        .map(|c| Some(c.as_str().to_string()))
        .collect();
    assert_eq!(
        logged,
        called.iter().map(|c| c.as_deref()).collect::<Vec<_>>()
    );
    assert!(logs.side("server").is_empty());

    // What connect-es writes, unary and at a stream's end.
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_path).unwrap()).unwrap();
    for (status, body) in [
        (StatusCode::UNAUTHORIZED, &written["unary"]),
        (StatusCode::OK, &written["endStream"]),
    ] {
        let error =
            Error::from_http_response(status, &HeaderMap::new(), body.to_string().as_bytes());
        assert!(error.is(ErrorCode::GIT_AUTH_FAILED), "{body}: {error:?}");
        assert_eq!(error.context().get("repo"), Some("ns/x"));
        assert_eq!(
            error.retry_delay(),
            Some(std::time::Duration::from_secs(30))
        );
        assert_eq!(error.localized_message().unwrap().locale(), "zh-HK");
        assert_eq!(error.message(), "git authentication failed");
        assert!(error.decode_problems().is_empty(), "{error:?}");
    }
}
