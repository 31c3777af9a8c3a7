//! Decoding JSON error bodies of every shape in use, from this library and
//! from others (grpc-gateway, Envoy, Google's APIs, CSGHub, RFC 9457), and
//! bodies that are not JSON.

use csghub_errorx::http::{HttpErrors, JsonShape, PROBLEM_JSON};
use csghub_errorx::{DecodeProblem, Error, ErrorCode, StatusDecoder};
use http::{HeaderMap, StatusCode};
use proptest::prelude::*;
use serde_json::json;
use std::time::Duration;

fn decode(status: u16, body: &serde_json::Value) -> Error {
    Error::from_http_response(
        StatusCode::from_u16(status).unwrap(),
        &HeaderMap::new(),
        body.to_string().as_bytes(),
    )
}

#[test]
fn grpc_gateways_bare_status_decodes_with_its_details() {
    // runtime.DefaultHTTPErrorHandler: a google.rpc.Status in protojson.
    let error = decode(
        404,
        &json!({
            "code": 5,
            "message": "repo not found",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "GIT_REPO_NOT_FOUND",
                 "domain": "csghub.opencsg.com", "metadata": {"repo": "ns/x"}},
                {"@type": "type.googleapis.com/google.rpc.ResourceInfo", "resourceType": "repository",
                 "resourceName": "ns/x"}
            ]
        }),
    );
    assert!(error.is(ErrorCode::GIT_REPO_NOT_FOUND));
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
    assert_eq!(error.message(), "repo not found");
    assert_eq!(error.context().get("repo"), Some("ns/x"));
    assert_eq!(error.resource_info().unwrap().resource_name(), "ns/x");
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
}

#[test]
fn envoys_transcoded_status_without_a_message_decodes() {
    // Envoy's gRPC-JSON transcoder example: default fields are left out.
    let error = decode(
        404,
        &json!({"code": 5, "details": [{"@type": "type.googleapis.com/google.rpc.RequestInfo", "requestId": "r-1"}]}),
    );
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
    assert_eq!(error.code(), None);
    assert_eq!(error.request_info().unwrap().request_id(), "r-1");
    assert_eq!(error.http_status(), StatusCode::NOT_FOUND);
}

#[test]
fn grpc_gateways_marshal_failure_decodes_as_internal() {
    let error = decode(
        500,
        &json!({"code": 13, "message": "failed to marshal error message"}),
    );
    assert_eq!(error.grpc_code(), tonic::Code::Internal);
    assert_eq!(error.message(), "failed to marshal error message");
}

#[test]
fn googles_aip_193_example_decodes_with_a_foreign_domain_kept_not_mapped() {
    let error = decode(
        429,
        &json!({"error": {
            "code": 429,
            "message": "The zone 'us-east1-a' does not have enough resources available to fulfill the request.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RESOURCE_AVAILABILITY",
                 "domain": "compute.googleapis.com", "metadata": {"zone": "us-east1-a", "vmType": "e2-medium"}},
                {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
                 "message": "An <e2-medium> VM instance is currently unavailable in the <us-east1-a> zone."},
                {"@type": "type.googleapis.com/google.rpc.Help", "links": [
                    {"description": "Additional information on this error", "url": "https://cloud.google.com/compute/docs/resource-error"}]}
            ]
        }}),
    );
    assert_eq!(error.code(), None);
    assert_eq!(error.grpc_code(), tonic::Code::ResourceExhausted);
    assert_eq!(error.reason(), "RESOURCE_AVAILABILITY");
    assert_eq!(error.domain(), Some("compute.googleapis.com"));
    assert_eq!(error.context().get("vmType"), Some("e2-medium"));
    assert_eq!(error.localized_message().unwrap().locale(), "en-US");
    assert_eq!(error.help().unwrap().links().len(), 1);
    // A decoder that accepts the domain maps its reasons onto the catalog.
    let body = json!({"error": {"code": 401, "status": "UNAUTHENTICATED", "message": "",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "GIT_AUTH_FAILED", "domain": "git.example.com"}]}});
    let decoder = StatusDecoder::new().accept_domain("git.example.com");
    let error = decoder.decode_http_response(
        StatusCode::UNAUTHORIZED,
        &HeaderMap::new(),
        body.to_string().as_bytes(),
    );
    assert!(error.is(ErrorCode::GIT_AUTH_FAILED));
}

