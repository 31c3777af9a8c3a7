//! Tower layers that log and count every RPC, on both sides of the wire.
//!
//! A status reaches the peer either in the response **headers** (a
//! trailers-only response: every handler `Err`) or in the **trailers** at
//! the end of a stream. [`LogLayer`] watches both, like tower-http's
//! `GrpcErrorsAsFailures` classifier (headers first, then trailers), but it
//! also decodes the details, so each failed RPC is one log line with its
//! catalog code:
//!
//! ```text
//! ERROR csghub_errorx::server: rpc failed rpc.system=grpc rpc.method=/csghub.errorx.demo.v1.Demo/Fail
//!   rpc.grpc.status_code=13 grpc.code=INTERNAL code=SYS-ERR-2 reason=DATABASE_FAILURE module=SYS
//!   context="table=users" error.source="connection reset" outcome=status latency_ms=0.4
//! ```
//!
//! Events go to the targets `csghub_errorx::server` and
//! `csghub_errorx::client`. Field names follow the OpenTelemetry RPC
//! conventions where one exists (`rpc.system`, `rpc.method`,
//! `rpc.grpc.status_code`, `error.source`). Levels follow
//! [`LevelPolicy`].
//! When the target is enabled at `DEBUG`, a failure's line also carries
//! `grpc.status_details_bin`, the status details in base64: paste the line
//! into `errorx decode` to see every detail. Details over 16 KiB (more
//! than a tonic client accepts by default: a broken or hostile peer) are
//! left out, and `grpc.status_details_bin_omitted_len` gives their length.
//!
//! Every string a peer controls (the method a client called, a decoded
//! error's code string, reason, message and context, a body error's text)
//! is escaped and cut before it reaches a line, so that no peer can forge
//! a line, move a terminal's cursor, or write a megabyte into the log.
//!
//! Every event of an RPC is inside the span that was current when the RPC
//! started (tonic's `trace_fn`, tower-http's `TraceLayer`, or the caller's
//! `#[instrument]`), also those logged when a stream ends or is dropped.
//!
//! On the server, the cause of an error (its
//! [`source`](std::error::Error::source)) is logged whether the handler
//! returned it or a stream yielded it mid-way: a status made by
//! [`StatusEncoder::into_status`] or `Status::from(error)` carries its
//! [`Error`](crate::Error) in-process, and the layer gets it back even
//! after tonic has turned the status into trailers. A cloned status
//! (rare: tonic's `Status` is not `Clone`) loses that, and is logged from
//! its headers, without the cause.
//!
//! Both layers pass the inner service's error through unchanged, and their
//! body ([`LoggedBody`]) is `Default`, so they fit every stack: generated
//! clients' `new` and `with_interceptor`, `InterceptorLayer`,
//! `Server::builder().layer(..)`, tower's `timeout`, and tower-http's
//! `TraceLayer` (use its span, and let this layer write the line; see
//! `examples/tower_http.rs`).
//!
//! The server side localizes: a request with `accept-language` gets its
//! error's `google.rpc.LocalizedMessage` in the negotiated locale
//! ([`LogLayer::localize`]).
//!
//! The client side also guards tonic: `Status::from_header_map` in tonic
//! 0.14 panics on a `grpc-status-details-bin` that is not base64, so the
//! client layer removes such a value, from headers and trailers, before
//! tonic sees it. The outer code and message stay, and the problem is
//! logged: in the RPC's event (`detail`), and always as a `WARN` on the
//! target `csghub_errorx::guard`. tonic also turns a `grpc-message` whose
//! percent-decoding is not UTF-8 into an `UNKNOWN` status of its own,
//! losing the peer's code; the client layer replaces the invalid bytes
//! (U+FFFD) first, and says so the same way. The decoded error reports
//! either in its [`decode_problems`](crate::Error::decode_problems).
//!
//! ```no_run
//! use csghub_errorx_demo::{DemoClient, DemoServer, DemoService};
//! use csghub_errorx::layer::{CountingMetrics, LogLayer};
//! use tower::ServiceBuilder;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Server: log every RPC of every service.
//! let server = tonic::transport::Server::builder()
//!     .layer(LogLayer::server())
//!     .add_service(DemoServer::new(DemoService::new()))
//!     .serve("127.0.0.1:50051".parse()?);
//!
//! // Client: log and count every call on this channel.
//! let metrics = CountingMetrics::new();
//! let channel = tonic::transport::Channel::from_static("http://127.0.0.1:50051").connect().await?;
//! let channel = ServiceBuilder::new().layer(LogLayer::client().metrics(metrics.clone())).service(channel);
//! let mut client = DemoClient::new(channel);
//! # Ok(())
//! # }
//! ```

