//! A real axum server on 127.0.0.1 with the HTTP error layer, and a real
//! HTTP client (hyper's), for the HTTP/JSON tests.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use csghub_errorx::http::{HttpErrors, Json, Path, Query};
use csghub_errorx::{Error, ErrorCode};
use http::{HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The body limit of `POST /v1/small`.
pub const SMALL_BODY_LIMIT: usize = 64;

/// A request body of the JSON endpoints.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct Echo {
    pub name: String,
    pub count: u32,
}

/// The query of `GET /v1/list`.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
pub struct Page {
    pub page: u32,
    pub size: Option<u32>,
}

async fn echo(Json(echo): Json<Echo>) -> String {
    echo.name
}

async fn item(Path(id): Path<u32>) -> String {
    id.to_string()
}

async fn list(Query(page): Query<Page>) -> String {
    page.page.to_string()
}

/// An error with a detail of every kind, a custom one, and a source.
pub fn rich_error() -> Error {
    Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED)
        .with_context("limit", "100/min")
        .with_context("user", "alice")
        .with_retry_delay(Duration::from_millis(1500))
        .add_field_violation("name", "must not be empty")
        .with_resource("model", "ns/llama")
        .add_precondition_violation("TOS", "user:alice", "terms not accepted")
        .add_quota_violation("user:alice", "100 requests per minute")
        .with_request_id("req-7f3a")
        .with_localized_message("zh-CN", "请求过多")
        .add_help_link("rate limits", "https://opencsg.com/docs/limits")
        .with_debug_info("pool exhausted", ["db::pool::get"])
        .add_custom_detail(&prost_types::Duration {
            seconds: 7,
            nanos: 0,
        })
        .with_source(std::io::Error::other("token bucket empty at 10.0.0.7"))
}

async fn rich() -> Error {
    rich_error()
}

/// The routes of the test server, behind `errors`.
pub fn app(errors: HttpErrors) -> Router {
    csghub_errorx_demo::http::router()
        .route("/v1/echo", post(echo))
        .route(
            "/v1/small",
            post(echo).layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT)),
        )
        .route("/v1/items/{id}", get(item))
        .route("/v1/list", get(list))
        .route("/v1/rich", get(rich))
        .fallback(csghub_errorx::http::fallback)
        .layer(errors.into_layer())
}

/// The server. Stops when dropped.
pub struct HttpFixture {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for HttpFixture {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HttpFixture {
    pub async fn start(errors: HttpErrors) -> HttpFixture {
        HttpFixture::serve(app(errors)).await
    }

    pub async fn serve(router: Router) -> HttpFixture {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        HttpFixture { addr, task }
    }

    /// Sends a request; its status, headers and whole body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Reply {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Full::new(body.into())).expect("request");
        let client = Client::builder(TokioExecutor::new()).build_http();
        let response = client.request(request).await.expect("the server answers");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(&self, path: &str, accept: Option<&str>, body: &str) -> Reply {
        let mut headers = vec![("content-type", "application/json")];
        if let Some(accept) = accept {
            headers.push(("accept", accept));
        }
        self.call(Method::POST, path, &headers, body.to_string())
            .await
    }

    /// `POST /v1/demo:fail` for `code` with `context`.
    pub async fn fail(
        &self,
        code: &str,
        context: serde_json::Value,
        accept: Option<&str>,
    ) -> Reply {
        let body = serde_json::json!({ "code": code, "context": context }).to_string();
        self.post_json(csghub_errorx_demo::http::FAIL_PATH, accept, &body)
            .await
    }
}

/// A response as the client saw it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ASCII"))
    }

    pub fn decode(&self) -> Error {
        Error::from_http_response(self.status, &self.headers, &self.body)
    }
}
