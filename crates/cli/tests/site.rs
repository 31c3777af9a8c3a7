//! `errorx site`: the reference site of a catalog, on disk and in Chromium.

#[path = "../../../tests/browser/browser.rs"]
mod browser;

use std::path::{Path, PathBuf};
use std::process::Command;

use csghub_errorx::http::HttpErrors;
use csghub_errorx::{Error, ErrorCode};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds the site of the built-in catalog (or of `catalog`) into a fresh
/// directory under the test target's temporary folder.
fn build_site(name: &str, catalog: Option<&str>) -> PathBuf {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("site-{name}"));
    let _ = std::fs::remove_dir_all(&out);
    let mut command = Command::new(env!("CARGO_BIN_EXE_errorx"));
    command.current_dir(repo());
    if let Some(catalog) = catalog {
        command.args(["--catalog", catalog]);
    }
    let output = command
        .args(["site", "--out"])
        .arg(&out)
        .output()
        .expect("errorx runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_code_has_a_page_in_every_locale_at_its_problem_type_path() {
    let site = build_site("layout", None);
    let catalog = &csghub_errorx::csghub::CATALOG;
    for (root, locale) in [("", "en-US"), ("zh-CN/", "zh-CN"), ("zh-HK/", "zh-HK")] {
        let index = read(site.join(root).join("index.html"));
        assert!(index.contains(&format!("<html lang=\"{locale}\">")));
        for code in catalog.codes() {
            let page = read(site.join(format!("{root}errors/{}/index.html", code.as_str())));
            assert!(
                page.contains(&format!(
                    "<h1><code>{}</code> {}</h1>",
                    code.as_str(),
                    code.name()
                )),
                "{code:?} {locale}"
            );
            assert!(index.contains(&format!("href=\"errors/{}/index.html\"", code.as_str())));
        }
        for module in catalog.modules() {
            assert!(site
                .join(format!("{root}modules/{}/index.html", module.prefix()))
                .is_file());
        }
    }
    // The problem type a server sends is the page's path under the domain.
    let error = Error::new(ErrorCode::GIT_AUTH_FAILED);
    let type_uri = HttpErrors::new().problem_type(&error);
    let path = type_uri
        .strip_prefix("https://csghub.opencsg.com/")
        .expect("under the domain");
    assert!(site.join(path).join("index.html").is_file(), "{type_uri}");
}

#[test]
fn a_code_page_shows_every_field_and_the_library_s_own_wire_shapes() {
    let site = build_site("fields", None);
    let page = read(site.join("zh-CN/errors/GIT-ERR-8/index.html"));
    for expected in [
        "<code>GIT_AUTH_FAILED</code>",
        "<code>UNAUTHENTICATED</code> (16)",
        "401 Unauthorized",
        "Authentication with the remote Git server failed.",
        "<code>remote</code>",
        // The detailed template, and the message, in zh-CN.
        "{remote}",
        "<code class=\"type\">https://csghub.opencsg.com/errors/GIT-ERR-8</code>",
        // errorx decode's report of the gRPC details.
        "code:        GIT-ERR-8",
        "localized:   [zh-CN]",
        // The three JSON bodies, escaped.
        "&quot;@type&quot;: &quot;type.googleapis.com/google.rpc.ErrorInfo&quot;",
        "&quot;msg&quot;: &quot;GIT-ERR-8: ",
        "content-type: application/problem+json",
        "&quot;type&quot;: &quot;https://csghub.opencsg.com/errors/GIT-ERR-8&quot;",
        // The example context value, escaped.
        "&lt;remote&gt;",
    ] {
        assert!(page.contains(expected), "{expected}");
    }
    assert!(page.contains(&html_escape(
        ErrorCode::GIT_AUTH_FAILED.user_message(csghub_errorx::Locale::ZH_CN)
    )));
    // Nothing from the network: relative stylesheet and scripts only.
    assert!(!page.contains("http://") && !page.contains("src=\"https"));
    assert!(page.contains("<script src=\"../../../assets/search-index.js\"></script>"));
}

#[test]
fn a_base_url_sets_the_problem_types_and_canonical_links() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("site-base-url");
    let _ = std::fs::remove_dir_all(&out);
    let output = Command::new(env!("CARGO_BIN_EXE_errorx"))
        .args([
            "site",
            "--base-url",
            "https://docs.example.com/csghub/",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success());
    let page = read(out.join("zh-HK/errors/GIT-ERR-8/index.html"));
    assert!(page.contains(
        "<link rel=\"canonical\" href=\"https://docs.example.com/csghub/zh-HK/errors/GIT-ERR-8/\">"
    ));
    assert!(page.contains(
        "&quot;type&quot;: &quot;https://docs.example.com/csghub/errors/GIT-ERR-8&quot;"
    ));
}

