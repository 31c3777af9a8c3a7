//! `errorx check --against OLD`: one test per kind of change, each a small
//! edit of a copy of examples/own-catalog's catalog, compared with the
//! original; and the repository's catalog against its previous revision.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The original user catalog's proto root: the OLD of every test.
fn original() -> PathBuf {
    repo().join("examples/own-catalog/proto")
}

const CATALOG: &str = "acme/errors/v1/catalog.proto";
const EN_US: &str = "acme/errors/v1/messages/en-US.toml";
const ZH_CN: &str = "acme/errors/v1/messages/zh-CN.toml";

/// A fresh copy of the original proto root.
struct Copy(PathBuf);

impl Copy {
    fn new() -> Copy {
        static SEQUENCE: AtomicU32 = AtomicU32::new(0);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "check-{}-{}",
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        copy_tree(&original(), &dir);
        Copy(dir)
    }

    /// Replaces `from` by `to` in `file`, which must contain it.
    fn edit(&self, file: &str, from: &str, to: &str) -> &Copy {
        let path = self.0.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        self
    }

    /// `errorx --catalog <copy> check --against <original> --json`.
    fn check(&self) -> (Output, serde_json::Value) {
        let output = errorx(&[
            "--catalog",
            self.0.join(CATALOG).to_str().unwrap(),
            "check",
            "--against",
            original().to_str().unwrap(),
            "--json",
        ]);
        let report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
        (output, report)
    }

    /// The changes of `check`, as `(severity, kind, code)`, and whether it
    /// exited 1 (breaking) or 0.
    fn changes(&self) -> (Vec<(String, String, String)>, Option<i32>) {
        let (output, report) = self.check();
        let changes = report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["severity"].as_str().unwrap().to_string(),
                    c["kind"].as_str().unwrap().to_string(),
                    c["code"].as_str().unwrap_or("-").to_string(),
                )
            })
            .collect();
        (changes, output.status.code())
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn errorx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_errorx"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("errorx runs")
}

fn change(severity: &str, kind: &str, code: &str) -> (String, String, String) {
    (severity.into(), kind.into(), code.into())
}

/// Asserts that `copy`'s changes are exactly `expected`, and the exit
/// status follows from them.
fn assert_changes(copy: &Copy, expected: &[(&str, &str, &str)]) {
    let (changes, status) = copy.changes();
    let mut expected: Vec<_> = expected.iter().map(|&(s, k, c)| change(s, k, c)).collect();
    let mut actual = changes.clone();
    expected.sort();
    actual.sort();
    assert_eq!(actual, expected);
    let breaking = changes.iter().any(|c| c.0 == "breaking");
    assert_eq!(status, Some(i32::from(breaking)), "{changes:?}");
}

#[test]
fn an_unchanged_catalog_has_no_changes_and_passes() {
    assert_changes(&Copy::new(), &[]);
}

#[test]
fn a_code_removed_without_reserving_it_is_breaking() {
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        r#"  // GPU-ERR-2 `gpuDriverFault`.
  GPU_DRIVER_FAULT = 2 [(csghub.errorx.v1.code) = {
    name: "gpuDriverFault"
    description: "The accelerator's driver failed while running the request."
    grpc_code: "INTERNAL"
    http_status: 500
  }];
"#,
        "",
    );
    remove_messages(&copy, "GPU-ERR-2");
    assert_changes(&copy, &[("breaking", "code_removed", "GPU-ERR-2")]);
    let (_, report) = copy.check();
    let message = report["changes"][0]["message"].as_str().unwrap();
    assert!(message.contains("`reserved 2;`"), "{message}");
    assert!(
        message.contains(r#"`reserved "GPU_DRIVER_FAULT";`"#),
        "{message}"
    );
}

#[test]
fn a_code_retired_with_its_number_and_reason_reserved_is_only_risky() {
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        r#"  GPU_DRIVER_FAULT = 2 [(csghub.errorx.v1.code) = {
    name: "gpuDriverFault"
    description: "The accelerator's driver failed while running the request."
    grpc_code: "INTERNAL"
    http_status: 500
  }];
