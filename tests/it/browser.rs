//! Errors in a real browser: Debian's Chromium, driven by playwright-core
//! (`tests/browser/grpc_web.js`), opens the page of `tests/web/` (connect-es
//! over gRPC-Web, code from protoc-gen-es, bundled by esbuild), which calls
//! the demo's `Fail` and `FailStream` on a server built with `OnePort`.
//! The browser's language is zh-TW; the page must show each call's gRPC
//! code, code string, reason, context, zh-HK LocalizedMessage and retry
//! delay, with no console error, and the server must log each RPC once.
//!
//! From another origin the page reads the details of a unary error (a
//! trailers-only response, the status in headers) only through the CORS
//! preset, which exposes `grpc-status-details-bin`; a CORS setup that lets
//! the call through but exposes nothing hides them.

use crate::common;

use std::path::PathBuf;

use axum::response::Html;
use axum::routing::get;
use common::browser::Browser;
use common::http::HttpFixture;
use common::logs::{capture, Captured, Logs};
use csghub_errorx::http::{grpc_web_cors, OnePort};
use csghub_errorx::{Error, ErrorCode, Locale};
use csghub_errorx_demo::{DemoServer, DemoService};
use http::HeaderValue;
use tonic::service::Routes;

/// The page's two files, as the tests serve them.
fn page_routes() -> axum::Router {
    let dir = common::web::prepared().join("web");
    let index = std::fs::read_to_string(dir.join("index.html")).expect("index.html");
    let script = std::fs::read(dir.join("page.js")).expect("page.js");
    axum::Router::new()
        .route("/", get(move || async move { Html(index) }))
        .route(
            "/page.js",
            get(move || async move { ([("content-type", "text/javascript")], script) }),
        )
}

/// A font with Chinese characters, for the screenshot (the checks read the
/// page's text and need none): Debian's Chromium image has none, and shows
/// the zh-HK message as boxes. Installed with apt-get when missing and the
/// tests run as root (1.6 MB); otherwise the screenshot shows boxes.
fn cjk_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let has_font = |lang: &str| {
            std::process::Command::new("fc-list")
                .arg(format!(":lang={lang}"))
                .output()
                .is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
        };
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
        if !has_font("zh-hk") && root {
            let _ = std::process::Command::new("apt-get")
                .args(["install", "-y", "-qq", "fonts-wqy-microhei"])
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output();
        }
    });
}

/// One code of each module, and a rate limit (which carries a RetryInfo).
fn codes() -> Vec<ErrorCode> {
    let catalog = &csghub_errorx::csghub::CATALOG;
    let mut codes: Vec<ErrorCode> = catalog
        .modules()
        .iter()
        .filter_map(|module| catalog.codes().find(|code| code.module() == *module))
        .collect();
    codes.push(ErrorCode::ERR_RATE_LIMIT_EXCEEDED);
    codes
}

/// connect-es' name of a gRPC code (`Code[5]` is `NotFound`).
fn connect_es_name(code: tonic::Code) -> String {
    if code == tonic::Code::Cancelled {
        return "Canceled".into();
    }
    csghub_errorx::grpc_code::name(code)
        .split('_')
        .map(|word| word[..1].to_string() + &word[1..].to_lowercase())
        .collect()
}

/// A call of the page: `code` with `repo=ns/x`, unary or streaming after
/// two replies, and what the page must show (all of it, or with
/// `details_visible` false, no detail).
fn call(code: ErrorCode, streaming: bool, details_visible: bool) -> serde_json::Value {
    let error = Error::new(code).with_context("repo", "ns/x");
    let retries = matches!(
        code.grpc_code(),
        tonic::Code::ResourceExhausted | tonic::Code::Unavailable
    );
    let mut expect = serde_json::json!({
        "replies": if streaming { "2" } else { "0" },
    });
    if details_visible {
        expect = serde_json::json!({
            "replies": if streaming { "2" } else { "0" },
            "grpcCode": connect_es_name(code.grpc_code()),
            "codeString": code.as_str(),
            "reason": code.reason(),
            // The generated `Module` enum drops the values' `MODULE_`.
            "typed": format!(
                "{} {}",
                code.module().proto_name().trim_start_matches("MODULE_"),
                code.number()
            ),
            "context": r#"{"repo":"ns/x"}"#,
            "localized": error.user_message(Locale::ZH_HK),
            "localizedLocale": "zh-HK",
            "retry": if retries { "1" } else { "" },
        });
    } else {
        expect["codeString"] = "".into();
        expect["reason"] = "".into();
        expect["localized"] = "".into();
    }
    serde_json::json!({
        "code": code.as_str(),
        "context": "repo=ns/x",
        "kind": if streaming { "stream" } else { "unary" },
        "messages": 2,
        "expect": expect,
    })
}

