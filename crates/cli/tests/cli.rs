//! The `errorx` command line: list, explain, docs and decode.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

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
    // A header row, then one row per code.
    assert_eq!(stdout(&["list", "--module", "system"]).lines().count(), 10);
    assert!(!errorx(&["list", "--module", "NOPE"]).status.success());
}

#[test]
fn list_has_a_header_row_and_the_reason() {
    let text = stdout(&["list"]);
    let mut lines = text.lines();
    let header: Vec<_> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["CODE", "NAME", "REASON", "GRPC", "HTTP"]);
    let git8 = lines.find(|l| l.starts_with("GIT-ERR-8 ")).unwrap();
    let cells: Vec<_> = git8.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "GIT-ERR-8",
            "gitAuthFailed",
            "GIT_AUTH_FAILED",
            "UNAUTHENTICATED",
            "401"
        ]
    );
}

#[test]
fn explain_accepts_every_spelling_a_person_types() {
    for args in [
        &["GIT-ERR-8"][..],
        &["git-err-8"],
        &["gitAuthFailed"],
        &["gitauthfailed"],
        &["GIT_AUTH_FAILED"],
        &["GIT 8"],
        &["GIT", "8"],
        &["git8"],
    ] {
        let text = stdout(&[&["explain"][..], args].concat());
        assert!(
            text.starts_with("GIT-ERR-8  gitAuthFailed"),
            "{args:?}: {text}"
        );
        assert!(text.contains("UNAUTHENTICATED (16)"));
        assert!(text.contains("401"));
    }
}

#[test]
fn explain_says_a_well_formed_unknown_code_is_not_in_this_catalog() {
    let text = stdout(&["explain", "GIT-ERR-99"]);
    assert!(
        text.starts_with("GIT-ERR-99  not in this catalog (module GIT, number 99)"),
        "{text}"
    );
}

#[test]
fn explain_suggests_the_closest_codes_for_a_typo() {
    let output = errorx(&["explain", "gitAuthFialed"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did you mean"), "{stderr}");
    assert!(stderr.contains("GIT-ERR-8"), "{stderr}");
}

#[test]
fn explain_escapes_what_was_typed() {
    let output = errorx(&["explain", "\x1b[31mnope\nFAKE LINE"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
}

#[test]
fn docs_show_the_aip_193_reason() {
    assert!(stdout(&["docs"]).contains("- Reason (AIP-193): GIT_AUTH_FAILED\n"));
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

fn details_of(error: Error) -> String {
    let status = tonic::Status::from(error);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(status.details())
}

fn decode_stdin(input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_errorx"))
        .arg("decode")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("errorx runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn decode_reads_a_whole_log_line_of_the_layers_from_stdin() {
    let value = details_of(Error::new(ErrorCode::GIT_AUTH_FAILED).with_context("remote", "origin"));
    // As tracing-subscriber's `fmt` writes the client layer's line at DEBUG,
    // and as its JSON formatter does.
    for line in [
        format!("2026-11-27T03:12:09.120Z  INFO csghub_errorx::client: rpc failed rpc.system=grpc rpc.method=/csghub.errorx.demo.v1.Demo/Fail rpc.grpc.status_code=16 grpc.code=UNAUTHENTICATED code=GIT-ERR-8 grpc.status_details_bin=\"{value}\" latency_ms=0.41\n"),
        format!("{{\"level\":\"INFO\",\"fields\":{{\"message\":\"rpc failed\",\"grpc.status_details_bin\":\"{value}\"}}}}\n"),
    ] {
        let output = decode_stdin(&line);
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(text.contains("code:        GIT-ERR-8"), "{text}");
        assert!(text.contains("remote = origin"), "{text}");
    }
}

#[test]
fn decode_reads_a_header_line() {
    let value = details_of(Error::new(ErrorCode::GIT_FILE_NOT_FOUND));
    let text = stdout(&["decode", &format!("grpc-status-details-bin: {value}")]);
    assert!(text.contains("code:        GIT-ERR-13"), "{text}");
    let output = decode_stdin(&format!("grpc-status-details-bin: {value}\r\n"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("GIT-ERR-13"));
}

#[test]
fn decode_escapes_what_a_peer_put_in_the_details() {
    let value = details_of(
        Error::new(ErrorCode::GIT_FILE_NOT_FOUND)
            .with_message("gone\n2026-11-27 ERROR forged line \x1b[2J"),
    );
    let text = stdout(&["decode", &value]);
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(!text.contains("\n2026-11-27 ERROR forged"), "{text}");
}

#[test]
fn decode_rejects_garbage_without_panicking() {
    for input in ["!!!", "AAAA", "////"] {
        let output = errorx(&["decode", input]);
        assert!(!output.status.success(), "{input}");
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    }
}

#[test]
fn list_json_has_every_codes_message_in_every_locale() {
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&["list", "--json"])).expect("JSON");
    for row in &rows {
        let code: csghub_errorx::ErrorCode = row["code"].as_str().unwrap().parse().unwrap();
        for locale in csghub_errorx::Locale::iter() {
            assert_eq!(
                row["messages"][locale.as_str()],
                code.message(locale),
                "{code:?} {locale}"
            );
        }
    }
    let git9 = rows.iter().find(|r| r["code"] == "GIT-ERR-9").unwrap();
    assert_eq!(git9["context_keys"], serde_json::json!(["repo"]));
}

#[test]
fn explain_and_docs_show_the_message_in_the_language_asked_for() {
    let explained = stdout(&["explain", "GIT-ERR-9", "--lang", "zh-TW"]);
    assert!(
        explained.contains("message (zh-HK): 找不到該儲存庫，請檢查儲存庫名稱及存取權限。"),
        "{explained}"
    );
    let docs = stdout(&["docs", "--lang", "zh-CN"]);
    assert!(
        docs.contains("- Message (zh-CN): 未找到该仓库，请检查仓库名称及访问权限。"),
        "{docs}"
    );
    assert_eq!(docs.matches("- Message (zh-CN): ").count(), 100);
}
