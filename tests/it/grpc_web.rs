//! gRPC-Web and one port: `OnePort` serves gRPC, gRPC-Web (tonic-web's
//! `GrpcWebLayer`) and REST on one listener; the server log layer, the auth
//! interceptor and localization work unchanged behind gRPC-Web, unary
//! (a trailers-only response) and streaming (the trailers in the body);
//! each RPC and each REST request is logged once, by the right layer; the
//! CORS preset lets a page of another origin read every detail.

use crate::common;

use std::time::Duration;

use common::http::{HttpFixture, Reply};
use common::logs::{capture, Captured, Logs};
use common::{replies_then_error, request};
use csghub_errorx::auth::{invalid_token, AsyncAuthLayer, AuthInterceptor};
use csghub_errorx::http::{grpc_web_cors, HttpErrors, OnePort};
use csghub_errorx::{Error, ErrorCode};
use csghub_errorx_demo::{DemoClient, DemoServer, DemoService, ReposClient};
use http::{HeaderValue, Method, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tonic::service::Routes;
use tonic_web::{GrpcWebCall, GrpcWebClientLayer, GrpcWebClientService};

type WebChannel = GrpcWebClientService<
    Client<hyper_util::client::legacy::connect::HttpConnector, GrpcWebCall<tonic::body::Body>>,
>;

/// The demo on one port: the Demo service (gRPC and gRPC-Web), the REST
/// `Fail`, the catalog's fallback.
fn demo_port() -> OnePort {
    OnePort::new(Routes::new(DemoServer::new(DemoService::new())))
        .rest(csghub_errorx_demo::http::router())
}

/// A Demo client speaking gRPC-Web over HTTP/1.1, as a browser does.
fn web_client(server: &HttpFixture) -> DemoClient<WebChannel> {
    web_client_at(server.addr)
}

fn web_client_at(addr: std::net::SocketAddr) -> DemoClient<WebChannel> {
    let http1 = Client::builder(TokioExecutor::new()).build_http();
    let channel = tower::ServiceBuilder::new()
        .layer(GrpcWebClientLayer::new())
        .service(http1);
    let origin = format!("http://{addr}").parse().unwrap();
    DemoClient::with_origin(channel, origin)
}

/// Waits until `logs` has `count` events of `target` (a layer writes its
/// line when the body ends), then a moment more for any extra one.
async fn settle(logs: &Logs, target: &str, count: usize) -> Vec<Captured> {
    let of_target = || -> Vec<Captured> {
        logs.all()
            .into_iter()
            .filter(|e| e.target == target)
            .collect()
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while of_target().len() < count && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(30)).await;
    of_target()
}

const SERVER: &str = "csghub_errorx::server";
const HTTP: &str = "csghub_errorx::http";

fn zh_tw<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request
        .metadata_mut()
        .insert("accept-language", "zh-TW".parse().unwrap());
    request
}

#[tokio::test]
async fn a_unary_error_over_grpc_web_keeps_every_detail_is_localized_and_logged_once() {
    let (logs, _guard) = capture();
    let server = HttpFixture::serve(demo_port().into_router()).await;
    let status = web_client(&server)
        .fail(zh_tw(request("GIT-ERR-9", &[("repo", "ns/x")], 0)))
        .await
        .expect_err("Fail fails");
    let error = Error::from_status(&status);
    assert!(error.is(ErrorCode::GIT_REPO_NOT_FOUND), "{error:?}");
    assert_eq!(error.context().get("repo"), Some("ns/x"));
    let localized = error.localized_message().expect("localized");
    assert_eq!(localized.locale(), "zh-HK");
    assert_eq!(
        Some(localized.message()),
        error.user_message(csghub_errorx::Locale::ZH_HK).as_deref()
    );
    assert_eq!(
        error.resource_info().map(|r| r.resource_name()),
        Some("ns/x")
    );

    let lines = settle(&logs, SERVER, 1).await;
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_eq!(lines[0].field("code"), Some("GIT-ERR-9"));
    assert_eq!(lines[0].field("grpc.code"), Some("NOT_FOUND"));
    assert!(
        logs.all().iter().all(|e| e.target != HTTP),
        "{:#?}",
        logs.all()
    );
}

