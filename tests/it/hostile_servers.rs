//! Hostile and broken gRPC servers (raw HTTP/2 peers on 127.0.0.1) against
//! a tonic client behind `LogLayer::client()`: whatever they send, the
//! client does not panic or hang, keeps a bounded error, and logs exactly
//! one clean line per RPC.

use crate::common;

use std::time::Duration;

use common::logs::{assert_clean, capture_text, Logs, Text};
use common::raw_h2::{Answer, RawH2Server};
use common::request;
use csghub_errorx::layer::{LogLayer, LogService};
use csghub_errorx::{DecodeProblem, Error, ErrorCode};
use csghub_errorx_demo::{DemoClient, FailReply};
use prost::Message as _;
use tonic::transport::Channel;
use tower::ServiceBuilder;

type Client = DemoClient<LogService<Channel>>;

async fn connect(peer: &RawH2Server, max_header_list_size: Option<u32>) -> Client {
    let mut endpoint = Channel::from_shared(peer.url()).expect("url");
    if let Some(size) = max_header_list_size {
        endpoint = endpoint.http2_max_header_list_size(size);
    }
    let channel = endpoint.connect().await.expect("connect");
    DemoClient::new(
        ServiceBuilder::new()
            .layer(LogLayer::client())
            .service(channel),
    )
}

/// A unary call; fails the test if it takes over 10 s.
async fn unary(client: &mut Client) -> tonic::Status {
    tokio::time::timeout(Duration::from_secs(10), client.fail(request("", &[], 0)))
        .await
        .expect("no hang")
        .expect_err("the peer never succeeds")
}

/// A streaming call read to its end; the status it ended with.
async fn streaming(client: &mut Client) -> tonic::Status {
    let call = async {
        let mut stream = client.fail_stream(request("", &[], 0)).await?.into_inner();
        while stream.message().await?.is_some() {}
        Err::<(), _>(tonic::Status::ok("ended without a status"))
    };
    tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("no hang")
        .expect_err("the stream ends with a status")
}

/// Fails unless the client logged `count` events, and the text is `lines`
/// clean lines.
fn assert_logged(logs: &Logs, text: &Text, count: usize, lines: usize) {
    assert_eq!(
        logs.side("client").len(),
        count,
        "{:#?}",
        logs.side("client")
    );
    assert_clean(text, lines);
}