"#,
        "  reserved 2;\n  reserved \"GPU_DRIVER_FAULT\";\n",
    );
    remove_messages(&copy, "GPU-ERR-2");
    assert_changes(&copy, &[("risky", "code_retired", "GPU-ERR-2")]);
}

#[test]
fn a_code_retired_with_only_its_number_reserved_is_breaking() {
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        r#"  GPU_DRIVER_FAULT = 2 [(csghub.errorx.v1.code) = {
    name: "gpuDriverFault"
    description: "The accelerator's driver failed while running the request."
    grpc_code: "INTERNAL"
    http_status: 500
  }];
"#,
        "  reserved 2;\n",
    );
    remove_messages(&copy, "GPU-ERR-2");
    assert_changes(&copy, &[("breaking", "code_removed", "GPU-ERR-2")]);
    let (_, report) = copy.check();
    let message = report["changes"][0]["message"].as_str().unwrap();
    assert!(!message.contains("reserved 2;"), "{message}");
    assert!(
        message.contains(r#"`reserved "GPU_DRIVER_FAULT";`"#),
        "{message}"
    );
}

#[test]
fn a_renumbered_code_is_breaking_and_not_also_new() {
    let copy = Copy::new();
    copy.edit(CATALOG, "GPU_DRIVER_FAULT = 2", "GPU_DRIVER_FAULT = 7");
    for file in [EN_US, ZH_CN] {
        copy.edit(file, r#"["GPU-ERR-2"]"#, r#"["GPU-ERR-7"]"#);
    }
    assert_changes(&copy, &[("breaking", "renumbered", "GPU-ERR-2")]);
}

#[test]
fn a_name_change_is_breaking() {
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        r#"name: "gpuDriverFault""#,
        r#"name: "gpuDriverFailed""#,
    );
    assert_changes(&copy, &[("breaking", "name_changed", "GPU-ERR-2")]);
}

#[test]
fn a_reason_change_is_breaking() {
    let copy = Copy::new();
    copy.edit(CATALOG, "GPU_DRIVER_FAULT = 2", "GPU_DRIVER_FAILED = 2");
    assert_changes(&copy, &[("breaking", "reason_changed", "GPU-ERR-2")]);
}

#[test]
fn a_grpc_code_and_http_status_change_is_breaking() {
    // The build keeps the HTTP status the gRPC code's: they change together.
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        "grpc_code: \"NOT_FOUND\"\n    http_status: 404",
        "grpc_code: \"PERMISSION_DENIED\"\n    http_status: 403",
    );
    assert_changes(
        &copy,
        &[
            ("breaking", "grpc_code_changed", "MODEL-ERR-1"),
            ("breaking", "http_status_changed", "MODEL-ERR-1"),
        ],
    );
    let (_, report) = copy.check();
    assert_eq!(
        report["changes"][0]["message"],
        "gRPC code changed: NOT_FOUND -> PERMISSION_DENIED"
    );
}

#[test]
fn a_retry_class_change_is_risky() {
    // GPU-ERR-0 loses its declared class: RESOURCE_EXHAUSTED's default,
    // after the server's delay, instead of backoff.
    let copy = Copy::new();
    copy.edit(CATALOG, "\n    retry: RETRY_CLASS_BACKOFF", "");
    assert_changes(&copy, &[("risky", "retry_class_changed", "GPU-ERR-0")]);
    let (_, report) = copy.check();
    assert_eq!(
        report["changes"][0]["message"],
        "retry class changed: Backoff -> AfterServerDelay (clients built against the old catalog wait as before)"
    );
}

#[test]
fn a_code_no_longer_retried_says_old_clients_still_retry_it_and_its_delay_went() {
    // MODEL-ERR-0 stops being retried, and so loses its delay (the build
    // allows one only on a retried code).
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        "    retry_delay_ms: 20000\n",
        "    retry: RETRY_CLASS_NEVER\n",
    );
    assert_changes(
        &copy,
        &[
            ("risky", "retry_class_changed", "MODEL-ERR-0"),
            ("fine", "retry_delay_changed", "MODEL-ERR-0"),
        ],
    );
    let (_, report) = copy.check();
    let messages: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.contains(&"retry class changed: Backoff -> Never (clients built against the old catalog still retry it)"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"retry delay changed: 20000 ms -> 0 ms (sent in RetryInfo; clients read it from the wire)"),
        "{messages:?}"
    );
}

