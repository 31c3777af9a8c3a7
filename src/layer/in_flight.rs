//! [`InFlight`]: one RPC the layers are watching, and the one event it
//! ends with.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tonic::Status;

use super::deadline::{near_deadline, parse_grpc_timeout};
use super::event::{enabled, Fields, MAX_LOGGED_MESSAGE_LEN};
use super::headers::status_from_headers;
use super::{LevelPolicy, RpcMetrics, RpcRecord, Side};
use crate::truncate::truncate;
use crate::Error;

/// What a layer is configured with, shared by every RPC it watches.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) levels: LevelPolicy,
    pub(crate) max_context_entries: usize,
    pub(crate) metrics: Option<Arc<dyn RpcMetrics>>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("levels", &self.levels)
            .field("max_context_entries", &self.max_context_entries)
            .field("metrics", &self.metrics.is_some())
            .finish()
    }
}

/// How an RPC ended, as a layer saw it.
pub(crate) enum Ending<'a> {
    /// Headers or trailers arrived that may carry a status; parsed only
    /// if the event is wanted.
    Headers {
        headers: &'a http::HeaderMap,
        /// The client layer removed a malformed details value from them.
        removed: bool,
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
    ServiceError(&'a Status),
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
    method: http::Uri,
    started: Instant,
    deadline: Option<Duration>,
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
            method: request.uri().clone(),
            started: Instant::now(),
            deadline: request
                .headers()
                .get("grpc-timeout")
                .and_then(|value| parse_grpc_timeout(value.as_bytes())),
        }
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
        let level = self.shared.levels.level(grpc_code);
        let log = enabled(self.side, level);
        if !log && self.shared.metrics.is_none() {
            return;
        }

        let parsed;
        let ending = match ending {
            // The client layer sanitized its headers and trailers already.
            Ending::Headers { headers, removed } => {
                match status_from_headers(headers, self.side == Side::Client) {
                    Some((status, malformed)) => {
                        parsed = status;
                        Ending::Status {
                            status: &parsed,
                            local: None,
                            malformed_details: malformed || removed,
                        }
                    }
                    None => Ending::MissingStatus,
                }
            }
            other => other,
        };
        let mut decoded = None;
        let (outcome, message, error, detail): (&str, &str, Option<&Error>, Option<String>) =
            match ending {
                Ending::Status {
                    status,
                    local,
                    malformed_details,
                } => {
                    let error = if grpc_code == tonic::Code::Ok {
                        None
                    } else {
                        local.or_else(|| Some(&*decoded.insert(Error::from_status(status))))
                    };
                    let problem = malformed_details.then(|| {
                        "grpc-status-details-bin was not valid base64 and was removed".to_string()
                    });
                    ("status", status.message(), error, problem)
                }
                Ending::BodyError(e) => ("body_error", "", None, Some(e.to_string())),
                Ending::ServiceError(status) => {
                    let cause = std::error::Error::source(status).map(ToString::to_string);
                    ("service_error", status.message(), None, cause)
                }
                Ending::MissingStatus | Ending::Headers { .. } => ("no_status", "", None, None),
                Ending::Dropped if grpc_code == tonic::Code::DeadlineExceeded => {
                    ("deadline", "", None, None)
                }
                Ending::Dropped => ("cancelled", "", None, None),
            };

        let method = self.method.path();
        if log {
            let fields = Fields {
                method,
                grpc_code,
                outcome,
                message: truncate(message, MAX_LOGGED_MESSAGE_LEN),
                error,
                detail: detail.as_deref(),
                latency,
                max_context_entries: self.shared.max_context_entries,
            };
            fields.emit(self.side, level);
        }
        if let Some(metrics) = &self.shared.metrics {
            metrics.record(&RpcRecord {
                side: self.side,
                method,
                grpc_code,
                code: error.and_then(Error::code),
                latency,
            });
        }
    }

    /// The gRPC code an ending stands for, cheaply.
    fn grpc_code(&self, ending: &Ending<'_>, latency: Duration) -> tonic::Code {
        match ending {
            Ending::Status { status, .. } | Ending::ServiceError(status) => status.code(),
            Ending::Headers { headers, .. } => headers
                .get("grpc-status")
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
