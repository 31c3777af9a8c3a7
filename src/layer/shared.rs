//! [`Shared`]: what a layer is configured with.

use std::fmt;
use std::sync::Arc;

use super::event::enabled;
use super::{RpcMetrics, Side};
use crate::log::LevelPolicy;
use crate::{StatusDecoder, StatusEncoder};

/// What a layer is configured with, shared by every RPC it watches.
#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) levels: LevelPolicy,
    pub(crate) max_context_entries: usize,
    pub(crate) metrics: Option<Arc<dyn RpcMetrics>>,
    /// The server's encoder, when it is not the default one: errors that
    /// carry an in-process [`Error`] are encoded again with it.
    pub(crate) encoder: Option<StatusEncoder>,
    /// How the log line and metrics decode a status from the wire.
    pub(crate) decoder: StatusDecoder,
    /// Whether the server answers a request with `accept-language` with a
    /// `LocalizedMessage` in its locale.
    pub(crate) localize: bool,
    /// How each RPC is recorded on its OpenTelemetry span, if it is.
    #[cfg(feature = "otel")]
    pub(crate) otel: Option<super::OtelSpans>,
}

impl Shared {
    /// Whether an event of this layer can be logged at all right now: its
    /// target is on at the least verbose level the policy uses (levels are
    /// nested: a target on at `INFO` is on at `ERROR`).
    pub(crate) fn may_log(&self, side: Side) -> bool {
        enabled(side, self.levels.least_verbose())
    }

    /// Whether each RPC is recorded on its span, besides any log line.
    pub(crate) fn records_spans(&self) -> bool {
        #[cfg(feature = "otel")]
        return self.otel.is_some();
        #[cfg(not(feature = "otel"))]
        return false;
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("levels", &self.levels)
            .field("max_context_entries", &self.max_context_entries)
            .field("metrics", &self.metrics.is_some())
            .field("encoder", &self.encoder)
            .field("localize", &self.localize)
            .field("decoder", &self.decoder)
            .finish()
    }
}