#[tokio::test]
async fn a_stream_over_grpc_web_fails_after_two_replies_and_is_logged_once() {
    let (logs, _guard) = capture();
    let server = HttpFixture::serve(demo_port().into_router()).await;
    let mut stream = web_client(&server)
        .fail_stream(zh_tw(request("TASK-ERR-5", &[("cluster", "gpu-a")], 2)))
        .await
        .expect("the stream starts")
        .into_inner();
    let (replies, status) = replies_then_error(&mut stream).await;
    assert_eq!(replies, [0, 1]);
    let error = Error::from_status(&status);
    assert_eq!(error.code_str().as_deref(), Some("TASK-ERR-5"), "{error:?}");
    assert_eq!(error.context().get("cluster"), Some("gpu-a"));
    assert_eq!(error.localized_message().map(|l| l.locale()), Some("zh-HK"));

    let lines = settle(&logs, SERVER, 1).await;
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_eq!(lines[0].field("code"), Some("TASK-ERR-5"));
    assert_eq!(lines[0].field("outcome"), Some("status"));
}

/// What a browser receives: a unary error is a trailers-only response
/// (the status in the headers, an empty body), which a page reads only
/// if CORS exposes the headers; a stream's status is a trailer frame
/// (flag 0x80) in the body, after the messages.
#[tokio::test]
async fn on_the_wire_a_unary_error_is_trailers_only_and_a_streams_is_in_the_body() {
    // Every test of this file captures: the layers' callsites, first
    // reached on a thread with no subscriber, could be cached as disabled
    // for a test that reads its log.
    let (_logs, _guard) = capture();
    let server = HttpFixture::serve(demo_port().into_router()).await;
    let frame = |message: &[u8]| {
        let mut bytes = vec![0u8];
        bytes.extend_from_slice(&(message.len() as u32).to_be_bytes());
        bytes.extend_from_slice(message);
        bytes
    };
    let encoded = prost::Message::encode_to_vec(&request("GIT-ERR-8", &[], 2));
    let headers = [
        ("content-type", "application/grpc-web+proto"),
        ("x-grpc-web", "1"),
    ];
    let unary: Reply = server
        .call(
            Method::POST,
            "/csghub.errorx.demo.v1.Demo/Fail",
            &headers,
            frame(&encoded),
        )
        .await;
    assert_eq!(unary.status, StatusCode::OK);
    assert_eq!(unary.header("grpc-status"), Some("16"));
    assert!(unary.header("grpc-status-details-bin").is_some());
    assert!(unary.body.is_empty(), "{:?}", unary.body);

    let streamed = server
        .call(
            Method::POST,
            "/csghub.errorx.demo.v1.Demo/FailStream",
            &headers,
            frame(&encoded),
        )
        .await;
    assert_eq!(streamed.header("grpc-status"), None);
    let body = &streamed.body[..];
    // Two messages (`FailReply{index:0}` is empty, `{index:1}` two bytes),
    // then the trailers.
    assert_eq!(&body[..12], &[0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 8, 1]);
    assert_eq!(body[12], 0x80, "a trailer frame");
    let trailers = String::from_utf8_lossy(&body[17..]);
    assert!(trailers.contains("grpc-status:16\r\n"), "{trailers}");
    assert!(trailers.contains("grpc-status-details-bin:"), "{trailers}");
}

#[tokio::test]
async fn the_auth_interceptor_answers_over_grpc_web_and_its_error_is_logged_once() {
    let (logs, _guard) = capture();
    let auth = AuthInterceptor::token(|token: &str| -> Result<String, Error> {
        match token {
            "s3cret" => Ok("alice".to_string()),
            _ => Err(invalid_token()),
        }
    });
    let app = OnePort::new(Routes::new(DemoServer::with_interceptor(
        DemoService::new(),
        auth,
    )))
    .into_router();
    let server = HttpFixture::serve(app).await;
    let mut client = web_client(&server);
    let denied = client
        .fail(request("GIT-ERR-8", &[], 0))
        .await
        .expect_err("no token");
    let error = Error::from_status(&denied);
    assert_eq!(error.grpc_code(), tonic::Code::Unauthenticated);
    assert!(
        error
            .code()
            .is_some_and(|c| c.module() == csghub_errorx::Module::AUTH),
        "{error:?}"
    );

    let mut allowed = tonic::Request::new(request("GIT-ERR-8", &[], 0));
    allowed
        .metadata_mut()
        .insert("authorization", "Bearer s3cret".parse().unwrap());
    let status = client.fail(allowed).await.expect_err("Fail fails");
    assert_eq!(
        Error::from_status(&status).code(),
        Some(ErrorCode::GIT_AUTH_FAILED)
    );

    let lines = settle(&logs, SERVER, 2).await;
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert_eq!(lines[0].field("code"), error.code_str().as_deref());
    assert_eq!(lines[1].field("code"), Some("GIT-ERR-8"));
}

