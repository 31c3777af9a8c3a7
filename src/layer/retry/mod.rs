//! [`RetryLayer`]: a client that tries a failed call again when the error
//! says it may, waits what the server asked for, and stops where gRPC's
//! retry design (proposal A6) says to.

mod body;
mod policy;
mod request_body;
mod throttle;

use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use http_body::Body;
use http_body_util::BodyExt as _;
use tower_layer::Layer;
use tower_service::Service;

pub use crate::RetryClass;
pub use body::RetryBody;
pub use policy::{RetryPolicy, ThrottleConfig, MAX_ATTEMPTS};
use request_body::{buffer_request, Buffered, NotKept, PrefixedBody};
use throttle::Throttle;

use super::deadline::parse_grpc_timeout;
use super::headers::{has_status, status_from_headers, GRPC_STATUS, GRPC_TIMEOUT};
use super::service_error::ServiceError;
use crate::layer::service_error::BoxError;

/// The header a retried request carries (how many attempts came before,
/// as A6 names it), and the final response too, so that the application
/// (and the log layer outside) knows how many attempts a call made: read
/// it with [`attempts`].
pub const PREVIOUS_ATTEMPTS: &str = "grpc-previous-rpc-attempts";

/// The header a server sets to ask for a delay before a retry, in
/// milliseconds; a negative or malformed value forbids the retry (A6).
pub const RETRY_PUSHBACK: &str = "grpc-retry-pushback-ms";

/// How many attempts a call made, from its final status's metadata (or a
/// response's headers): 1 unless the [`RetryLayer`] tried it again.
///
/// ```
/// let status = tonic::Status::unavailable("down");
/// assert_eq!(csghub_errorx::layer::attempts(status.metadata()), 1);
/// ```
pub fn attempts(metadata: &tonic::metadata::MetadataMap) -> u32 {
    super::headers::attempts_in(metadata.as_ref()).unwrap_or(1)
}

/// A client layer that retries calls by a [`RetryPolicy`]: unary calls,
/// and server-streaming calls that failed before their first message.
/// Put it inside the client log layer, so that the log line, the metrics
/// and the span see one RPC with its attempt count:
///
/// ```no_run
/// use csghub_errorx::layer::{LogLayer, RetryLayer, RetryPolicy};
/// use tower::ServiceBuilder;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let channel = tonic::transport::Channel::from_static("http://127.0.0.1:50051").connect().await?;
/// let channel = ServiceBuilder::new()
///     .layer(LogLayer::client())
///     .layer(RetryLayer::new(RetryPolicy::new().idempotent(["/csghub.errorx.demo.v1.Repos/GetRepo"])))
///     .service(channel);
/// # Ok(())
/// # }
/// ```
///
/// A server-streaming call is handed over at its first message (or its
/// end), not at its headers: until then a failure may still be retried.
/// A request body whose next message is not there yet (a client-streaming
/// or bidirectional call that sends as it goes) goes on at once and is not
/// retried.
///
/// The request body is kept (up to [`RetryPolicy::max_buffered_request`])
/// to send again; tower's `Retry` cannot do this for a tonic request, whose
/// body is not `Clone`. One layer is one channel's retry budget: its
/// clones share it. The inner service's error passes through unchanged.
#[derive(Clone, Debug)]
pub struct RetryLayer {
    policy: Arc<RetryPolicy>,
    throttle: Arc<Throttle>,
}

impl RetryLayer {
    /// A layer retrying by `policy`.
    pub fn new(policy: RetryPolicy) -> RetryLayer {
        RetryLayer {
            throttle: Arc::new(Throttle::new(policy.throttle)),
            policy: Arc::new(policy),
        }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = RetryService<S>;

    fn layer(&self, inner: S) -> RetryService<S> {
        RetryService {
            inner,
            policy: Arc::clone(&self.policy),
            throttle: Arc::clone(&self.throttle),
        }
    }
}

/// The service of a [`RetryLayer`].
#[derive(Clone, Debug)]
pub struct RetryService<S> {
    inner: S,
    policy: Arc<RetryPolicy>,
    throttle: Arc<Throttle>,
}

crate::layer::inner_service_accessors!(RetryService<S>);

/// The response future of [`RetryService`].
pub struct RetryFuture<R, E> {
    inner: Pin<Box<dyn Future<Output = Result<R, E>> + Send>>,
}

impl<R, E> fmt::Debug for RetryFuture<R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RetryFuture")
    }
}