#[test]
fn csghubs_envelope_decodes_its_code_message_and_any_context() {
    // As CSGHub's own server writes it: the cause in msg, context of any JSON.
    let error = decode(
        401,
        &json!({"code": "GIT-ERR-8", "msg": "GIT-ERR-8: remote: HTTP Basic: Access denied",
                "context": {"repo": "ns/x", "attempt": 3, "dry": false, "tags": ["a"]}}),
    );
    assert!(error.is(ErrorCode::GIT_AUTH_FAILED));
    assert_eq!(error.grpc_code(), tonic::Code::Unauthenticated);
    assert_eq!(error.message(), "remote: HTTP Basic: Access denied");
    assert_eq!(error.context().get("repo"), Some("ns/x"));
    assert_eq!(error.context().get("attempt"), Some("3"));
    assert_eq!(error.context().get("dry"), Some("false"));
    assert_eq!(error.context().get("tags"), Some(r#"["a"]"#));
}

#[test]
fn csghubs_envelope_without_a_code_or_with_a_newer_one_decodes() {
    let error = decode(400, &json!({"msg": "bad request: name is empty"}));
    assert_eq!(error.code(), None);
    assert_eq!(error.grpc_code(), tonic::Code::InvalidArgument);
    assert_eq!(error.message(), "bad request: name is empty");

    let error = decode(409, &json!({"code": "GIT-ERR-99", "msg": "GIT-ERR-99"}));
    assert_eq!(error.unknown_code().unwrap().to_string(), "GIT-ERR-99");
    assert_eq!(error.code_str().as_deref(), Some("GIT-ERR-99"));
    assert_eq!(error.grpc_code(), tonic::Code::Aborted);

    // The first CSGHub envelope had an integer code.
    let error = decode(500, &json!({"code": 500, "msg": "internal"}));
    assert_eq!(error.code(), None);
    assert_eq!(error.message(), "internal");
}

#[test]
fn foreign_problem_details_decode_by_status() {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", PROBLEM_JSON.parse().unwrap());
    let body = json!({"type": "https://example.com/probs/out-of-credit", "title": "You do not have enough credit.",
        "detail": "Your current balance is 30, but that costs 50.", "instance": "/account/12345/msgs/abc", "balance": 30});
    let error =
        Error::from_http_response(StatusCode::FORBIDDEN, &headers, body.to_string().as_bytes());
    assert_eq!(error.code(), None);
    assert_eq!(error.grpc_code(), tonic::Code::PermissionDenied);
    assert_eq!(
        error.message(),
        "Your current balance is 30, but that costs 50."
    );

    let error = decode(
        404,
        &json!({"type": "about:blank", "title": "Not Found", "status": 404}),
    );
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
    assert_eq!(error.message(), "Not Found");
}

#[test]
fn an_html_page_from_a_proxy_gives_the_statuss_grpc_code_not_a_parse_failure() {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "text/html".parse().unwrap());
    let body = b"<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>";
    let error = Error::from_http_response(StatusCode::BAD_GATEWAY, &headers, body);
    assert_eq!(error.code(), None);
    assert_eq!(error.grpc_code(), tonic::Code::Unavailable);
    assert_eq!(error.message(), "HTTP 502 Bad Gateway");
    assert_eq!(error.http_status(), StatusCode::BAD_GATEWAY);
    assert_eq!(
        error.decode_problems(),
        [DecodeProblem::UnrecognizedBody {
            content_type: "text/html".into(),
            len: body.len()
        }]
    );
}

#[test]
fn a_short_plain_text_body_becomes_the_message() {
    // axum's own rejections, from a server without this library.
    let body = b"Failed to parse the request body as JSON: expected value at line 1 column 1";
    let error = Error::from_http_response(StatusCode::BAD_REQUEST, &HeaderMap::new(), body);
    assert_eq!(error.grpc_code(), tonic::Code::InvalidArgument);
    assert_eq!(error.message(), std::str::from_utf8(body).unwrap());
    let error = Error::from_http_response(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
    assert_eq!(error.grpc_code(), tonic::Code::Unavailable);
    assert_eq!(error.message(), "HTTP 503 Service Unavailable");
}

#[test]
fn an_unknown_detail_in_json_is_kept_and_rendered_back_as_it_came() {
    let unknown = json!({"@type": "type.googleapis.com/acme.v1.Quota", "bucket": "gpu", "left": 0});
    let body = json!({"error": {"code": 429, "message": "m", "status": "RESOURCE_EXHAUSTED", "details": [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ERR_RATE_LIMIT_EXCEEDED", "domain": "csghub.opencsg.com"},
        unknown.clone()]}});
    let error = decode(429, &body);
    assert!(error.is(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
    let raw = &error.raw_details()[0];
    assert_eq!(raw.type_name(), "acme.v1.Quota");
    assert!(raw.value().is_empty());
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(raw.json().unwrap()).unwrap(),
        unknown
    );

    let again = error.to_http_response(&HeaderMap::new());
    let rendered: serde_json::Value = serde_json::from_str(again.body()).unwrap();
    assert_eq!(
        rendered["error"]["details"]
            .as_array()
            .unwrap()
            .last()
            .unwrap(),
        &unknown
    );
}

#[test]
fn a_malformed_known_detail_is_reported_and_kept() {
    let body = json!({"error": {"code": 429, "message": "m", "status": "RESOURCE_EXHAUSTED", "details": [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "soon"},
        {"@type": "type.googleapis.com/google.rpc.RequestInfo", "requestId": 7}]}});
    let error = decode(429, &body);
    assert_eq!(error.retry_info(), None);
    assert_eq!(error.raw_details().len(), 2);
    assert_eq!(
        error.decode_problems().len(),
        2,
        "{:?}",
        error.decode_problems()
    );
    assert!(matches!(
        error.decode_problems()[0],
        DecodeProblem::MalformedDetail { .. }
    ));
}

#[test]
fn a_duplicate_detail_is_reported_and_the_first_wins() {
    let body = json!({"code": 8, "message": "m", "details": [
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1s"},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "9s"}]});
    let error = decode(429, &body);
    assert_eq!(error.retry_delay(), Some(Duration::from_secs(1)));
    assert!(matches!(
        error.decode_problems()[0],
        DecodeProblem::DuplicateDetail { .. }
    ));
}

#[test]
fn proto_field_names_and_int64_numbers_are_accepted_too() {
    let body = json!({"code": 8, "message": "m", "details": [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
            {"subject": "user:alice", "quota_value": 10, "futureQuotaValue": "20", "quota_dimensions": {"region": "cn"}}]},
        {"@type": "type.googleapis.com/google.rpc.ResourceInfo", "resource_type": "model", "resource_name": "ns/m"}]});
    let error = decode(429, &body);
    assert_eq!(
        error.quota_failure().unwrap().violations()[0].subject(),
        "user:alice"
    );
    assert_eq!(error.resource_info().unwrap().resource_type(), "model");
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
    // And they render back as proto3 JSON writes them.
    let rendered: serde_json::Value =
        serde_json::from_str(HttpErrors::new().render(&error, &HeaderMap::new()).body()).unwrap();
    let quota = rendered["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["@type"] == "type.googleapis.com/google.rpc.QuotaFailure")
        .map(|d| d["violations"][0].clone())
        .unwrap();
    assert_eq!(
        quota,
        json!({"subject": "user:alice", "quotaDimensions": {"region": "cn"}, "quotaValue": "10", "futureQuotaValue": "20"})
    );
}

#[test]
fn every_shape_round_trips_code_context_and_details() {
    let error = Error::new(ErrorCode::GIT_FILE_NOT_FOUND)
        .with_context("path", "README.md")
        .with_resource("file", "ns/repo/README.md")
        .with_retry_delay(Duration::from_millis(250));
    let mut problem = HeaderMap::new();
    problem.insert("accept", PROBLEM_JSON.parse().unwrap());
    // The Google shape carries the developer's message; the CSGHub
    // envelope and problem details carry the one for end users (en-US).
    let user_message = error
        .user_message(csghub_errorx::Locale::EN_US)
        .expect("a catalog code");
    for (errors, headers, keeps_details, message) in [
        (HttpErrors::new(), HeaderMap::new(), true, error.message()),
        (
            HttpErrors::new().shape(JsonShape::Csghub),
            HeaderMap::new(),
            false,
            &*user_message,
        ),
        (HttpErrors::new(), problem, true, &*user_message),
    ] {
        let response = errors.render(&error, &headers);
        let decoded = Error::from_http_response(
            response.status(),
            response.headers(),
            response.body().as_bytes(),
        );
        assert!(
            decoded.is(ErrorCode::GIT_FILE_NOT_FOUND),
            "{}",
            response.body()
        );
        assert_eq!(decoded.message(), message);
        assert_eq!(decoded.context(), error.context());
        if keeps_details {
            assert_eq!(decoded.resource_info(), error.resource_info());
            assert_eq!(decoded.retry_delay(), Some(Duration::from_millis(250)));
        }
        assert!(
            decoded.decode_problems().is_empty(),
            "{:?}",
            decoded.decode_problems()
        );
    }
}

#[test]
fn a_forwarded_error_keeps_its_peers_http_status_domain_and_reason() {
    let body = json!({"error": {"code": 418, "message": "teapot", "status": "UNKNOWN", "details": [
        {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "TEAPOT", "domain": "tea.example.com"}]}});
    let error = decode(418, &body);
    let again = error.to_http_response(&HeaderMap::new());
    assert_eq!(again.status().as_u16(), 418);
    let rendered: serde_json::Value = serde_json::from_str(again.body()).unwrap();
    assert_eq!(rendered["error"]["details"][0]["reason"], "TEAPOT");
    assert_eq!(rendered["error"]["details"][0]["domain"], "tea.example.com");
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        prop_oneof![
            "[a-zA-Z@./_-]{0,12}",
            Just("type.googleapis.com/google.rpc.RetryInfo".to_string()),
            Just("type.googleapis.com/csghub.errorx.v1.ErrorInfo".to_string()),
            Just("MODULE_GIT".to_string()),
            Just("GIT-ERR-8".to_string()),
            Just("1.5s".to_string())
        ]
        .prop_map(serde_json::Value::from),
    ];
    let keys = prop_oneof![
        Just("error".to_string()),
        Just("code".to_string()),
        Just("message".to_string()),
        Just("status".to_string()),
        Just("details".to_string()),
        Just("@type".to_string()),
        Just("msg".to_string()),
        Just("context".to_string()),
        Just("type".to_string()),
        Just("metadata".to_string()),
        Just("module".to_string()),
        Just("number".to_string()),
        Just("retryDelay".to_string()),
        Just("value".to_string()),
        "[a-z]{1,6}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..512)) {
        let status = StatusCode::from_u16(status).unwrap();
        let error = Error::from_http_response(status, &HeaderMap::new(), &body);
        // The response's status is kept, and renders back as JSON with it.
        prop_assert_eq!(error.http_status(), status);
        let response = error.to_http_response(&HeaderMap::new());
        prop_assert_eq!(response.status(), status);
        prop_assert!(serde_json::from_str::<serde_json::Value>(response.body()).is_ok());
    }

    #[test]
    fn arbitrary_json_never_panics_and_renders_back_as_json(status in 100u16..600, body in json_value()) {
        let status = StatusCode::from_u16(status).unwrap();
        let error = Error::from_http_response(status, &HeaderMap::new(), body.to_string().as_bytes());
        for shape in [JsonShape::Google, JsonShape::Csghub] {
            let response = HttpErrors::new().shape(shape).render(&error, &HeaderMap::new());
            prop_assert!(serde_json::from_str::<serde_json::Value>(response.body()).is_ok());
        }
    }
}

/// A google-only AIP-193 body, as a service with no generated types writes
/// it: the metadata `code` names the code.
fn google_only_body(reason: &str, code: &str) -> serde_json::Value {
    json!({"error": {
        "code": 401,
        "message": "authentication failed",
        "status": "UNAUTHENTICATED",
        "details": [{
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": reason,
            "domain": "csghub.opencsg.com",
            "metadata": {"code": code, "module": "GIT", "remote": "origin"}
        }]
    }})
}

#[test]
fn a_google_only_json_body_names_its_code_by_the_metadata_code() {
    let error = decode(401, &google_only_body("GIT_AUTH_FAILED", "GIT-ERR-8"));
    assert_eq!(error.code(), Some(ErrorCode::GIT_AUTH_FAILED));
    assert!(
        error.decode_problems().is_empty(),
        "{:?}",
        error.decode_problems()
    );
    // The reserved keys are the code, never the context.
    let context: Vec<(&str, &str)> = error.context().iter().collect();
    assert_eq!(context, [("remote", "origin")]);
}

#[test]
fn a_google_only_json_body_with_a_newer_code_string_keeps_it_as_unknown() {
    let error = decode(401, &google_only_body("GIT_TOKEN_ROTATED", "GIT-ERR-99"));
    assert_eq!(error.code(), None);
    let unknown = error.unknown_code().expect("an unknown code");
    assert_eq!(
        (unknown.module(), unknown.number()),
        (Some(csghub_errorx::Module::GIT), 99)
    );
    assert_eq!(error.code_str().as_deref(), Some("GIT-ERR-99"));
    assert_eq!(error.context().get("code"), None);
}

#[test]
fn a_google_only_json_body_whose_code_string_and_reason_disagree_names_no_code() {
    let error = decode(401, &google_only_body("GIT_AUTH_FAILED", "GIT-ERR-9"));
    assert_eq!(error.code(), None);
    assert_eq!(
        error.decode_problems(),
        [DecodeProblem::CodeReasonMismatch {
            code: "GIT-ERR-9".into(),
            reason: "GIT_AUTH_FAILED".into()
        }]
    );
}