#[test]
fn a_context_key_removed_is_breaking() {
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        r#"context_keys: ["requiredMib", "freeMib"]"#,
        r#"context_keys: ["requiredMib"]"#,
    );
    // Its placeholder goes too (the build rejects a template naming an
    // undeclared key), which is its own breaking change.
    let (en, zh) = (
        message_of(&copy, EN_US, "GPU-ERR-0"),
        message_of(&copy, ZH_CN, "GPU-ERR-0"),
    );
    assert!(en.contains("{freeMib}") && zh.contains("{freeMib}"));
    drop_placeholder(&copy, EN_US, "GPU-ERR-0", "freeMib");
    drop_placeholder(&copy, ZH_CN, "GPU-ERR-0", "freeMib");
    let (changes, status) = copy.changes();
    assert_eq!(status, Some(1));
    assert!(
        changes.contains(&change("breaking", "context_key_removed", "GPU-ERR-0")),
        "{changes:?}"
    );
}

#[test]
fn a_placeholder_removed_from_a_message_is_breaking() {
    let copy = Copy::new();
    // Every locale's template has the same placeholders (the build checks
    // it), so the key goes from each, and each is reported.
    copy.edit(
        EN_US,
        "this model accepts at most {maxTokens}.",
        "this model accepts fewer.",
    );
    copy.edit(
        ZH_CN,
        "该模型最多接受 {maxTokens} 个。",
        "超出该模型的上限。",
    );
    assert_changes(
        &copy,
        &[
            ("breaking", "placeholder_removed", "MODEL-ERR-2"),
            ("breaking", "placeholder_removed", "MODEL-ERR-2"),
        ],
    );
}

#[test]
fn a_domain_change_is_breaking() {
    let copy = Copy::new();
    copy.edit(CATALOG, r#""errors.acme.example""#, r#""errors.acme.test""#);
    assert_changes(&copy, &[("breaking", "domain_changed", "-")]);
}

#[test]
fn a_module_prefix_change_is_breaking() {
    let copy = Copy::new();
    copy.edit(CATALOG, r#"prefix: "GPU""#, r#"prefix: "ACCEL""#);
    for file in [EN_US, ZH_CN] {
        for n in 0..4 {
            copy.edit(
                file,
                &format!("[\"GPU-ERR-{n}\"]"),
                &format!("[\"ACCEL-ERR-{n}\"]"),
            );
        }
    }
    assert_changes(&copy, &[("breaking", "module_prefix_changed", "-")]);
}

#[test]
fn a_reworded_description_is_risky() {
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        "No model has this name.",
        "No model is known by this name.",
    );
    assert_changes(&copy, &[("risky", "description_reworded", "MODEL-ERR-1")]);
}

#[test]
fn a_reworded_message_is_risky() {
    let copy = Copy::new();
    copy.edit(
        ZH_CN,
        r#"message = "未找到该模型。""#,
        r#"message = "找不到该模型。""#,
    );
    assert_changes(&copy, &[("risky", "message_reworded", "MODEL-ERR-1")]);
    let (_, report) = copy.check();
    let message = report["changes"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("zh-CN message reworded"), "{message}");
}

#[test]
fn a_context_key_added_to_a_template_is_risky() {
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        r#"context_keys: ["quota"]"#,
        r#"context_keys: ["quota", "period"]"#,
    );
    for file in [EN_US, ZH_CN] {
        let block = message_of(&copy, file, "GPU-ERR-3");
        let template = block.lines().find(|l| l.starts_with("detailed")).unwrap();
        copy.edit(
            file,
            template,
            &template.replacen("{quota}", "{quota} ({period})", 1),
        );
    }
    assert_changes(
        &copy,
        &[
            ("fine", "context_key_added", "GPU-ERR-3"),
            ("risky", "placeholder_added", "GPU-ERR-3"),
            ("risky", "placeholder_added", "GPU-ERR-3"),
        ],
    );
}

