//! The build script's checks of the localized messages reject what they
//! must: these are the functions `build.rs` runs, on files it would read.

#[path = "../../build/messages.rs"]
#[allow(dead_code)]
mod messages;

use messages::{check, parse_locale, DeclaredCode};

fn catalog() -> Vec<DeclaredCode> {
    vec![
        DeclaredCode {
            code: "GIT-ERR-9".into(),
            context_keys: vec!["repo".into()],
        },
        DeclaredCode {
            code: "AUTH-ERR-0".into(),
            context_keys: vec![],
        },
    ]
}

const EN: &str = r#"
["GIT-ERR-9"]
message = "The repository was not found."
detailed = "Repository {repo} was not found."

["AUTH-ERR-0"]
message = "Please sign in."
"#;

const ZH: &str = r#"
["GIT-ERR-9"]
message = "未找到该仓库。"
detailed = "未找到仓库 {repo}。"

["AUTH-ERR-0"]
message = "请登录。"
"#;

fn locales(zh: &str) -> Result<(), String> {
    let locales = [parse_locale("en-US", EN)?, parse_locale("zh-CN", zh)?];
    check(&locales, &catalog())
}

#[test]
fn the_real_files_pass() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/proto/csghub/errorx/v1/messages"
    );
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("the messages directory") {
        let path = entry.expect("an entry").path();
        let tag = path.file_stem().and_then(|s| s.to_str()).expect("a tag");
        let source = std::fs::read_to_string(&path).expect("readable");
        parse_locale(tag, &source).unwrap_or_else(|e| panic!("{e}"));
        count += 1;
    }
    assert_eq!(count, 3);
}

#[test]
fn well_formed_messages_pass() {
    locales(ZH).expect("valid");
}

#[test]
fn a_code_without_a_message_in_a_locale_fails_the_build() {
    let missing = ZH.replace("[\"AUTH-ERR-0\"]\nmessage = \"请登录。\"", "");
    let error = locales(&missing).unwrap_err();
    assert!(error.contains("AUTH-ERR-0 has no message"), "{error}");
}

#[test]
fn a_placeholder_the_code_does_not_declare_fails_the_build() {
    let undeclared = ZH.replace("{repo}", "{branch}");
    let error = locales(&undeclared).unwrap_err();
    assert!(
        error.contains("placeholder {branch} names a context key the code does not declare"),
        "{error}"
    );
}

#[test]
fn a_placeholder_in_the_plain_message_fails_the_build() {
    let error =
        parse_locale("zh-CN", &ZH.replace("未找到该仓库。", "未找到 {repo}。")).unwrap_err();
    assert!(
        error.contains("`message` must not name context keys"),
        "{error}"
    );
}

#[test]
fn a_detailed_message_in_one_locale_only_fails_the_build() {
    let error = locales(&ZH.replace("detailed = \"未找到仓库 {repo}。\"\n", "")).unwrap_err();
    assert!(error.contains("every locale must have it"), "{error}");
}

#[test]
fn a_code_the_catalog_lacks_fails_the_build() {
    let error = locales(&format!("{ZH}\n[\"GIT-ERR-99\"]\nmessage = \"x\"\n")).unwrap_err();
    assert!(
        error.contains("GIT-ERR-99 is not a code of the catalog"),
        "{error}"
    );
}

#[test]
fn a_file_that_is_not_a_locale_tag_or_a_typo_in_a_field_fails_the_build() {
    assert!(parse_locale("chinese", ZH).is_err());
    assert!(parse_locale("zh_CN", ZH).is_err());
    let error = parse_locale("zh-CN", &ZH.replace("detailed", "detialed")).unwrap_err();
    assert!(error.contains("unknown field \"detialed\""), "{error}");
    assert!(parse_locale("zh-CN", &ZH.replace("{repo}", "{repo")).is_err());
}

#[test]
fn the_fallback_locale_must_exist() {
    let only_zh = [parse_locale("zh-CN", ZH).expect("valid")];
    let error = check(&only_zh, &catalog()).unwrap_err();
    assert!(
        error.contains("en-US, the fallback locale, are missing"),
        "{error}"
    );
}
