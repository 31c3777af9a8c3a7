//! The request body, kept to send again: read whole up to a bound, or
//! sent once when it is larger.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;

use crate::layer::service_error::BoxError;

/// What reading the request body gave.
pub(crate) enum Buffered<B> {
    /// All of it, within the bound: sent again at each attempt.
    Whole(Replay),
    /// Not kept, for `why`: what was read, and the rest, sent once.
    SentOnce {
        prefix: VecDeque<Bytes>,
        rest: B,
        why: NotKept,
    },
    /// The body failed.
    Failed(BoxError),
}

/// Why a request body is sent once, not kept for another attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotKept {
    /// It is larger than the retry buffer.
    TooLarge,
    /// Its next message is not there yet: a client-streaming or
    /// bidirectional call whose application sends as it goes (perhaps
    /// waiting for a response first), so it cannot be held back whole.
    StillStreaming,
}

/// Reads `body` whole if it is at most `max` bytes and all of it is there
/// now. A unary or server-streaming call's body (tonic's) is one message,
/// ready at once, and is kept as it came (no copy, no list); a body that
/// would make the call wait (its application sends as it goes) or is too
/// large goes on as it is.
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
    let sent_once = |first: Option<Bytes>, more: Option<BytesMut>, data, rest, why| {
        let mut prefix = VecDeque::with_capacity(2);
        prefix.extend(more.map(BytesMut::freeze).or(first));
        prefix.extend(data);
        Buffered::SentOnce { prefix, rest, why }
    };
    loop {
        // Only what is there now: waiting for a frame the application
        // sends after a response would never end.
        let frame = match poll_fn(|cx| Poll::Ready(Pin::new(&mut body).poll_frame(cx))).await {
            Poll::Ready(Some(frame)) => frame,
            Poll::Ready(None) => break,
            Poll::Pending => return sent_once(first, more, None, body, NotKept::StillStreaming),
        };
        let frame = match frame {
            Ok(frame) => frame,
            Err(error) => return Buffered::Failed(error.into()),
        };
        // Request trailers are not part of gRPC; anything else is data.
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if data.is_empty() {
            continue;
        }
        len += data.len();
        if len > max {
            return sent_once(first, more, Some(data), body, NotKept::TooLarge);
        }
        match (&mut more, first.take()) {
            (Some(whole), _) => whole.extend_from_slice(&data),
            (None, None) => first = Some(data),
            (None, Some(earlier)) => {
                let capacity = usize::try_from(size_hint.lower()).map_or(len, |hint| hint.max(len));
                let mut whole = BytesMut::with_capacity(capacity.min(max));
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
    /// whose size was not known sends no `content-length`, so an attempt's
    /// headers are what the call's would have been without the layer.
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
        // What is left: the application's hint until the message is sent.
        if self.message.is_some() {
            self.size_hint
        } else {
            SizeHint::with_exact(0)
        }
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
    use http_body_util::{BodyExt as _, StreamBody};

    type Frames = Vec<Result<Frame<Bytes>, BoxError>>;

    /// A body of `chunks`, its size unknown as tonic's request bodies are.
    fn chunked(chunks: &[&'static [u8]]) -> impl Body<Data = Bytes, Error = BoxError> + Unpin {
        let frames: Frames = chunks
            .iter()
            .map(|chunk| Ok(Frame::data(Bytes::from_static(chunk))))
            .collect();
        StreamBody::new(tokio_stream::iter(frames))
    }

    async fn replayed(replay: &Replay) -> Bytes {
        replay.body().collect().await.unwrap().to_bytes()
    }

    async fn sent_once<B>(buffered: Buffered<B>, expected_why: NotKept) -> Bytes
    where
        B: Body<Data = Bytes> + Unpin,
        B::Error: Into<BoxError>,
    {
        let Buffered::SentOnce { prefix, rest, why } = buffered else {
            panic!("not kept");
        };
        assert_eq!(why, expected_why);
        PrefixedBody::new(prefix, rest)
            .collect()
            .await
            .unwrap()
            .to_bytes()
    }

    #[tokio::test]
    async fn one_chunk_is_kept_as_it_came_and_sent_again_whole() {
        static MESSAGE: &[u8] = b"message";
        let Buffered::Whole(replay) = buffer_request(chunked(&[MESSAGE]), 64).await else {
            panic!("within the bound");
        };
        for _ in 0..2 {
            let sent = replayed(&replay).await;
            assert_eq!(sent, MESSAGE);
            assert_eq!(sent.as_ptr(), MESSAGE.as_ptr(), "not copied");
        }
        let mut body = replay.body();
        assert_eq!(body.size_hint().exact(), None, "as unknown as tonic's");
        let _ = body.frame().await;
        assert!(body.is_end_stream());
        assert_eq!(body.size_hint().exact(), Some(0), "nothing left");
    }

    #[tokio::test]
    async fn chunks_are_joined_in_order() {
        let Buffered::Whole(replay) = buffer_request(chunked(&[b"a", b"", b"bc", b"def"]), 6).await
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
        // Crossed by the first chunk, the second, and the third.
        for max in [1, 3, 5] {
            let buffered = buffer_request(chunked(&[b"ab", b"cd", b"ef", b"gh"]), max).await;
            assert_eq!(
                sent_once(buffered, NotKept::TooLarge).await,
                "abcdefgh",
                "{max}"
            );
        }
    }

    /// A client-streaming call whose application sends its second message
    /// after a response: the layer must not wait for it.
    #[tokio::test]
    async fn a_body_still_being_sent_goes_on_at_once_with_nothing_lost() {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, BoxError>>(4);
        sender
            .try_send(Ok(Frame::data(Bytes::from_static(b"first "))))
            .unwrap();
        let body = StreamBody::new(tokio_stream::wrappers::ReceiverStream::new(receiver));
        let buffered = buffer_request(body, 64).await;
        // Later, as the application would after reading a response.
        sender
            .try_send(Ok(Frame::data(Bytes::from_static(b"second"))))
            .unwrap();
        drop(sender);
        assert_eq!(
            sent_once(buffered, NotKept::StillStreaming).await,
            "first second"
        );
    }
}
