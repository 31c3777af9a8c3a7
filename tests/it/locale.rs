//! Localized messages: the negotiation table, the messages of every code in
//! every locale, and their rendering with an error's context.

use crate::common;

use csghub_errorx::{Error, ErrorCode, Locale};

/// `Accept-Language` → the locale served. The table the catalog promises.
const NEGOTIATION: &[(&str, &str)] = &[
    // Traditional Chinese, by script or by the region that writes it.
    ("zh-TW", "zh-HK"),
    ("zh-MO", "zh-HK"),
    ("zh-HK", "zh-HK"),
    ("zh-Hant", "zh-HK"),
    ("zh-Hant-TW", "zh-HK"),
    ("zh-hant-tw", "zh-HK"),
    ("ZH-TW", "zh-HK"),
    // Simplified Chinese.
    ("zh", "zh-CN"),
    ("zh-CN", "zh-CN"),
    ("zh-SG", "zh-CN"),
    ("zh-Hans", "zh-CN"),
    ("zh-Hans-CN", "zh-CN"),
    ("zh-Hans-HK", "zh-CN"),
    // English, and everything else.
    ("en", "en-US"),
    ("en-GB", "en-US"),
    ("en-US", "en-US"),
    ("fr-FR", "en-US"),
    ("ja", "en-US"),
    ("*", "en-US"),
    // Preferences, by q value, ties in header order.
    ("fr-CH, fr;q=0.9, zh-TW;q=0.8, en;q=0.7", "zh-HK"),
    ("en;q=0.5, zh-SG", "zh-CN"),
    ("en;q=0.8, zh-TW;q=0.8", "en-US"),
    ("zh-TW;q=0, en", "en-US"),
    ("zh-TW;q=0.001, de", "zh-HK"),
    ("de, *;q=0.1", "en-US"),
    ("zh-TW ; q=0.9 , en-GB ; q=0.95", "en-US"),
    // Malformed: en-US, never an error.
    ("", "en-US"),
    (",,,;;", "en-US"),
    ("zh-TW;q=2", "en-US"),
    ("zh-TW;q=abc", "en-US"),
    ("zh_TW", "en-US"),
    ("\u{0}\n", "en-US"),
    ("zh-TW;q=0.5;q", "en-US"),
    ("verylonglanguage-TW", "en-US"),
];

#[test]
fn accept_language_negotiates_as_the_table_says() {
    for (header, expected) in NEGOTIATION {
        assert_eq!(
            Locale::negotiate(header).as_str(),
            *expected,
            "Accept-Language: {header:?}"
        );
    }
}

#[test]
fn a_huge_header_is_read_only_so_far() {
    let header = format!("{}zh-TW", "xx, ".repeat(10_000));
    assert_eq!(Locale::negotiate(&header), Locale::EN_US);
}

#[test]
fn every_code_has_a_message_in_every_locale() {
    for code in csghub_errorx::csghub::CATALOG.codes() {
        for locale in csghub_errorx::csghub::CATALOG.locales().iter().copied() {
            let message = code.user_message(locale);
            assert!(!message.is_empty(), "{code:?} {locale}");
            assert!(!message.contains('{'), "{code:?} {locale}: {message}");
        }
        // Written per locale, not copied.
        assert_ne!(
            code.user_message(Locale::EN_US),
            code.user_message(Locale::ZH_CN)
        );
        assert_ne!(
            code.user_message(Locale::ZH_CN),
            code.user_message(Locale::ZH_HK),
            "{code:?}"
        );
    }
}

#[test]
fn the_detailed_message_shows_the_context_when_every_value_is_there() {
    let error = Error::new(ErrorCode::GIT_FILE_NOT_FOUND)
        .with_context("path", "README.md")
        .with_context("branch", "main");
    assert_eq!(
        error.user_message(Locale::EN_US).as_deref(),
        Some("File README.md was not found on branch main.")
    );
}

#[test]
fn a_missing_value_falls_back_to_the_plain_message() {
    let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("other", "x");
    for locale in csghub_errorx::csghub::CATALOG.locales().iter().copied() {
        assert_eq!(
            error.user_message(locale).as_deref(),
            Some(ErrorCode::GIT_REPO_NOT_FOUND.user_message(locale))
        );
    }
}

#[test]
fn a_long_value_is_cut_in_the_message() {
    let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", "r".repeat(10_000));
    let message = error.user_message(Locale::ZH_HK).expect("a catalog code");
    assert!(message.len() < 600, "{}", message.len());
    assert!(message.contains(csghub_errorx::StatusEncoder::TRUNCATION_MARKER));
}

#[test]
fn errors_without_a_known_code_have_no_catalog_message() {
    let error = Error::uncataloged(tonic::Code::NotFound, "gone");
    assert_eq!(error.user_message(Locale::ZH_CN), None);
}

#[test]
fn locales_parse_and_print_their_tags() {
    for locale in csghub_errorx::csghub::CATALOG.locales().iter().copied() {
        assert_eq!(locale.as_str().parse::<Locale>(), Ok(locale));
        assert_eq!(locale.to_string(), locale.as_str());
    }
    assert!("zh-TW".parse::<Locale>().is_err());
}

mod on_the_wire {
    use csghub_errorx::{Error, ErrorCode, Locale, StatusEncoder};
    use prost::Message as _;
    use tonic_types::pb;

    fn localized_messages(status: &tonic::Status) -> Vec<pb::LocalizedMessage> {
        pb::Status::decode(status.details())
            .expect("a google.rpc.Status")
            .details
            .iter()
            .filter(|any| any.type_url.ends_with("/google.rpc.LocalizedMessage"))
            .map(|any| pb::LocalizedMessage::decode(&any.value[..]).expect("decodes"))
            .collect()
    }

