//! [`LogService`] and its [`LogFuture`]: the middleware itself.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use http_body::Body;
use pin_project_lite::pin_project;
use tonic::Status;
use tower_service::Service;

use super::body::LoggedBody;
use super::headers::{guard_status_headers, has_status, replace_status};
use super::in_flight::{Ending, InFlight};
use super::service_error::ServiceError;
use super::shared::Shared;
use super::Side;
use crate::Error;

/// The service a [`LogLayer`](super::LogLayer) wraps around a server's
/// routes or a client's channel.
///
/// It passes the inner service's error through unchanged (`S::Error`), as
/// tower's pass-through middleware do, so an outer layer can still
/// downcast it to `tonic::transport::Error` or
/// `tower::timeout::error::Elapsed`.
#[derive(Clone, Debug)]
pub struct LogService<S> {
    pub(crate) inner: S,
    pub(crate) shared: Arc<Shared>,
    pub(crate) side: Side,
}

crate::layer::inner_service_accessors!(LogService<S>);

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for LogService<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Error: fmt::Display + 'static,
    ResBody: Body,
    ResBody::Error: std::error::Error + 'static,
{
    type Response = http::Response<LoggedBody<ResBody>>;
    type Error = S::Error;
    type Future = LogFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> LogFuture<S::Future> {
        let in_flight = InFlight::start(&self.shared, self.side, &request);
        LogFuture {
            inner: self.inner.call(request),
            in_flight: Some(in_flight),
        }
    }
}

pin_project! {
    /// The response future of [`LogService`]. Logs a response that ends in
    /// its headers at once, hands any other to a [`LoggedBody`], and logs a
    /// drop before the response as a cancellation (or a deadline).
    pub struct LogFuture<F> {
        #[pin]
        inner: F,
        in_flight: Option<InFlight>,
    }

    impl<F> PinnedDrop for LogFuture<F> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(in_flight) = this.project().in_flight.take() {
                in_flight.finish(Ending::Dropped);
            }
        }
    }
}

impl<F, ResBody, E> Future for LogFuture<F>
where
    F: Future<Output = Result<http::Response<ResBody>, E>>,
    E: fmt::Display + 'static,
{
    type Output = Result<http::Response<LoggedBody<ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Some(in_flight) = this.in_flight.as_mut() {
            // tonic's `trace_fn` span is entered only while this future is
            // polled; events logged later (from the body, or on a drop)
            // enter it again.
            in_flight.remember_span();
        }
        let result = ready!(this.inner.poll(cx));
        let Some(in_flight) = this.in_flight.take() else {
            return Poll::Ready(result.map(|response| response.map(LoggedBody::finished)));
        };
        let mut response = match result {
            Ok(response) => response,
            Err(error) => {
                in_flight.finish(Ending::ServiceError(ServiceError::classify(&error)));
                return Poll::Ready(Err(error));
            }
        };
        // tonic reads a status out of headers that carry a `grpc-status`
        // only (a trailers-only response), so only those are guarded, on the
        // client, before tonic parses them, which would panic.
        let ends_here = has_status(response.headers());
        let removed = ends_here
            && in_flight.side() == Side::Client
            && guard_status_headers(response.headers_mut());
        if !ends_here {
            return Poll::Ready(Ok(
                response.map(|body| LoggedBody::watching(body, in_flight))
            ));
        }
        // A trailers-only response: the RPC ended in the headers. On the
        // server, the handler's own Status is in the extensions.
        if in_flight.side() == Side::Server {
            reencode_trailers_only(&in_flight, &mut response);
        }
        match response.extensions().get::<Status>() {
            Some(status) => in_flight.finish(Ending::Status {
                status,
                local: Error::in_process(status),
                malformed_details: removed,
            }),
            None => in_flight.finish(Ending::Headers {
                headers: response.headers(),
                removed,
                local: None,
            }),
        }
        Poll::Ready(Ok(response.map(LoggedBody::finished)))
    }
}

/// With an encoder of its own, the server layer encodes a handler's
/// in-process error again, so that errors converted with `?` (and so with
/// the default encoder) go out with the layer's domain and budget: the
/// headers are rewritten, and the extensions get the new status.
fn reencode_trailers_only<B>(in_flight: &InFlight, response: &mut http::Response<B>) {
    let Some(error) = response
        .extensions()
        .get::<Status>()
        .and_then(Error::in_process)
    else {
        return;
    };
    let Some(status) = in_flight.reencode(error) else {
        return;
    };
    if replace_status(response.headers_mut(), &status) {
        response.extensions_mut().insert(status);
    }
}