/// `get_ref`, `get_mut` and `into_inner` for a middleware service whose
/// wrapped service is its `inner` field, as tower's services have them.
macro_rules! inner_service_accessors {
    ($service:ident<S $(, $param:ident)*>) => {
        impl<S $(, $param)*> $service<S $(, $param)*> {
            /// The service it wraps.
            pub fn get_ref(&self) -> &S {
                &self.inner
            }

            /// The service it wraps, to change it.
            pub fn get_mut(&mut self) -> &mut S {
                &mut self.inner
            }

            /// The service it wraps, unwrapped.
            pub fn into_inner(self) -> S {
                self.inner
            }
        }
    };
}
pub(crate) use inner_service_accessors;

mod base64_check;
mod body;
mod catch_panic;
mod deadline;
mod event;
mod headers;
mod in_flight;
mod metrics;
#[cfg(feature = "metrics")]
mod metrics_facade;
#[cfg(feature = "otel")]
mod otel;
mod outcome;
mod reencode;
#[cfg(feature = "retry")]
mod retry;
mod service;
mod service_error;
mod shared;

use std::sync::Arc;

use tower_layer::Layer;

pub use body::LoggedBody;
pub use catch_panic::{
    CatchPanicBody, CatchPanicFuture, CatchPanicLayer, CatchPanicService, Panicked,
};
pub use metrics::{CounterKey, CountingMetrics, RpcMetrics, RpcRecord, Side};
#[cfg(feature = "metrics")]
pub use metrics_facade::FacadeMetrics;
#[cfg(feature = "otel")]
pub use otel::OtelSpans;
#[cfg(feature = "retry")]
pub use retry::{
    attempts, RetryBody, RetryClass, RetryFuture, RetryLayer, RetryPolicy, RetryService,
    ThrottleConfig, MAX_ATTEMPTS, PREVIOUS_ATTEMPTS, RETRY_PUSHBACK,
};
pub use service::{LogFuture, LogService};
use shared::Shared;

use crate::log::LevelPolicy;
use crate::{StatusDecoder, StatusEncoder};

/// Logs one `tracing` event per completed RPC and feeds an optional
/// [`RpcMetrics`] (such as `FacadeMetrics`, with the `metrics` feature).
/// Build it for a server with [`LogLayer::server`] and for a client with
/// [`LogLayer::client`].
#[derive(Clone, Debug)]
pub struct LogLayer {
    side: Side,
    shared: Arc<Shared>,
}

impl LogLayer {
    /// How many context entries a log line shows unless set.
    pub const DEFAULT_MAX_CONTEXT_ENTRIES: usize = crate::log::DEFAULT_LOGGED_CONTEXT_ENTRIES;

    /// A layer for `tonic::transport::Server::builder().layer(..)`.
    pub fn server() -> LogLayer {
        LogLayer::new(Side::Server)
    }

    /// A layer for a client channel:
    /// `ServiceBuilder::new().layer(LogLayer::client()).service(channel)`.
    pub fn client() -> LogLayer {
        LogLayer::new(Side::Client)
    }

    fn new(side: Side) -> LogLayer {
        LogLayer {
            side,
            shared: Arc::new(Shared {
                levels: LevelPolicy::default(),
                max_context_entries: Self::DEFAULT_MAX_CONTEXT_ENTRIES,
                metrics: None,
                encoder: None,
                decoder: StatusDecoder::new(),
                localize: true,
                #[cfg(feature = "otel")]
                otel: Some(OtelSpans::new()),
            }),
        }
    }

