//! [`InFlight`]: one RPC the layers are watching, and the one event it
//! ends with.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tonic::Status;

use super::deadline::{near_deadline, parse_grpc_timeout};
use super::event::{details_wanted, enabled, Fields};
use super::headers::{attempts_in, status_from_headers, GRPC_STATUS, GRPC_TIMEOUT};
use super::outcome::Outcome;
use super::service_error::ServiceError;
use super::shared::Shared;
use super::{RpcRecord, Side};
use crate::Error;

/// How an RPC ended, as a layer saw it.
pub(crate) enum Ending<'a> {
    /// Headers or trailers arrived that may carry a status; parsed only
    /// if the event is wanted.
    Headers {
        headers: &'a http::HeaderMap,
        /// The client layer removed a malformed details value from them.
        removed: bool,
        /// The server's own error, when a stream's failure handed it over.
        local: Option<&'a Error>,
    },
    /// A status, already parsed.
    Status {
        status: &'a Status,
        /// The server's own error, when the status carries it in-process:
        /// no decoding needed, and its source can be logged.
        local: Option<&'a Error>,
        /// The details header was not valid base64 and was left out.
        malformed_details: bool,
    },
    /// The response body failed.
    BodyError(&'a (dyn std::error::Error + 'static)),
    /// The inner service failed before any response; classified as tonic
    /// classifies it.
    ServiceError(ServiceError),
    /// The response ended without a status.
    MissingStatus,
    /// Dropped before the end: the peer went away, or the deadline passed.
    Dropped,
}

/// One RPC being watched. `finish` consumes it, so each RPC logs once.
#[derive(Debug)]
pub(crate) struct InFlight {
    shared: Arc<Shared>,
    side: Side,
    /// The request's path and query: `/pkg.Service/Method`.
    method: Option<http::uri::PathAndQuery>,
    started: Instant,
    deadline: Option<Duration>,
    /// The span the RPC runs in, entered again for events logged outside
    /// it (from the body, or on a drop).
    span: Option<tracing::Span>,
    /// Whether the span is wanted: an event can be logged (checked once,
    /// at the start), or the RPC is recorded on its span.
    keeps_span: bool,
    /// The in-process error a failing stream dropped, until its trailers.
    /// Boxed: rare, and an `InFlight` is moved with every future and body
    /// that holds it.
    dropped_error: Option<Box<Error>>,
    /// What re-encoding may need of the request, kept only when the layer
    /// re-encodes: its `accept-language`, for localized messages.
    accept_language: Option<http::HeaderValue>,
}

impl InFlight {
    pub(crate) fn start<B>(
        shared: &Arc<Shared>,
        side: Side,
        request: &http::Request<B>,
    ) -> InFlight {
        InFlight {
            shared: Arc::clone(shared),
            side,
            method: request.uri().path_and_query().cloned(),
            started: Instant::now(),
            deadline: request
                .headers()
                .get(&GRPC_TIMEOUT)
                .and_then(|value| parse_grpc_timeout(value.as_bytes())),
            span: None,
            keeps_span: shared.may_log(side) || shared.records_spans(),
            dropped_error: None,
            // A cheap clone of shared bytes; negotiated only if an error
            // is encoded again.
            accept_language: (side == Side::Server
                && (shared.localize || shared.encoder.is_some()))
            .then(|| {
                request
                    .headers()
                    .get(http::header::ACCEPT_LANGUAGE)
                    .cloned()
            })
            .flatten(),
        }
    }

    /// Keeps the current span, once, for the events logged outside it;
    /// not at all when no event of this layer can be logged, so a layer
    /// whose events are off does not touch the span registry.
    pub(crate) fn remember_span(&mut self) {
        if self.keeps_span && self.span.is_none() {
            self.span = Some(tracing::Span::current());
        }
    }

    pub(crate) fn set_dropped_error(&mut self, error: Box<Error>) {
        self.dropped_error = Some(error);
    }

    /// The dropped in-process error that `trailers` stand for: the last one
    /// dropped, if its gRPC code is theirs (a stream may drop statuses of
    /// its own before the one it yields).
    pub(crate) fn take_error_of(&mut self, trailers: &http::HeaderMap) -> Option<Error> {
        let error = self.dropped_error.take()?;
        let code = trailers
            .get(&GRPC_STATUS)
            .map(|value| tonic::Code::from_bytes(value.as_bytes()))?;
        (code == error.grpc_code()).then_some(*error)
    }

    /// The status to send for the handler's `error` instead of the one it
    /// was encoded into, if any: see [`reencode`](super::reencode::reencode).
    pub(crate) fn reencode(&self, error: &Error) -> Option<Status> {
        super::reencode::reencode(&self.shared, self.accept_language.as_ref(), error)
    }

    pub(crate) fn side(&self) -> Side {
        self.side
    }

