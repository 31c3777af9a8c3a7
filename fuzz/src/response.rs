//! A gRPC response made of given parts, as a tower service returns it to
//! the client layer.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use http_body::Frame;

use crate::inputs::Part;

/// A body that yields its frames, then ends.
pub struct PartsBody {
    frames: VecDeque<Result<Frame<Bytes>, tonic::Status>>,
}

impl http_body::Body for PartsBody {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, tonic::Status>>> {
        Poll::Ready(self.frames.pop_front())
    }
}

fn insert(map: &mut HeaderMap, name: &[u8], value: &[u8]) {
    if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
        map.append(name, value);
    }
}

/// The response `parts` describe: status 200, `content-type:
/// application/grpc`, the headers; then, unless the parts hold only
/// headers (a trailers-only response), the data frames and body errors in
/// order, then the trailers if there are any.
pub fn response(parts: &[Part]) -> http::Response<PartsBody> {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/grpc"));
    let mut trailers = HeaderMap::new();
    let mut frames = VecDeque::new();
    let base64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    for part in parts {
        match part {
            Part::Header(name, value) => insert(&mut headers, name, value),
            Part::Trailer(name, value) => insert(&mut trailers, name, value),
            Part::Details {
                in_trailers: false,
                bytes,
            } => insert(
                &mut headers,
                b"grpc-status-details-bin",
                base64(bytes).as_bytes(),
            ),
            Part::Details {
                in_trailers: true,
                bytes,
            } => insert(
                &mut trailers,
                b"grpc-status-details-bin",
                base64(bytes).as_bytes(),
            ),
            Part::RawData(bytes) => {
                frames.push_back(Ok(Frame::data(Bytes::copy_from_slice(bytes))))
            }
            Part::Message(message) => {
                let mut framed = Vec::with_capacity(5 + message.len());
                framed.push(0);
                framed.extend_from_slice(&(message.len() as u32).to_be_bytes());
                framed.extend_from_slice(message);
                frames.push_back(Ok(Frame::data(framed.into())));
            }
            Part::BodyError(code) => frames.push_back(Err(tonic::Status::new(
                tonic::Code::from_i32(i32::from(*code)),
                "body failed",
            ))),
        }
    }
    if !trailers.is_empty() {
        frames.push_back(Ok(Frame::trailers(trailers)));
    }
    let mut response = http::Response::new(PartsBody { frames });
    *response.headers_mut() = headers;
    response
}