    /// Sets the level of each outcome.
    pub fn levels(mut self, levels: LevelPolicy) -> LogLayer {
        Arc::make_mut(&mut self.shared).levels = levels;
        self
    }

    /// Sets how many context entries a log line shows (values are cut to
    /// 128 bytes).
    pub fn max_context_entries(mut self, count: usize) -> LogLayer {
        Arc::make_mut(&mut self.shared).max_context_entries = count;
        self
    }

    /// Counts every RPC in `metrics`. There is none unless set.
    pub fn metrics(mut self, metrics: impl RpcMetrics) -> LogLayer {
        Arc::make_mut(&mut self.shared).metrics = Some(Arc::new(metrics));
        self
    }

    /// The server's encoder. A handler's error converted with `?` (or
    /// `Status::from`) is encoded with the defaults; with an encoder that
    /// is not the default one, the server layer encodes every status that
    /// carries an in-process [`Error`](crate::Error) again, in a
    /// trailers-only response and in a stream's trailers alike, so that the
    /// whole server answers with one domain and one header budget. Nothing
    /// is re-encoded with the default encoder, which costs nothing extra.
    ///
    /// ```
    /// use csghub_errorx::layer::LogLayer;
    /// use csghub_errorx::StatusEncoder;
    ///
    /// let layer = LogLayer::server().encoder(StatusEncoder::new().domain("hub.example.com"));
    /// ```
    pub fn encoder(mut self, encoder: StatusEncoder) -> LogLayer {
        Arc::make_mut(&mut self.shared).encoder =
            (encoder != StatusEncoder::new()).then_some(encoder);
        self
    }

    /// Whether the server layer localizes errors, on by default: a request
    /// with an `accept-language` header gets exactly one
    /// `google.rpc.LocalizedMessage` in the locale negotiated from it
    /// ([`Locale::negotiate`](crate::Locale::negotiate)), with the catalog's
    /// message for the code. `grpc-message` stays the English description.
    /// A handler's own `LocalizedMessage` is kept. A request without the
    /// header costs nothing.
    ///
    /// ```
    /// use csghub_errorx::layer::LogLayer;
    ///
    /// let layer = LogLayer::server().localize(false);
    /// ```
    pub fn localize(mut self, yes: bool) -> LogLayer {
        Arc::make_mut(&mut self.shared).localize = yes;
        self
    }

    /// How the layer decodes a status from the wire for its log line and
    /// metrics; the default one unless set. A client of servers that send
    /// the catalog's reasons under their own domain accepts that domain:
    ///
    /// ```
    /// use csghub_errorx::layer::LogLayer;
    /// use csghub_errorx::StatusDecoder;
    ///
    /// let layer = LogLayer::client().decoder(StatusDecoder::new().accept_domain("git.example.com"));
    /// ```
    pub fn decoder(mut self, decoder: StatusDecoder) -> LogLayer {
        Arc::make_mut(&mut self.shared).decoder = decoder;
        self
    }

    /// How the layer records each RPC on the span it runs in, for
    /// OpenTelemetry (feature `otel`): [`OtelSpans::new`] unless set;
    /// `None` records nothing.
    ///
    /// ```
    /// use csghub_errorx::layer::{LogLayer, OtelSpans};
    ///
    /// let layer = LogLayer::client().otel(OtelSpans::new().legacy_status_code(true));
    /// let quiet = LogLayer::server().otel(None);
    /// ```
    #[cfg(feature = "otel")]
    pub fn otel(mut self, spans: impl Into<Option<OtelSpans>>) -> LogLayer {
        Arc::make_mut(&mut self.shared).otel = spans.into();
        self
    }
}

impl<S> Layer<S> for LogLayer {
    type Service = LogService<S>;

    fn layer(&self, inner: S) -> LogService<S> {
        LogService {
            inner,
            shared: Arc::clone(&self.shared),
            side: self.side,
        }
    }
}
