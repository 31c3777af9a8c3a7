//! [`HttpEvent`]: the one `tracing` event of a completed HTTP request,
//! like the gRPC layers' (`csghub_errorx::server`), on the target
//! `csghub_errorx::http`.

use std::time::Duration;

use http::{Method, StatusCode};
use tracing::Level;

use crate::log;
use crate::text::Escaped;
use crate::truncate::truncate;
use crate::Error;

/// The parts of the event, borrowed.
pub(crate) struct HttpEvent<'a> {
    pub(crate) method: &'a Method,
    /// The route template that matched (`/v1/repos/{id}`), if known.
    pub(crate) route: Option<&'a str>,
    pub(crate) path: &'a str,
    pub(crate) status: StatusCode,
    pub(crate) error: Option<&'a Error>,
    pub(crate) latency: Duration,
}

impl HttpEvent<'_> {
    pub(crate) fn emit(&self, level: Level) {
        // Everything a peer may control (a forwarded error's code and
        // reason, the path, messages, context, the source's text) is
        // escaped and bounded: no peer can forge or flood a log line.
        let error = self.error;
        let code = error.and_then(Error::code_str);
        let code = code.as_deref().map(Escaped);
        let reason = error.map(|e| Escaped(e.reason()));
        let module = error.and_then(log::module_field);
        // Quoted and escaped as `Debug` writes a `str` (as the gRPC event's
        // message is), whatever the subscriber, and cut.
        let message = error.map(|e| truncate(e.message(), log::MAX_LOGGED_TEXT_LEN));
        let context =
            error.and_then(|e| log::context_field(e, log::DEFAULT_LOGGED_CONTEXT_ENTRIES));
        let source = error.and_then(log::source_field);
        let route = self.route.map(Escaped);
        let failed =
            self.status.is_client_error() || self.status.is_server_error() || error.is_some();
        let text = if failed {
            "request failed"
        } else {
            "request succeeded"
        };
        macro_rules! event_at {
            ($level:expr) => {
                tracing::event!(
                    target: "csghub_errorx::http",
                    $level,
                    http.request.method = %Escaped(self.method.as_str()),
                    http.route = route.map(tracing::field::display),
                    url.path = %Escaped(self.path),
                    http.response.status_code = self.status.as_u16(),
                    code = code.map(tracing::field::display),
                    reason = reason.map(tracing::field::display),
                    module = module.map(tracing::field::display),
                    error.message = message.as_deref().map(tracing::field::debug),
                    context = context.as_deref().map(tracing::field::debug),
                    error.source = source.as_deref().map(tracing::field::debug),
                    latency_ms = self.latency.as_secs_f64() * 1000.0,
                    "{text}"
                )
            };
        }
        match level {
            Level::ERROR => event_at!(Level::ERROR),
            Level::WARN => event_at!(Level::WARN),
            Level::INFO => event_at!(Level::INFO),
            Level::DEBUG => event_at!(Level::DEBUG),
            _ => event_at!(Level::TRACE),
        }
    }
}

/// Whether an event at `level` would be recorded, so a disabled level costs
/// no formatting.
pub(crate) fn enabled(level: Level) -> bool {
    match level {
        Level::ERROR => tracing::enabled!(target: "csghub_errorx::http", Level::ERROR),
        Level::WARN => tracing::enabled!(target: "csghub_errorx::http", Level::WARN),
        Level::INFO => tracing::enabled!(target: "csghub_errorx::http", Level::INFO),
        Level::DEBUG => tracing::enabled!(target: "csghub_errorx::http", Level::DEBUG),
        _ => tracing::enabled!(target: "csghub_errorx::http", Level::TRACE),
    }
}
