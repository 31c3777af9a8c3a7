//! The encoding contract, checked on the HTTP headers tonic really writes.

use std::collections::HashSet;
use std::time::Duration;

use csghub_errorx::{Code, DecodeProblem, Error, Module, StatusEncoder, TRUNCATION_MARKER};
use proptest::prelude::*;
use prost::Message;
use tonic::Status;
use tonic_types::pb;

/// The status as a peer receives it: written to HTTP headers by tonic, then
/// parsed back by tonic.
fn over_the_wire(status: Status) -> Status {
    let response = status.into_http::<()>();
    Status::from_header_map(response.headers()).expect("grpc-status is present")
}

/// The header-list size of a status, as HTTP/2 counts it.
fn header_list_size(status: &Status) -> usize {
    let mut headers = http::HeaderMap::new();
    status.add_header(&mut headers).expect("valid headers");
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 32)
        .sum()
}

fn inner_status(status: &Status) -> pb::Status {
    pb::Status::decode(status.details()).expect("details are a google.rpc.Status")
}

fn google_error_info(status: &Status) -> pb::ErrorInfo {
    let any = inner_status(status)
        .details
        .into_iter()
        .find(|any| any.type_url == "type.googleapis.com/google.rpc.ErrorInfo")
        .expect("google.rpc.ErrorInfo");
    pb::ErrorInfo::decode(&any.value[..]).expect("ErrorInfo decodes")
}

