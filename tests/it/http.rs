//! HTTP/JSON against a real axum server on 127.0.0.1, called by a real
//! HTTP client: every catalog code in each shape, the rejections, the
//! details, the headers, and the log line.

use crate::common;

use common::http::{HttpFixture, SMALL_BODY_LIMIT};
use common::logs::capture;

use csghub_errorx::http::{HttpErrors, JsonShape, PROBLEM_JSON};
use csghub_errorx::{Error, ErrorCode, Locale};
use http::{Method, StatusCode};
use serde_json::{json, Value};

fn google() -> HttpErrors {
    HttpErrors::new()
}

fn csghub() -> HttpErrors {
    HttpErrors::new().shape(JsonShape::Csghub)
}

/// The `@type` of each detail of an AIP-193 body.
fn detail_types(body: &Value) -> Vec<String> {
    body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .map(|d| d["@type"].as_str().expect("@type").to_string())
        .collect()
}

#[tokio::test]
async fn every_code_renders_in_the_google_shape_with_its_status_and_decodes_back() {
    let server = HttpFixture::start(google()).await;
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let reply = server
            .fail(code.as_str(), json!({"repo": "ns/x"}), None)
            .await;
        assert_eq!(reply.status, code.http_status(), "{code:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        let body = reply.json();
        let error = &body["error"];
        assert_eq!(error["code"], code.http_status().as_u16(), "{code:?}");
        assert_eq!(error["message"], code.description());
        assert_eq!(
            error["status"],
            csghub_errorx::grpc_code::name(code.grpc_code())
        );
        let info = &error["details"][0];
        assert_eq!(info["@type"], "type.googleapis.com/google.rpc.ErrorInfo");
        assert_eq!(info["reason"], code.reason());
        assert_eq!(info["domain"], csghub_errorx::CATALOG_DOMAIN);
        // What a browser reads with no generated types (issue 18).
        assert_eq!(
            info["metadata"],
            json!({"code": code.as_str(), "repo": "ns/x"}),
            "{code:?}"
        );
        let typed = &error["details"][1];
        assert_eq!(
            typed["@type"],
            "type.googleapis.com/csghub.errorx.v1.ErrorInfo"
        );
        assert_eq!(typed["module"], code.module().proto_name());
        // proto3 JSON leaves a zero out.
        match code.number() {
            0 => assert!(typed.get("number").is_none()),
            n => assert_eq!(typed["number"], n),
        }
        let decoded = reply.decode();
        assert!(decoded.is(code), "{code:?} decoded as {decoded:?}");
        assert_eq!(decoded.context().get("repo"), Some("ns/x"));
        assert!(decoded.decode_problems().is_empty(), "{decoded:?}");
    }
}

#[tokio::test]
async fn every_code_renders_in_the_csghub_envelope_exactly() {
    let server = HttpFixture::start(csghub()).await;
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let reply = server
            .fail(code.as_str(), json!({"repo": "ns/x"}), None)
            .await;
        assert_eq!(reply.status, code.http_status(), "{code:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        // `msg` is the code and the message for end users, in en-US
        // unless the request names another language, as CSGHub writes it.
        let user_message = Error::new(code)
            .with_context("repo", "ns/x")
            .user_message(Locale::EN_US)
            .expect("a catalog code");
        let expected = json!({
            "code": code.as_str(),
            "msg": format!("{}: {user_message}", code.as_str()),
            "context": {"repo": "ns/x"},
        });
        assert_eq!(reply.json(), expected);
        assert_eq!(reply.header("content-language"), Some("en-US"));
        let decoded = reply.decode();
        assert!(decoded.is(code), "{code:?}");
        assert_eq!(decoded.message(), user_message);
        assert_eq!(decoded.context().get("repo"), Some("ns/x"));
    }
}