struct Run {
    page_url: String,
    calls: Vec<serde_json::Value>,
    screenshot: Option<PathBuf>,
    no_console_errors: bool,
}

/// Runs the driver; what the page showed, or the failure with its output.
async fn drive(browser: &Browser, run: Run) -> serde_json::Value {
    let config = serde_json::json!({
        "pageUrl": run.page_url,
        "locale": "zh-TW",
        "calls": run.calls,
        "screenshot": run.screenshot,
        "noConsoleErrors": run.no_console_errors,
    });
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "grpc-web-{}-{}.json",
        std::process::id(),
        common::cache::digest(&config.to_string())
    ));
    std::fs::write(&path, config.to_string()).unwrap();
    let script = common::cache::repo().join("tests/browser/grpc_web.js");
    let browser = browser.clone();
    let config_path = path.clone();
    let output = tokio::task::spawn_blocking(move || {
        browser.node(&script, &[config_path.to_str().expect("UTF-8 path")])
    })
    .await
    .unwrap();
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the page failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// The server's log lines, once `count` have been written.
async fn server_lines(logs: &Logs, count: usize) -> Vec<Captured> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while logs.side("server").len() < count && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    logs.side("server")
}

/// One server line per RPC, with its code, in the order of the calls.
async fn assert_logged_once_each(logs: &Logs, calls: &[serde_json::Value]) {
    let lines = server_lines(logs, calls.len()).await;
    let logged: Vec<Option<&str>> = lines.iter().map(|line| line.field("code")).collect();
    let called: Vec<Option<&str>> = calls.iter().map(|c| c["code"].as_str()).collect();
    assert_eq!(logged, called, "{lines:#?}");
    for line in &lines {
        assert!(line
            .field("rpc.method")
            .is_some_and(|m| m.starts_with("/csghub.errorx.demo.v1.Demo/Fail")));
    }
}

fn demo_port() -> OnePort {
    OnePort::new(Routes::new(DemoServer::new(DemoService::new())))
}

