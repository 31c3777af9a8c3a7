//! [`HttpErrorLayer`]: renders each error with the request's `Accept` and
//! the server's [`HttpErrors`], and logs one line per request.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use http::header::{ACCEPT_LANGUAGE, CONTENT_LENGTH};
use http::{Method, Request, Response, Uri};
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use super::accept::{prefers_problem_json, speaks_connect};
use super::error_body::ErrorBody;
use super::event::{enabled, HttpEvent};
use super::http_errors::{negotiate_for, set_error_headers};
use super::json_shape::BodyFormat;
use super::HttpErrors;
use crate::Error;

/// A tower layer for HTTP services that finishes what `IntoResponse` for
/// [`Error`] starts: a handler's error is rendered in the server's
/// [`JsonShape`](super::JsonShape), or as problem details when the request
/// prefers them, and every request is logged once.
///
/// `IntoResponse` has no request to look at, so it renders the Google
/// shape and leaves the [`Error`] in the response's extensions; this
/// layer, which saw the request, renders it again when the configuration
/// or the request's `Accept` asks for another body (the status and other
/// headers stay). Without the layer an axum server answers in the Google
/// shape and logs nothing.
///
/// Each request is logged as one `tracing` event on the target
/// `csghub_errorx::http`, with the method, the route that matched (with
/// axum's `MatchedPath`), the path, the HTTP status, the error's code,
/// reason, context and source chain (escaped and bounded), and the
/// latency, at the level [`HttpErrors::levels`] gives the error's gRPC
/// code (a failure without an [`Error`] by the class of its status;
/// success at `DEBUG` by default):
///
/// ```text
/// ERROR csghub_errorx::http: request failed http.request.method=POST http.route=/v1/repos/{id}
///   url.path=/v1/repos/7 http.response.status_code=500 code=SYS-ERR-2 reason=DATABASE_FAILURE
///   module=SYS error.message="database failure" error.source="connection reset" latency_ms=0.4
/// ```
///
/// Apply it with `Router::layer` after adding the routes and the fallback,
/// so that it sees the matched route.
///
/// ```
/// use axum::{routing::get, Router};
/// use csghub_errorx::http::{HttpErrors, JsonShape};
/// use csghub_errorx::{Error, ErrorCode};
///
/// async fn repo() -> Result<String, Error> {
///     Err(Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", "ns/x"))
/// }
///
/// let app: Router = Router::new()
///     .route("/v1/repo", get(repo))
///     .fallback(csghub_errorx::http::fallback)
///     .layer(HttpErrors::new().shape(JsonShape::Csghub).into_layer());
/// ```
#[derive(Clone, Debug)]
pub struct HttpErrorLayer {
    errors: Arc<HttpErrors>,
}

impl HttpErrorLayer {
    /// A layer rendering with `errors`.
    pub fn new(errors: HttpErrors) -> HttpErrorLayer {
        HttpErrorLayer {
            errors: Arc::new(errors),
        }
    }
}

impl HttpErrors {
    /// The [`HttpErrorLayer`] that renders and logs with this configuration.
    pub fn into_layer(self) -> HttpErrorLayer {
        HttpErrorLayer::new(self)
    }
}

impl<S> Layer<S> for HttpErrorLayer {
    type Service = HttpErrorService<S>;

    fn layer(&self, inner: S) -> HttpErrorService<S> {
        HttpErrorService {
            inner,
            errors: self.errors.clone(),
        }
    }
}

/// The service of an [`HttpErrorLayer`].
#[derive(Clone, Debug)]
pub struct HttpErrorService<S> {
    inner: S,
    errors: Arc<HttpErrors>,
}

