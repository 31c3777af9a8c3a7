//! [`LoggedBody`]: a response body that reports how the RPC ended.

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use super::headers::{guard_status_headers, replace_status};
use super::in_flight::{Ending, InFlight};
use super::Side;
use crate::status::in_process::capture_dropped;

pin_project! {
    /// A response body that watches for the status in the trailers, a body
    /// error, or an early drop, and logs the RPC once. Responses that ended
    /// in their headers (trailers-only) pass through unwatched.
    ///
    /// On the server side it learns the in-process error of a stream that
    /// fails (see [`Error::in_process`](crate::Error::in_process)), to log
    /// its source and, with the layer's own encoder, to encode it again.
    /// On the client side it removes a malformed `grpc-status-details-bin`
    /// trailer before tonic parses it.
    ///
    /// It is `Default` (an empty, finished body) when its inner body is, as
    /// tonic's generated `with_interceptor` clients require.
    pub struct LoggedBody<B> {
        #[pin]
        inner: B,
        in_flight: Option<InFlight>,
    }

    impl<B> PinnedDrop for LoggedBody<B> {
        fn drop(this: Pin<&mut Self>) {
            if let Some(in_flight) = this.project().in_flight.take() {
                in_flight.finish(Ending::Dropped);
            }
        }
    }
}

impl<B> LoggedBody<B> {
    /// A body whose RPC was already logged.
    pub(crate) fn finished(inner: B) -> LoggedBody<B> {
        LoggedBody {
            inner,
            in_flight: None,
        }
    }

    /// A body to watch until the end of its RPC.
    pub(crate) fn watching(inner: B, in_flight: InFlight) -> LoggedBody<B> {
        LoggedBody {
            inner,
            in_flight: Some(in_flight),
        }
    }
}

impl<B: Default> Default for LoggedBody<B> {
    fn default() -> LoggedBody<B> {
        LoggedBody::finished(B::default())
    }
}

impl<B> Body for LoggedBody<B>
where
    B: Body,
    B::Error: std::error::Error + 'static,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        let Some(watching) = this.in_flight.as_mut() else {
            return this.inner.poll_frame(cx);
        };
        let poll = if watching.side() == Side::Server {
            // A stream's `Err(status)` becomes trailers, and is dropped,
            // inside this call.
            let (poll, dropped) = capture_dropped(|| this.inner.poll_frame(cx));
            if let Some(error) = dropped {
                watching.set_dropped_error(error);
            }
            poll
        } else {
            this.inner.poll_frame(cx)
        };
        let frame = ready!(poll);
        let Some(mut in_flight) = this.in_flight.take() else {
            return Poll::Ready(frame);
        };
        match frame {
            Some(Ok(mut frame)) => {
                match frame.trailers_mut() {
                    Some(trailers) => {
                        // On the client, before tonic parses them, which would panic.
                        let removed =
                            in_flight.side() == Side::Client && guard_status_headers(trailers);
                        let local = in_flight.take_error_of(trailers);
                        if let Some(status) = local.as_ref().and_then(|e| in_flight.reencode(e)) {
                            replace_status(trailers, &status);
                        }
                        in_flight.finish(Ending::Headers {
                            headers: trailers,
                            removed,
                            local: local.as_ref(),
                        });
                    }
                    None => *this.in_flight = Some(in_flight),
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Some(Err(error)) => {
                in_flight.finish(Ending::BodyError(&error));
                Poll::Ready(Some(Err(error)))
            }
            None => {
                in_flight.finish(Ending::MissingStatus);
                Poll::Ready(None)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