impl<R, E> Future for RetryFuture<R, E> {
    type Output = Result<R, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for RetryService<S>
where
    S: Service<http::Request<tonic::body::Body>, Response = http::Response<ResBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    S::Error: fmt::Display + Send + 'static,
    // tonic's request body is; a layer between would be unusual.
    ReqBody: Body<Data = Bytes> + Send + Unpin + 'static,
    ReqBody::Error: Into<BoxError>,
    ResBody: Body<Data = Bytes> + Send + Unpin + 'static,
    ResBody::Error: Send,
{
    type Response = http::Response<RetryBody<ResBody>>;
    type Error = S::Error;
    type Future = RetryFuture<Self::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        // The ready service takes this call; a clone serves the next one
        // (tower's rule for services that are called after an await).
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let call = Call {
            inner,
            policy: Arc::clone(&self.policy),
            throttle: Arc::clone(&self.throttle),
        };
        RetryFuture {
            inner: Box::pin(call.run(request)),
        }
    }
}

/// One call and its attempts.
struct Call<S> {
    inner: S,
    policy: Arc<RetryPolicy>,
    throttle: Arc<Throttle>,
}

/// What an attempt ended with, as far as retrying goes.
enum Attempt<ResBody: Body, E> {
    /// Done: hand this to the application.
    Done(Result<http::Response<RetryBody<ResBody>>, E>),
    /// Failed, and may be tried again after `delay` (the server's, if it
    /// gave one).
    Failed {
        result: Result<http::Response<RetryBody<ResBody>>, E>,
        code: tonic::Code,
        /// The catalog code's retry class, else the gRPC code's.
        class: RetryClass,
        server_delay: Option<Duration>,
        /// The server forbade a retry (`grpc-retry-pushback-ms` < 0).
        forbidden: bool,
        /// The request never reached a handler.
        unprocessed: bool,
    },
}

