//! The `errorx` command line: list, explain, docs and decode.

use std::process::{Command, Output};

use base64::Engine as _;
use csghub_errorx::{Error, ErrorCode};

fn errorx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errorx"))
        .args(args)
        .output()
        .expect("errorx runs")
}

fn stdout(args: &[&str]) -> String {
    let output = errorx(args);
    assert!(
        output.status.success(),
        "errorx {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

#[test]
fn list_json_prints_all_100_codes_with_every_key() {
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&["list", "--json"])).unwrap();
    assert_eq!(rows.len(), 100);
    let git8 = rows.iter().find(|r| r["code"] == "GIT-ERR-8").unwrap();
    assert_eq!(git8["module"], "GIT");
    assert_eq!(git8["number"], 8);
    assert_eq!(git8["name"], "gitAuthFailed");
    assert_eq!(git8["reason"], "GIT_AUTH_FAILED");
    assert_eq!(git8["grpc_code"], "UNAUTHENTICATED");
    assert_eq!(git8["http_status"], 401);
    assert!(git8["description"]
        .as_str()
        .unwrap()
        .starts_with("Authentication with the remote Git server failed."));
}

#[test]
fn list_filters_by_module_prefix_or_title() {
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&["list", "--json", "--module", "SYS"])).unwrap();
    assert_eq!(rows.len(), 9);
    assert_eq!(stdout(&["list", "--module", "system"]).lines().count(), 9);
    assert!(!errorx(&["list", "--module", "NOPE"]).status.success());
}

#[test]
fn explain_accepts_code_name_and_reason() {
    for arg in ["GIT-ERR-8", "gitAuthFailed", "GIT_AUTH_FAILED"] {
        let text = stdout(&["explain", arg]);
        assert!(text.starts_with("GIT-ERR-8  gitAuthFailed"), "{text}");
        assert!(text.contains("UNAUTHENTICATED (16)"));
        assert!(text.contains("401"));
    }
    let output = errorx(&["explain", "GIT-ERR-99"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("GIT-ERR-99"));
}

#[test]
fn docs_render_every_module_and_code_like_the_source_document() {
    let docs = stdout(&["docs"]);
    assert!(docs.starts_with("# Error Codes\n"));
    for heading in [
        "Account",
        "Auth",
        "Dataset",
        "Git",
        "Invitation",
        "License",
        "Req",
        "System",
        "Task",
        "User",
    ] {
        assert!(
            docs.contains(&format!("\n## {heading} Errors\n")),
            "{heading}"
        );
    }
    for code in ErrorCode::iter() {
        let block = format!(
            "### {0}\n\n- Error Code: {0}\n- Error Name: {1}\n- Description: {2}\n",
            code.as_str(),
            code.name(),
            code.description()
        );
        assert!(docs.contains(&block), "{code:?}");
    }
    // Modules appear in catalog order.
    assert!(docs.find("## Account").unwrap() < docs.find("## User").unwrap());
    assert!(docs.contains("'Bearer {token}'"));
    assert!(docs.contains("An INSERT or UPDATE operation"));
}

#[test]
fn decode_reads_padded_and_unpadded_base64() {
    let status = tonic::Status::from(
        Error::new(ErrorCode::GIT_FILE_NOT_FOUND).with_context("path", "a/b.txt"),
    );
    for engine in [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
    ] {
        let value = engine.encode(status.details());
        let text = stdout(&["decode", &value]);
        assert!(text.contains("code:        GIT-ERR-13"), "{text}");
        assert!(text.contains("name:        gitFileNotFound"));
        assert!(text.contains("grpc code:   NOT_FOUND (5)"));
        assert!(text.contains("path = a/b.txt"));
    }
}

#[test]
fn decode_rejects_garbage_without_panicking() {
    for input in ["!!!", "AAAA", "////"] {
        let output = errorx(&["decode", input]);
        assert!(!output.status.success(), "{input}");
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    }
}
