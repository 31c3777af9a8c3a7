//! Acme's own catalog through everything CSGHub's goes through: a tonic
//! server on 127.0.0.1 returns codes of both catalogs, a tonic client
//! decodes both, the server localizes both, and the HTTP side renders both.
//! (`tests/logs.rs`: both layers log both.)

mod common;

use common::{channel, request, start_server};
use csghub_errorx::{Error, ErrorCode, Locale, StatusDecoder};
use csghub_errorx_example_own_catalog::proto::Token;
use csghub_errorx_example_own_catalog::{
    decoder, errors, http_router, ModelServingClient, Serving,
};
use tokio_stream::StreamExt;

#[tokio::test(flavor = "current_thread")]
async fn a_tonic_client_decodes_codes_of_both_catalogs() {
    let addr = start_server().await;
    let mut client = ModelServingClient::new(channel(addr).await);
    let decoder = decoder();

    // (model, prompt, the code, its context)
    type Case<'a> = (&'a str, &'a str, ErrorCode, &'a [(&'a str, &'a str)]);
    let cases: [Case; 5] = [
        (
            "acme/none",
            "hi",
            errors::MODEL_NOT_FOUND,
            &[("model", "acme/none")],
        ),
        (
            "acme/big",
            "hi",
            errors::MODEL_NOT_LOADED,
            &[("model", "acme/big")],
        ),
        (
            "acme/old",
            "hi",
            errors::MODEL_DEPRECATED,
            &[("model", "acme/old"), ("replacement", "acme/tiny")],
        ),
        (
            "acme/tiny",
            "one two three four five six seven eight nine",
            errors::PROMPT_TOO_LONG,
            &[("maxTokens", "8"), ("tokens", "9")],
        ),
        (
            "",
            "hi",
            ErrorCode::ERR_REQ_PARAM_MISSING,
            &[("field", "model")],
        ),
    ];
    for (model, prompt, code, context) in cases {
        let status = client
            .generate(request(model, prompt))
            .await
            .expect_err("the call fails");
        assert_eq!(status.code(), code.grpc_code(), "{code}");
        let error = decoder.decode(&status);
        assert_eq!(error.code(), Some(code), "{code}: {error:?}");
        assert_eq!(error.domain(), Some(code.domain()));
        assert_eq!(error.reason(), code.reason());
        assert_eq!(error.code_str().as_deref(), Some(code.as_str()));
        let got: Vec<(&str, &str)> = error.context().iter().collect();
        assert_eq!(got, context, "{code}");
        assert!(
            error.decode_problems().is_empty(),
            "{:?}",
            error.decode_problems()
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn acme_codes_travel_under_acmes_domain_and_csghubs_under_csghubs() {
    let addr = start_server().await;
    let mut client = ModelServingClient::new(channel(addr).await);
    let acme = client
        .generate(request("acme/none", "hi"))
        .await
        .expect_err("fails");
    let csghub = client
        .generate(request("acme/tiny", "sign in"))
        .await
        .expect_err("fails");
    let acme = decoder().decode(&acme);
    let csghub = decoder().decode(&csghub);
    assert_eq!(acme.domain(), Some("errors.acme.example"));
    assert_eq!(
        acme.code().map(|c| c.catalog_package()),
        Some("acme.errors.v1")
    );
    assert!(acme.code().is_some_and(|c| c.is_in(&errors::CATALOG)));
    assert_eq!(csghub.code(), Some(ErrorCode::UNAUTHORIZED));
    assert_eq!(csghub.domain(), Some(csghub_errorx::CATALOG_DOMAIN));
    assert!(!ErrorCode::UNAUTHORIZED.is_in(&errors::CATALOG));
}

#[tokio::test(flavor = "current_thread")]
async fn a_decoder_not_given_acmes_catalog_keeps_its_codes_uncataloged_with_everything() {
    let addr = start_server().await;
    let mut client = ModelServingClient::new(channel(addr).await);
    let status = client
        .generate(request("acme/none", "hi"))
        .await
        .expect_err("fails");
    let error = StatusDecoder::new().decode(&status);
    assert_eq!(error.code(), None);
    assert_eq!(error.unknown_code(), None);
    assert_eq!(error.reason(), "MODEL_NOT_FOUND");
    assert_eq!(error.domain(), Some("errors.acme.example"));
    // An ErrorInfo of a domain the decoder maps onto no catalog keeps its
    // metadata exactly as sent, the code string included: for all the
    // decoder knows, `code` means something else there.
    assert_eq!(error.code_str(), None);
    assert_eq!(error.context().get("code"), Some("MODEL-ERR-1"));
    assert_eq!(error.context().get("model"), Some("acme/none"));
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
}

#[test]
fn a_newer_code_of_acmes_catalog_is_kept_as_unknown_with_its_module_and_number() {
    // What a newer Acme server sends, built with the standard types only.
    let details = tonic_types::ErrorDetails::with_error_info(
        "MODEL_QUANTIZING",
        "errors.acme.example",
        [
            ("code".to_string(), "MODEL-ERR-99".to_string()),
            ("model".to_string(), "acme/tiny".to_string()),
        ],
    );
    let status = <tonic::Status as tonic_types::StatusExt>::with_error_details(
        tonic::Code::Unavailable,
        "the model is being quantized",
        details,
    );
    let error = decoder().decode(&status);
    assert_eq!(error.code(), None);
    let unknown = error.unknown_code().expect("an unknown code of Acme's");
    assert_eq!(unknown.module(), Some(errors::modules::MODEL));
    assert_eq!(unknown.number(), 99);
    assert_eq!(unknown.to_string(), "MODEL-ERR-99");
    assert_eq!(error.context().get("model"), Some("acme/tiny"));
    assert_eq!(error.context().get("code"), None);
}

#[tokio::test(flavor = "current_thread")]
async fn a_stream_that_runs_out_of_gpu_memory_decodes_from_its_trailers() {
    let addr = start_server().await;
    let mut client = ModelServingClient::new(channel(addr).await);
    let mut stream = client
        .stream_tokens(request("acme/huge", "a b c d"))
        .await
        .expect("the stream starts")
        .into_inner();
    let mut tokens = Vec::new();
    let status = loop {
        match stream.next().await.expect("the stream ends with an error") {
            Ok(Token { text }) => tokens.push(text),
            Err(status) => break status,
        }
    };
    assert_eq!(tokens, ["d", "c"]);
    let error = decoder().decode(&status);
    assert_eq!(error.code(), Some(errors::GPU_OUT_OF_MEMORY));
    assert_eq!(error.context().get("requiredMib"), Some("81920"));
    assert_eq!(error.context().get("freeMib"), Some("24576"));
}

#[tokio::test(flavor = "current_thread")]
async fn the_server_layer_localizes_acmes_codes_from_acmes_messages() {
    let addr = start_server().await;
    let mut client = ModelServingClient::new(channel(addr).await);
    let mut request = tonic::Request::new(request("acme/big", "hi"));
    request.metadata_mut().insert(
        "accept-language",
        "zh-Hans-CN, en;q=0.5".parse().expect("ascii"),
    );
    let status = client.generate(request).await.expect_err("fails");
    let error = decoder().decode(&status);
    let localized = error.localized_message().expect("a LocalizedMessage");
    assert_eq!(localized.locale(), "zh-CN");
    assert_eq!(
        localized.message(),
        "模型 acme/big 正在启动，请一分钟后重试。"
    );
    // grpc-message stays the English description.
    assert_eq!(status.message(), errors::MODEL_NOT_LOADED.description());
    assert_eq!(errors::CATALOG.locales(), [Locale::EN_US, Locale::ZH_CN]);
}

#[tokio::test(flavor = "current_thread")]
async fn the_http_side_renders_both_catalogs_codes_as_aip_193_json() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let router = http_router(Serving::with_sample_models());
    for (body, status, code, domain, message) in [
        (
            r#"{"model":"acme/old","prompt":"hi"}"#,
            400,
            "MODEL-ERR-3",
            "errors.acme.example",
            "模型 acme/old 已下线，请改用 acme/tiny。",
        ),
        (
            r#"{"prompt":"hi"}"#,
            400,
            "REQ-ERR-4",
            "csghub.opencsg.com",
            "缺少必填字段 model，请填写后重试。",
        ),
    ] {
        let request = axum::http::Request::post("/v1/generate")
            .header("content-type", "application/json")
            .header("accept-language", "zh-CN")
            .body(axum::body::Body::from(body))
            .expect("request");
        let response = router.clone().oneshot(request).await.expect("response");
        assert_eq!(response.status().as_u16(), status, "{code}");
        assert_eq!(response.headers()["content-language"], "zh-CN");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("body").to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        let info = json["error"]["details"]
            .as_array()
            .expect("details")
            .iter()
            .find(|d| d["@type"] == "type.googleapis.com/google.rpc.ErrorInfo")
            .unwrap_or_else(|| panic!("an ErrorInfo in {json}"));
        assert_eq!(info["metadata"]["code"], code, "{json}");
        assert_eq!(info["domain"], domain, "{json}");
        let localized = json["error"]["details"]
            .as_array()
            .expect("details")
            .iter()
            .find(|d| d["@type"] == "type.googleapis.com/google.rpc.LocalizedMessage")
            .unwrap_or_else(|| panic!("a LocalizedMessage in {json}"));
        assert_eq!(localized["message"], message, "{json}");
        // And the body decodes back into the code, given Acme's catalog.
        let error = decoder().decode_http_response(parts.status, &parts.headers, &bytes);
        assert_eq!(error.code_str().as_deref(), Some(code));
        assert!(error.code().is_some(), "{error:?}");
    }
}

#[test]
fn the_generated_constants_document_their_messages_and_keys() {
    let code = errors::PROMPT_TOO_LONG;
    assert_eq!(code.as_str(), "MODEL-ERR-2");
    assert_eq!(code.name(), "promptTooLong");
    assert_eq!(code.module(), errors::modules::MODEL);
    assert_eq!(code.http_status(), 400);
    assert_eq!(code.context_keys(), ["tokens", "maxTokens"]);
    assert_eq!(
        code.user_message_template(Locale::ZH_CN),
        Some("提示词有 {tokens} 个词元，该模型最多接受 {maxTokens} 个。")
    );
    assert_eq!(errors::CATALOG.codes().count(), 10);
    assert_eq!(errors::CATALOG.modules().len(), 2);
    assert_eq!(
        errors::CATALOG.parse("gpuOutOfMemory"),
        Ok(errors::GPU_OUT_OF_MEMORY)
    );
    // The same text in both catalogs names different codes.
    assert!("MODEL-ERR-2".parse::<ErrorCode>().is_err());
    let error = Error::new(errors::GPU_QUOTA_EXCEEDED).with_context("quota", 40);
    assert_eq!(
        error.user_message(Locale::EN_US).as_deref(),
        Some("Your quota of 40 GPU hours is used up for this period.")
    );
}
