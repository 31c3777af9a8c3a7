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
    Whole(Replay),
    /// More than the bound: what was read, and the rest, sent once.
    TooLarge(VecDeque<Bytes>, B),
    /// The body failed.
    Failed(BoxError),
}

/// Reads `body` whole if it is at most `max` bytes. A gRPC request body is
/// its messages, ended by the client; for unary and server-streaming calls
/// that is one message, ready at once, kept as it came (no copy, no list).
pub(crate) async fn buffer_request<B>(mut body: B, max: usize) -> Buffered<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    let size_hint = body.size_hint();
    let mut first: Option<Bytes> = None;
    // Made on a second chunk only.
    let mut more: Option<BytesMut> = None;
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
        if len > max {
            let mut prefix = VecDeque::with_capacity(2);
            prefix.extend(more.map(BytesMut::freeze).or(first));
            prefix.push_back(data);
            return Buffered::TooLarge(prefix, body);
        }
        match (&mut more, first.take()) {
            (Some(whole), _) => whole.extend_from_slice(&data),
            (None, None) => first = Some(data),
            (None, Some(earlier)) => {
                let mut whole = BytesMut::with_capacity(len);
                whole.extend_from_slice(&earlier);
                whole.extend_from_slice(&data);
                more = Some(whole);
            }
        }
    }
    Buffered::Whole(Replay {
        message: more.map(BytesMut::freeze).or(first).unwrap_or_default(),
        size_hint,
    })
}

/// A request body read whole, to send at each attempt.
#[derive(Clone, Debug)]
pub(crate) struct Replay {
    message: Bytes,
    /// What the application's body said of its size, said again: a body
    /// whose size was not known sends no `content-length`, so an attempt
    /// is on the wire what the call would have been without the layer.
    size_hint: SizeHint,
}

impl Replay {
    /// The body of one attempt.
    pub(crate) fn body(&self) -> ReplayBody {
        ReplayBody {
            message: (!self.message.is_empty()).then(|| self.message.clone()),
            size_hint: self.size_hint,
        }
    }
}

/// One attempt's request body: the kept message, once.
#[derive(Debug)]
pub(crate) struct ReplayBody {
    message: Option<Bytes>,
    size_hint: SizeHint,
}

impl Body for ReplayBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.message.take().map(|message| Ok(Frame::data(message))))
    }

    fn is_end_stream(&self) -> bool {
        self.message.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        self.size_hint
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::StreamBody;

    /// A body of `chunks`, its size unknown as tonic's request bodies are.
    fn chunked(chunks: &[&'static [u8]]) -> impl Body<Data = Bytes, Error = BoxError> + Unpin {
        let frames: Vec<Result<Frame<Bytes>, BoxError>> = chunks
            .iter()
            .map(|chunk| Ok(Frame::data(Bytes::from_static(chunk))))
            .collect();
        StreamBody::new(tokio_stream::iter(frames))
    }

    async fn replayed(replay: &Replay) -> Bytes {
        replay.body().collect().await.unwrap().to_bytes()
    }

    #[tokio::test]
    async fn one_chunk_is_kept_as_it_came_and_sent_again_whole() {
        let Buffered::Whole(replay) = buffer_request(chunked(&[b"message"]), 64).await else {
            panic!("within the bound");
        };
        assert_eq!(replayed(&replay).await, "message");
        assert_eq!(replayed(&replay).await, "message");
        assert_eq!(replay.body().size_hint().exact(), None);
    }

    #[tokio::test]
    async fn chunks_are_joined_in_order() {
        let Buffered::Whole(replay) = buffer_request(chunked(&[b"a", b"bc", b"def"]), 6).await
        else {
            panic!("within the bound");
        };
        assert_eq!(replayed(&replay).await, "abcdef");
    }

    #[tokio::test]
    async fn an_empty_body_is_replayed_empty() {
        let Buffered::Whole(replay) = buffer_request(chunked(&[]), 64).await else {
            panic!("within the bound");
        };
        assert!(replay.body().is_end_stream());
        assert_eq!(replayed(&replay).await, "");
    }

    #[tokio::test]
    async fn a_body_over_the_bound_is_sent_on_with_nothing_lost() {
        let Buffered::TooLarge(prefix, rest) =
            buffer_request(chunked(&[b"ab", b"cd", b"ef", b"gh"]), 5).await
        else {
            panic!("over the bound");
        };
        let sent = PrefixedBody::new(prefix, rest).collect().await.unwrap();
        assert_eq!(sent.to_bytes(), "abcdefgh");
    }
}
