//! [`LogService`] and its [`LogFuture`]: the middleware itself.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use http_body::Body;
use pin_project_lite::pin_project;
use tonic::Status;
use tower_service::Service;

use super::body::LoggedBody;
use super::headers::{has_status, remove_malformed_details};
use super::in_flight::{Ending, InFlight, Shared};
use super::Side;
use crate::Error;

/// The error type of tower middleware: what tonic's clients and servers
/// accept from a service.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The service a [`LogLayer`](super::LogLayer) wraps around a server's
/// routes or a client's channel.
#[derive(Clone, Debug)]
pub struct LogService<S> {
    pub(crate) inner: S,
    pub(crate) shared: Arc<Shared>,
    pub(crate) side: Side,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for LogService<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Error: Into<BoxError>,
    ResBody: Body,
    ResBody::Error: std::error::Error + 'static,
{
    type Response = http::Response<LoggedBody<ResBody>>;
    type Error = BoxError;
    type Future = LogFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
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
    E: Into<BoxError>,
{
    type Output = Result<http::Response<LoggedBody<ResBody>>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        let Some(in_flight) = this.in_flight.take() else {
            return Poll::Ready(
                result
                    .map(|response| response.map(LoggedBody::finished))
                    .map_err(Into::into),
            );
        };
        let mut response = match result {
            Ok(response) => response,
            Err(error) => {
                // Classified as tonic classifies it (a timeout, a transport
                // error, ...), which is also what the caller will see.
                let status = Status::from_error(error.into());
                in_flight.finish(Ending::ServiceError(&status));
                return Poll::Ready(Err(Box::new(status)));
            }
        };
        // On the client, before tonic parses the headers, which would panic.
        let removed =
            in_flight.side() == Side::Client && remove_malformed_details(response.headers_mut());
        if !has_status(response.headers()) {
            return Poll::Ready(Ok(
                response.map(|body| LoggedBody::watching(body, in_flight))
            ));
        }
        // A trailers-only response: the RPC ended in the headers. On the
        // server, the handler's own Status is in the extensions.
        match response.extensions().get::<Status>() {
            Some(status) => in_flight.finish(Ending::Status {
                status,
                local: std::error::Error::source(status)
                    .and_then(|source| source.downcast_ref::<Error>()),
                malformed_details: removed,
            }),
            None => in_flight.finish(Ending::Headers {
                headers: response.headers(),
                removed,
            }),
        }
        Poll::Ready(Ok(response.map(LoggedBody::finished)))
    }
}
