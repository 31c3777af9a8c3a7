//! The build rejects a catalog that would break its wire contract, with a
//! message that says what and where (the proto's file, line and column),
//! and accepts the catalog the mistakes are made in.

use csghub_errorx_build::{Builder, Error};

const FILE: &str = "acme/errors/v1/catalog.proto";

/// A good catalog: two modules, four codes. Each test breaks one thing.
const PROTO: &str = r#"syntax = "proto3";
package acme.errors.v1;
import "csghub/errorx/v1/options.proto";
option (csghub.errorx.v1.catalog_domain) = "errors.acme.example";

enum Module {
  MODULE_UNSPECIFIED = 0;
  MODULE_MODEL = 1 [(csghub.errorx.v1.module_info) = {prefix: "MODEL", title: "Model"}];
  MODULE_GPU = 2 [(csghub.errorx.v1.module_info) = {prefix: "GPU", title: "GPU"}];
}

enum ModelError {
  option (csghub.errorx.v1.catalog_module) = 1;
  MODEL_NOT_LOADED = 0 [(csghub.errorx.v1.code) = {name: "modelNotLoaded", description: "The model is not loaded.", grpc_code: "UNAVAILABLE", http_status: 503, context_keys: ["model"]}];
  MODEL_NOT_FOUND = 1 [(csghub.errorx.v1.code) = {name: "modelNotFound", description: "No such model.", grpc_code: "NOT_FOUND", http_status: 404}];
}

enum GpuError {
  option (csghub.errorx.v1.catalog_module) = 2;
  GPU_OUT_OF_MEMORY = 0 [(csghub.errorx.v1.code) = {name: "gpuOutOfMemory", description: "The GPU is out of memory.", grpc_code: "RESOURCE_EXHAUSTED", http_status: 429}];
  GPU_BUSY = 1 [(csghub.errorx.v1.code) = {name: "gpuBusy", description: "Every GPU is busy.", grpc_code: "UNAVAILABLE", http_status: 503}];
}
"#;

const EN: &str = r#"
["MODEL-ERR-0"]
message = "The model is loading."
detailed = "Model {model} is loading."

["MODEL-ERR-1"]
message = "No such model."

["GPU-ERR-0"]
message = "The server is out of GPU memory."

["GPU-ERR-1"]
message = "Every GPU is busy."
"#;

const ZH: &str = r#"
["MODEL-ERR-0"]
message = "模型正在加载。"
detailed = "模型 {model} 正在加载。"

["MODEL-ERR-1"]
message = "模型不存在。"

["GPU-ERR-0"]
message = "GPU 显存不足。"

["GPU-ERR-1"]
message = "GPU 全部繁忙。"
"#;

fn read(proto: &str, en: &str, zh: &str) -> Result<csghub_errorx_build::model::Catalog, Error> {
    Builder::new().read_source(FILE, proto, &[("en-US", en), ("zh-CN", zh)])
}

/// The report of a catalog that must be rejected.
fn rejected(proto: &str, en: &str, zh: &str) -> String {
    match read(proto, en, zh) {
        Ok(catalog) => panic!("accepted: {catalog:#?}"),
        Err(error) => error.to_string(),
    }
}

/// The line of `PROTO` that contains `text`, 1-based, as the report names it.
fn line_of(proto: &str, text: &str) -> usize {
    proto
        .lines()
        .position(|line| line.contains(text))
        .unwrap_or_else(|| panic!("no line has {text:?}"))
        + 1
}

#[test]
fn the_good_catalog_is_accepted() {
    let catalog = read(PROTO, EN, ZH).expect("a good catalog");
    assert_eq!(catalog.domain, "errors.acme.example");
    assert_eq!(catalog.modules.len(), 2);
    let codes: Vec<String> = catalog.codes.iter().map(|c| catalog.code_str(c)).collect();
    assert_eq!(
        codes,
        ["MODEL-ERR-0", "MODEL-ERR-1", "GPU-ERR-0", "GPU-ERR-1"]
    );
    let tags: Vec<&str> = catalog.locales.iter().map(|l| l.tag.as_str()).collect();
    assert_eq!(tags, ["en-US", "zh-CN"]);
}

