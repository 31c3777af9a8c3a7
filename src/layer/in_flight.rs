//! [`InFlight`]: one RPC the layers are watching, and the one event it
//! ends with.

use std::fmt::{self, Write as _};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tonic::Status;
use tracing::Level;

use super::headers::status_from_headers;
use super::{LevelPolicy, RpcMetrics, RpcRecord, Side};
use crate::http_status::grpc_code_name;
use crate::truncate::truncate;
use crate::Error;

/// The longest context value written into a log line.
const MAX_LOGGED_VALUE_LEN: usize = 128;
/// The longest message written into a log line.
const MAX_LOGGED_MESSAGE_LEN: usize = 512;

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
            Ending::Headers { headers, removed } => match status_from_headers(headers) {
                Some((status, malformed)) => {
                    parsed = status;
                    Ending::Status {
                        status: &parsed,
                        local: None,
                        malformed_details: malformed || removed,
                    }
                }
                None => Ending::MissingStatus,
            },
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

/// The parts of the event, borrowed.
struct Fields<'a> {
    method: &'a str,
    grpc_code: tonic::Code,
    outcome: &'a str,
    message: std::borrow::Cow<'a, str>,
    error: Option<&'a Error>,
    detail: Option<&'a str>,
    latency: Duration,
    max_context_entries: usize,
}

impl Fields<'_> {
    fn context(&self) -> Option<String> {
        let error = self.error?;
        if error.context().is_empty() || self.max_context_entries == 0 {
            return None;
        }
        let mut out = String::new();
        for (key, value) in error.context().iter().take(self.max_context_entries) {
            if !out.is_empty() {
                out.push(' ');
            }
            let _ = write!(out, "{key}={}", truncate(value, MAX_LOGGED_VALUE_LEN));
        }
        let more = error
            .context()
            .len()
            .saturating_sub(self.max_context_entries);
        if more > 0 {
            let _ = write!(out, " (+{more} more)");
        }
        Some(out)
    }

    fn source_chain(&self) -> Option<String> {
        let mut source = std::error::Error::source(self.error?)?;
        let mut out = source.to_string();
        while let Some(next) = source.source() {
            let _ = write!(out, ": {next}");
            source = next;
        }
        Some(out)
    }

    fn emit(&self, side: Side, level: Level) {
        let code = self
            .error
            .filter(|e| e.code().is_some())
            .map(Error::code_str);
        let reason = self.error.map(Error::reason);
        let module = self.error.and_then(Error::code).map(|c| c.module());
        let context = self.context();
        let source = self.source_chain();
        let text = if self.grpc_code == tonic::Code::Ok {
            "rpc succeeded"
        } else {
            "rpc failed"
        };
        macro_rules! event_at {
            ($target:literal, $level:expr) => {
                tracing::event!(
                    target: $target,
                    $level,
                    rpc.system = "grpc",
                    rpc.method = %self.method,
                    rpc.grpc.status_code = self.grpc_code as i32,
                    grpc.code = %grpc_code_name(self.grpc_code),
                    code = code.as_deref().map(tracing::field::display),
                    reason = reason.map(tracing::field::display),
                    module = module.map(tracing::field::display),
                    grpc.message = (!self.message.is_empty()).then_some(&*self.message),
                    context = context.as_deref(),
                    error.source = source.as_deref(),
                    outcome = %self.outcome,
                    detail = self.detail,
                    latency_ms = self.latency.as_secs_f64() * 1000.0,
                    "{text}"
                )
            };
        }
        macro_rules! event_for_side {
            ($target:literal) => {
                match level {
                    Level::ERROR => event_at!($target, Level::ERROR),
                    Level::WARN => event_at!($target, Level::WARN),
                    Level::INFO => event_at!($target, Level::INFO),
                    Level::DEBUG => event_at!($target, Level::DEBUG),
                    _ => event_at!($target, Level::TRACE),
                }
            };
        }
        match side {
            Side::Server => event_for_side!("csghub_errorx::server"),
            Side::Client => event_for_side!("csghub_errorx::client"),
        }
    }
}

/// Whether an event at `level` would be recorded, so a disabled level costs
/// no decoding or formatting.
fn enabled(side: Side, level: Level) -> bool {
    macro_rules! at {
        ($target:literal) => {
            match level {
                Level::ERROR => tracing::enabled!(target: $target, Level::ERROR),
                Level::WARN => tracing::enabled!(target: $target, Level::WARN),
                Level::INFO => tracing::enabled!(target: $target, Level::INFO),
                Level::DEBUG => tracing::enabled!(target: $target, Level::DEBUG),
                _ => tracing::enabled!(target: $target, Level::TRACE),
            }
        };
    }
    match side {
        Side::Server => at!("csghub_errorx::server"),
        Side::Client => at!("csghub_errorx::client"),
    }
}

/// Whether an RPC dropped after `latency` ran out its `deadline`. The
/// caller's clock started first (and its tonic enforces the deadline too),
/// so a peer that gives up at its deadline is seen here slightly early:
/// the last tenth of the deadline counts as reaching it.
fn near_deadline(latency: Duration, deadline: Duration) -> bool {
    latency >= deadline.saturating_sub(deadline / 10)
}

/// Parses a `grpc-timeout` value: 1 to 8 digits and a unit (H M S m u n).
fn parse_grpc_timeout(value: &[u8]) -> Option<Duration> {
    let (unit, digits) = value.split_last()?;
    if digits.is_empty() || digits.len() > 8 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let amount: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(match unit {
        b'H' => Duration::from_secs(amount * 3600),
        b'M' => Duration::from_secs(amount * 60),
        b'S' => Duration::from_secs(amount),
        b'm' => Duration::from_millis(amount),
        b'u' => Duration::from_micros(amount),
        b'n' => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_grpc_timeout;
    use std::time::Duration;

    #[test]
    fn grpc_timeouts_parse_per_the_spec() {
        assert_eq!(
            parse_grpc_timeout(b"100m"),
            Some(Duration::from_millis(100))
        );
        assert_eq!(parse_grpc_timeout(b"2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_grpc_timeout(b"123456789S"), None);
        assert_eq!(parse_grpc_timeout(b"S"), None);
        assert_eq!(parse_grpc_timeout(b"1x"), None);
    }
}
