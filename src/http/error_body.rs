//! [`ErrorBody`]: the inner service's body, or an error body rendered by
//! the [`HttpErrorLayer`](super::HttpErrorLayer).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

pin_project! {
    /// The response body of an [`HttpErrorService`](super::HttpErrorService):
    /// the inner service's body as it was, or the error body the layer
    /// rendered in its place.
    #[derive(Debug)]
    pub struct ErrorBody<B> {
        // `None` when the layer rendered the body.
        #[pin]
        inner: Option<B>,
        // The rendered body; `None` once sent.
        rendered: Option<Bytes>,
    }
}

impl<B> ErrorBody<B> {
    /// The inner service's body, unchanged.
    pub fn inner(body: B) -> ErrorBody<B> {
        ErrorBody {
            inner: Some(body),
            rendered: None,
        }
    }

    pub(crate) fn rendered(text: String) -> ErrorBody<B> {
        ErrorBody {
            inner: None,
            rendered: Some(Bytes::from(text)),
        }
    }
}

impl<B: Default> Default for ErrorBody<B> {
    fn default() -> ErrorBody<B> {
        ErrorBody::inner(B::default())
    }
}

impl<B: Body<Data = Bytes>> Body for ErrorBody<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = self.project();
        match this.inner.as_pin_mut() {
            Some(body) => body.poll_frame(cx),
            None => Poll::Ready(this.rendered.take().map(|bytes| Ok(Frame::data(bytes)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Some(body) => body.is_end_stream(),
            None => self.rendered.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Some(body) => body.size_hint(),
            None => SizeHint::with_exact(self.rendered.as_ref().map_or(0, |b| b.len() as u64)),
        }
    }
}