fn trailers_only(pairs: &[(&str, &str)]) -> Answer {
    let mut headers = http::HeaderMap::new();
    for (name, value) in pairs {
        headers.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    Answer::TrailersOnly(headers)
}

fn reply() -> Vec<u8> {
    FailReply { index: 1 }.encode_to_vec()
}

#[tokio::test]
async fn an_inner_status_that_disagrees_yields_no_catalog_code_and_is_reported() {
    let (logs, text, _guard) = capture_text();
    // Details that claim GIT-ERR-8 (UNAUTHENTICATED) under NOT_FOUND.
    let claimed = tonic::Status::from(Error::new(ErrorCode::GIT_AUTH_FAILED));
    let status = tonic::Status::with_details(
        tonic::Code::NotFound,
        "gone",
        claimed.details().to_vec().into(),
    );
    let headers = status.into_http::<()>().headers().clone();
    let peer = RawH2Server::start(Answer::TrailersOnly(headers)).await;
    let mut client = connect(&peer, None).await;
    let error = Error::from_status(&unary(&mut client).await);
    assert_eq!(error.code(), None);
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
    assert!(!error.raw_details().is_empty());
    assert!(matches!(
        error.decode_problems(),
        [DecodeProblem::InnerStatusMismatch { inner_code: 16, .. }]
    ));
    let event = &logs.side("client")[0];
    assert_eq!(
        event.field("code"),
        None,
        "no code claimed in the log either"
    );
    assert_logged(&logs, &text, 1, 1);
}

#[tokio::test]
async fn invalid_base64_details_are_reported_on_the_decoded_error() {
    let (logs, text, _guard) = capture_text();
    let peer = RawH2Server::start(trailers_only(&[
        ("grpc-status", "5"),
        ("grpc-message", "gone"),
        ("grpc-status-details-bin", "!!! not base64 !!!"),
    ]))
    .await;
    let mut client = connect(&peer, None).await;
    let error = Error::from_status(&unary(&mut client).await);
    assert_eq!(error.grpc_code(), tonic::Code::NotFound);
    assert_eq!(error.message(), "gone");
    assert_eq!(
        error.decode_problems(),
        [DecodeProblem::InvalidBase64Header]
    );
    // The RPC's line and the guard's warning.
    assert_logged(&logs, &text, 1, 2);
}

#[tokio::test]
async fn oversize_details_beyond_the_clients_header_limit_fail_cleanly() {
    let (logs, text, _guard) = capture_text();
    let huge = tonic::Status::with_details(tonic::Code::Internal, "m", vec![0x0a; 1 << 20].into());
    let headers = huge.into_http::<()>().headers().clone();
    let peer = RawH2Server::start(Answer::TrailersOnly(headers)).await;
    let mut client = connect(&peer, None).await;
    let status = unary(&mut client).await;
    assert_ne!(status.code(), tonic::Code::Ok);
    assert!(status.details().is_empty());
    assert_logged(&logs, &text, 1, 1);
}

#[tokio::test]
async fn oversize_details_within_a_raised_limit_decode_to_a_bounded_error() {
    let (logs, text, _guard) = capture_text();
    // A megabyte of malformed details, then a megabyte of unknown ones.
    for details in [
        vec![0x0a; 1 << 20],
        tonic_types::pb::Status {
            code: tonic::Code::Internal as i32,
            message: "m".into(),
            details: vec![prost_types::Any {
                type_url: "type.example.com/acme.Huge".into(),
                value: vec![7; 1 << 20],
            }],
        }
        .encode_to_vec(),
    ] {
        let status = tonic::Status::with_details(tonic::Code::Internal, "m", details.into());
        let headers = status.into_http::<()>().headers().clone();
        let peer = RawH2Server::start(Answer::TrailersOnly(headers)).await;
        let mut client = connect(&peer, Some(16 << 20)).await;
        let error = Error::from_status(&unary(&mut client).await);
        assert_eq!(error.grpc_code(), tonic::Code::Internal);
        // What is kept is at most what was received, and problems are
        // short.
        let kept: usize = error.raw_details().iter().map(|r| r.value().len()).sum();
        assert!(kept <= 1 << 20);
        for problem in error.decode_problems() {
            assert!(problem.to_string().len() < 1024, "{problem}");
        }
    }
    assert_logged(&logs, &text, 2, 2);
}

#[tokio::test]
async fn invalid_percent_encoding_in_the_message_keeps_the_code() {
    let (logs, text, _guard) = capture_text();
    for (message, shown) in [
        ("%zz%", "%zz%"),
        ("100%", "100%"),
        ("%C2%9B31m%0A%1B[2J", "\u{9b}31m\n\u{1b}[2J"),
        ("%", "%"),
        // Not UTF-8 once decoded: tonic alone says UNKNOWN.
        ("caf%E9%20%E2%28%A1", "caf\u{fffd} \u{fffd}(\u{fffd}"),
    ] {
        let peer = RawH2Server::start(trailers_only(&[
            ("grpc-status", "9"),
            ("grpc-message", message),
        ]))
        .await;
        let mut client = connect(&peer, None).await;
        let status = unary(&mut client).await;
        assert_eq!(status.code(), tonic::Code::FailedPrecondition, "{message}");
        assert_eq!(status.message(), shown, "{message}");
    }
    // Five RPCs, and the guard's warning for the one it repaired.
    assert_logged(&logs, &text, 5, 6);
}

#[tokio::test]
async fn a_missing_grpc_status_is_an_error_logged_once() {
    let (logs, text, _guard) = capture_text();
    let peer = RawH2Server::start(trailers_only(&[("grpc-message", "no status")])).await;
    let mut client = connect(&peer, None).await;
    assert_ne!(unary(&mut client).await.code(), tonic::Code::Ok);
    // A stream that ends with no trailers at all.
    let peer = RawH2Server::start(Answer::MessageThenEnd { message: reply() }).await;
    let mut client = connect(&peer, None).await;
    assert_ne!(streaming(&mut client).await.code(), tonic::Code::Ok);
    assert_logged(&logs, &text, 2, 2);
}

#[tokio::test]
async fn a_non_numeric_or_out_of_range_grpc_status_is_unknown() {
    let (logs, text, _guard) = capture_text();
    let values = ["abc", "-1", "99", "99999999999999999999", "1.5", ""];
    for value in values {
        let peer = RawH2Server::start(trailers_only(&[
            ("grpc-status", value),
            ("grpc-message", "m"),
        ]))
        .await;
        let mut client = connect(&peer, None).await;
        let status = unary(&mut client).await;
        assert_eq!(status.code(), tonic::Code::Unknown, "{value:?}");
    }
    assert_logged(&logs, &text, values.len(), values.len());
}

#[tokio::test]
async fn rst_stream_mid_body_is_one_body_error() {
    let (logs, text, _guard) = capture_text();
    let peer = RawH2Server::start(Answer::MessageThenReset { message: reply() }).await;
    let mut client = connect(&peer, None).await;
    assert_ne!(streaming(&mut client).await.code(), tonic::Code::Ok);
    assert_eq!(logs.side("client")[0].field("outcome"), Some("body_error"));
    assert_logged(&logs, &text, 1, 1);
}

#[tokio::test]
async fn goaway_mid_stream_is_one_line() {
    let (logs, text, _guard) = capture_text();
    let peer = RawH2Server::start(Answer::MessageThenGoAway { message: reply() }).await;
    let mut client = connect(&peer, None).await;
    assert_ne!(streaming(&mut client).await.code(), tonic::Code::Ok);
    assert_logged(&logs, &text, 1, 1);
}

#[tokio::test]
async fn ten_thousand_trailers_are_one_line() {
    let (logs, text, _guard) = capture_text();
    let mut trailers = http::HeaderMap::new();
    trailers.insert("grpc-status", "14".parse().unwrap());
    trailers.insert("grpc-message", "busy".parse().unwrap());
    for i in 0..10_000 {
        trailers.insert(
            http::HeaderName::from_bytes(format!("x-junk-{i}").as_bytes()).unwrap(),
            "v".parse().unwrap(),
        );
    }
    // Within the default 16 KiB limit they are refused; within a raised
    // one, read.
    for limit in [None, Some(4 << 20)] {
        let peer = RawH2Server::start(Answer::MessageThenTrailers {
            message: reply(),
            trailers: trailers.clone(),
        })
        .await;
        let mut client = connect(&peer, limit).await;
        let status = streaming(&mut client).await;
        if limit.is_some() {
            assert_eq!(status.code(), tonic::Code::Unavailable);
            assert_eq!(status.message(), "busy");
        } else {
            assert_ne!(status.code(), tonic::Code::Ok);
        }
    }
    assert_logged(&logs, &text, 2, 2);
}