#[tokio::test]
async fn every_code_renders_as_problem_details_when_accept_prefers_them_in_either_shape() {
    for errors in [google(), csghub()] {
        let server = HttpFixture::start(errors).await;
        for code in csghub_errorx::csghub::CATALOG.codes() {
            let reply = server
                .fail(code.as_str(), json!({"repo": "ns/x"}), Some(PROBLEM_JSON))
                .await;
            assert_eq!(reply.status, code.http_status(), "{code:?}");
            assert_eq!(reply.header("content-type"), Some(PROBLEM_JSON));
            let body = reply.json();
            assert_eq!(
                body["type"],
                format!("https://csghub.opencsg.com/errors/{}", code.as_str())
            );
            // Localized, en-US by default: the code's message for end users
            // as the title, with this occurrence's context as the detail.
            assert_eq!(body["title"], code.user_message(Locale::EN_US));
            assert_eq!(body["status"], code.http_status().as_u16());
            let detail = Error::new(code)
                .with_context("repo", "ns/x")
                .user_message(Locale::EN_US)
                .expect("a catalog code");
            assert_eq!(body["detail"], *detail);
            assert_eq!(body["instance"], "/v1/demo:fail");
            assert_eq!(body["code"], code.as_str());
            assert_eq!(body["reason"], code.reason());
            assert_eq!(body["domain"], csghub_errorx::CATALOG_DOMAIN);
            assert_eq!(
                body["metadata"],
                json!({"code": code.as_str(), "repo": "ns/x"}),
                "{code:?}"
            );
            let decoded = reply.decode();
            assert!(decoded.is(code), "{code:?}");
            assert_eq!(decoded.context().get("repo"), Some("ns/x"));
        }
    }
}

#[tokio::test]
async fn json_or_wildcard_accept_keeps_the_configured_shape() {
    let server = HttpFixture::start(csghub()).await;
    for accept in [
        "application/json",
        "*/*",
        "application/problem+json;q=0.5, */*",
    ] {
        let reply = server.fail("GIT-ERR-8", json!({}), Some(accept)).await;
        assert_eq!(
            reply.header("content-type"),
            Some("application/json"),
            "{accept}"
        );
        assert_eq!(reply.json()["code"], "GIT-ERR-8", "{accept}");
    }
}