#[tokio::test]
async fn chromium_shows_every_detail_unary_and_streaming_and_the_server_logs_each_rpc_once() {
    let Some(browser) = Browser::get() else {
        return;
    };
    common::web::prepared();
    let (logs, _guard) = capture();
    let server = HttpFixture::serve(demo_port().rest(page_routes()).into_router()).await;
    let codes = codes();
    assert!(codes.len() >= 10, "{codes:?}");
    let calls: Vec<serde_json::Value> = codes
        .iter()
        .flat_map(|&code| [call(code, false, true), call(code, true, true)])
        .collect();
    cjk_font();
    let screenshots = common::cache::target().join("browser-screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    let screenshot = screenshots.join("grpc-web-errors.png");
    let started = std::time::Instant::now();
    let shown = drive(
        &browser,
        Run {
            page_url: format!("http://{}/", server.addr),
            calls: calls.clone(),
            screenshot: Some(screenshot.clone()),
            no_console_errors: true,
        },
    )
    .await;
    common::say(&format!(
        "browser: {} calls in Chromium in {:?} (the driver: {} ms), screenshot {}",
        calls.len(),
        started.elapsed(),
        shown["ms"],
        screenshot.display()
    ));
    assert!(screenshot.is_file());

    assert_logged_once_each(&logs, &calls).await;
    // The page's own requests are REST's, and no RPC was logged there.
    let http: Vec<Captured> = logs
        .all()
        .into_iter()
        .filter(|e| e.target == "csghub_errorx::http")
        .collect();
    assert!(http.iter().all(|e| e.field("code").is_none()), "{http:#?}");
}

/// The page on one port, the API on another.
struct CrossOrigin {
    page: HttpFixture,
    api: HttpFixture,
}

impl CrossOrigin {
    async fn start(cors: tower_http::cors::CorsLayer) -> CrossOrigin {
        let page = HttpFixture::serve(page_routes()).await;
        let api = HttpFixture::serve(demo_port().cors(cors).into_router()).await;
        CrossOrigin { page, api }
    }

    fn page_url(&self) -> String {
        format!("http://{}/?api=http://{}", self.page.addr, self.api.addr)
    }

    fn page_origin(page: &HttpFixture) -> HeaderValue {
        HeaderValue::from_str(&format!("http://{}", page.addr)).unwrap()
    }
}

const CROSS_ORIGIN_CODES: [ErrorCode; 3] = [
    ErrorCode::GIT_AUTH_FAILED,
    ErrorCode::GIT_REPO_NOT_FOUND,
    ErrorCode::ERR_RATE_LIMIT_EXCEEDED,
];

#[tokio::test]
async fn from_another_origin_the_cors_preset_shows_every_detail() {
    let Some(browser) = Browser::get() else {
        return;
    };
    common::web::prepared();
    let (logs, _guard) = capture();
    // The preset names the page's origin, known once its port is.
    let page = HttpFixture::serve(page_routes()).await;
    let cors = grpc_web_cors([CrossOrigin::page_origin(&page)]);
    let api = HttpFixture::serve(demo_port().cors(cors).into_router()).await;
    let setup = CrossOrigin { page, api };
    let calls: Vec<serde_json::Value> = CROSS_ORIGIN_CODES
        .iter()
        .flat_map(|&code| [call(code, false, true), call(code, true, true)])
        .collect();
    drive(
        &browser,
        Run {
            page_url: setup.page_url(),
            calls: calls.clone(),
            screenshot: None,
            no_console_errors: true,
        },
    )
    .await;
    // The preflights are answered by the CORS layer, and no RPC is logged
    // twice.
    assert_logged_once_each(&logs, &calls).await;
}

#[tokio::test]
async fn from_another_origin_without_the_preset_a_unary_errors_details_are_invisible() {
    let Some(browser) = Browser::get() else {
        return;
    };
    common::web::prepared();
    // Captured, as every test with a log layer: a callsite first reached on
    // a thread with no subscriber could be cached as disabled for the
    // tests that read their logs.
    let (_logs, _guard) = capture();
    // What a CORS setup without the preset gives: the call goes through
    // (any origin, method and header), but no response header is exposed.
    let cors = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods(tower_http::cors::Any)
        .allow_headers(tower_http::cors::Any);
    let setup = CrossOrigin::start(cors).await;
    let unary: Vec<serde_json::Value> = CROSS_ORIGIN_CODES
        .iter()
        .map(|&code| call(code, false, false))
        .collect();
    let shown = drive(
        &browser,
        Run {
            page_url: setup.page_url(),
            calls: unary,
            screenshot: None,
            no_console_errors: false,
        },
    )
    .await;
    // The page saw an error, but not even its code: connect-es reads a
    // trailers-only status from headers the browser hid, finds none, and
    // reports `Unknown: missing trailer` (grpc-web #1319).
    for item in shown["shown"].as_array().unwrap() {
        let code = item["call"]["code"].as_str().unwrap();
        let got = &item["got"];
        assert_eq!(got["grpcCode"], "Unknown", "{code}: {got}");
        assert_eq!(got["message"], "missing trailer", "{code}: {got}");
        assert_eq!(got["typed"], "", "{code}: {got}");
        common::say(&format!(
            "browser: without the preset, unary {code} shows only {} {:?}",
            got["grpcCode"], got["message"]
        ));
    }
    // A stream's status is in the body, which CORS does not hide: the same
    // setup shows it.
    let streaming: Vec<serde_json::Value> = CROSS_ORIGIN_CODES
        .iter()
        .map(|&code| call(code, true, true))
        .collect();
    drive(
        &browser,
        Run {
            page_url: setup.page_url(),
            calls: streaming,
            screenshot: None,
            no_console_errors: false,
        },
    )
    .await;
}