    #[test]
    fn one_localized_message_travels_and_grpc_message_stays_english() {
        for code in csghub_errorx::csghub::CATALOG.codes() {
            for locale in csghub_errorx::csghub::CATALOG.locales().iter().copied() {
                let status =
                    StatusEncoder::new().encode(&Error::new(code).with_user_locale(locale));
                assert_eq!(status.message(), code.description());
                assert!(status.message().is_ascii());
                let localized = localized_messages(&status);
                assert_eq!(localized.len(), 1, "{code:?} {locale}");
                assert_eq!(localized[0].locale, locale.as_str());
                assert_eq!(localized[0].message, code.user_message(locale));
            }
        }
    }

    #[test]
    fn the_handlers_own_localized_message_is_kept() {
        let error = Error::new(ErrorCode::FORBIDDEN).with_localized_message("zh-CN", "自定义");
        let status = StatusEncoder::new().encode(&error.clone().with_user_locale(Locale::ZH_HK));
        let localized = localized_messages(&status);
        assert_eq!(localized.len(), 1);
        assert_eq!(
            (localized[0].locale.as_str(), localized[0].message.as_str()),
            ("zh-CN", "自定义")
        );
    }

    #[test]
    fn over_budget_the_localized_message_goes_before_the_error_info() {
        let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", "r".repeat(250));
        let encoder = StatusEncoder::new();
        let full = encoder.encode(&error.clone().with_user_locale(Locale::ZH_CN));
        assert_eq!(localized_messages(&full).len(), 1);
        // A budget that holds everything but the localized message.
        let without = encoder.encode(&error);
        let size = |status: &tonic::Status| {
            let mut headers = http::HeaderMap::new();
            status.add_header(&mut headers).expect("valid headers");
            headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len() + 32)
                .sum::<usize>()
        };
        let tight = StatusEncoder::new().budget(size(&without));
        let status = tight.encode(&error.clone().with_user_locale(Locale::ZH_CN));
        assert!(localized_messages(&status).is_empty());
        let decoded = Error::from_status(&status);
        assert!(decoded.is(ErrorCode::GIT_REPO_NOT_FOUND));
        assert_eq!(decoded.context().get("repo").map(str::len), Some(250));
    }
}

mod through_the_server_layer {
    use csghub_errorx::layer::LogLayer;
    use csghub_errorx::{Error, ErrorCode, StatusEncoder};
    use csghub_errorx_demo::{DemoClient, DemoServer, DemoService};
    use tonic::transport::Channel;

    use super::common;

    async fn serve(layer: LogLayer) -> (common::DemoFixture, DemoClient<Channel>) {
        let server = common::DemoFixture::spawn(move |incoming| async move {
            let _ = tonic::transport::Server::builder()
                .layer(layer)
                .add_service(DemoServer::new(DemoService::new()))
                .serve_with_incoming(incoming)
                .await;
        })
        .await;
        let client = server.client().await;
        (server, client)
    }

    fn request(
        accept_language: Option<&str>,
        before: u32,
    ) -> tonic::Request<csghub_errorx_demo::FailRequest> {
        let mut request =
            tonic::Request::new(common::request("GIT-ERR-9", &[("repo", "ns/x")], before));
        if let Some(value) = accept_language {
            request
                .metadata_mut()
                .insert("accept-language", value.parse().expect("ASCII"));
        }
        request
    }

    #[tokio::test]
    async fn a_request_in_chinese_gets_its_message_unary_and_mid_stream() {
        let (_server, mut client) = serve(LogLayer::server()).await;
        let status = client.fail(request(Some("zh-CN"), 0)).await.unwrap_err();
        let error = Error::from_status(&status);
        assert_eq!(
            status.message(),
            ErrorCode::GIT_REPO_NOT_FOUND.description()
        );
        let localized = error.localized_message().expect("localized");
        assert_eq!(localized.locale(), "zh-CN");
        assert_eq!(
            localized.message(),
            "未找到仓库 ns/x，请检查仓库名称及访问权限。"
        );

        let mut stream = client
            .fail_stream(request(Some("zh-Hant"), 2))
            .await
            .expect("the stream starts")
            .into_inner();
        let (_, status) = common::replies_then_error(&mut stream).await;
        let localized = Error::from_status(&status).localized_message().cloned();
        assert_eq!(
            localized.map(|l| l.locale().to_string()).as_deref(),
            Some("zh-HK")
        );
    }

    #[tokio::test]
    async fn without_accept_language_or_with_localizing_off_nothing_is_added() {
        let (_server, mut client) = serve(LogLayer::server()).await;
        let status = client.fail(request(None, 0)).await.unwrap_err();
        assert!(Error::from_status(&status).localized_message().is_none());
        let (_server, mut client) = serve(LogLayer::server().localize(false)).await;
        let status = client.fail(request(Some("zh-CN"), 0)).await.unwrap_err();
        assert!(Error::from_status(&status).localized_message().is_none());
    }

    #[tokio::test]
    async fn localizing_keeps_the_layers_encoder() {
        let layer = LogLayer::server().encoder(StatusEncoder::new().domain("hub.example.com"));
        let (_server, mut client) = serve(layer).await;
        let status = client.fail(request(Some("en-GB"), 0)).await.unwrap_err();
        let error = Error::from_status(&status);
        assert_eq!(error.domain(), Some("hub.example.com"));
        assert_eq!(error.localized_message().map(|l| l.locale()), Some("en-US"));
    }
}