#[tokio::test]
async fn an_async_auth_layer_on_the_grpc_side_rejects_over_grpc_web_and_is_logged_once() {
    let (logs, _guard) = capture();
    let auth = AsyncAuthLayer::token(|token: String| async move {
        match token.as_str() {
            "s3cret" => Ok("alice".to_string()),
            _ => Err(invalid_token()),
        }
    });
    let app = demo_port().grpc_layer(auth).into_router();
    let server = HttpFixture::serve(app).await;
    let mut client = web_client(&server);
    let mut wrong = zh_tw(request("GIT-ERR-8", &[], 0));
    wrong
        .metadata_mut()
        .insert("authorization", "Bearer wrong".parse().unwrap());
    let denied = Error::from_status(&client.fail(wrong).await.expect_err("a wrong token"));
    assert_eq!(denied.code(), Some(ErrorCode::INVALID_JWT), "{denied:?}");
    // Localized behind gRPC-Web and the auth layer too.
    assert_eq!(
        denied.localized_message().map(|l| l.locale()),
        Some("zh-HK")
    );

    let mut right = tonic::Request::new(request("GIT-ERR-8", &[], 0));
    right
        .metadata_mut()
        .insert("authorization", "Bearer s3cret".parse().unwrap());
    let failed = Error::from_status(&client.fail(right).await.expect_err("Fail fails"));
    assert_eq!(failed.code(), Some(ErrorCode::GIT_AUTH_FAILED));

    let lines = settle(&logs, SERVER, 2).await;
    let codes: Vec<Option<&str>> = lines.iter().map(|l| l.field("code")).collect();
    assert_eq!(
        codes,
        [Some(ErrorCode::INVALID_JWT.as_str()), Some("GIT-ERR-8")]
    );
}

/// The three mistakes of a merged router, each made right: a failed RPC is
/// logged by the server layer with its code (not as `request succeeded
/// status_code=200` by the HTTP layer), an unknown REST route is answered
/// with the catalog's 404 and logged, an unknown gRPC method is tonic's
/// UNIMPLEMENTED, logged by the server layer, and nothing panics.
#[tokio::test]
async fn on_one_port_each_request_is_logged_once_by_the_layer_that_understands_it() {
    let (logs, _guard) = capture();
    // A REST router with a fallback of its own, which `merge` could not
    // take beside tonic's.
    let rest = csghub_errorx_demo::http::router().fallback(|| async { "never" });
    let app = OnePort::new(Routes::new(DemoServer::new(DemoService::new())))
        .rest(rest)
        .http_errors(HttpErrors::new())
        .into_router();
    let server = HttpFixture::serve(app).await;
    let url = format!("http://{}", server.addr);
    let channel = tonic::transport::Channel::from_shared(url)
        .unwrap()
        .connect()
        .await
        .unwrap();

    // gRPC over HTTP/2.
    let status = DemoClient::new(channel.clone())
        .fail(request("SYS-ERR-2", &[], 0))
        .await
        .expect_err("Fail fails");
    assert_eq!(status.code(), tonic::Code::Internal);
    let grpc = settle(&logs, SERVER, 1).await;
    assert_eq!(grpc.len(), 1, "{grpc:#?}");
    assert_eq!(grpc[0].field("code"), Some("SYS-ERR-2"));
    assert!(
        logs.all().iter().all(|e| e.target != HTTP),
        "{:#?}",
        logs.all()
    );
    logs.clear();

    // A method no service has.
    let status = ReposClient::new(channel)
        .get_repo(csghub_errorx_demo::GetRepoRequest::default())
        .await
        .expect_err("no Repos here");
    assert_eq!(status.code(), tonic::Code::Unimplemented);
    let grpc = settle(&logs, SERVER, 1).await;
    assert_eq!(grpc.len(), 1, "{grpc:#?}");
    assert_eq!(grpc[0].field("grpc.code"), Some("UNIMPLEMENTED"));
    assert!(
        logs.all().iter().all(|e| e.target != HTTP),
        "{:#?}",
        logs.all()
    );
    logs.clear();

    // REST: a route, and an unknown one.
    let failed = server
        .fail("REQ-ERR-10", serde_json::json!({"limit": "100/min"}), None)
        .await;
    assert_eq!(failed.status, StatusCode::TOO_MANY_REQUESTS);
    let unknown = server
        .call(Method::GET, "/v1/nowhere", &[], bytes::Bytes::new())
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["error"]["status"], "NOT_FOUND");
    let rest = settle(&logs, HTTP, 2).await;
    assert_eq!(rest.len(), 2, "{rest:#?}");
    assert_eq!(rest[0].field("code"), Some("REQ-ERR-10"));
    assert_eq!(rest[1].field("http.response.status_code"), Some("404"));
    assert_eq!(rest[1].field("url.path"), Some("/v1/nowhere"));
    assert!(
        logs.all().iter().all(|e| e.target != SERVER),
        "{:#?}",
        logs.all()
    );
}

