//! [`OtelSpans`]: each RPC recorded on its OpenTelemetry span, by the RPC
//! semantic conventions (feature `otel`).

use std::borrow::Cow;

use opentelemetry::trace::Status;
use opentelemetry::KeyValue;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::catch_panic::Panicked;
use super::outcome::Outcome;
use super::Side;
use crate::grpc_code::name as grpc_code_name;
use crate::log;
use crate::text::Escaped;
use crate::truncate::truncate;
use crate::Error;

/// The most context keys a span may carry: each is an attribute of every
/// failed RPC's span.
const MAX_CONTEXT_KEYS: usize = 8;

/// How the layers record each RPC on the span it runs in (the span their
/// log line is in: tonic's `trace_fn`, tower-http's `TraceLayer`, a
/// client's `#[instrument]`), for `tracing-opentelemetry` to export. On by
/// default with the `otel` feature; [`LogLayer::otel`](super::LogLayer::otel)
/// configures it.
///
/// What a span gets, by OpenTelemetry's RPC semantic conventions
/// ([v1.44.0](https://github.com/open-telemetry/semantic-conventions/blob/v1.44.0/docs/rpc/grpc.md)):
///
/// - its **status**: `ERROR` with the `grpc-message` (escaped, cut) as its
///   description, on a **server** for `UNKNOWN`, `DEADLINE_EXCEEDED`,
///   `UNIMPLEMENTED`, `INTERNAL`, `UNAVAILABLE` and `DATA_LOSS` only (the
///   other codes are the client's doing), on a **client** for every code but
///   `OK`; otherwise left unset, whatever level the log line has: an
///   `INTERNAL` logged at `WARN` still marks the server span. One rule is
///   `tracing-opentelemetry`'s own and wins: it marks a span `ERROR` for
///   any `ERROR` event in it, and an OpenTelemetry span's status cannot be
///   unset again, so a [`LevelPolicy`](crate::log::LevelPolicy) that logs
///   a client's fault (`NOT_FOUND`) at `ERROR` on a server marks its span
///   too. Log such codes at `WARN` to keep the two apart.
/// - `rpc.response.status_code`: the code's name, `NOT_FOUND`; with
///   [`OtelSpans::legacy_status_code`], also the older
///   `rpc.grpc.status_code` (its number), for dashboards that migrate.
/// - on failure, `error.type`: the catalog reason (`GIT_AUTH_FAILED`) for a
///   code of a catalog the layer knows, else the gRPC code's name, so
///   that its values stay few, as the conventions ask; and `error.code`
///   (`GIT-ERR-8`), `error.module` (`GIT`) and `error.domain`, as the log
///   line and the metrics name them.
/// - on a server, an `rpc.server.call.exception` event for an error with a
///   cause (the handler's error source, a panic), with the cause as
///   `exception.message`; the cause is never sent to the peer. On a
///   client, an `rpc.client.call.exception` event for a call that failed
///   without a status (a transport or body error).
/// - only if asked, [context](OtelSpans::context_keys) entries, as
///   `error.context.<key>`: they can be personal data.
///
/// ```
/// use csghub_errorx::layer::{LogLayer, OtelSpans};
///
/// let layer = LogLayer::server().otel(OtelSpans::new().context_keys(["repo"]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OtelSpans {
    context_keys: Vec<Cow<'static, str>>,
    legacy_status_code: bool,
}

impl OtelSpans {
    /// Status, status code, error type, catalog code and exception events;
    /// no context, no legacy attribute.
    pub fn new() -> OtelSpans {
        OtelSpans::default()
    }

    /// Records the error's context entries with these keys (at most 8;
    /// more are ignored), as `error.context.<key>`, values escaped and cut
    /// to 128 bytes. Only allowlisted keys: context can be personal data.
    pub fn context_keys<I, K>(mut self, keys: I) -> OtelSpans
    where
        I: IntoIterator<Item = K>,
        K: Into<Cow<'static, str>>,
    {
        self.context_keys = keys
            .into_iter()
            .map(Into::into)
            .take(MAX_CONTEXT_KEYS)
            .collect();
        self
    }