#[test]
fn a_duplicate_reason_is_rejected_where_it_is_declared_again() {
    // Proto enum values are scoped to the package, so the same name in two
    // enums fails protox first; in one catalog the reason is what must be
    // unique, and protox's own error names the line.
    let proto = PROTO.replace("GPU_BUSY = 1", "MODEL_NOT_FOUND = 1");
    let report = rejected(&proto, EN, ZH);
    assert!(report.contains("MODEL_NOT_FOUND"), "{report}");
    assert!(
        report.contains(&format!(
            "{FILE}:{}:",
            line_of(
                &proto,
                "MODEL_NOT_FOUND = 1 [(csghub.errorx.v1.code) = {name: \"gpuBusy\""
            )
        )),
        "{report}"
    );
}

#[test]
fn a_duplicate_number_is_rejected_even_when_proto_allows_the_alias() {
    // Without allow_alias protox refuses the second value.
    let proto = PROTO.replace("GPU_BUSY = 1", "GPU_BUSY = 0");
    let report = rejected(&proto, EN, ZH);
    assert!(report.contains("GPU_BUSY"), "{report}");
    // With it, proto is content; the catalog is not: a number names one
    // code of its module.
    let proto = proto.replace(
        "  option (csghub.errorx.v1.catalog_module) = 2;",
        "  option allow_alias = true;\n  option (csghub.errorx.v1.catalog_module) = 2;",
    );
    let report = rejected(&proto, EN, ZH);
    assert!(report.contains("GPU-ERR-0 is number 0 again"), "{report}");
    assert!(
        report.contains(&format!("{FILE}:{}:", line_of(&proto, "GPU_BUSY = 0"))),
        "{report}"
    );
}

#[test]
fn a_non_canonical_grpc_code_is_rejected() {
    let proto = PROTO.replace("grpc_code: \"NOT_FOUND\"", "grpc_code: \"MISSING\"");
    let report = rejected(&proto, EN, ZH);
    assert!(
        report.contains(&format!(
            "{FILE}:{}:3: MODEL_NOT_FOUND: grpc_code \"MISSING\" is not a canonical gRPC code",
            line_of(&proto, "MISSING")
        )),
        "{report}"
    );
}

#[test]
fn an_http_status_that_contradicts_the_grpc_code_is_rejected() {
    let proto = PROTO.replace("http_status: 404", "http_status: 400");
    let report = rejected(&proto, EN, ZH);
    assert!(
        report.contains(&format!(
            "{FILE}:{}:3: MODEL_NOT_FOUND: http_status 400 contradicts grpc_code NOT_FOUND, whose HTTP status is 404",
            line_of(&proto, "http_status: 400")
        )),
        "{report}"
    );
}

#[test]
fn a_placeholder_naming_an_undeclared_key_is_rejected_in_its_file() {
    let zh = ZH.replace("模型 {model} 正在加载。", "模型 {modelName} 正在加载。");
    let report = rejected(PROTO, EN, &zh);
    assert!(report.contains("messages/zh-CN.toml"), "{report}");
    assert!(
        report.contains("placeholder {modelName} names a context key the code does not declare"),
        "{report}"
    );
}

#[test]
fn a_locale_missing_a_code_is_rejected() {
    let zh = ZH.replace("[\"GPU-ERR-1\"]\nmessage = \"GPU 全部繁忙。\"\n", "");
    let report = rejected(PROTO, EN, &zh);
    assert!(report.contains("messages/zh-CN.toml"), "{report}");
    assert!(
        report.contains("GPU-ERR-1 (gpuBusy) has no message in zh-CN"),
        "{report}"
    );
}