const PAGE_ORIGIN: &str = "http://127.0.0.1:8080";

#[tokio::test]
async fn the_cors_preset_answers_preflights_and_exposes_the_status_headers() {
    // Every test of this file captures: the layers' callsites, first
    // reached on a thread with no subscriber, could be cached as disabled
    // for a test that reads its log.
    let (_logs, _guard) = capture();
    let app = demo_port()
        .cors(grpc_web_cors([HeaderValue::from_static(PAGE_ORIGIN)]))
        .into_router();
    let server = HttpFixture::serve(app).await;

    // What Chromium sends before a gRPC-Web call with a bearer token.
    let preflight = server
        .call(
            Method::OPTIONS,
            "/csghub.errorx.demo.v1.Demo/Fail",
            &[
                ("origin", PAGE_ORIGIN),
                ("access-control-request-method", "POST"),
                (
                    "access-control-request-headers",
                    "authorization,content-type,grpc-timeout,x-grpc-web,x-user-agent,accept-language",
                ),
            ],
            bytes::Bytes::new(),
        )
        .await;
    assert_eq!(preflight.status, StatusCode::OK);
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(PAGE_ORIGIN)
    );
    let allowed = preflight.header("access-control-allow-headers").unwrap();
    for header in [
        "authorization",
        "content-type",
        "grpc-timeout",
        "x-grpc-web",
        "x-user-agent",
        "accept-language",
    ] {
        assert!(allowed.contains(header), "{header} not in {allowed}");
    }

    let frame = {
        let message = prost::Message::encode_to_vec(&request("GIT-ERR-8", &[], 0));
        let mut bytes = vec![0u8];
        bytes.extend_from_slice(&(message.len() as u32).to_be_bytes());
        bytes.extend_from_slice(&message);
        bytes
    };
    let call = server
        .call(
            Method::POST,
            "/csghub.errorx.demo.v1.Demo/Fail",
            &[
                ("origin", PAGE_ORIGIN),
                ("content-type", "application/grpc-web+proto"),
            ],
            frame,
        )
        .await;
    assert_eq!(
        call.header("access-control-allow-origin"),
        Some(PAGE_ORIGIN)
    );
    let exposed = call.header("access-control-expose-headers").unwrap();
    for header in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
        assert!(exposed.contains(header), "{header} not in {exposed}");
    }

    // Another origin gets no CORS answer, and its browser no response.
    let foreign = server
        .call(
            Method::POST,
            "/v1/demo:fail",
            &[
                ("origin", "http://evil.example"),
                ("content-type", "application/json"),
            ],
            r#"{"code":"GIT-ERR-8"}"#,
        )
        .await;
    assert_eq!(foreign.header("access-control-allow-origin"), None);
}

/// `cargo run --example server -- --cors-origin ORIGIN`: gRPC-Web and the
/// CORS preset on the example's one port, its log line on stderr.
#[tokio::test]
async fn the_example_server_answers_grpc_web_with_cors_and_logs_the_code() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let example = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("examples/server");
    assert!(
        example.exists(),
        "{} is missing: `cargo test --all-features` builds the examples",
        example.display()
    );
    let mut child = Command::new(example)
        .args(["--addr", "127.0.0.1:0", "--cors-origin", PAGE_ORIGIN])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let _child = Kill(child);
    let addr: std::net::SocketAddr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected {line:?}"))
        .parse()
        .unwrap();

    let status = web_client_at(addr)
        .fail(zh_tw(request("GIT-ERR-8", &[("repo", "ns/x")], 0)))
        .await
        .expect_err("Fail fails");
    let error = Error::from_status(&status);
    assert_eq!(error.code(), Some(ErrorCode::GIT_AUTH_FAILED));
    assert_eq!(error.localized_message().map(|l| l.locale()), Some("zh-HK"));

    let preflight = http::Request::builder()
        .method(Method::OPTIONS)
        .uri(format!("http://{addr}/csghub.errorx.demo.v1.Demo/Fail"))
        .header("origin", PAGE_ORIGIN)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-grpc-web")
        .body(http_body_util::Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = Client::builder(TokioExecutor::new())
        .build_http()
        .request(preflight)
        .await
        .unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        PAGE_ORIGIN
    );

    // Bounded: a server that never logs fails the test, which then kills it.
    let reading = tokio::task::spawn_blocking(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .find(|line| line.contains("rpc failed"))
    });
    let logged = tokio::time::timeout(Duration::from_secs(10), reading)
        .await
        .expect("the server logs the RPC within 10 s")
        .unwrap()
        .expect("the server logs the RPC");
    assert!(logged.contains("csghub_errorx::server"), "{logged}");
    assert!(logged.contains("code=GIT-ERR-8"), "{logged}");
}
