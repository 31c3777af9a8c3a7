//! [`LoggedBody`]: a response body that reports how the RPC ended.

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use super::headers::remove_malformed_details;
use super::in_flight::{Ending, InFlight};
use super::Side;

pin_project! {
    /// A response body that watches for the status in the trailers, a body
    /// error, or an early drop, and logs the RPC once. Responses that ended
    /// in their headers (trailers-only) pass through unwatched.
    ///
    /// On the client side it also removes a malformed
    /// `grpc-status-details-bin` trailer before tonic parses it.
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
        let frame = ready!(this.inner.poll_frame(cx));
        let Some(in_flight) = this.in_flight.take() else {
            return Poll::Ready(frame);
        };
        match frame {
            Some(Ok(mut frame)) => {
                match frame.trailers_mut() {
                    Some(trailers) => {
                        // On the client, before tonic parses them, which would panic.
                        let removed =
                            in_flight.side() == Side::Client && remove_malformed_details(trailers);
                        in_flight.finish(Ending::Headers {
                            headers: trailers,
                            removed,
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