#[test]
fn a_prefix_used_by_two_modules_is_rejected() {
    let proto = PROTO.replace("prefix: \"GPU\"", "prefix: \"MODEL\"");
    let report = rejected(&proto, EN, ZH);
    assert!(
        report.contains(&format!(
            "{FILE}:{}:3: MODULE_GPU: the code string prefix \"MODEL\" is used by another module too (at {FILE}:{}:3)",
            line_of(&proto, "MODULE_GPU"),
            line_of(&proto, "MODULE_MODEL")
        )),
        "{report}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let proto = PROTO
        .replace("http_status: 404", "http_status: 400")
        .replace("grpc_code: \"RESOURCE_EXHAUSTED\"", "grpc_code: \"FULL\"");
    let error = read(&proto, EN, ZH).unwrap_err();
    assert_eq!(error.problems().len(), 2, "{error}");
}

#[test]
fn malformed_names_reasons_and_keys_are_rejected() {
    for (from, to, expected) in [
        (
            "name: \"modelNotFound\"",
            "name: \"Model-Not-Found\"",
            "name \"Model-Not-Found\" must match",
        ),
        (
            "name: \"gpuBusy\"",
            "name: \"modelNotFound\"",
            "name modelNotFound is declared twice",
        ),
        (
            "context_keys: [\"model\"]",
            "context_keys: [\"model_name\"]",
            "context key \"model_name\" must be lowerCamel",
        ),
        (
            "context_keys: [\"model\"]",
            "context_keys: [\"code\"]",
            "context key \"code\" is reserved",
        ),
        (
            "description: \"No such model.\"",
            "description: \"\"",
            "MODEL_NOT_FOUND has no description",
        ),
        (
            "prefix: \"GPU\"",
            "prefix: \"gpu\"",
            "prefix \"gpu\" must match",
        ),
        ("\"errors.acme.example\"", "\"acme\"", "must be a DNS name"),
    ] {
        let proto = PROTO.replace(from, to);
        let report = rejected(&proto, EN, ZH);
        assert!(report.contains(expected), "{to}: {report}");
    }
}

#[test]
fn a_value_without_the_code_option_is_rejected() {
    let proto = PROTO.replace("  GPU_BUSY = 1 [", "  GPU_SLOW = 2;\n  GPU_BUSY = 1 [");
    let report = rejected(&proto, EN, ZH);
    assert!(
        report.contains(&format!(
            "{FILE}:{}:3: GPU_SLOW has no (csghub.errorx.v1.code) option",
            line_of(&proto, "GPU_SLOW")
        )),
        "{report}"
    );
}

#[test]
fn a_proto_that_does_not_compile_names_its_line() {
    let proto = PROTO.replace("MODEL_NOT_FOUND = 1 [", "MODEL_NOT_FOUND = [");
    let report = rejected(&proto, EN, ZH);
    assert!(
        report.contains(&format!(
            "{FILE}:{}:",
            line_of(&proto, "MODEL_NOT_FOUND = [")
        )),
        "{report}"
    );
}

// The messages, as the library's build checked them before this crate.

#[test]
fn a_placeholder_in_the_plain_message_is_rejected() {
    let zh = ZH.replace("模型不存在。", "模型 {model} 不存在。");
    let report = rejected(PROTO, EN, &zh);
    assert!(
        report.contains("`message` must not name context keys"),
        "{report}"
    );
}

#[test]
fn a_detailed_message_in_one_locale_only_is_rejected() {
    let zh = ZH.replace("detailed = \"模型 {model} 正在加载。\"\n", "");
    let report = rejected(PROTO, EN, &zh);
    assert!(report.contains("every locale must have it"), "{report}");
}

#[test]
fn a_message_for_a_code_the_catalog_lacks_is_rejected() {
    let zh = format!("{ZH}\n[\"GPU-ERR-99\"]\nmessage = \"x\"\n");
    let report = rejected(PROTO, EN, &zh);
    assert!(
        report.contains("GPU-ERR-99 is not a code of the catalog"),
        "{report}"
    );
}

#[test]
fn a_file_that_is_not_a_locale_tag_or_a_typo_in_a_field_is_rejected() {
    for tag in ["chinese", "zh_CN"] {
        let error = Builder::new()
            .read_source(FILE, PROTO, &[("en-US", EN), (tag, ZH)])
            .unwrap_err();
        assert!(error.to_string().contains(tag), "{error}");
    }
    let report = rejected(PROTO, EN, &ZH.replace("detailed", "detialed"));
    assert!(report.contains("unknown field \"detialed\""), "{report}");
    let report = rejected(PROTO, EN, &ZH.replace("{model}", "{model"));
    assert!(report.contains("messages/zh-CN.toml"), "{report}");
}

#[test]
fn the_fallback_locale_must_exist() {
    let error = Builder::new()
        .read_source(FILE, PROTO, &[("zh-CN", ZH)])
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("en-US, the fallback locale, are missing"),
        "{error}"
    );
}

#[test]
fn the_builtin_catalogs_files_pass() {
    let proto = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../proto/csghub/errorx/v1/catalog.proto"
    );
    let catalog = Builder::new()
        .read(proto.as_ref())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(catalog.codes.len(), 100);
    let tags: Vec<&str> = catalog.locales.iter().map(|l| l.tag.as_str()).collect();
    assert_eq!(tags, ["en-US", "zh-CN", "zh-HK"]);
}

