//! A hand-driven HTTP/2 server on 127.0.0.1 that answers every request with
//! the headers and trailers a test gives it: a malformed gRPC peer.

use std::net::SocketAddr;

use bytes::Bytes;
use http::{HeaderMap, Response};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How the raw server answers.
#[derive(Clone)]
pub enum Answer {
    /// A trailers-only response: one HEADERS frame with these gRPC headers.
    TrailersOnly(HeaderMap),
    /// Headers, one gRPC message, then these trailers.
    MessageThenTrailers {
        message: Vec<u8>,
        trailers: HeaderMap,
    },
    /// Headers, one gRPC message, then a stream reset.
    MessageThenReset { message: Vec<u8> },
    /// Headers, one gRPC message, then a GOAWAY that ends the connection.
    MessageThenGoAway { message: Vec<u8> },
    /// Headers, one gRPC message, then the end of the stream with no
    /// trailers at all.
    MessageThenEnd { message: Vec<u8> },
}

pub struct RawH2Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for RawH2Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawH2Server {
    pub async fn start(answer: Answer) -> RawH2Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let answer = answer.clone();
                tokio::spawn(async move {
                    let Ok(mut connection) = h2::server::handshake(socket).await else {
                        return;
                    };
                    while let Some(Ok((_request, mut respond))) = connection.accept().await {
                        if let Answer::MessageThenGoAway { message } = &answer {
                            // The connection itself ends: answered here,
                            // where the connection is.
                            // Kept open: the GOAWAY, not the stream, ends it.
                            let _open = go_away(&mut respond, message);
                            // Let the client take the headers first.
                            let wait = tokio::time::sleep(std::time::Duration::from_millis(100));
                            tokio::pin!(wait);
                            loop {
                                tokio::select! {
                                    _ = &mut wait => break,
                                    next = connection.accept() => if next.is_none() { return },
                                }
                            }
                            connection.abrupt_shutdown(h2::Reason::INTERNAL_ERROR);
                            while connection.accept().await.is_some() {}
                            return;
                        }
                        let answer = answer.clone();
                        tokio::spawn(async move {
                            let _ = reply(&mut respond, answer).await;
                        });
                    }
                });
            }
        });
        RawH2Server { addr, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

async fn reply(
    respond: &mut h2::server::SendResponse<Bytes>,
    answer: Answer,
) -> Result<(), h2::Error> {
    let mut head = Response::builder()
        .status(200)
        .header("content-type", "application/grpc");
    match answer {
        Answer::TrailersOnly(headers) => {
            for (name, value) in &headers {
                head = head.header(name, value);
            }
            respond.send_response(head.body(()).expect("response"), true)?;
        }
        Answer::MessageThenTrailers { message, trailers } => {
            let mut stream = respond.send_response(head.body(()).expect("response"), false)?;
            stream.send_data(frame(&message), false)?;
            stream.send_trailers(trailers)?;
        }
        Answer::MessageThenEnd { message } => {
            let mut stream = respond.send_response(head.body(()).expect("response"), false)?;
            stream.send_data(frame(&message), true)?;
        }
        Answer::MessageThenGoAway { .. } => unreachable!("answered on its connection"),
        Answer::MessageThenReset { message } => {
            let mut stream = respond.send_response(head.body(()).expect("response"), false)?;
            stream.send_data(frame(&message), false)?;
            // Let the client take the headers first, so the body fails.
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            stream.send_reset(h2::Reason::INTERNAL_ERROR);
        }
    }
    Ok(())
}

/// The headers and one message of a stream whose connection then goes away.
fn go_away(
    respond: &mut h2::server::SendResponse<Bytes>,
    message: &[u8],
) -> Result<h2::SendStream<Bytes>, h2::Error> {
    let head = Response::builder()
        .status(200)
        .header("content-type", "application/grpc")
        .body(())
        .expect("response");
    let mut stream = respond.send_response(head, false)?;
    stream.send_data(frame(message), false)?;
    Ok(stream)
}

/// One gRPC length-prefixed message.
fn frame(message: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(5 + message.len());
    out.push(0);
    out.extend_from_slice(&(message.len() as u32).to_be_bytes());
    out.extend_from_slice(message);
    out.into()
}

/// A hand-driven HTTP/2 client on one connection: a malformed or hostile
/// gRPC caller.
pub struct RawH2Client {
    send: h2::client::SendRequest<Bytes>,
    connection: JoinHandle<()>,
}

impl Drop for RawH2Client {
    fn drop(&mut self) {
        self.connection.abort();
    }
}

/// What a raw call got back: the response head and, if the response did
/// not end there, its body and trailers (or the error that ended it).
#[derive(Debug)]
pub struct RawReply {
    pub status: http::StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub trailers: Option<HeaderMap>,
    pub error: Option<h2::Error>,
}

impl RawReply {
    /// The `grpc-status` of the headers or the trailers.
    pub fn grpc_status(&self) -> Option<&str> {
        self.headers
            .get("grpc-status")
            .or_else(|| self.trailers.as_ref()?.get("grpc-status"))
            .and_then(|v| v.to_str().ok())
    }
}

impl RawH2Client {
    /// Connects with a header-list limit of `max_header_list_size`.
    pub async fn connect(addr: SocketAddr, max_header_list_size: u32) -> RawH2Client {
        let socket = tokio::net::TcpStream::connect(addr)
            .await
            .expect("connect loopback");
        let (send, connection) = h2::client::Builder::new()
            .max_header_list_size(max_header_list_size)
            .handshake(socket)
            .await
            .expect("h2 handshake");
        let connection = tokio::spawn(async move {
            let _ = connection.await;
        });
        RawH2Client { send, connection }
    }

    /// A gRPC request to `path` (any bytes a URI path allows) with
    /// `headers`, not yet sent.
    pub fn request(path: &[u8], headers: &HeaderMap) -> http::Request<()> {
        let mut uri = b"http://127.0.0.1".to_vec();
        uri.extend_from_slice(path);
        let mut request = http::Request::builder()
            .method("POST")
            .uri(http::Uri::try_from(uri).expect("a valid URI"))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(())
            .expect("request");
        request.headers_mut().extend(headers.clone());
        request
    }

    /// Sends `request` with one gRPC message, and opens its response.
    pub async fn start(
        &mut self,
        request: http::Request<()>,
        message: &[u8],
    ) -> Result<(h2::client::ResponseFuture, h2::SendStream<Bytes>), h2::Error> {
        let mut ready = self.send.clone().ready().await?;
        let (response, mut stream) = ready.send_request(request, false)?;
        stream.send_data(frame(message), false)?;
        Ok((response, stream))
    }

    /// Sends `request` with one gRPC message and reads the whole reply.
    pub async fn call(&mut self, request: http::Request<()>, message: &[u8]) -> RawReply {
        let (response, mut stream) = self.start(request, message).await.expect("send");
        let _ = stream.send_data(Bytes::new(), true);
        let response = match response.await {
            Ok(response) => response,
            Err(error) => {
                return RawReply {
                    status: http::StatusCode::OK,
                    headers: HeaderMap::new(),
                    body: Vec::new(),
                    trailers: None,
                    error: Some(error),
                }
            }
        };
        let (head, mut body) = response.into_parts();
        let mut reply = RawReply {
            status: head.status,
            headers: head.headers,
            body: Vec::new(),
            trailers: None,
            error: None,
        };
        while let Some(chunk) = body.data().await {
            match chunk {
                Ok(chunk) => {
                    let _ = body.flow_control().release_capacity(chunk.len());
                    reply.body.extend_from_slice(&chunk);
                }
                Err(error) => {
                    reply.error = Some(error);
                    return reply;
                }
            }
        }
        match body.trailers().await {
            Ok(trailers) => reply.trailers = trailers,
            Err(error) => reply.error = Some(error),
        }
        reply
    }
}
