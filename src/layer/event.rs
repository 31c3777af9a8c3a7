//! [`Fields`]: the one `tracing` event of a completed RPC.

use std::time::Duration;

use base64::Engine as _;
use tracing::Level;

use super::outcome::Outcome;
use super::Side;
use crate::grpc_code::name as grpc_code_name;
use crate::log;
use crate::text::Escaped;
use crate::truncate::truncate;
use crate::Error;

/// The most status details bytes a `DEBUG` line carries (as base64): all
/// that fits in the 16 KiB header list a tonic client accepts by default,
/// so a well-behaved peer's status is there whole for `errorx decode`, and
/// a megabyte from a client with a raised limit is not.
const MAX_LOGGED_DETAILS_LEN: usize = 16 * 1024;

/// The parts of the event, borrowed.
pub(crate) struct Fields<'a> {
    pub(crate) method: &'a str,
    pub(crate) grpc_code: tonic::Code,
    pub(crate) outcome: &'a Outcome<'a>,
    /// The `grpc-status-details-bin` bytes, logged (as base64) only when
    /// the side's target is enabled at DEBUG: what `errorx decode` reads.
    pub(crate) status_details: Option<&'a [u8]>,
    pub(crate) latency: Duration,
    pub(crate) max_context_entries: usize,
    /// How many attempts the call made, when a retry layer made more
    /// than one.
    pub(crate) attempts: Option<u32>,
}

impl Fields<'_> {
    pub(crate) fn emit(&self, side: Side, level: Level) {
        // The code string and reason of a decoded error are the peer's:
        // escaped and bounded, so no peer can forge or flood a log line.
        let error = self.outcome.error();
        let code = error.and_then(Error::code_str);
        let code = code.as_deref().map(Escaped);
        let reason = error.map(|e| Escaped(e.reason()));
        let module = error.and_then(log::module_field);
        let context = error.and_then(|e| log::context_field(e, self.max_context_entries));
        let source = error.and_then(log::source_field);
        let detail = self.outcome.detail();
        let detail = detail
            .as_deref()
            .map(|d| truncate(d, log::MAX_LOGGED_TEXT_LEN));
        let message = truncate(self.outcome.message(), log::MAX_LOGGED_TEXT_LEN);
        // A server's method is the path the client sent: any bytes a URI
        // allows, C1 controls among them, up to the header limit.
        let method = Escaped(self.method);
        let (status_details, status_details_omitted) = match self.status_details {
            Some(bytes) if bytes.len() <= MAX_LOGGED_DETAILS_LEN => (
                Some(base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes)),
                None,
            ),
            // Cut base64 would not decode: say how long it was instead.
            Some(bytes) => (None, Some(bytes.len())),
            None => (None, None),
        };
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
                    rpc.system = %"grpc",
                    rpc.method = %method,
                    rpc.grpc.status_code = self.grpc_code as i32,
                    grpc.code = %grpc_code_name(self.grpc_code),
                    code = code.as_ref().map(tracing::field::display),
                    reason = reason.map(tracing::field::display),
                    module = module.map(tracing::field::display),
                    grpc.message = (!message.is_empty()).then_some(&*message),
                    context = context.as_deref(),
                    error.source = source.as_deref(),
                    outcome = %self.outcome.label(),
                    rpc.attempts = self.attempts,
                    detail = detail.as_deref(),
                    grpc.status_details_bin = status_details.as_deref(),
                    grpc.status_details_bin_omitted_len = status_details_omitted,
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

/// Whether the side's target is enabled at DEBUG, where the log line also
/// carries the status details for `errorx decode`.
pub(crate) fn details_wanted(side: Side) -> bool {
    enabled(side, Level::DEBUG)
}

/// Whether an event at `level` would be recorded, so a disabled level costs
/// no decoding or formatting.
pub(crate) fn enabled(side: Side, level: Level) -> bool {
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