#[test]
fn the_options_this_crate_brings_are_the_librarys() {
    let library = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../proto/csghub/errorx/v1/options.proto"
    ))
    .expect("the library's options.proto");
    assert_eq!(csghub_errorx_build::OPTIONS_PROTO, library);
}

/// README's smallest catalog, exactly as README shows it.
const SMALLEST: &str = r#"syntax = "proto3";
package acme.errors.v1;
import "csghub/errorx/v1/options.proto";
option (csghub.errorx.v1.catalog_domain) = "errors.acme.example";

enum Module {
  MODULE_UNSPECIFIED = 0;
  MODULE_MODEL = 1 [(csghub.errorx.v1.module_info) = {prefix: "MODEL", title: "Model"}];
}
enum ModelError {
  option (csghub.errorx.v1.catalog_module) = 1;
  MODEL_NOT_LOADED = 0 [(csghub.errorx.v1.code) = {name: "modelNotLoaded",
    description: "The model is not loaded.", grpc_code: "UNAVAILABLE", http_status: 503}];
}
"#;

const SMALLEST_EN: &str = r#"["MODEL-ERR-0"]
message = "The model is loading. Please try again in a minute."
"#;

const README: &str = include_str!("../../../README.md");

#[test]
fn readmes_smallest_catalog_is_at_most_15_lines_and_is_accepted() {
    assert!(
        README.contains(SMALLEST),
        "README's smallest catalog changed"
    );
    assert!(
        README.contains(SMALLEST_EN),
        "README's smallest messages changed"
    );
    assert!(SMALLEST.lines().count() <= 15);
    let catalog = Builder::new()
        .read_source(FILE, SMALLEST, &[("en-US", SMALLEST_EN)])
        .expect("README's smallest catalog");
    assert_eq!(catalog.codes.len(), 1);
}

#[test]
fn readmes_sample_report_is_what_the_build_says() {
    let proto = SMALLEST.replace("http_status: 503", "http_status: 400");
    let report = Builder::new()
        .read_source(FILE, &proto, &[("en-US", SMALLEST_EN)])
        .expect_err("a contradicting HTTP status");
    // What `main` returning the error prints, with the path README's
    // `build.rs` passes.
    let printed = format!("Error: proto/{report:?}");
    assert!(README.contains(&printed), "README should show:\n{printed}");
}

#[test]
fn retry_classes_default_by_grpc_code_and_a_declared_delay_is_kept() {
    use csghub_errorx_build::model::RetryClass;
    let proto = PROTO.replace(
        "http_status: 503, context_keys: [\"model\"]}",
        "http_status: 503, context_keys: [\"model\"], retry_delay_ms: 2000}",
    );
    assert_ne!(proto, PROTO);
    let catalog = read(&proto, EN, ZH).expect("a good catalog");
    let class = |reason: &str| {
        let code = catalog.codes.iter().find(|c| c.reason == reason).unwrap();
        (code.retry_class(), code.retry_delay_ms)
    };
    assert_eq!(class("MODEL_NOT_LOADED"), (RetryClass::Backoff, 2000));
    assert_eq!(
        class("GPU_OUT_OF_MEMORY"),
        (RetryClass::AfterServerDelay, 0)
    );
    assert_eq!(class("MODEL_NOT_FOUND"), (RetryClass::Never, 0));
}

#[test]
fn a_retry_class_on_a_code_that_says_the_request_is_wrong_is_rejected() {
    let proto = PROTO.replace(
        "grpc_code: \"NOT_FOUND\", http_status: 404}",
        "grpc_code: \"NOT_FOUND\", http_status: 404, retry: RETRY_CLASS_BACKOFF}",
    );
    let report = rejected(&proto, EN, ZH);
    assert!(
        report.contains(&format!(
            "{FILE}:{}:3: MODEL_NOT_FOUND: retry Backoff on grpc_code NOT_FOUND",
            line_of(&proto, "MODEL_NOT_FOUND =")
        )),
        "{report}"
    );
}

#[test]
fn a_retry_delay_on_a_code_that_is_never_retried_is_rejected() {
    let proto = PROTO.replace(
        "grpc_code: \"NOT_FOUND\", http_status: 404}",
        "grpc_code: \"NOT_FOUND\", http_status: 404, retry_delay_ms: 100}",
    );
    let report = rejected(&proto, EN, ZH);
    assert!(
        report.contains("MODEL_NOT_FOUND: retry_delay_ms 100 on a code that is never retried"),
        "{report}"
    );
}