crate::layer::inner_service_accessors!(HttpErrorService<S>);

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for HttpErrorService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = Response<ErrorBody<ResBody>>;
    type Error = S::Error;
    type Future = HttpErrorFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> HttpErrorFuture<S::Future> {
        let facts = RequestFacts {
            method: request.method().clone(),
            uri: request.uri().clone(),
            route: Route::of(&request),
            prefers_problem: prefers_problem_json(request.headers()),
            speaks_connect: speaks_connect(request.headers()),
            // Kept as it came (a cheap clone); negotiated for errors only.
            accept_language: request.headers().get(ACCEPT_LANGUAGE).cloned(),
            start: Instant::now(),
        };
        HttpErrorFuture {
            inner: self.inner.call(request),
            errors: self.errors.clone(),
            facts,
        }
    }
}

/// What the layer keeps of a request until its response: a few cheap
/// clones, not the headers.
struct RequestFacts {
    method: Method,
    uri: Uri,
    route: Route,
    prefers_problem: bool,
    /// Whether the request is a Connect client's.
    speaks_connect: bool,
    /// The request's `Accept-Language`, if it has one.
    accept_language: Option<http::HeaderValue>,
    start: Instant,
}

/// The route template that matched, where the framework says (axum's
/// `MatchedPath`, with the `axum` feature).
struct Route {
    #[cfg(feature = "axum")]
    matched: Option<axum::extract::MatchedPath>,
}

impl Route {
    fn of<B>(_request: &Request<B>) -> Route {
        Route {
            #[cfg(feature = "axum")]
            matched: _request
                .extensions()
                .get::<axum::extract::MatchedPath>()
                .cloned(),
        }
    }

    fn as_str(&self) -> Option<&str> {
        #[cfg(feature = "axum")]
        {
            self.matched.as_ref().map(|m| m.as_str())
        }
        #[cfg(not(feature = "axum"))]
        {
            None
        }
    }
}

pin_project! {
    /// The future of an [`HttpErrorService`].
    pub struct HttpErrorFuture<F> {
        #[pin]
        inner: F,
        errors: Arc<HttpErrors>,
        facts: RequestFacts,
    }
}

impl<F> std::fmt::Debug for HttpErrorFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpErrorFuture").finish_non_exhaustive()
    }
}

impl<F, ResBody, E> Future for HttpErrorFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = Result<Response<ErrorBody<ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = match this.inner.poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Ready(Ok(response)) => response,
        };
        let (mut parts, body) = response.into_parts();
        let facts = &*this.facts;
        let errors = &**this.errors;
        let error = parts.extensions.get::<Error>();
        let format = BodyFormat::choose(
            errors.json_shape(),
            facts.prefers_problem,
            facts.speaks_connect,
        );
        let body = match error {
            Some(error) if !errors.renders_as_default(format, facts.accept_language.is_some()) => {
                let locale = facts
                    .accept_language
                    .as_ref()
                    .map(|value| negotiate_for(error, value.to_str().unwrap_or_default()));
                if format == BodyFormat::Connect {
                    parts.status = format.status_of(error);
                }
                let (text, language) =
                    errors.render_body(error, parts.status, format, Some(facts.uri.path()), locale);
                set_error_headers(&mut parts.headers, error, parts.status, format, language);
                // The length of the body `IntoResponse` rendered no longer
                // holds; the new body's size hint is exact.
                parts.headers.remove(CONTENT_LENGTH);
                ErrorBody::rendered(text)
            }
            _ => ErrorBody::inner(body),
        };
        let code = match error {
            Some(error) => error.grpc_code(),
            None if parts.status.is_client_error() || parts.status.is_server_error() => {
                crate::grpc_code::from_http_status(parts.status)
            }
            None => tonic::Code::Ok,
        };
        let level = errors.level_policy().level(code);
        if enabled(level) {
            HttpEvent {
                method: &facts.method,
                route: facts.route.as_str(),
                path: facts.uri.path(),
                status: parts.status,
                error,
                latency: facts.start.elapsed(),
            }
            .emit(level);
        }
        Poll::Ready(Ok(Response::from_parts(parts, body)))
    }
}
