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
    for code in csghub_errorx::csghub::CATALOG.codes() {
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
        for locale in csghub_errorx::csghub::CATALOG.locales().iter().copied() {
            assert_eq!(
                row["messages"][locale.as_str()],
                code.user_message(locale),
                "{code:?} {locale}"
            );
        }
    }
    let git9 = rows.iter().find(|r| r["code"] == "GIT-ERR-9").unwrap();
    assert_eq!(git9["context_keys"], serde_json::json!(["repo"]));
    // Each code's retry class, and the delay a server asks for.
    assert_eq!(git9["retry"], "never");
    let rate_limit = rows.iter().find(|r| r["code"] == "REQ-ERR-10").unwrap();
    assert_eq!(rate_limit["retry"], "after_server_delay");
    assert_eq!(rate_limit["retry_delay_ms"], 30000);
    let cluster = rows.iter().find(|r| r["code"] == "TASK-ERR-5").unwrap();
    assert_eq!(cluster["retry"], "backoff");
}

#[test]
fn list_json_has_every_detailed_template_with_its_placeholders() {
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&["list", "--json"])).expect("JSON");
    let mut templates = 0;
    for row in &rows {
        let code: csghub_errorx::ErrorCode = row["code"].as_str().unwrap().parse().unwrap();
        for locale in csghub_errorx::csghub::CATALOG.locales().iter().copied() {
            let listed = row["detailed"]
                .get(locale.as_str())
                .and_then(|t| t.as_str());
            assert_eq!(
                listed,
                code.user_message_template(locale),
                "{code:?} {locale}"
            );
            if let Some(template) = listed {
                templates += 1;
                // Each placeholder names a context key the code declares.
                for key in template
                    .split('{')
                    .skip(1)
                    .filter_map(|t| t.split_once('}'))
                {
                    assert!(code.context_keys().contains(&key.0), "{code:?} {template}");
                }
            }
        }
    }
    assert!(templates > 0);
    let git9 = rows.iter().find(|r| r["code"] == "GIT-ERR-9").unwrap();
    assert_eq!(
        git9["detailed"]["zh-CN"],
        "未找到仓库 {repo}，请检查仓库名称及访问权限。"
    );
}

/// The client layer's line as tracing-subscriber's default formatter
/// writes it to a terminal: coloured, each field name in ANSI escapes.
fn coloured_log_line(details: &str) -> String {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(true)
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        tracing::event!(
            target: "csghub_errorx::client",
            tracing::Level::DEBUG,
            rpc.system = %"grpc",
            grpc.code = %"UNAUTHENTICATED",
            code = %"GIT-ERR-8",
            grpc.status_details_bin = details,
            latency_ms = 0.4,
            "rpc failed"
        );
    });
    let line = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(line.contains('\u{1b}'), "coloured: {line:?}");
    line
}

#[test]
fn decode_reads_a_coloured_log_line() {
    let value = details_of(Error::new(ErrorCode::GIT_AUTH_FAILED).with_context("remote", "origin"));
    let output = decode_stdin(&coloured_log_line(&value));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("code:        GIT-ERR-8"), "{text}");
    assert!(text.contains("grpc code:   UNAUTHENTICATED (16)"), "{text}");
}

#[test]
fn decode_fails_clearly_when_the_input_holds_no_value() {
    for (input, says) in [
        (
            "2026-11-27T03:12:09Z  INFO csghub_errorx::client: rpc failed code=GIT-ERR-8 latency_ms=0.4",
            "no grpc-status-details-bin value found",
        ),
        ("grpc.status_details_bin= latency_ms=1", "value is empty"),
        ("grpc-status-details-bin: !!!", "value is not base64"),
        ("CAA", "empty google.rpc.Status"),
        ("AAAA", "not a google.rpc.Status"),
        ("", "no input"),
    ] {
        let output = decode_stdin(input);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{input:?} succeeded");
        assert!(stderr.contains(says), "{input:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{input:?}");
    }
}

