//! [`RpcMetrics`]: a hook that counts RPCs by method, gRPC code and
//! catalog code.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{Error, ErrorCode};

/// Which side of the wire an RPC was observed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// A server answering.
    Server,
    /// A client calling.
    Client,
}

impl Side {
    /// `"server"` or `"client"`, as in OpenTelemetry's span kinds.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Server => "server",
            Side::Client => "client",
        }
    }
}

/// One completed RPC, as the layers hand it to [`RpcMetrics`]. Its fields
/// may grow (`#[non_exhaustive]`); make one with [`RpcRecord::new`].
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct RpcRecord<'a> {
    /// Server or client.
    pub side: Side,
    /// The path, `/pkg.Service/Method`.
    pub method: &'a str,
    /// The gRPC code it ended with.
    pub grpc_code: tonic::Code,
    /// The error the status carried: the server's own, or decoded from the
    /// peer's. `None` on success and when the RPC ended without a status
    /// (a cancellation, a body or service error). A peer's code this build
    /// lacks is in [`Error::unknown_code`](crate::Error::unknown_code).
    pub error: Option<&'a Error>,
    /// From the request to the end of the response.
    pub latency: Duration,
    /// How many attempts the call made: more than 1 when a retry layer
    /// inside the client layer tried it again ([`RpcRecord::with_attempts`]).
    pub attempts: u32,
}

impl<'a> RpcRecord<'a> {
    /// A record of an RPC on `side` to `method` that ended with `grpc_code`
    /// (and `error`, if a status carried one) after `latency`.
    pub fn new(
        side: Side,
        method: &'a str,
        grpc_code: tonic::Code,
        error: Option<&'a Error>,
        latency: Duration,
    ) -> RpcRecord<'a> {
        RpcRecord {
            side,
            method,
            grpc_code,
            error,
            latency,
            attempts: 1,
        }
    }

    /// The record of a call that made `attempts` attempts (at least 1).
    pub fn with_attempts(mut self, attempts: u32) -> RpcRecord<'a> {
        self.attempts = attempts.max(1);
        self
    }

    /// The catalog code, when the status carried one.
    pub fn code(&self) -> Option<ErrorCode> {
        self.error.and_then(Error::code)
    }
}

/// Receives every completed RPC. Implement it to feed your own registry;
/// `FacadeMetrics` (feature `metrics`) feeds the
/// `metrics` crate, and so Prometheus, OTLP or statsd exporters. The layers
/// hold no metrics of their own and none unless you give them one.
///
/// ```
/// use csghub_errorx::layer::{RpcMetrics, RpcRecord};
///
/// struct PrintMetrics;
/// impl RpcMetrics for PrintMetrics {
///     fn record(&self, rpc: &RpcRecord<'_>) {
///         println!("{} {:?} {:?}", rpc.method, rpc.grpc_code, rpc.code());
///     }
/// }
/// ```
pub trait RpcMetrics: Send + Sync + 'static {
    /// Called once per completed RPC, on the task that completed it. Keep it
    /// cheap: it runs on the request path.
    fn record(&self, rpc: &RpcRecord<'_>);
}

/// The key [`CountingMetrics`] counts by.
pub type CounterKey = (Side, String, tonic::Code, Option<ErrorCode>);

/// An in-memory counter per (side, method, gRPC code, catalog code): for
/// your tests (assert that an RPC was counted with its code), and for
/// services that export counts themselves. Public API, kept small: a
/// `Mutex`ed map, not a metrics system; use `FacadeMetrics` for that.
///
/// ```
/// use csghub_errorx::layer::{CountingMetrics, RpcMetrics, RpcRecord, Side};
///
/// let metrics = CountingMetrics::new();
/// let latency = std::time::Duration::ZERO;
/// metrics.record(&RpcRecord::new(Side::Server, "/pkg.S/M", tonic::Code::NotFound, None, latency));
/// assert_eq!(metrics.count(Side::Server, "/pkg.S/M", tonic::Code::NotFound, None), 1);
/// ```
#[derive(Clone, Debug, Default)]
pub struct CountingMetrics {
    counts: Arc<Mutex<HashMap<CounterKey, u64>>>,
}

impl CountingMetrics {
    /// No counts yet.
    pub fn new() -> CountingMetrics {
        CountingMetrics::default()
    }

    /// The count for one key.
    pub fn count(
        &self,
        side: Side,
        method: &str,
        grpc_code: tonic::Code,
        code: Option<ErrorCode>,
    ) -> u64 {
        let counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        counts
            .get(&(side, method.to_string(), grpc_code, code))
            .copied()
            .unwrap_or(0)
    }

    /// Every count.
    pub fn snapshot(&self) -> HashMap<CounterKey, u64> {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl RpcMetrics for CountingMetrics {
    fn record(&self, rpc: &RpcRecord<'_>) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *counts
            .entry((rpc.side, rpc.method.to_string(), rpc.grpc_code, rpc.code()))
            .or_insert(0) += 1;
    }
}
