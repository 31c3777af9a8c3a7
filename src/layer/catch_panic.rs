//! [`CatchPanicLayer`]: a handler that panics costs its RPC, answered as
//! `SYS-ERR-0` `INTERNAL`, not the connection; the panic message is the
//! error's cause, logged and never sent.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tonic::Status;
use tower_layer::Layer;
use tower_service::Service;

use crate::{Error, ErrorCode, StatusEncoder};

/// A server layer that turns a panic in a handler, or in the stream it
/// returned, into the catalog's `SYS-ERR-0` internalServerError
/// (`INTERNAL`) for that RPC alone: the peer gets a well-formed status
/// (in the headers, or in the trailers after the messages a stream sent),
/// and the connection and every other RPC on it go on.
///
/// The panic message travels only in-process, as the error's
/// [source](std::error::Error::source): the [`LogLayer`](super::LogLayer)
/// around it writes the RPC's one line with the message as its
/// `error.source`, counts it, and (feature `otel`) marks its span; no
/// byte of it is sent. Put it *inside* the log layer, so the log layer
/// sees the status it answers with:
///
/// ```
/// use csghub_errorx::layer::{CatchPanicLayer, LogLayer};
///
/// let server = tonic::transport::Server::builder()
///     .layer(LogLayer::server())
///     .layer(CatchPanicLayer::new());
/// ```
///
/// Unlike tower-http's `CatchPanic`, which answers HTTP 500 (a gRPC
/// client reads `UNKNOWN` with no details), it answers as a gRPC server
/// does. A stream's messages that tonic had already encoded in the same
/// poll as the panic (it buffers the items a stream has ready at once)
/// are lost with it; the ones sent before stay sent. The process's panic
/// hook still runs first (by default it prints
/// the panic to stderr); replace it with `std::panic::set_hook` if the log
/// line should be the only report. A panic that aborts (`panic = "abort"`)
/// cannot be caught.
#[derive(Clone, Debug, Default)]
pub struct CatchPanicLayer {
    encoder: StatusEncoder,
}

impl CatchPanicLayer {
    /// A layer answering with the default [`StatusEncoder`] (a log layer
    /// with an encoder of its own encodes the error again with it).
    pub fn new() -> CatchPanicLayer {
        CatchPanicLayer::default()
    }
}

impl<S> Layer<S> for CatchPanicLayer {
    type Service = CatchPanicService<S>;

    fn layer(&self, inner: S) -> CatchPanicService<S> {
        CatchPanicService {
            inner,
            encoder: self.encoder.clone(),
        }
    }
}

/// The service of a [`CatchPanicLayer`].
#[derive(Clone, Debug)]
pub struct CatchPanicService<S> {
    inner: S,
    encoder: StatusEncoder,
}

crate::layer::inner_service_accessors!(CatchPanicService<S>);

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for CatchPanicService<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    ResBody: Body + Default,
{
    type Response = http::Response<CatchPanicBody<ResBody>>;
    type Error = S::Error;
    type Future = CatchPanicFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> CatchPanicFuture<S::Future> {
        // A service may do work in `call` before it returns its future.
        match catch_unwind(AssertUnwindSafe(|| self.inner.call(request))) {
            Ok(future) => CatchPanicFuture {
                state: State::Running {
                    future,
                    encoder: Some(self.encoder.clone()),
                },
            },
            Err(payload) => CatchPanicFuture {
                state: State::Panicked {
                    status: Some(panic_status(&self.encoder, payload)),
                },
            },
        }
    }
}

pin_project! {
    /// The response future of [`CatchPanicService`].
    pub struct CatchPanicFuture<F> {
        #[pin]
        state: State<F>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        // The handler runs.
        Running {
            #[pin]
            future: F,
            encoder: Option<StatusEncoder>,
        },
        // It panicked: the status to answer with, until it is taken.
        Panicked { status: Option<Status> },
    }
}

impl<F> fmt::Debug for CatchPanicFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CatchPanicFuture")
    }
}