/// Every `errorx` command the READMEs show, as a person would type it:
/// each runs and says what its comment promises. A piped `grep ... |
/// errorx decode` gets a real log line of the layers on stdin.
#[test]
fn the_readme_commands_run_as_shown() {
    let log_line = coloured_log_line(&details_of(
        Error::new(ErrorCode::GIT_AUTH_FAILED).with_context("remote", "origin"),
    ));
    let mut ran = 0;
    for readme in [
        include_str!("../../../README.md"),
        include_str!("../README.md"),
    ] {
        let mut in_sh = false;
        for line in readme.lines() {
            if line.starts_with("```") {
                in_sh = line == "```sh";
                continue;
            }
            let Some(at) = line.find("errorx ").filter(|_| in_sh) else {
                continue;
            };
            // The command, without its comment and any output redirection.
            let command = line[at..]
                .split("  #")
                .next()
                .unwrap()
                .split(" > ")
                .next()
                .unwrap();
            let piped = line[..at].trim_end().ends_with('|');
            let args = shlex::split(command).expect("a shell command");
            assert_eq!(args[0], "errorx", "{line}");
            if args[1] == "install" || command.contains("--path") {
                continue;
            }
            // Paths in READMEs are from the repository's root.
            let mut child = Command::new(env!("CARGO_BIN_EXE_errorx"))
                .args(&args[1..])
                .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("errorx runs");
            let stdin = if piped { log_line.as_str() } else { "" };
            child
                .stdin
                .take()
                .unwrap()
                .write_all(stdin.as_bytes())
                .unwrap();
            let output = child.wait_with_output().unwrap();
            let (out, err) = (
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
            );
            // A typo fails, suggesting the code; everything else succeeds.
            if command.contains("Fialed") {
                assert!(!output.status.success(), "{line}");
                assert!(
                    err.contains("did you mean") && err.contains("GIT-ERR-8"),
                    "{line}: {err}"
                );
            } else {
                assert!(output.status.success(), "{line}: {err}");
                assert!(!out.trim().is_empty(), "{line}");
            }
            if args[1] == "decode" {
                assert!(out.contains("grpc code:   "), "{line}: {out}");
            }
            ran += 1;
        }
    }
    assert!(ran >= 15, "{ran} commands");
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

/// A line break and the ways to take over a terminal: ESC (CSI), a C1
/// CSI, a bidi override and a Unicode line separator.
const FORGED: &str = "x\r\nFORGED-LINE level=ERROR \u{1b}[31m red \u{9b}31m \u{202e}rtl \u{2028}";

/// Fails unless `text` holds no raw byte that starts a line or drives a
/// terminal, no line that starts with the forged one, and no line over
/// `max_line` bytes.
fn assert_clean(text: &[u8], max_line: usize) {
    let shown = String::from_utf8_lossy(text);
    let excerpt: String = shown.chars().take(2000).collect();
    assert!(!text.contains(&0x1b), "a raw ESC: {excerpt}");
    assert!(!text.contains(&b'\r'), "a raw CR: {excerpt}");
    for c in ['\u{9b}', '\u{202e}', '\u{2028}'] {
        assert!(!shown.contains(c), "a raw {c:?}: {excerpt}");
    }
    for line in shown.lines() {
        assert!(!line.starts_with("FORGED-LINE"), "a forged line: {line}");
        assert!(line.len() <= max_line, "a line of {} bytes", line.len());
    }
}

fn any(type_name: &str, value: Vec<u8>) -> prost_types::Any {
    prost_types::Any {
        type_url: format!("type.googleapis.com/{type_name}"),
        value,
    }
}

/// A status in which every string a peer may send is `text`, with
/// `entries` context entries more.
fn hostile_details(text: &str, entries: usize) -> Vec<u8> {
    use prost::Message as _;
    let mut metadata: std::collections::HashMap<String, String> = (0..entries)
        .map(|i| (format!("k{i}"), "v".to_string()))
        .collect();
    metadata.insert(text.to_string(), text.to_string());
    // The form csghub-errorx 0.1 sent, with a code string and the context.
    #[allow(deprecated)]
    let typed = csghub_errorx::proto::v1::ErrorInfo {
        module: 42,
        number: 7,
        code: text.to_string(),
        context: metadata.clone().into_iter().collect(),
        ..Default::default()
    };
    let google = tonic_types::pb::ErrorInfo {
        reason: text.to_string(),
        domain: text.to_string(),
        metadata,
    };
    tonic_types::pb::Status {
        code: tonic::Code::Internal as i32,
        message: text.to_string(),
        details: vec![
            any("google.rpc.ErrorInfo", google.encode_to_vec()),
            any("csghub.errorx.v1.ErrorInfo", typed.encode_to_vec()),
            any(text, text.as_bytes().to_vec()),
        ],
    }
    .encode_to_vec()
}

#[test]
fn decode_escapes_and_bounds_every_string_a_hostile_peer_sent() {
    // 64 KiB strings and 2,000 entries: 700 KiB of base64, within the
    // megabyte `decode` reads from stdin.
    let text = format!("{FORGED}{}", "A".repeat(64 * 1024));
    let details = hostile_details(&text, 2000);
    let value = base64::engine::general_purpose::STANDARD.encode(&details);
    assert!(value.len() < 1 << 20);
    let output = decode_stdin(&value);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_clean(&output.stdout, 8 * 1024);
    let report = String::from_utf8_lossy(&output.stdout);
    // 64 of the 2,001 entries are listed, then how many more there are.
    assert!(report.contains("(+1937 more entries)"), "{report}");
    assert!(report.lines().count() < 100, "{report}");
}

#[test]
fn decode_keeps_the_code_of_a_status_whose_message_is_not_utf8() {
    use prost::Message as _;
    let status = tonic::Status::from(Error::new(ErrorCode::FORBIDDEN).with_message("no"));
    let mut inner = tonic_types::pb::Status::decode(status.details()).unwrap();
    inner.message = String::new();
    let mut bytes = inner.encode_to_vec();
    // Field 2 (message) with the bytes "n\xff".
    bytes.extend_from_slice(&[0x12, 0x02, b'n', 0xff]);
    let value = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let text = stdout(&["decode", &value]);
    assert!(text.contains("code:        AUTH-ERR-2"), "{text}");
    assert!(text.contains("message:     n\u{fffd}"), "{text}");
    assert!(
        text.contains("problem:     google.rpc.Status.message is not UTF-8"),
        "{text}"
    );
}

/// Runs `errorx args`; fails if it runs for over 30 s.
fn errorx_within_30_s(args: &[String]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_errorx"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("errorx runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("errorx {} ran for over 30 s", args[0]);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn explain_escapes_and_bounds_a_pasted_megabyte() {
    // Eight arguments of 128 KiB (the most Linux passes in one), joined.
    let word = format!("{FORGED}{}", "A".repeat(128 * 1024 - FORGED.len() - 1));
    let mut args = vec!["explain".to_string()];
    args.extend(std::iter::repeat_n(word, 8));
    let output = errorx_within_30_s(&args);
    assert!(!output.status.success());
    assert_clean(&output.stderr, 1024);
    assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
}

#[test]
fn list_escapes_and_bounds_a_module_it_does_not_know() {
    let module = format!("{FORGED}{}", "A".repeat(100_000));
    let output = errorx_within_30_s(&["list".into(), "--module".into(), module]);
    assert!(!output.status.success());
    assert_clean(&output.stderr, 1024);
    assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
}

/// The catalog of `examples/own-catalog`, as a user passes it.
fn own_catalog() -> String {
    concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/own-catalog/proto/acme/errors/v1/catalog.proto"
    )
    .to_string()
}

#[test]
fn list_json_of_another_catalog_has_the_built_in_catalogs_shape() {
    let catalog = own_catalog();
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&["--catalog", &catalog, "list", "--json"])).expect("JSON");
    assert_eq!(rows.len(), 10);
    let builtin: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&["list", "--json"])).expect("JSON");
    let keys = |row: &serde_json::Value| -> Vec<String> {
        row.as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect()
    };
    for row in &rows {
        assert_eq!(keys(row), keys(&builtin[0]), "{row}");
    }
    let oom = rows
        .iter()
        .find(|r| r["code"] == "GPU-ERR-0")
        .expect("GPU-ERR-0");
    assert_eq!(oom["module"], "GPU");
    assert_eq!(oom["name"], "gpuOutOfMemory");
    assert_eq!(oom["reason"], "GPU_OUT_OF_MEMORY");
    assert_eq!(oom["grpc_code"], "RESOURCE_EXHAUSTED");
    assert_eq!(oom["http_status"], 429);
    assert_eq!(
        oom["context_keys"],
        serde_json::json!(["requiredMib", "freeMib"])
    );
    assert_eq!(
        oom["messages"]["zh-CN"],
        "请求所需的显存超过可用显存，请尝试更小的请求。"
    );
}