#[test]
fn a_new_code_and_a_new_locale_are_fine() {
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        "  // GPU-ERR-3 `gpuQuotaExceeded`.",
        r#"  // GPU-ERR-4 `gpuOverheated`.
  GPU_OVERHEATED = 4 [(csghub.errorx.v1.code) = {
    name: "gpuOverheated"
    description: "The accelerator is too hot to take the request."
    grpc_code: "UNAVAILABLE"
    http_status: 503
  }];
  // GPU-ERR-3 `gpuQuotaExceeded`."#,
    );
    for (file, text) in [(EN_US, "Too hot."), (ZH_CN, "过热。")] {
        let path = copy.0.join(file);
        let mut toml = std::fs::read_to_string(&path).unwrap();
        toml.push_str(&format!("\n[\"GPU-ERR-4\"]\nmessage = \"{text}\"\n"));
        std::fs::write(&path, toml).unwrap();
    }
    std::fs::copy(
        copy.0.join(EN_US),
        copy.0.join("acme/errors/v1/messages/en-GB.toml"),
    )
    .unwrap();
    assert_changes(
        &copy,
        &[
            ("fine", "code_added", "GPU-ERR-4"),
            ("fine", "locale_added", "-"),
        ],
    );
}

#[test]
fn the_text_report_names_each_change_and_counts_them() {
    let copy = Copy::new();
    copy.edit(
        CATALOG,
        "grpc_code: \"NOT_FOUND\"\n    http_status: 404",
        "grpc_code: \"PERMISSION_DENIED\"\n    http_status: 403",
    );
    let output = errorx(&[
        "--catalog",
        copy.0.join(CATALOG).to_str().unwrap(),
        "check",
        "--against",
        original().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with(
            "breaking  MODEL-ERR-1     gRPC code changed: NOT_FOUND -> PERMISSION_DENIED\n"
        ),
        "{text}"
    );
    assert!(text.ends_with(": 2 breaking, 0 risky, 0 fine\n"), "{text}");
}

#[test]
fn an_old_catalog_that_cannot_be_read_fails_with_status_2() {
    let output = errorx(&["check", "--against", "no-such-revision-or-file"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not a file, a directory or a revision"),
        "{stderr}"
    );
}

/// Whether the repository has a commit before HEAD: a shallow clone of
/// depth 1 has none. Under CI that fails the test instead of skipping it.
fn has_previous_revision() -> bool {
    let found = Command::new("git")
        .args(["rev-parse", "--verify", "--quiet", "HEAD~1^{commit}"])
        .current_dir(repo())
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set and the repository has no HEAD~1 to check against (a shallow clone?)"
        );
        eprintln!("skipped: the repository has no HEAD~1");
    }
    found
}

#[test]
fn the_catalog_passes_against_the_previous_revision() {
    if !has_previous_revision() {
        return;
    }
    let output = errorx(&["check", "--against", "HEAD~1"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        text.contains("csghub.errorx.v1 against HEAD~1: 0 breaking"),
        "{text}"
    );
}

#[test]
fn a_user_catalog_is_read_at_a_git_revision_from_its_own_proto_root() {
    if !has_previous_revision() {
        return;
    }
    let output = errorx(&[
        "--catalog",
        &format!("examples/own-catalog/proto/{CATALOG}"),
        "check",
        "--against",
        "HEAD",
        "--json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    assert_eq!(report["catalog"], "acme.errors.v1");
    assert_eq!(report["breaking"], 0, "{report}");
}

fn message_of(copy: &Copy, file: &str, code: &str) -> String {
    let text = std::fs::read_to_string(copy.0.join(file)).unwrap();
    let start = text.find(&format!("[\"{code}\"]")).unwrap();
    let end = text[start + 1..]
        .find("\n[")
        .map_or(text.len(), |e| start + 1 + e);
    text[start..end].to_string()
}

/// Drops the sentence holding `{key}` from `code`'s detailed message.
fn drop_placeholder(copy: &Copy, file: &str, code: &str, key: &str) {
    let block = message_of(copy, file, code);
    let line = block
        .lines()
        .find(|l| l.contains(&format!("{{{key}}}")))
        .unwrap();
    let edited = line.replace(&format!("{{{key}}}"), "some");
    copy.edit(file, line, &edited);
}

fn remove_messages(copy: &Copy, code: &str) {
    for file in [EN_US, ZH_CN] {
        let block = message_of(copy, file, code);
        copy.edit(file, &block, "");
    }
}
