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

/// One gRPC length-prefixed message.
fn frame(message: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(5 + message.len());
    out.push(0);
    out.extend_from_slice(&(message.len() as u32).to_be_bytes());
    out.extend_from_slice(message);
    out.into()
}
