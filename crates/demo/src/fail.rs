//! [`DemoService`]: fails on purpose with any catalog code, so that
//! clients in any language can see each code on the wire.

use std::pin::Pin;
use std::time::Duration;

use tonic::codegen::tokio_stream::{self, Stream};
use tonic::{Request, Response, Status};

use crate::proto::demo_server::Demo;
use crate::proto::{FailReply, FailRequest};
use csghub_errorx::{Error, ErrorCode, StatusEncoder};

/// The most replies `FailStream` sends, whatever the request asks: a bound
/// on the work a caller can request.
pub const MAX_MESSAGES_BEFORE_ERROR: u32 = 1000;

/// The code a request names to make the handler panic (`Fail`) or its
/// stream panic after the requested replies (`FailStream`): what a bug in
/// a handler looks like. With `CatchPanicLayer` the peer gets `SYS-ERR-0`
/// (`INTERNAL`) and the connection goes on; the panic message, which names
/// [`PANIC_SECRET`], is never sent.
pub const PANIC: &str = "PANIC";

/// A text the panic message carries, so that tests can look for it on the
/// wire (it must not be there) and in the log line (it must be there).
pub const PANIC_SECRET: &str = "the demo panics with db-password=hunter2";

/// The `Demo` service.
#[derive(Clone, Debug, Default)]
pub struct DemoService {
    encoder: StatusEncoder,
}

impl DemoService {
    /// A service that encodes with the default [`StatusEncoder`].
    pub fn new() -> DemoService {
        DemoService::default()
    }

    /// A service that encodes with `encoder`.
    pub fn with_encoder(encoder: StatusEncoder) -> DemoService {
        DemoService { encoder }
    }
}

/// The error a request asks for: its code with its context, plus the
/// standard details that fit the code. A `code` that names no catalog code
/// gives `REQ-ERR-6` with a `BadRequest` violation on `code`.
pub fn requested_error(request: &FailRequest) -> Error {
    let code = match request.code.parse::<ErrorCode>() {
        Ok(code) => code,
        Err(e) => {
            return Error::new(ErrorCode::ERR_REQ_PARAM_INVALID)
                .with_context("field", "code")
                .add_field_violation("code", e.to_string());
        }
    };
    let mut error = Error::new(code).with_context_entries(&request.context);
    match code.grpc_code() {
        tonic::Code::ResourceExhausted | tonic::Code::Unavailable => {
            error = error.with_retry_delay(Duration::from_secs(1));
        }
        tonic::Code::NotFound => {
            let name = error.context().iter().next().map(|(_, v)| v.to_string());
            if let Some(name) = name {
                error = error.with_resource(code.name(), name);
            }
        }
        tonic::Code::InvalidArgument => {
            error = error.add_field_violation("context", code.description());
        }
        _ => {}
    }
    error
}

type ReplyStream = Pin<Box<dyn Stream<Item = Result<FailReply, Status>> + Send>>;

#[tonic::async_trait]
impl Demo for DemoService {
    async fn fail(&self, request: Request<FailRequest>) -> Result<Response<FailReply>, Status> {
        if request.get_ref().code == PANIC {
            panic!("{PANIC_SECRET}");
        }
        Err(self.encoder.into_status(requested_error(request.get_ref())))
    }

    type FailStreamStream = ReplyStream;

    async fn fail_stream(
        &self,
        request: Request<FailRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        let request = request.into_inner();
        let count = request.messages_before_error.min(MAX_MESSAGES_BEFORE_ERROR);
        if request.code == PANIC {
            return Ok(Response::new(Box::pin(PanickingReplies::new(count))));
        }
        let replies = (0..count).map(|index| Ok(FailReply { index }));
        let status = self.encoder.into_status(requested_error(&request));
        let stream = tokio_stream::iter(replies.chain(std::iter::once(Err(status))));
        Ok(Response::new(Box::pin(stream)))
    }
}

/// `count` replies, each after a moment (as a real stream awaits its
/// source between items, so tonic sends each before the next), then a
/// panic, as a bug in a stream would.
struct PanickingReplies {
    sent: u32,
    count: u32,
    waited: bool,
}

impl PanickingReplies {
    fn new(count: u32) -> PanickingReplies {
        PanickingReplies {
            sent: 0,
            count,
            waited: false,
        }
    }
}

impl Stream for PanickingReplies {
    type Item = Result<FailReply, Status>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if !self.waited {
            self.waited = true;
            cx.waker().wake_by_ref();
            return std::task::Poll::Pending;
        }
        self.waited = false;
        if self.sent == self.count {
            panic!("{PANIC_SECRET}");
        }
        self.sent += 1;
        std::task::Poll::Ready(Some(Ok(FailReply {
            index: self.sent - 1,
        })))
    }
}