#[test]
fn explain_finds_another_catalogs_codes_by_any_spelling() {
    let catalog = own_catalog();
    for query in [
        "MODEL-ERR-0",
        "model-err-0",
        "modelNotLoaded",
        "MODEL_NOT_LOADED",
    ] {
        let text = stdout(&["--catalog", &catalog, "explain", query]);
        assert!(text.starts_with("MODEL-ERR-0 "), "{query}: {text}");
        assert!(text.contains("UNAVAILABLE"), "{text}");
    }
    // A CSGHub code is no code of Acme's catalog.
    assert!(!errorx(&["--catalog", &catalog, "explain", "GIT-ERR-8"])
        .status
        .success());
    let newer = stdout(&["--catalog", &catalog, "explain", "GPU-ERR-9"]);
    assert!(
        newer.starts_with("GPU-ERR-9  not in this catalog (module GPU, number 9)"),
        "{newer}"
    );
}

#[test]
fn decode_names_another_catalogs_code() {
    // What an Acme server sends, with the standard types only.
    let details = tonic_types::ErrorDetails::with_error_info(
        "GPU_OUT_OF_MEMORY",
        "errors.acme.example",
        [
            ("code".to_string(), "GPU-ERR-0".to_string()),
            ("freeMib".to_string(), "1024".to_string()),
        ],
    );
    let status = <tonic::Status as tonic_types::StatusExt>::with_error_details(
        tonic::Code::ResourceExhausted,
        "out of GPU memory",
        details,
    );
    let value = base64::engine::general_purpose::STANDARD_NO_PAD.encode(status.details());
    let catalog = own_catalog();
    let text = stdout(&["--catalog", &catalog, "decode", &value]);
    assert!(text.contains("GPU-ERR-0"), "{text}");
    assert!(text.contains("gpuOutOfMemory"), "{text}");
    assert!(text.contains("freeMib"), "{text}");
    // Without the catalog, the code string is still shown, uncataloged.
    let plain = stdout(&["decode", &value]);
    assert!(!plain.contains("gpuOutOfMemory"), "{plain}");
}