fn is_aip193_metadata_key(key: &str) -> bool {
    let b = key.as_bytes();
    (2..=64).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

fn all_codes() -> impl Strategy<Value = Code> {
    (0..100usize).prop_map(|i| Code::iter().nth(i).expect("100 codes"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn every_code_with_random_context_round_trips(
        code in all_codes(),
        context in prop::collection::vec((".{0,20}", ".{0,40}"), 0..8),
        message in prop::option::of(".{0,80}"),
    ) {
        let mut error = Error::new(code).with_context_map(context.iter().map(|(k, v)| (k, v.clone())).collect());
        if let Some(message) = &message {
            error = error.with_message(message.clone());
        }
        let decoded = Error::from_status(&over_the_wire(Status::from(error.clone())));
        prop_assert_eq!(decoded.code(), Some(code));
        prop_assert_eq!(decoded.grpc_code(), code.grpc_code());
        prop_assert_eq!(decoded.message(), error.message());
        prop_assert_eq!(decoded.context(), error.context());
        prop_assert!(decoded.decode_problems().is_empty());
    }

    #[test]
    fn arbitrary_detail_bytes_never_panic_and_keep_the_outer_status(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        code in 0..17i32,
        message in ".{0,40}",
    ) {
        let status = Status::with_details(tonic::Code::from_i32(code), message.clone(), bytes.into());
        let error = Error::from_status(&status);
        prop_assert_eq!(error.grpc_code(), tonic::Code::from_i32(code));
        prop_assert_eq!(error.message(), message.as_str());
    }

    #[test]
    fn well_framed_details_with_random_contents_never_panic(
        details in prop::collection::vec((0..13usize, prop::collection::vec(any::<u8>(), 0..64)), 0..6),
    ) {
        // Real type URLs with garbage inside reach every detail decoder.
        const TYPES: [&str; 13] = [
            "csghub.errorx.v1.ErrorInfo", "google.rpc.ErrorInfo", "google.rpc.RetryInfo",
            "google.rpc.BadRequest", "google.rpc.ResourceInfo", "google.rpc.PreconditionFailure",
            "google.rpc.QuotaFailure", "google.rpc.RequestInfo", "google.rpc.LocalizedMessage",
            "google.rpc.Help", "google.rpc.DebugInfo", "acme.Unknown", "",
        ];
        let inner = pb::Status {
            code: 5,
            message: "m".into(),
            details: details
                .iter()
                .map(|(t, value)| prost_types::Any { type_url: format!("type.googleapis.com/{}", TYPES[*t]), value: value.clone() })
                .collect(),
        };
        let error = Error::from_status(&Status::with_details(tonic::Code::NotFound, "m", inner.encode_to_vec().into()));
        prop_assert_eq!(error.grpc_code(), tonic::Code::NotFound);
        prop_assert_eq!(error.message(), "m");
        // Nothing is lost: each detail was decoded, or kept raw, or reported.
        let kept = error.details().other.len();
        prop_assert!(kept <= details.len());
    }

    #[test]
    fn metadata_keys_are_always_valid_aip193_keys(key in ".{0,100}") {
        let status = Status::from(Error::new(Code::GIT_AUTH_FAILED).with_context(&key, "v"));
        for key in google_error_info(&status).metadata.keys() {
            prop_assert!(is_aip193_metadata_key(key), "{:?}", key);
        }
    }
}

#[test]
fn the_inner_status_repeats_the_outer_code_and_message() {
    for code in Code::iter() {
        for error in [
            Error::new(code),
            Error::new(code)
                .with_message("custom %s \"quoted\" ünïcödé\n")
                .with_context("k", "v"),
        ] {
            let status = over_the_wire(Status::from(error));
            let inner = inner_status(&status);
            assert_eq!(inner.code, status.code() as i32, "{code:?}");
            assert_eq!(inner.message, status.message(), "{code:?}");
        }
    }
}

#[test]
fn the_inner_status_repeats_a_truncated_message_too() {
    let error = Error::new(Code::INTERNAL_SERVER_ERROR).with_message("m".repeat(20_000));
    let status = over_the_wire(Status::from(error));
    assert!(status.message().ends_with(TRUNCATION_MARKER));
    assert_eq!(inner_status(&status).message, status.message());
}

#[test]
fn error_info_has_reason_domain_code_and_module() {
    for code in Code::iter() {
        let info = google_error_info(&Status::from(
            Error::new(code).with_context("repo_name", "x"),
        ));
        assert_eq!(info.reason, code.reason());
        assert_eq!(info.domain, StatusEncoder::DEFAULT_DOMAIN);
        assert_eq!(
            info.metadata.get("code").map(String::as_str),
            Some(code.as_str())
        );
        assert_eq!(
            info.metadata.get("module").map(String::as_str),
            code.module().prefix()
        );
        assert_eq!(info.metadata.get("repoName").map(String::as_str), Some("x"));
    }
}

#[test]
fn the_domain_is_configurable() {
    let status = StatusEncoder::new()
        .domain("hub.example.com")
        .encode(&Error::new(Code::FORBIDDEN));
    assert_eq!(google_error_info(&status).domain, "hub.example.com");
}

#[test]
fn at_most_one_detail_of_each_type_is_sent() {
    let error = Error::new(Code::ERR_REQ_PARAM_INVALID)
        .with_field_violation("a", "bad")
        .with_field_violation("b", "worse")
        .with_retry_delay(Duration::from_secs(1))
        .with_request_id("req-1")
        .with_help_link("docs", "https://example.com")
        .with_resource("repo", "ns/name");
    let inner = inner_status(&Status::from(error));
    let types: Vec<_> = inner.details.iter().map(|a| a.type_url.as_str()).collect();
    let unique: HashSet<_> = types.iter().collect();
    assert_eq!(types.len(), unique.len(), "{types:?}");
    assert_eq!(types.len(), 7); // two ErrorInfos and five standard details
    let decoded = Error::from_status(&inner_to_status(inner));
    assert_eq!(
        decoded
            .details()
            .bad_request
            .as_ref()
            .map(|b| b.field_violations.len()),
        Some(2)
    );
}

fn google_any(info: &pb::ErrorInfo) -> prost_types::Any {
    prost_types::Any {
        type_url: "type.googleapis.com/google.rpc.ErrorInfo".into(),
        value: info.encode_to_vec(),
    }
}

fn inner_to_status(inner: pb::Status) -> Status {
    Status::with_details(
        tonic::Code::from_i32(inner.code),
        inner.message.clone(),
        inner.encode_to_vec().into(),
    )
}

#[test]
fn debug_info_is_sent_only_when_the_encoder_opts_in() {
    let error =
        Error::new(Code::INTERNAL_SERVER_ERROR).with_debug_info("boom", vec!["main.rs:1".into()]);
    let default = Error::from_status(&Status::from(error.clone()));
    assert!(default.details().debug_info.is_none());
    let opted_in =
        Error::from_status(&StatusEncoder::new().include_debug_info(true).encode(&error));
    assert_eq!(
        opted_in
            .details()
            .debug_info
            .as_ref()
            .map(|d| d.detail.as_str()),
        Some("boom")
    );
}

#[test]
fn the_size_the_encoder_plans_is_the_size_tonic_writes() {
    for budget in [1024, 1500, 2048, 4096, 7168] {
        for len in [0, 10, 500, 3000, 10_000] {
            let error = Error::new(Code::GIT_FILE_NOT_FOUND)
                .with_message(format!(
                    "{} {}",
                    "%?{}".repeat(len / 8),
                    "é".repeat(len / 8)
                ))
                .with_context("path", "p".repeat(len))
                .with_help_link("docs", "https://example.com");
            let status = StatusEncoder::new().budget(budget).encode(&error);
            assert!(
                header_list_size(&status) <= budget,
                "budget {budget}, len {len}: {}",
                header_list_size(&status)
            );
        }
    }
}

/// An error whose status headers grow by about a byte per unit of `len`.
fn sized_error(len: usize) -> Error {
    Error::new(Code::GIT_REPO_NOT_FOUND)
        .with_context("repo", "r".repeat(len))
        .with_retry_delay(Duration::from_secs(1))
}

#[test]
fn a_status_exactly_at_the_budget_is_sent_whole_and_one_byte_over_is_shrunk() {
    // The budget is set to the exact size of one status.
    let unlimited = |len| {
        header_list_size(
            &StatusEncoder::new()
                .budget(usize::MAX)
                .encode(&sized_error(len)),
        )
    };
    // Base64 grows in steps: pick a length whose next byte crosses a step.
    let len = (1000..1100)
        .find(|&len| unlimited(len + 1) > unlimited(len))
        .expect("a step");
    let budget = unlimited(len);
    let encoder = StatusEncoder::new().budget(budget);

    let at_limit = encoder.encode(&sized_error(len));
    assert_eq!(header_list_size(&at_limit), budget);
    let decoded = Error::from_status(&at_limit);
    assert_eq!(
        decoded.context().get("repo").map(str::len),
        Some(len),
        "nothing cut at the limit"
    );
    assert!(
        decoded.details().retry_info.is_some(),
        "nothing dropped at the limit"
    );

    let over = encoder.encode(&sized_error(len + 1));
    assert!(header_list_size(&over) <= budget);
    let decoded = Error::from_status(&over);
    assert!(decoded.is(Code::GIT_REPO_NOT_FOUND));
    assert!(
        decoded.details().retry_info.is_none(),
        "RetryInfo is the first to go here"
    );
}

#[test]
fn over_budget_details_go_in_the_documented_order_and_error_info_stays() {
    let error = Error::new(Code::ERR_RATE_LIMIT_EXCEEDED)
        .with_retry_delay(Duration::from_secs(5))
        .with_field_violation("q", "x".repeat(300))
        .with_request_id("r".repeat(300))
        .with_help_link("h".repeat(300), "https://example.com")
        .with_debug_info("d".repeat(300), vec![]);
    let encoder = StatusEncoder::new().include_debug_info(true);
    let full = header_list_size(&encoder.clone().budget(usize::MAX).encode(&error));
    // Each step down removes the next detail in the documented order.
    let mut survivors = Vec::new();
    for budget in (1024..=full).rev().step_by(7) {
        let decoded = Error::from_status(&encoder.clone().budget(budget).encode(&error));
        assert!(decoded.is(Code::ERR_RATE_LIMIT_EXCEEDED), "budget {budget}");
        assert_eq!(decoded.reason(), "ERR_RATE_LIMIT_EXCEEDED");
        let d = decoded.details();
        let present = [
            d.debug_info.is_some(),
            d.help.is_some(),
            d.request_info.is_some(),
            d.bad_request.is_some(),
            d.retry_info.is_some(),
        ];
        if survivors.last() != Some(&present) {
            survivors.push(present);
        }
    }
    assert_eq!(
        survivors,
        [
            [true, true, true, true, true],
            [false, true, true, true, true],
            [false, false, true, true, true],
            [false, false, false, true, true],
            // RetryInfo is small and the last to go: 1 KiB, the smallest
            // budget, still holds it.
            [false, false, false, false, true],
        ]
    );
}

#[test]
fn long_values_are_cut_at_char_boundaries_with_a_marker() {
    let value = "😀".repeat(5000);
    let decoded = Error::from_status(&Status::from(
        Error::new(Code::GIT_LFS_ERROR).with_context("blob", value),
    ));
    let cut = decoded.context().get("blob").expect("kept");
    assert!(cut.ends_with(TRUNCATION_MARKER));
    assert!(cut
        .trim_end_matches(TRUNCATION_MARKER)
        .chars()
        .all(|c| c == '😀'));
}

#[test]
fn many_context_entries_are_dropped_until_the_status_fits() {
    let error = (0..2000).fold(Error::new(Code::DATASET_BAD_FORMAT), |e, i| {
        e.with_context(format!("key{i}"), "value")
    });
    let status = Status::from(error);
    assert!(header_list_size(&status) <= StatusEncoder::DEFAULT_BUDGET);
    let decoded = Error::from_status(&status);
    assert!(decoded.is(Code::DATASET_BAD_FORMAT));
    assert!(!decoded.context().is_empty() && decoded.context().len() < 2000);
}

#[test]
fn the_source_text_never_appears_in_any_header() {
    let cause = std::io::Error::other("dial tcp 10.1.2.3:5432: password authentication failed");
    let error = Error::new(Code::DATABASE_FAILURE)
        .with_context("table", "users")
        .with_source(cause);
    let response = Status::from(error).into_http::<()>();
    for (name, value) in response.headers() {
        let text = String::from_utf8_lossy(value.as_bytes());
        assert!(
            !text.contains("10.1.2.3") && !text.contains("password"),
            "{name}: {text}"
        );
        if name == "grpc-status-details-bin" {
            use base64::Engine as _;
            let raw = base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(value.as_bytes())
                .unwrap();
            let raw = String::from_utf8_lossy(&raw);
            assert!(!raw.contains("10.1.2.3") && !raw.contains("password"));
        }
    }
}

#[test]
fn the_source_stays_reachable_in_process() {
    let cause = std::io::Error::other("disk full");
    let status = Status::from(Error::new(Code::GIT_UPLOAD_FAILED).with_source(cause));
    let error = std::error::Error::source(&status)
        .and_then(|s| s.downcast_ref::<Error>())
        .expect("the status carries the Error");
    assert!(error.is(Code::GIT_UPLOAD_FAILED));
    assert_eq!(
        std::error::Error::source(error).map(|s| s.to_string()),
        Some("disk full".into())
    );
}

#[test]
fn unknown_details_and_unknown_codes_survive() {
    use csghub_errorx::proto::v1 as errorx_pb;
    let typed = errorx_pb::ErrorInfo {
        module: 42,
        number: 7,
        code: "QUOTA-ERR-7".into(),
        name: "quotaGone".into(),
        context: [("bucket".to_string(), "b1".to_string())].into(),
    };
    let google = pb::ErrorInfo {
        reason: "QUOTA_GONE".into(),
        domain: StatusEncoder::DEFAULT_DOMAIN.into(),
        metadata: [("code".to_string(), "QUOTA-ERR-7".to_string())].into(),
    };
    let custom = prost_types::Any {
        type_url: "type.example.com/acme.Custom".into(),
        value: vec![1, 2, 3],
    };
    let inner = pb::Status {
        code: tonic::Code::ResourceExhausted as i32,
        message: "quota gone".into(),
        details: vec![
            google_any(&google),
            prost_types::Any {
                type_url: "type.googleapis.com/csghub.errorx.v1.ErrorInfo".into(),
                value: typed.encode_to_vec(),
            },
            custom.clone(),
        ],
    };
    let error = Error::from_status(&over_the_wire(inner_to_status(inner)));
    let code = error.code().expect("a code");
    assert!(!code.is_known());
    assert_eq!(code.module(), Module::from_i32(42));
    assert_eq!(code.number(), 7);
    assert_eq!(error.code_str(), "QUOTA-ERR-7");
    assert_eq!(error.reason(), "QUOTA_GONE");
    assert_eq!(error.context().get("bucket"), Some("b1"));
    assert_eq!(error.details().other, vec![custom]);
    assert!(error.decode_problems().is_empty());

    // Forwarding it keeps the peer's reason and code string.
    let forwarded = Error::from_status(&Status::from(error));
    assert_eq!(forwarded.reason(), "QUOTA_GONE");
    assert_eq!(forwarded.code_str(), "QUOTA-ERR-7");
    assert_eq!(forwarded.code(), Some(code));
}

#[test]
fn a_status_without_the_catalog_keeps_its_code_and_message() {
    let error = Error::from_status(&Status::not_found("no such thing"));
    assert_eq!(error.code(), None);
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
    assert_eq!(error.message(), "no such thing");
    assert_eq!(error.reason(), "NOT_FOUND");
    assert_eq!(error.http_status(), http::StatusCode::NOT_FOUND);
}

#[test]
fn a_foreign_domain_does_not_map_onto_the_catalog() {
    let google = pb::ErrorInfo {
        reason: "FORBIDDEN".into(),
        domain: "other.example.com".into(),
        metadata: Default::default(),
    };
    let inner = pb::Status {
        code: tonic::Code::PermissionDenied as i32,
        message: "no".into(),
        details: vec![google_any(&google)],
    };
    let error = Error::from_status(&inner_to_status(inner));
    assert_eq!(error.code(), None);
    assert_eq!(error.reason(), "FORBIDDEN");
    assert_eq!(error.domain(), Some("other.example.com"));
}

#[test]
fn malformed_details_are_reported_not_swallowed() {
    let status = Status::with_details(tonic::Code::NotFound, "gone", vec![0xff, 0xff, 0xff].into());
    let error = Error::from_status(&status);
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
    assert_eq!(error.message(), "gone");
    assert!(matches!(
        error.decode_problems(),
        [DecodeProblem::MalformedStatus { .. }]
    ));
}

#[test]
fn a_malformed_detail_is_kept_raw_and_reported() {
    let inner = pb::Status {
        code: tonic::Code::Internal as i32,
        message: "x".into(),
        details: vec![prost_types::Any {
            type_url: "type.googleapis.com/google.rpc.RetryInfo".into(),
            value: vec![0x0a, 0x05],
        }],
    };
    let error = Error::from_status(&inner_to_status(inner));
    assert!(matches!(
        error.decode_problems(),
        [DecodeProblem::MalformedDetail { .. }]
    ));
    assert_eq!(error.details().other.len(), 1);
}

#[test]
fn an_inner_status_that_disagrees_is_reported_and_the_outer_one_kept() {
    let inner = pb::Status {
        code: tonic::Code::NotFound as i32,
        message: "inner".into(),
        details: vec![],
    };
    let status = Status::with_details(tonic::Code::Internal, "outer", inner.encode_to_vec().into());
    let error = Error::from_status(&status);
    assert_eq!(error.grpc_code(), tonic::Code::Internal);
    assert_eq!(error.message(), "outer");
    assert!(matches!(
        error.decode_problems(),
        [DecodeProblem::InnerStatusMismatch { inner_code: 5, .. }]
    ));
}

#[test]
fn the_smallest_budget_holds_the_worst_case_error_info() {
    let error = (0..500).fold(
        Error::new(Code::GIT_LIST_LAST_COMMITS_FOR_TREE_FAILED).with_message("ü".repeat(10_000)),
        |e, i| e.with_context(format!("k{i}"), "v".repeat(100)),
    );
    let encoder = StatusEncoder::new().budget(0).domain("d".repeat(1000));
    assert_eq!(encoder.budget_bytes(), StatusEncoder::MIN_BUDGET);
    let status = encoder.encode(&error);
    assert!(
        header_list_size(&status) <= StatusEncoder::MIN_BUDGET,
        "{}",
        header_list_size(&status)
    );
    let decoded = Error::from_status(&over_the_wire(status));
    assert_eq!(decoded.reason(), "GIT_LIST_LAST_COMMITS_FOR_TREE_FAILED");
    assert_eq!(decoded.code_str(), "GIT-ERR-23");
}