    /// Logs the one event of this RPC and records it in the metrics. The
    /// gRPC code is read first; nothing is parsed, decoded or formatted
    /// unless the event's level is enabled or metrics are kept.
    pub(crate) fn finish(self, ending: Ending<'_>) {
        let latency = self.started.elapsed();
        let grpc_code = self.grpc_code(&ending, latency);
        // tonic's own timer: the request's deadline or the channel's
        // timeout ran out.
        // The log line's code stays what tonic hands the application
        // (CANCELLED); its outcome, level, metrics and span say what gRPC
        // calls it, DEADLINE_EXCEEDED (README, "Deadlines").
        let own_deadline = matches!(&ending, Ending::ServiceError(service) if service.timed_out);
        let named_code = if own_deadline {
            tonic::Code::DeadlineExceeded
        } else {
            grpc_code
        };
        let level = self.shared.levels.level(named_code);
        let log = enabled(self.side, level);
        if !log && self.shared.metrics.is_none() && !self.records_on_span() {
            return;
        }

        // What the retry layer inside says of the attempts made.
        let attempts = match &ending {
            Ending::Headers { headers, .. } => attempts_in(headers),
            Ending::Status { status, .. } => attempts_in(status.metadata().as_ref()),
            _ => None,
        };
        let parsed;
        let ending = match ending {
            // The client layer sanitized its headers and trailers already.
            Ending::Headers {
                headers,
                removed,
                local,
            } => match status_from_headers(headers, self.side == Side::Client) {
                Some((status, malformed)) => {
                    parsed = status;
                    Ending::Status {
                        status: &parsed,
                        local,
                        malformed_details: malformed || removed,
                    }
                }
                None => Ending::MissingStatus,
            },
            other => other,
        };
        let decoded;
        let outcome = match &ending {
            Ending::Status {
                status,
                local,
                malformed_details,
            } => Outcome::Status {
                status,
                error: if grpc_code == tonic::Code::Ok {
                    None
                } else {
                    match local {
                        Some(error) => Some(*error),
                        None => {
                            decoded = self.shared.decoder.decode(status);
                            Some(&decoded)
                        }
                    }
                },
                details_removed: *malformed_details,
            },
            Ending::BodyError(e) => Outcome::BodyError(e.to_string()),
            Ending::ServiceError(service) if service.timed_out => Outcome::Deadline,
            Ending::ServiceError(service) => Outcome::ServiceError(&service.text),
            Ending::MissingStatus | Ending::Headers { .. } => Outcome::NoStatus,
            Ending::Dropped if grpc_code == tonic::Code::DeadlineExceeded => Outcome::Deadline,
            Ending::Dropped => Outcome::Cancelled,
        };
        let error = outcome.error();

        let method = self.method.as_ref().map_or("", |m| m.path());
        if log {
            let fields = Fields {
                method,
                grpc_code,
                outcome: &outcome,
                status_details: outcome
                    .status_details()
                    .filter(|_| details_wanted(self.side)),
                latency,
                max_context_entries: self.shared.max_context_entries,
                attempts,
            };
            match &self.span {
                Some(span) if !span.is_none() => span.in_scope(|| fields.emit(self.side, level)),
                _ => fields.emit(self.side, level),
            }
        }
        #[cfg(feature = "otel")]
        if let (Some(spans), Some(span)) = (&self.shared.otel, &self.span) {
            spans.record(span, self.side, named_code, &outcome);
        }
        if let Some(metrics) = &self.shared.metrics {
            metrics.record(
                &RpcRecord::new(self.side, method, named_code, error, latency)
                    .with_attempts(attempts.unwrap_or(1)),
            );
        }
    }

    /// Whether the RPC is recorded on its span: the layer records spans,
    /// and the RPC ran in one.
    fn records_on_span(&self) -> bool {
        self.shared.records_spans() && self.span.as_ref().is_some_and(|span| !span.is_none())
    }

    /// The gRPC code an ending stands for, cheaply.
    fn grpc_code(&self, ending: &Ending<'_>, latency: Duration) -> tonic::Code {
        match ending {
            Ending::Status { status, .. } => status.code(),
            Ending::ServiceError(service) => service.code,
            Ending::Headers { headers, .. } => headers
                .get(&GRPC_STATUS)
                .map_or(tonic::Code::Unknown, |value| {
                    tonic::Code::from_bytes(value.as_bytes())
                }),
            Ending::BodyError(e) => e
                .downcast_ref::<Status>()
                .map_or(tonic::Code::Unknown, Status::code),
            Ending::MissingStatus => tonic::Code::Unknown,
            Ending::Dropped
                if self
                    .deadline
                    .is_some_and(|deadline| near_deadline(latency, deadline)) =>
            {
                tonic::Code::DeadlineExceeded
            }
            Ending::Dropped => tonic::Code::Cancelled,
        }
    }
}
