//! [`RetryBody`]: the response body of the attempt the application gets.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::HeaderValue;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use crate::layer::headers::PREVIOUS_ATTEMPTS;

pin_project! {
    /// The final attempt's response body: its first frame (read to know
    /// whether a message came before a failure) again, then the rest; its
    /// trailers say how many attempts came before
    /// ([`PREVIOUS_ATTEMPTS`](super::PREVIOUS_ATTEMPTS)).
    pub struct RetryBody<B: Body> {
        first: Option<Result<Frame<Bytes>, B::Error>>,
        #[pin]
        inner: B,
        previous_attempts: u32,
        ended: bool,
    }
}

impl<B: Body> RetryBody<B> {
    /// The body as it came.
    pub(crate) fn passthrough(inner: B) -> RetryBody<B> {
        RetryBody {
            first: None,
            inner,
            previous_attempts: 0,
            ended: false,
        }
    }

    /// The body after its first frame was read (`None`: it had none).
    pub(crate) fn after_first(
        first: Option<Result<Frame<Bytes>, B::Error>>,
        inner: B,
        attempt: u32,
    ) -> RetryBody<B> {
        let ended = first.is_none();
        RetryBody {
            first,
            inner,
            previous_attempts: attempt.saturating_sub(1),
            ended,
        }
    }
}

impl<B: Body + Default> Default for RetryBody<B> {
    fn default() -> RetryBody<B> {
        RetryBody::passthrough(B::default())
    }
}

impl<B: Body> std::fmt::Debug for RetryBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryBody")
            .field("previous_attempts", &self.previous_attempts)
            .finish_non_exhaustive()
    }
}

impl<B> Body for RetryBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = self.project();
        if *this.ended {
            return Poll::Ready(None);
        }
        let frame = match this.first.take() {
            Some(frame) => Some(frame),
            None => match this.inner.poll_frame(cx) {
                Poll::Ready(frame) => frame,
                Poll::Pending => return Poll::Pending,
            },
        };
        let frame = match frame {
            Some(Ok(mut frame)) => {
                if let Some(trailers) = frame.trailers_mut() {
                    if *this.previous_attempts > 0 {
                        trailers.insert(
                            PREVIOUS_ATTEMPTS,
                            HeaderValue::from(*this.previous_attempts),
                        );
                    }
                }
                Some(Ok(frame))
            }
            other => other,
        };
        if frame.is_none() {
            *this.ended = true;
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.ended || (self.first.is_none() && self.inner.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        if self.first.is_some() {
            SizeHint::default()
        } else {
            self.inner.size_hint()
        }
    }
}
