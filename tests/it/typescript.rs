//! The wire format from TypeScript: a Node client (a web frontend's code)
//! decodes `grpc-status-details-bin` values produced by the Rust encoder with
//! `@bufbuild/protobuf` and the code `protoc-gen-es` generates from the
//! protos, and maps each code onto the generated catalog enums. The
//! TypeScript side is `tests/ts/status.test.mjs`.

use crate::common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::npm;
use common::ts::prepared;
use csghub_errorx::{Error, ErrorCode, Module};
use prost::Message;

#[test]
fn the_typescript_client_type_checks_against_the_generated_declarations() {
    let test = prepared().join("test");
    let output = Command::new(npm::bin("tsc"))
        .arg("-p")
        .arg(&test)
        .output()
        .expect("tsc runs");
    assert_success("tsc", &output);
}

#[test]
fn a_node_client_decodes_what_the_rust_encoder_sends_into_the_generated_catalog() {
    let fixtures = Fixtures::write();
    let test = prepared().join("test");
    let output = Command::new("node")
        .arg("--test")
        .arg(test.join("status.test.mjs"))
        .env("ERRORX_FIXTURES", &fixtures.0)
        .current_dir(&test)
        .output()
        .expect("node runs");
    assert_success("node --test", &output);
    let report = String::from_utf8_lossy(&output.stdout);
    // The binary header tests and the JSON body one.
    assert!(report.contains("# pass 5"), "{report}");
    assert!(report.contains("# fail 0"), "{report}");
}

fn assert_success(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The statuses the Node test decodes, as the Rust encoder sends them, in a
/// JSON file. Removed when dropped.
struct Fixtures(PathBuf);

impl Drop for Fixtures {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl Fixtures {
    fn write() -> Fixtures {
        let codes: Vec<serde_json::Value> = csghub_errorx::csghub::CATALOG
            .codes()
            .map(|code| fixture(Error::new(code).with_context("repo", "ns/name")))
            .collect();
        let newer_code = fixture(Error::from_status(&newer_servers_status()));
        let with_details = fixture(
            Error::new(ErrorCode::ERR_REQ_PARAM_INVALID)
                .add_field_violation("page_size", "must be at most 100")
                .with_localized_message("zh-CN", "每页最多 100 条")
                .add_custom_detail(&prost_types::Timestamp {
                    seconds: 1,
                    nanos: 0,
                }),
        );
        let json = serde_json::json!({
            "codes": codes,
            "newerCode": newer_code,
            "withDetails": with_details,
        });
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("ts-fixtures-{}.json", std::process::id()));
        std::fs::write(&path, json.to_string()).expect("write the fixtures");
        Fixtures(path)
    }
}

/// What the Node test knows of one status: the header, and what it should
/// decode to.
fn fixture(error: Error) -> serde_json::Value {
    let code = error.code();
    // What the google.rpc.ErrorInfo metadata `code` should hold.
    let code_string = error.code_str().map(|c| c.into_owned());
    let status = tonic::Status::from(error);
    let mut headers = http::HeaderMap::new();
    status.add_header(&mut headers).expect("valid headers");
    let header = headers
        .get("grpc-status-details-bin")
        .expect("grpc-status-details-bin")
        .to_str()
        .expect("base64 is ASCII");
    // The same error over HTTP: the AIP-193 body, for a browser that asked
    // for Traditional Chinese.
    let mut request_headers = http::HeaderMap::new();
    request_headers.insert("accept-language", http::HeaderValue::from_static("zh-TW"));
    let http_body = csghub_errorx::http::HttpErrors::new()
        .render(&Error::from_status(&status), &request_headers)
        .into_body();
    serde_json::json!({
        "httpBody": http_body,
        "module": code.map(|c| c.module().number()),
        "number": code.map(|c| c.number()),
        "reason": code.map(|c| c.reason()),
        "name": code.map(|c| c.name()),
        "codeString": code_string,
        "grpcCode": status.code() as i32,
        "grpcCodeName": csghub_errorx::grpc_code::name(status.code()),
        "httpStatus": code.map(|c| c.http_status().as_u16()),
        "retryClass": code.map(|c| common::retry_class_proto_name(c.retry_class())),
        "retryDelayMs": code.map(|c| c.retry_delay().map_or(0, |delay| delay.as_millis() as u64)),
        "message": status.message(),
        "header": header,
    })
}

/// A status from a server whose catalog has GIT-ERR-99, which this build
/// lacks; the Rust side decodes it and re-encodes it, as a proxy would.
fn newer_servers_status() -> tonic::Status {
    let typed = csghub_errorx::proto::v1::ErrorInfo {
        module: Module::GIT.number(),
        number: 99,
        ..Default::default()
    };
    let info = tonic_types::pb::ErrorInfo {
        reason: "GIT_LFS_QUOTA_GONE".into(),
        domain: csghub_errorx::CATALOG_DOMAIN.into(),
        metadata: Default::default(),
    };
    let inner = tonic_types::pb::Status {
        code: tonic::Code::ResourceExhausted as i32,
        message: "LFS quota gone".into(),
        details: vec![
            prost_types::Any {
                type_url: "type.googleapis.com/google.rpc.ErrorInfo".into(),
                value: info.encode_to_vec(),
            },
            prost_types::Any {
                type_url: "type.googleapis.com/csghub.errorx.v1.ErrorInfo".into(),
                value: typed.encode_to_vec(),
            },
        ],
    };
    tonic::Status::with_details(
        tonic::Code::ResourceExhausted,
        "LFS quota gone",
        inner.encode_to_vec().into(),
    )
}