impl<S, ResBody> Call<S>
where
    S: Service<http::Request<tonic::body::Body>, Response = http::Response<ResBody>> + Send,
    S::Future: Send,
    S::Error: fmt::Display + 'static,
    ResBody: Body<Data = Bytes> + Send + Unpin + 'static,
    ResBody::Error: Send,
{
    async fn run<ReqBody>(
        mut self,
        request: http::Request<ReqBody>,
    ) -> Result<http::Response<RetryBody<ResBody>>, S::Error>
    where
        ReqBody: Body<Data = Bytes> + Send + Unpin + 'static,
        ReqBody::Error: Into<BoxError>,
    {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let deadline = parts
            .headers
            .get(&GRPC_TIMEOUT)
            .and_then(|value| parse_grpc_timeout(value.as_bytes()));
        // A path the application chose, but escaped as every logged string.
        let shown_method = crate::text::Escaped(parts.uri.path());
        // Unpin: read in place, and sent on as it is when it cannot be kept.
        let replay = match buffer_request(body, self.policy.max_buffered_request).await {
            Buffered::Whole(replay) => replay,
            Buffered::SentOnce { prefix, rest, why } => {
                let reason = match why {
                    NotKept::TooLarge => {
                        "not retried: the request body is larger than the retry buffer"
                    }
                    NotKept::StillStreaming => {
                        "not retried: the request body is still being sent (a client-streaming or bidirectional call)"
                    }
                };
                tracing::event!(
                    target: "csghub_errorx::client",
                    tracing::Level::DEBUG,
                    rpc.method = %shown_method,
                    max_buffered_request = self.policy.max_buffered_request,
                    "{reason}"
                );
                let body = tonic::body::Body::new(PrefixedBody::new(prefix, rest));
                return self.send_once(http::Request::from_parts(parts, body)).await;
            }
            Buffered::Failed(error) => {
                // The application's own body failed: nothing to retry;
                // tonic reports it as it would without the layer.
                let body = tonic::body::Body::new(request_body::FailedBody::new(error));
                return self.send_once(http::Request::from_parts(parts, body)).await;
            }
        };
        let mut attempt: u32 = 1;
        loop {
            let mut request = http::Request::new(tonic::body::Body::new(replay.body()));
            *request.method_mut() = parts.method.clone();
            *request.uri_mut() = parts.uri.clone();
            *request.version_mut() = parts.version;
            *request.headers_mut() = parts.headers.clone();
            *request.extensions_mut() = parts.extensions.clone();
            if attempt > 1 {
                request.headers_mut().insert(
                    super::headers::PREVIOUS_ATTEMPTS,
                    HeaderValue::from(attempt - 1),
                );
                if let Some(deadline) = deadline {
                    // The deadline is the call's: later attempts get what is left.
                    let left = deadline.saturating_sub(started.elapsed());
                    request
                        .headers_mut()
                        .insert(GRPC_TIMEOUT, grpc_timeout(left));
                }
            }
            let outcome = self.attempt(request, attempt).await;
            let (result, code, class, server_delay, forbidden, unprocessed) = match outcome {
                Attempt::Done(result) => {
                    self.throttle.success();
                    return result;
                }
                Attempt::Failed {
                    result,
                    code,
                    class,
                    server_delay,
                    forbidden,
                    unprocessed,
                } => (result, code, class, server_delay, forbidden, unprocessed),
            };
            self.throttle.failure();
            let delay = self.delay(attempt, class, server_delay);
            let code_name = crate::grpc_code::name(code);
            let why_not = if forbidden {
                Some("the server forbade it (grpc-retry-pushback-ms)")
            } else if delay.is_none() {
                Some("its code is not retried")
            } else if !unprocessed && !self.policy.is_idempotent(parts.uri.path()) {
                Some("the method is not idempotent and the request reached the server")
            } else if attempt >= self.policy.max_attempts {
                Some("no attempts left")
            } else if deadline
                .is_some_and(|deadline| started.elapsed() + delay.unwrap_or_default() >= deadline)
            {
                Some("the deadline comes first")
            } else if !self.throttle.allows() {
                Some("the channel's retry budget is spent")
            } else {
                None
            };
            if let Some(reason) = why_not {
                if attempt > 1 || delay.is_some() {
                    tracing::event!(
                        target: "csghub_errorx::client",
                        tracing::Level::DEBUG,
                        rpc.method = %shown_method,
                        attempt,
                        grpc.code = %code_name,
                        "not retried: {reason}"
                    );
                }
                return result;
            }
            let delay = delay.unwrap_or_default();
            tracing::event!(
                target: "csghub_errorx::client",
                tracing::Level::DEBUG,
                rpc.method = %shown_method,
                attempt,
                grpc.code = %code_name,
                wait_ms = delay.as_secs_f64() * 1000.0,
                "retrying"
            );
            drop(result);
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// Sends `request` as the call's only attempt, its response as it
    /// comes.
    async fn send_once(
        &mut self,
        request: http::Request<tonic::body::Body>,
    ) -> Result<http::Response<RetryBody<ResBody>>, S::Error> {
        poll_fn(|cx| self.inner.poll_ready(cx)).await?;
        let response = self.inner.call(request).await?;
        Ok(response.map(RetryBody::passthrough))
    }

    /// One attempt, read up to where its fate is known: an error before
    /// any response, a status in the headers, or the first frame of the
    /// body (a message: done; trailers: failed or done).
    async fn attempt(
        &mut self,
        request: http::Request<tonic::body::Body>,
        attempt: u32,
    ) -> Attempt<ResBody, S::Error> {
        if let Err(error) = poll_fn(|cx| self.inner.poll_ready(cx)).await {
            return self.service_error(error);
        }
        let response = match self.inner.call(request).await {
            Ok(response) => response,
            Err(error) => return self.service_error(error),
        };
        if has_status(response.headers()) {
            let failed = self.failure(response.headers());
            let mut response = response.map(RetryBody::passthrough);
            mark_attempts(response.headers_mut(), attempt);
            return answered(response, failed);
        }
        // Headers without a status: a stream. Its first frame says whether
        // a message reaches the application (no retry after that).
        let (parts, mut body) = response.into_parts();
        let first = body.frame().await;
        let failed = match &first {
            Some(Ok(frame)) => frame.trailers_ref().and_then(|t| self.failure(t)),
            _ => None,
        };
        let response =
            http::Response::from_parts(parts, RetryBody::after_first(first, body, attempt));
        answered(response, failed)
    }

    /// The inner service failed before any response: the channel could not
    /// send the request (refused, reset), so no handler ran.
    fn service_error(&self, error: S::Error) -> Attempt<ResBody, S::Error> {
        let code = ServiceError::classify(&error).code;
        Attempt::Failed {
            result: Err(error),
            code,
            class: RetryClass::of(code),
            server_delay: None,
            forbidden: false,
            unprocessed: code == tonic::Code::Unavailable,
        }
    }

    /// The code, retry class, delay and veto of a failed status in
    /// `headers`; `None` for `OK`.
    fn failure(
        &self,
        headers: &HeaderMap,
    ) -> Option<(tonic::Code, RetryClass, Option<Duration>, bool)> {
        // The code first: a success, or a code that says the request itself
        // is wrong (never retried, whatever its catalog: the build rejects
        // a retry class on one), needs nothing else of the headers.
        let code = tonic::Code::from_bytes(headers.get(&GRPC_STATUS)?.as_bytes());
        if code == tonic::Code::Ok {
            return None;
        }
        let (pushback, forbidden) = match headers.get(RETRY_PUSHBACK) {
            None => (None, false),
            Some(value) => match value.to_str().ok().and_then(|v| v.parse::<i64>().ok()) {
                Some(ms) if ms >= 0 => (Some(Duration::from_millis(ms.unsigned_abs())), false),
                // Negative or malformed: do not retry (A6).
                _ => (None, true),
            },
        };
        if RetryClass::request_is_wrong(code) {
            return Some((code, RetryClass::Never, None, forbidden));
        }
        // Parsed as the log layer does, so a malformed details header
        // cannot panic here either.
        let (status, _) = status_from_headers(headers, false)?;
        // The catalog says how its code is retried; a status without one
        // is retried by its gRPC code.
        let error = self.policy.decoder.decode(&status);
        let class = error
            .code()
            .map_or_else(|| RetryClass::of(status.code()), |code| code.retry_class());
        let server_delay = pushback.or_else(|| error.retry_delay());
        Some((status.code(), class, server_delay, forbidden))
    }

    /// The wait before the next attempt, or `None` when the code is not
    /// retried at all.
    fn delay(
        &self,
        attempt: u32,
        class: RetryClass,
        server_delay: Option<Duration>,
    ) -> Option<Duration> {
        match (class, server_delay) {
            (RetryClass::Never, _) => None,
            (_, Some(delay)) => Some(delay),
            (RetryClass::AfterServerDelay, None) => None,
            (RetryClass::Backoff, None) => {
                // Full jitter: uniformly in [0, backoff).
                let backoff = self.policy.backoff_for(attempt);
                Some(backoff.mul_f64(fastrand::f64()))
            }
        }
    }
}

/// An attempt the server answered: done, or failed with `failure`'s code,
/// class, delay and veto.
fn answered<ResBody: Body, E>(
    response: http::Response<RetryBody<ResBody>>,
    failure: Option<(tonic::Code, RetryClass, Option<Duration>, bool)>,
) -> Attempt<ResBody, E> {
    match failure {
        Some((code, class, server_delay, forbidden)) => Attempt::Failed {
            result: Ok(response),
            code,
            class,
            server_delay,
            forbidden,
            unprocessed: false,
        },
        None => Attempt::Done(Ok(response)),
    }
}

/// A `grpc-timeout` value for `left`, in milliseconds (at least 1).
fn grpc_timeout(left: Duration) -> HeaderValue {
    let millis = left.as_millis().clamp(1, 99_999_999);
    HeaderValue::from_str(&format!("{millis}m")).unwrap_or(HeaderValue::from_static("1m"))
}

/// Marks a final response's headers with the attempts made before it.
fn mark_attempts(headers: &mut HeaderMap, attempt: u32) {
    if attempt > 1 {
        headers.insert(
            super::headers::PREVIOUS_ATTEMPTS,
            HeaderValue::from(attempt - 1),
        );
    }
}
