//! The request body, kept to send again: read whole up to a bound, or
//! sent once when it is larger.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt as _;
use pin_project_lite::pin_project;

use crate::layer::service_error::BoxError;

/// What reading the request body gave.
pub(crate) enum Buffered<B> {
    /// All of it, within the bound: sent again at each attempt.
    Whole(Bytes),
    /// More than the bound: what was read, and the rest, sent once.
    TooLarge(VecDeque<Bytes>, B),
    /// The body failed.
    Failed(BoxError),
}

/// Reads `body` whole if it is at most `max` bytes. A gRPC request body is
/// its messages, ended by the client; for unary and server-streaming calls
/// that is one message, ready at once.
pub(crate) async fn buffer_request<B>(mut body: B, max: usize) -> Buffered<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    let mut chunks = VecDeque::new();
    let mut len = 0;
    while let Some(frame) = body.frame().await {
        let frame = match frame {
            Ok(frame) => frame,
            Err(error) => return Buffered::Failed(error.into()),
        };
        // Request trailers are not part of gRPC; anything else is data.
        let Ok(data) = frame.into_data() else {
            continue;
        };
        len += data.len();
        chunks.push_back(data);
        if len > max {
            return Buffered::TooLarge(chunks, body);
        }
    }
    Buffered::Whole(match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.pop_front().unwrap_or_default(),
        _ => {
            let mut whole = BytesMut::with_capacity(len);
            chunks
                .iter()
                .for_each(|chunk| whole.extend_from_slice(chunk));
            whole.freeze()
        }
    })
}

pin_project! {
    /// What was read of a body too large to keep, then the rest of it.
    pub(crate) struct PrefixedBody<B> {
        prefix: VecDeque<Bytes>,
        #[pin]
        rest: B,
    }
}

impl<B> PrefixedBody<B> {
    pub(crate) fn new(prefix: VecDeque<Bytes>, rest: B) -> PrefixedBody<B> {
        PrefixedBody { prefix, rest }
    }
}

impl<B> Body for PrefixedBody<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.project();
        if let Some(chunk) = this.prefix.pop_front() {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        this.rest
            .poll_frame(cx)
            .map(|frame| frame.map(|frame| frame.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.prefix.is_empty() && self.rest.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let prefix: u64 = self.prefix.iter().map(|c| c.len() as u64).sum();
        let rest = self.rest.size_hint();
        let mut hint = SizeHint::new();
        hint.set_lower(prefix + rest.lower());
        if let Some(upper) = rest.upper() {
            hint.set_upper(prefix + upper);
        }
        hint
    }
}

/// A body that fails with the error the application's body failed with.
pub(crate) struct FailedBody {
    error: Option<BoxError>,
}

impl FailedBody {
    pub(crate) fn new(error: BoxError) -> FailedBody {
        FailedBody { error: Some(error) }
    }
}

impl Body for FailedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Poll::Ready(self.error.take().map(Err))
    }
}