impl<F, ResBody, E> Future for CatchPanicFuture<F>
where
    F: Future<Output = Result<http::Response<ResBody>, E>>,
    ResBody: Body + Default,
{
    type Output = Result<http::Response<CatchPanicBody<ResBody>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        let status = match state.as_mut().project() {
            StateProj::Running { future, encoder } => {
                // A future that panicked is never polled again: the state
                // moves to `Panicked` below.
                match catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                    Ok(Poll::Pending) => return Poll::Pending,
                    Ok(Poll::Ready(result)) => {
                        let encoder = encoder.take().unwrap_or_default();
                        return Poll::Ready(
                            result
                                .map(|response| response.map(|b| CatchPanicBody::new(b, encoder))),
                        );
                    }
                    Err(payload) => panic_status(&encoder.take().unwrap_or_default(), payload),
                }
            }
            StateProj::Panicked { status } => match status.take() {
                Some(status) => status,
                // Polled after it was ready: answer again rather than panic.
                None => panic_status(&StatusEncoder::new(), Box::new("polled after completion")),
            },
        };
        state.set(State::Panicked { status: None });
        // The status, carrying its in-process error, goes in the response's
        // extensions, where the log layer reads the cause.
        Poll::Ready(Ok(status
            .into_http::<ResBody>()
            .map(CatchPanicBody::finished)))
    }
}

pin_project! {
    /// The response body of [`CatchPanicService`]: a stream that panics
    /// ends with the `SYS-ERR-0` status in its trailers, after the messages
    /// it sent.
    pub struct CatchPanicBody<B> {
        #[pin]
        inner: B,
        // `None` once the body has ended (or was finished from the start).
        encoder: Option<StatusEncoder>,
        panicked: bool,
    }
}

impl<B> CatchPanicBody<B> {
    fn new(inner: B, encoder: StatusEncoder) -> CatchPanicBody<B> {
        CatchPanicBody {
            inner,
            encoder: Some(encoder),
            panicked: false,
        }
    }

    fn finished(inner: B) -> CatchPanicBody<B> {
        CatchPanicBody {
            inner,
            encoder: None,
            panicked: false,
        }
    }
}

impl<B: Default> Default for CatchPanicBody<B> {
    fn default() -> CatchPanicBody<B> {
        CatchPanicBody::finished(B::default())
    }
}

impl<B> fmt::Debug for CatchPanicBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CatchPanicBody")
            .field("panicked", &self.panicked)
            .finish_non_exhaustive()
    }
}

impl<B: Body> Body for CatchPanicBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        if *this.panicked {
            return Poll::Ready(None);
        }
        let Some(encoder) = this.encoder.as_ref() else {
            return this.inner.poll_frame(cx);
        };
        match catch_unwind(AssertUnwindSafe(|| this.inner.poll_frame(cx))) {
            Ok(poll) => poll,
            Err(payload) => {
                *this.panicked = true;
                let status = panic_status(encoder, payload);
                let mut trailers = http::HeaderMap::new();
                // Our own status: its headers are valid.
                let _ = status.add_header(&mut trailers);
                // Dropped here, inside the log layer's `poll_frame`, so that
                // it learns the in-process error and logs the cause.
                drop(status);
                Poll::Ready(Some(Ok(Frame::trailers(trailers))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.panicked || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        if self.panicked {
            SizeHint::with_exact(0)
        } else {
            self.inner.size_hint()
        }
    }
}

/// `SYS-ERR-0` for a panic, its message the error's cause.
fn panic_status(encoder: &StatusEncoder, payload: Box<dyn Any + Send>) -> Status {
    let error = Error::new(ErrorCode::INTERNAL_SERVER_ERROR).with_source(Panicked::new(payload));
    encoder.into_status(error)
}

/// A handler's panic, as the cause of the error it is answered with.
#[derive(Debug)]
pub struct Panicked {
    message: String,
}

impl Panicked {
    fn new(payload: Box<dyn Any + Send>) -> Panicked {
        // `panic!` with a literal gives a `&str`, with arguments a `String`.
        let message = match payload.downcast::<String>() {
            Ok(message) => *message,
            Err(payload) => match payload.downcast::<&'static str>() {
                Ok(message) => (*message).to_string(),
                Err(_) => "a panic with a payload that is not text".to_string(),
            },
        };
        Panicked { message }
    }

    /// The panic's message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Panicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "handler panicked: {}", self.message)
    }
}

impl std::error::Error for Panicked {}