    /// Also records `rpc.grpc.status_code`, the number, as conventions
    /// before v1.39 named it.
    pub fn legacy_status_code(mut self, yes: bool) -> OtelSpans {
        self.legacy_status_code = yes;
        self
    }

    /// Records one finished RPC on `span`.
    pub(crate) fn record(
        &self,
        span: &tracing::Span,
        side: Side,
        grpc_code: tonic::Code,
        outcome: &Outcome<'_>,
    ) {
        if span.is_none() {
            return;
        }
        let code_name = grpc_code_name(grpc_code);
        span.set_attribute("rpc.response.status_code", code_name);
        if self.legacy_status_code {
            span.set_attribute("rpc.grpc.status_code", grpc_code as i64);
        }
        let error = outcome.error();
        if grpc_code != tonic::Code::Ok {
            // A catalog's reasons are few; a peer's reason from a domain
            // no catalog knows could be anything, so it is not the type.
            let error_type = error
                .and_then(Error::code)
                .map_or(code_name, |code| code.reason());
            span.set_attribute("error.type", error_type);
            if let Some(error) = error {
                self.record_error(span, error);
            }
        }
        if is_error(side, grpc_code) {
            let message = outcome.message();
            let description = if message.is_empty() {
                outcome.label().to_string()
            } else {
                Escaped(&truncate(message, log::MAX_LOGGED_TEXT_LEN)).to_string()
            };
            span.set_status(Status::error(description));
        }
        match side {
            Side::Server => {
                if let Some(cause) = error.and_then(log::source_field) {
                    let mut attributes = vec![KeyValue::new(
                        "exception.message",
                        Escaped(&cause).to_string(),
                    )];
                    if panicked(error) {
                        attributes.push(KeyValue::new("exception.type", "panic"));
                    }
                    span.add_event("rpc.server.call.exception", attributes);
                }
            }
            Side::Client => {
                if let Some(detail) = outcome.transport_failure() {
                    let detail = truncate(detail, log::MAX_LOGGED_TEXT_LEN);
                    span.add_event(
                        "rpc.client.call.exception",
                        vec![KeyValue::new(
                            "exception.message",
                            Escaped(&detail).to_string(),
                        )],
                    );
                }
            }
        }
    }

    /// The catalog's attributes of a failed RPC's error: what a peer sent
    /// is escaped and cut, as in the log line.
    fn record_error(&self, span: &tracing::Span, error: &Error) {
        if let Some(code) = error.code_str() {
            span.set_attribute(
                "error.code",
                Escaped(&truncate(&code, log::MAX_LOGGED_VALUE_LEN)).to_string(),
            );
        }
        if let Some(module) = log::module_field(error) {
            span.set_attribute("error.module", module.prefix());
        }
        let domain = error.domain().or_else(|| error.code().map(|c| c.domain()));
        if let Some(domain) = domain {
            span.set_attribute(
                "error.domain",
                Escaped(&truncate(domain, log::MAX_LOGGED_VALUE_LEN)).to_string(),
            );
        }
        for key in &self.context_keys {
            if let Some(value) = error.context().get(key) {
                span.set_attribute(
                    format!("error.context.{key}"),
                    Escaped(&truncate(value, log::MAX_LOGGED_VALUE_LEN)).to_string(),
                );
            }
        }
    }
}

/// Whether the conventions make `code` an error on `side`.
fn is_error(side: Side, code: tonic::Code) -> bool {
    use tonic::Code;
    match side {
        Side::Client => code != Code::Ok,
        Side::Server => matches!(
            code,
            Code::Unknown
                | Code::DeadlineExceeded
                | Code::Unimplemented
                | Code::Internal
                | Code::Unavailable
                | Code::DataLoss
        ),
    }
}

/// Whether the error's cause is a handler's panic.
fn panicked(error: Option<&Error>) -> bool {
    let mut source = error.and_then(|e| std::error::Error::source(e));
    while let Some(cause) = source {
        if cause.is::<Panicked>() {
            return true;
        }
        source = cause.source();
    }
    false
}