#[tokio::test]
async fn details_are_proto3_json_with_error_info_first_and_one_of_each() {
    let server = HttpFixture::start(google()).await;
    let reply = server.call(Method::GET, "/v1/rich", &[], "").await;
    let body = reply.json();
    assert_eq!(
        detail_types(&body),
        [
            "type.googleapis.com/google.rpc.ErrorInfo",
            "type.googleapis.com/csghub.errorx.v1.ErrorInfo",
            "type.googleapis.com/google.rpc.RetryInfo",
            "type.googleapis.com/google.rpc.BadRequest",
            "type.googleapis.com/google.rpc.ResourceInfo",
            "type.googleapis.com/google.rpc.PreconditionFailure",
            "type.googleapis.com/google.rpc.QuotaFailure",
            "type.googleapis.com/google.rpc.RequestInfo",
            "type.googleapis.com/google.rpc.LocalizedMessage",
            "type.googleapis.com/google.rpc.Help",
            "type.googleapis.com/google.protobuf.Duration",
        ]
    );
    let details = &body["error"]["details"];
    assert_eq!(details[2]["retryDelay"], "1.500s");
    assert_eq!(
        details[3]["fieldViolations"],
        json!([{"field": "name", "description": "must not be empty"}])
    );
    assert_eq!(details[4]["resourceType"], "model");
    assert_eq!(details[5]["violations"][0]["type"], "TOS");
    assert_eq!(details[7]["requestId"], "req-7f3a");
    assert_eq!(
        details[8],
        json!({"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "zh-CN", "message": "请求过多"})
    );
}

#[tokio::test]
async fn an_unknown_detail_renders_as_base64_and_decodes_back_to_its_bytes() {
    let server = HttpFixture::start(google()).await;
    let reply = server.call(Method::GET, "/v1/rich", &[], "").await;
    let custom = reply.json()["error"]["details"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    // google.protobuf.Duration { seconds: 7 } is the bytes 08 07.
    assert_eq!(
        custom,
        json!({"@type": "type.googleapis.com/google.protobuf.Duration", "value": "CAc="})
    );
    let decoded = reply.decode();
    assert_eq!(decoded.raw_details().len(), 1);
    assert_eq!(decoded.raw_details()[0].value(), [8, 7]);
}

#[tokio::test]
async fn debug_info_is_rendered_only_when_the_server_opts_in() {
    let server = HttpFixture::start(google()).await;
    let reply = server.call(Method::GET, "/v1/rich", &[], "").await;
    assert!(!detail_types(&reply.json())
        .iter()
        .any(|t| t.ends_with("DebugInfo")));
    assert!(!String::from_utf8_lossy(&reply.body).contains("pool exhausted"));

    let server = HttpFixture::start(
        google().encoder(csghub_errorx::StatusEncoder::new().include_debug_info(true)),
    )
    .await;
    let reply = server.call(Method::GET, "/v1/rich", &[], "").await;
    let body = reply.json();
    let debug = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["@type"] == "type.googleapis.com/google.rpc.DebugInfo")
        .cloned()
        .expect("DebugInfo");
    assert_eq!(debug["stackEntries"], json!(["db::pool::get"]));
    assert_eq!(debug["detail"], "pool exhausted");
}

#[tokio::test]
async fn the_source_is_logged_once_with_method_route_status_and_code_and_never_sent() {
    let (logs, _guard) = capture();
    let server = HttpFixture::start(google()).await;
    let reply = server.call(Method::GET, "/v1/rich", &[], "").await;
    assert!(!String::from_utf8_lossy(&reply.body).contains("10.0.0.7"));

    let events = logs.side("http");
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(event.level, tracing::Level::INFO);
    assert_eq!(event.field("message"), Some("request failed"));
    assert_eq!(event.field("http.request.method"), Some("GET"));
    assert_eq!(event.field("http.route"), Some("/v1/rich"));
    assert_eq!(event.field("url.path"), Some("/v1/rich"));
    assert_eq!(event.field("http.response.status_code"), Some("429"));
    assert_eq!(event.field("code"), Some("REQ-ERR-10"));
    assert_eq!(event.field("reason"), Some("ERR_RATE_LIMIT_EXCEEDED"));
    assert!(event.field("error.source").unwrap().contains("10.0.0.7"));
}

#[tokio::test]
async fn a_forged_line_in_a_source_is_escaped_in_the_log() {
    let (logs, _guard) = capture();
    let router = axum::Router::new()
        .route(
            "/forge",
            axum::routing::get(|| async {
                csghub_errorx::Error::new(ErrorCode::DATABASE_FAILURE).with_source(
                    std::io::Error::other(
                        "boom\nERROR csghub_errorx::http: request failed code=FAKE",
                    ),
                )
            }),
        )
        .layer(google().into_layer());
    let server = HttpFixture::serve(router).await;
    server.call(Method::GET, "/forge", &[], "").await;
    let event = &logs.side("http")[0];
    assert_eq!(event.level, tracing::Level::ERROR);
    let source = event.field("error.source").unwrap();
    assert!(!source.contains('\n'), "{source}");
}

#[tokio::test]
async fn retry_after_rounds_the_retry_delay_up_to_whole_seconds() {
    let server = HttpFixture::start(google()).await;
    let reply = server.call(Method::GET, "/v1/rich", &[], "").await;
    assert_eq!(reply.header("retry-after"), Some("2"));
    let reply = server.fail("REQ-ERR-10", json!({}), None).await;
    assert_eq!(reply.header("retry-after"), Some("1"));
    let reply = server.fail("GIT-ERR-9", json!({}), None).await;
    assert_eq!(reply.header("retry-after"), None);
}

#[tokio::test]
async fn a_401_asks_for_a_bearer_token_and_every_error_varies_by_accept_and_language() {
    let server = HttpFixture::start(csghub()).await;
    let reply = server.fail("AUTH-ERR-0", json!({}), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    assert_eq!(reply.header("vary"), Some("accept, accept-language"));
    let reply = server.fail("AUTH-ERR-2", json!({}), None).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.header("www-authenticate"), None);
}

/// The catalog code of a rejected request, and its `BadRequest` field.
async fn rejection(reply: common::http::Reply) -> (ErrorCode, Option<String>) {
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let error = reply.decode();
    let code = error.code().unwrap_or_else(|| panic!("{error:?}"));
    assert_eq!(reply.status, code.http_status());
    let field = error
        .bad_request()
        .map(|b| b.field_violations()[0].field().to_string());
    (code, field)
}

#[tokio::test]
async fn malformed_json_is_req_err_1() {
    let server = HttpFixture::start(google()).await;
    for body in ["{", "{\"name\": \"a\", \"count\": 1} trailing", "not json"] {
        let reply = server.post_json("/v1/echo", None, body).await;
        assert_eq!(
            rejection(reply).await.0,
            ErrorCode::ERR_REQ_BODY_FORMAT,
            "{body}"
        );
    }
}

#[tokio::test]
async fn an_empty_body_is_req_err_2_with_or_without_a_content_type() {
    let server = HttpFixture::start(google()).await;
    let reply = server.post_json("/v1/echo", None, "").await;
    assert_eq!(rejection(reply).await.0, ErrorCode::ERR_REQ_BODY_EMPTY);
    let reply = server.call(Method::POST, "/v1/echo", &[], "").await;
    assert_eq!(rejection(reply).await.0, ErrorCode::ERR_REQ_BODY_EMPTY);
}

#[tokio::test]
async fn a_body_over_the_limit_is_req_err_3() {
    let server = HttpFixture::start(google()).await;
    let body = format!(r#"{{"name":"{}","count":1}}"#, "x".repeat(SMALL_BODY_LIMIT));
    let reply = server.post_json("/v1/small", None, &body).await;
    assert_eq!(rejection(reply).await.0, ErrorCode::ERR_REQ_BODY_TOO_LARGE);
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_req_err_8_on_that_field() {
    let server = HttpFixture::start(google()).await;
    let reply = server
        .post_json("/v1/echo", None, r#"{"name":"a","count":"three"}"#)
        .await;
    assert_eq!(
        rejection(reply).await,
        (ErrorCode::ERR_REQ_PARAM_TYPE_ERROR, Some("count".into()))
    );
    let reply = server
        .post_json(
            csghub_errorx_demo::http::FAIL_PATH,
            None,
            r#"{"code":"GIT-ERR-8","context":{"repo":7}}"#,
        )
        .await;
    assert_eq!(
        rejection(reply).await,
        (
            ErrorCode::ERR_REQ_PARAM_TYPE_ERROR,
            Some("context.repo".into())
        )
    );
}

#[tokio::test]
async fn a_missing_field_is_req_err_4_on_that_field() {
    let server = HttpFixture::start(google()).await;
    let reply = server.post_json("/v1/echo", None, r#"{"name":"a"}"#).await;
    assert_eq!(
        rejection(reply).await,
        (ErrorCode::ERR_REQ_PARAM_MISSING, Some("count".into()))
    );
}

#[tokio::test]
async fn an_unknown_field_is_req_err_6() {
    let server = HttpFixture::start(google()).await;
    let reply = server
        .post_json(
            csghub_errorx_demo::http::FAIL_PATH,
            None,
            r#"{"code":"GIT-ERR-8","colour":"red"}"#,
        )
        .await;
    assert_eq!(rejection(reply).await.0, ErrorCode::ERR_REQ_PARAM_INVALID);
}

#[tokio::test]
async fn an_unsupported_content_type_is_req_err_9() {
    let server = HttpFixture::start(google()).await;
    let reply = server
        .call(
            Method::POST,
            "/v1/echo",
            &[("content-type", "text/plain")],
            r#"{"name":"a","count":1}"#,
        )
        .await;
    assert_eq!(
        rejection(reply).await.0,
        ErrorCode::ERR_REQ_CONTENT_TYPE_UNSUPPORTED
    );
    let reply = server
        .call(Method::POST, "/v1/echo", &[], r#"{"name":"a","count":1}"#)
        .await;
    assert_eq!(
        rejection(reply).await.0,
        ErrorCode::ERR_REQ_CONTENT_TYPE_UNSUPPORTED
    );
    // JSON under another media type of the family is JSON.
    let reply = server
        .call(
            Method::POST,
            "/v1/echo",
            &[("content-type", "application/merge-patch+json")],
            r#"{"name":"a","count":1}"#,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn a_missing_query_parameter_is_req_err_4() {
    let server = HttpFixture::start(google()).await;
    let reply = server.call(Method::GET, "/v1/list?size=3", &[], "").await;
    assert_eq!(
        rejection(reply).await,
        (ErrorCode::ERR_REQ_PARAM_MISSING, Some("page".into()))
    );
    let reply = server.call(Method::GET, "/v1/list?page=2", &[], "").await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn a_query_value_that_does_not_parse_is_req_err_6_not_8() {
    // Everything in a query is a string: a value that does not parse is a
    // bad value, not a JSON value of the wrong type.
    let server = HttpFixture::start(google()).await;
    let reply = server.call(Method::GET, "/v1/list?page=two", &[], "").await;
    assert_eq!(
        rejection(reply).await,
        (ErrorCode::ERR_REQ_PARAM_INVALID, Some("page".into()))
    );
}

#[tokio::test]
async fn a_path_parameter_that_does_not_parse_is_req_err_6() {
    let server = HttpFixture::start(google()).await;
    let reply = server.call(Method::GET, "/v1/items/abc", &[], "").await;
    assert_eq!(
        rejection(reply).await,
        (ErrorCode::ERR_REQ_PARAM_INVALID, Some("id".into()))
    );
    let reply = server.call(Method::GET, "/v1/items/7", &[], "").await;
    assert_eq!(reply.body, "7");
}

#[tokio::test]
async fn an_unknown_route_is_not_found_in_the_configured_shape() {
    let server = HttpFixture::start(csghub()).await;
    let reply = server.call(Method::GET, "/v1/nope", &[], "").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(
        reply.json(),
        json!({"msg": "no route matches the request", "context": {"method": "GET", "path": "/v1/nope"}})
    );
    let error = reply.decode();
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
}

#[tokio::test]
async fn a_grpc_request_for_an_unknown_method_gets_unimplemented() {
    let server = HttpFixture::start(google()).await;
    let reply = server
        .call(
            Method::POST,
            "/pkg.Nope/Call",
            &[("content-type", "application/grpc")],
            "",
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("grpc-status"), Some("12"));
}

#[tokio::test]
async fn rejections_take_the_configured_shape_and_problem_details_too() {
    let server = HttpFixture::start(csghub()).await;
    let reply = server.post_json("/v1/echo", None, "{").await;
    assert_eq!(reply.json()["code"], "REQ-ERR-1");
    let reply = server.post_json("/v1/echo", Some(PROBLEM_JSON), "{").await;
    assert_eq!(reply.header("content-type"), Some(PROBLEM_JSON));
    assert_eq!(reply.json()["code"], "REQ-ERR-1");
    assert_eq!(reply.json()["instance"], "/v1/echo");
}

#[tokio::test]
async fn a_code_of_an_unknown_module_is_req_err_6_with_a_bad_request() {
    let server = HttpFixture::start(google()).await;
    let reply = server.fail("NOPE-ERR-1", json!({}), None).await;
    let error = reply.decode();
    assert!(error.is(ErrorCode::ERR_REQ_PARAM_INVALID));
    assert_eq!(
        error.bad_request().unwrap().field_violations()[0].field(),
        "code"
    );
    assert_eq!(
        ErrorCode::ERR_REQ_PARAM_INVALID.module(),
        csghub_errorx::csghub::CATALOG
            .module_by_prefix("REQ")
            .unwrap()
    );
}

// ---- Localized by Accept-Language ----

/// `POST /v1/demo:fail` for `code`, with the repo `ns/x`, asking for
/// `accept_language` (and `accept`, if given).
async fn fail_in(
    server: &HttpFixture,
    code: &str,
    accept_language: &str,
    accept: Option<&str>,
) -> common::http::Reply {
    let mut headers = vec![
        ("content-type", "application/json"),
        ("accept-language", accept_language),
    ];
    if let Some(accept) = accept {
        headers.push(("accept", accept));
    }
    let body = json!({"code": code, "context": {"repo": "ns/x"}}).to_string();
    server
        .call(
            http::Method::POST,
            csghub_errorx_demo::http::FAIL_PATH,
            &headers,
            body,
        )
        .await
}

#[tokio::test]
async fn the_google_shape_carries_one_localized_message_and_keeps_its_english_message() {
    let server = HttpFixture::start(google()).await;
    let reply = fail_in(&server, "GIT-ERR-9", "zh-TW, en;q=0.3", None).await;
    assert_eq!(reply.header("content-language"), Some("zh-HK"));
    assert_eq!(reply.header("vary"), Some("accept, accept-language"));
    let body = reply.json();
    assert_eq!(
        body["error"]["message"],
        ErrorCode::GIT_REPO_NOT_FOUND.description()
    );
    let localized: Vec<&Value> = body["error"]["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter(|d| d["@type"] == "type.googleapis.com/google.rpc.LocalizedMessage")
        .collect();
    assert_eq!(
        localized,
        [&json!({
            "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
            "locale": "zh-HK",
            "message": "找不到儲存庫 ns/x，請檢查儲存庫名稱及存取權限。",
        })]
    );
    let decoded = reply.decode();
    assert_eq!(
        decoded.localized_message().map(|l| l.locale()),
        Some("zh-HK")
    );

    // Without Accept-Language: no localized message, no Content-Language.
    let reply = server
        .fail("GIT-ERR-9", json!({"repo": "ns/x"}), None)
        .await;
    assert_eq!(reply.header("content-language"), None);
    assert!(reply.decode().localized_message().is_none());
}

#[tokio::test]
async fn the_csghub_envelope_says_its_msg_in_the_requested_language() {
    let server = HttpFixture::start(csghub()).await;
    let reply = fail_in(&server, "GIT-ERR-8", "zh-CN", None).await;
    assert_eq!(reply.header("content-language"), Some("zh-CN"));
    assert_eq!(
        reply.json()["msg"],
        format!(
            "GIT-ERR-8: {}",
            ErrorCode::GIT_AUTH_FAILED.user_message(Locale::ZH_CN)
        )
    );
}

#[tokio::test]
async fn problem_details_localize_their_title_and_detail() {
    let server = HttpFixture::start(google()).await;
    let reply = fail_in(&server, "GIT-ERR-9", "zh-HK", Some(PROBLEM_JSON)).await;
    assert_eq!(reply.header("content-language"), Some("zh-HK"));
    let body = reply.json();
    assert_eq!(
        body["title"],
        "找不到該儲存庫，請檢查儲存庫名稱及存取權限。"
    );
    assert_eq!(
        body["detail"],
        "找不到儲存庫 ns/x，請檢查儲存庫名稱及存取權限。"
    );
}

#[test]
fn the_encoders_reference_base_is_the_problem_type_and_a_help_link_in_every_shape() {
    let encoder = csghub_errorx::StatusEncoder::new().reference_base("https://errors.example.com/");
    let errors = HttpErrors::new().encoder(encoder.clone());
    let error = Error::new(ErrorCode::GIT_AUTH_FAILED);
    let url = "https://errors.example.com/errors/GIT-ERR-8";
    let mut problem = http::HeaderMap::new();
    problem.insert(http::header::ACCEPT, PROBLEM_JSON.parse().unwrap());
    let body: serde_json::Value =
        serde_json::from_str(errors.render(&error, &problem).body()).unwrap();
    assert_eq!(body["type"], url);
    let body: serde_json::Value =
        serde_json::from_str(errors.render(&error, &http::HeaderMap::new()).body()).unwrap();
    let help = body["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["@type"] == "type.googleapis.com/google.rpc.Help")
        .unwrap_or_else(|| panic!("a Help link in {body}"));
    assert_eq!(help["links"][0]["url"], url);
    // And on gRPC, from the same encoder; an error's own Help link wins.
    let status = encoder.encode(&error);
    let decoded = Error::from_status(&status);
    assert_eq!(decoded.help().unwrap().links()[0].url(), url);
    let own = error.add_help_link("runbook", "https://runbooks.example.com/git-auth");
    let decoded = Error::from_status(&encoder.encode(&own));
    assert_eq!(decoded.help().unwrap().links().len(), 1);
    // Without it, nothing is added: the wire stays as it was.
    let plain = Error::from_status(&tonic::Status::from(Error::new(ErrorCode::GIT_AUTH_FAILED)));
    assert!(plain.help().is_none());
}