#[test]
fn the_search_index_has_every_code_s_spellings_as_explain_compares_them() {
    let site = build_site("index", None);
    let script = read(site.join("assets/search-index.js"));
    let json = script
        .strip_prefix("window.ERRORX_INDEX = ")
        .and_then(|s| s.strip_suffix(";\n"))
        .unwrap();
    let index: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(index["codes"].as_array().unwrap().len(), 100);
    let git8 = index["codes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "GIT-ERR-8")
        .unwrap();
    assert_eq!(
        git8["keys"],
        serde_json::json!(["giterr8", "gitauthfailed", "gitauthfailed"])
    );
    assert_eq!(index["maxSuggestions"], 3);
}

#[test]
fn the_site_of_a_user_catalog_builds_in_its_locales() {
    let site = build_site(
        "own-catalog",
        Some("examples/own-catalog/proto/acme/errors/v1/catalog.proto"),
    );
    let page = read(site.join("errors/MODEL-ERR-2/index.html"));
    assert!(page.contains("<h1><code>MODEL-ERR-2</code> promptTooLong</h1>"));
    assert!(page.contains("https://errors.acme.example/errors/MODEL-ERR-2"));
    assert!(page.contains("{tokens}"));
    let zh = read(site.join("zh-CN/errors/MODEL-ERR-2/index.html"));
    assert!(zh.contains("提示词"), "{zh}");
    assert!(!site.join("zh-HK").exists());
    let index = read(site.join("index.html"));
    assert!(index.contains("acme.errors.v1"));
    for code in ["MODEL-ERR-0", "MODEL-ERR-5", "GPU-ERR-0", "GPU-ERR-3"] {
        assert!(index.contains(&format!("href=\"errors/{code}/index.html\"")));
    }
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// What `errorx explain` answers for `query`, in the driver's terms.
fn explain(query: &str) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_errorx"))
        .args(["explain", query])
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    let first = out
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    if out.contains("not in this catalog") {
        serde_json::json!({"kind": "notInCatalog", "code": first})
    } else if output.status.success() {
        serde_json::json!({"kind": "found", "code": first})
    } else if err.contains("did you mean") {
        let codes: Vec<&str> = err
            .lines()
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        serde_json::json!({"kind": "suggestions", "codes": codes})
    } else {
        serde_json::json!({"kind": "none"})
    }
}

#[test]
fn the_site_works_in_chromium_from_file_and_a_static_host() {
    let Some(browser) = browser::Browser::get() else {
        return;
    };
    let site = build_site("browser", None);
    let catalog = &csghub_errorx::csghub::CATALOG;
    // `type` URIs from real problem+json responses.
    let type_urls: Vec<_> = [
        ErrorCode::GIT_AUTH_FAILED,
        ErrorCode::GIT_REPO_NOT_FOUND,
        ErrorCode::ERR_RATE_LIMIT_EXCEEDED,
    ]
    .into_iter()
    .map(|code| {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::ACCEPT,
            http::HeaderValue::from_static("application/problem+json"),
        );
        let response = HttpErrors::new().render(&Error::new(code), &headers);
        let body: serde_json::Value = serde_json::from_str(response.body()).unwrap();
        serde_json::json!({"url": body["type"], "code": code.as_str()})
    })
    .collect();
    let typo = "gitAuthFialed";
    let queries = [
        "GIT-ERR-8",
        "git-err-8",
        "gitAuthFailed",
        "gitauthfailed",
        "GIT_AUTH_FAILED",
        "GIT 8",
        "git8",
        " GIT-8 ",
        typo,
        "GIT-ERR-99",
        "MODULE42-ERR-7",
        "zzzzzzzzzzzzzzzzzz",
        "--",
        "repoNotFund",
        "SYS 3",
        "ERR_RATE_LIMIT_EXCEEDED",
        "user-err-0",
    ];
    let searches: Vec<_> = queries
        .iter()
        .map(|&q| serde_json::json!({"query": q, "expect": explain(q)}))
        .collect();
    // The spellings the issue names find GIT-ERR-8, and the typo suggests it.
    for search in &searches[..8] {
        assert_eq!(search["expect"]["code"], "GIT-ERR-8", "{search}");
    }
    assert_eq!(searches[8]["expect"]["codes"][0], "GIT-ERR-8");
    let screenshots = repo().join("target/site-screenshots");
    let config = serde_json::json!({
        "siteDir": site,
        "baseUrl": "https://csghub.opencsg.com/",
        "codes": catalog.codes().map(|c| c.as_str()).collect::<Vec<_>>(),
        "locales": [
            {"tag": "en-US", "root": ""},
            {"tag": "zh-CN", "root": "zh-CN/"},
            {"tag": "zh-HK", "root": "zh-HK/"},
        ],
        "typeUrls": type_urls,
        "searches": searches,
        "typo": typo,
        "scripts": [
            {"page": "zh-HK/errors/GIT-ERR-9/index.html", "must": ["儲存庫"], "mustNot": ["仓库"]},
            {"page": "zh-HK/index.html", "must": ["儲存庫", "錯誤碼"], "mustNot": ["仓库", "错误码"]},
            {"page": "zh-CN/errors/GIT-ERR-9/index.html", "must": ["仓库"], "mustNot": ["儲存庫"]},
        ],
        "screenshotPage": "errors/GIT-ERR-8/index.html",
        "screenshots": screenshots,
    });
    let config_path = site.with_extension("json");
    std::fs::write(&config_path, config.to_string()).unwrap();
    let driver = repo().join("tests/browser/site.js");
    let output = browser.node(&driver, &[config_path.to_str().unwrap()]);
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{out}\n{err}");
    eprintln!("{out}");
    for shot in ["code-page.png", "search-suggestion.png"] {
        assert!(screenshots.join(shot).is_file(), "{shot}");
    }
}

#[test]
fn a_code_page_says_how_the_code_is_retried() {
    let site = build_site("retry", None);
    let page = read(site.join("errors/REQ-ERR-10/index.html"));
    assert!(
        page.contains("<dt>Retried</dt><dd>after the server&#39;s delay (30000 ms)</dd>"),
        "{page}"
    );
    let page = read(site.join("zh-HK/errors/TASK-ERR-5/index.html"));
    assert!(
        page.contains("<dt>重試</dt><dd>指數退避重試</dd>"),
        "{page}"
    );
}