#[test]
fn a_catalog_that_does_not_check_is_reported_at_its_line() {
    let dir = std::env::temp_dir().join(format!("errorx-cli-bad-{}", std::process::id()));
    let proto_dir = dir.join("acme/errors/v1");
    std::fs::create_dir_all(proto_dir.join("messages")).expect("dirs");
    let source = std::fs::read_to_string(own_catalog())
        .expect("the catalog")
        .replace("http_status: 404", "http_status: 400");
    std::fs::write(proto_dir.join("catalog.proto"), &source).expect("write");
    for locale in ["en-US", "zh-CN"] {
        let messages = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/own-catalog/proto/acme/errors/v1/messages/"
        );
        std::fs::copy(
            format!("{messages}{locale}.toml"),
            proto_dir.join(format!("messages/{locale}.toml")),
        )
        .expect("copy");
    }
    let output = errorx(&[
        "--catalog",
        proto_dir.join("catalog.proto").to_str().expect("UTF-8"),
        "list",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The place is the code's enum value.
    let line = source
        .lines()
        .position(|l| l.contains("MODEL_NOT_FOUND = 1"))
        .expect("the line")
        + 1;
    assert!(
        stderr.contains(&format!("catalog.proto:{line}:"))
            && stderr.contains("http_status 400 contradicts grpc_code NOT_FOUND"),
        "{stderr}"
    );
}

#[test]
fn explain_says_how_a_code_is_retried() {
    let text = stdout(&["explain", "REQ-ERR-10"]);
    assert!(
        text.contains("retried:     after the server's delay (the server asks for 30000 ms)"),
        "{text}"
    );
    assert!(stdout(&["explain", "AUTH-ERR-4"]).contains("retried:     never"));
}
