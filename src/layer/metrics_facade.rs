//! [`FacadeMetrics`]: every RPC recorded in the `metrics` crate's facade,
//! named after the OpenTelemetry RPC semantic conventions.

use metrics::{Label, SharedString, Unit};

use super::{RpcMetrics, RpcRecord, Side};
use crate::Error;

/// The label value that stands for any value outside a bounded set: an
/// unknown code or module from a peer, a method the server does not serve.
/// The conventions' own fallback value.
pub(crate) const OTHER: &str = "_OTHER";

/// The longest method path kept as a label; longer ones are [`OTHER`].
const MAX_METHOD_LEN: usize = 256;

/// Records every completed RPC in the [`metrics`](https://docs.rs/metrics)
/// facade, so that any of its exporters (Prometheus, OTLP, statsd, ...)
/// sees them. Names, units and attributes follow the OpenTelemetry RPC
/// semantic conventions as of v1.45.0, where RPC is **Stable**:
///
/// - [`FacadeMetrics::SERVER_DURATION`] (`rpc.server.call.duration`) and
///   [`FacadeMetrics::CLIENT_DURATION`] (`rpc.client.call.duration`):
///   histograms in **seconds**, from the request to the end of the
///   response (for a stream, its last message and status).
/// - [`FacadeMetrics::SERVER_ERRORS`] and [`FacadeMetrics::CLIENT_ERRORS`]
///   (`errorx.rpc.server.errors`, `errorx.rpc.client.errors`): counters of
///   failed RPCs, by catalog code, for dashboards that want no histogram
///   arithmetic. Not part of the conventions, hence this library's prefix.
///
/// Labels:
/// - `rpc.system.name` = `grpc`;
/// - `rpc.method`: fully qualified, `pkg.Service/Method`; a path that is
///   not one, or that a server answers with `UNIMPLEMENTED` without a
///   catalog code (tonic's answer to a path it does not serve), is
///   `_OTHER`, so a client cannot mint series by calling made-up paths;
/// - `rpc.status_code`: the gRPC code's name, a string (`NOT_FOUND`);
/// - `error.type`: the same name, only when the RPC failed as the
///   conventions' span status defines it (on a server: `UNKNOWN`,
///   `DEADLINE_EXCEEDED`, `UNIMPLEMENTED`, `INTERNAL`, `UNAVAILABLE`,
///   `DATA_LOSS`; on a client: every code but `OK`);
/// - `error.code` (`GIT-ERR-8`) and `error.module` (`GIT`): only when the
///   status carried a catalog code. A code or module this build lacks (a
///   newer peer's, or a hostile one's) is `_OTHER`, so the number of
///   series stays bounded: at most the catalog's 100 codes and 10 modules,
///   plus `_OTHER`.
///
/// The conventions before v1.39 named these `rpc.server.duration` and
/// `rpc.client.duration` (milliseconds), with `rpc.system`, `rpc.service`
/// and an integer `rpc.grpc.status_code`; this adapter emits the current,
/// stable names only.
///
/// ```
/// use csghub_errorx::layer::{FacadeMetrics, LogLayer};
///
/// FacadeMetrics::describe(); // units and descriptions, once, for exporters that show them
/// let server_layer = LogLayer::server().metrics(FacadeMetrics::new());
/// let client_layer = LogLayer::client().metrics(FacadeMetrics::new());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct FacadeMetrics {
    _private: (),
}

impl FacadeMetrics {
    /// The histogram of inbound RPC durations, in seconds.
    pub const SERVER_DURATION: &'static str = "rpc.server.call.duration";
    /// The histogram of outbound RPC durations, in seconds.
    pub const CLIENT_DURATION: &'static str = "rpc.client.call.duration";
    /// The counter of failed inbound RPCs.
    pub const SERVER_ERRORS: &'static str = "errorx.rpc.server.errors";
    /// The counter of failed outbound RPCs.
    pub const CLIENT_ERRORS: &'static str = "errorx.rpc.client.errors";
    /// The counter of retried attempts of outbound RPCs (attempts past the
    /// first, as a retry layer inside the client layer made them), labelled
    /// as the RPC's last attempt: a call's attempts are its one count in
    /// the duration histogram plus its retries here. OpenTelemetry's RPC
    /// conventions name no such metric; gRPC's own OpenTelemetry plugin
    /// proposes `grpc.client.call.retries` (proposal A96, a draft), a
    /// histogram recorded for every call with `grpc.method` and
    /// `grpc.target` labels. That is another shape (and a value recorded on
    /// every succeeding call), so this counter keeps the crate's prefix.
    pub const CLIENT_RETRIES: &'static str = "errorx.rpc.client.retries";
    /// The histogram buckets the conventions recommend for the durations,
    /// in seconds: give them to your exporter (Prometheus'
    /// `set_buckets_for_metric`).
    pub const RECOMMENDED_BUCKETS: [f64; 14] = [
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
    ];

    /// An adapter for the globally installed recorder (or a local one, in
    /// scope when an RPC completes).
    pub fn new() -> FacadeMetrics {
        FacadeMetrics::default()
    }

    /// Describes the five metrics (unit and help text) to the current
    /// recorder. Call it once after installing the recorder.
    pub fn describe() {
        metrics::describe_histogram!(
            Self::SERVER_DURATION,
            Unit::Seconds,
            "Duration of inbound RPCs"
        );
        metrics::describe_histogram!(
            Self::CLIENT_DURATION,
            Unit::Seconds,
            "Duration of outbound RPCs"
        );
        metrics::describe_counter!(
            Self::SERVER_ERRORS,
            Unit::Count,
            "Failed inbound RPCs, by catalog code"
        );
        metrics::describe_counter!(
            Self::CLIENT_ERRORS,
            Unit::Count,
            "Failed outbound RPCs, by catalog code"
        );
        metrics::describe_counter!(
            Self::CLIENT_RETRIES,
            Unit::Count,
            "Retried attempts of outbound RPCs"
        );
    }
}

impl RpcMetrics for FacadeMetrics {
    fn record(&self, rpc: &RpcRecord<'_>) {
        let labels = labels(rpc);
        let (duration, errors) = match rpc.side {
            Side::Server => (Self::SERVER_DURATION, Self::SERVER_ERRORS),
            Side::Client => (Self::CLIENT_DURATION, Self::CLIENT_ERRORS),
        };
        if rpc.grpc_code != tonic::Code::Ok {
            metrics::counter!(errors, labels.iter()).increment(1);
        }
        if rpc.side == Side::Client && rpc.attempts > 1 {
            metrics::counter!(Self::CLIENT_RETRIES, labels.iter())
                .increment(u64::from(rpc.attempts - 1));
        }
        metrics::histogram!(duration, labels).record(rpc.latency.as_secs_f64());
    }
}

/// The labels of one RPC, every value from a bounded set.
fn labels(rpc: &RpcRecord<'_>) -> Vec<Label> {
    let status = crate::grpc_code::name(rpc.grpc_code);
    let mut labels = Vec::with_capacity(6);
    labels.push(Label::from_static_parts("rpc.system.name", "grpc"));
    labels.push(Label::new("rpc.method", method_label(rpc)));
    labels.push(Label::from_static_parts("rpc.status_code", status));
    if failed(rpc.side, rpc.grpc_code) {
        labels.push(Label::from_static_parts("error.type", status));
    }
    if let Some((code, module)) = rpc.error.and_then(catalog_labels) {
        labels.push(Label::from_static_parts("error.code", code));
        labels.push(Label::from_static_parts("error.module", module));
    }
    labels
}

/// `pkg.Service/Method`, or [`OTHER`] for a path that names no method the
/// server serves or is not a gRPC path at all.
fn method_label(rpc: &RpcRecord<'_>) -> SharedString {
    let unserved = rpc.side == Side::Server
        && rpc.grpc_code == tonic::Code::Unimplemented
        && rpc.error.and_then(Error::code).is_none();
    let method = rpc.method.strip_prefix('/').unwrap_or(rpc.method);
    let well_formed = method.len() <= MAX_METHOD_LEN
        && method.split_once('/').is_some_and(|(service, name)| {
            !service.is_empty()
                && !name.is_empty()
                && !name.contains('/')
                && method.bytes().all(|b| b.is_ascii_graphic())
        });
    if unserved || !well_formed {
        SharedString::const_str(OTHER)
    } else {
        SharedString::from(method.to_owned())
    }
}

/// Whether the conventions count the RPC as failed, by their span status.
fn failed(side: Side, code: tonic::Code) -> bool {
    use tonic::Code::*;
    match side {
        Side::Client => code != Ok,
        Side::Server => matches!(
            code,
            Unknown | DeadlineExceeded | Unimplemented | Internal | Unavailable | DataLoss
        ),
    }
}

/// `error.code` and `error.module`: the catalog's, or [`OTHER`] for what
/// this build lacks; `None` for an error without a catalog code.
fn catalog_labels(error: &Error) -> Option<(&'static str, &'static str)> {
    if let Some(code) = error.code() {
        return Some((code.as_str(), code.module().prefix()));
    }
    let unknown = error.unknown_code()?;
    Some((OTHER, unknown.module().map_or(OTHER, |m| m.prefix())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn record<'a>(side: Side, method: &'a str, grpc_code: tonic::Code) -> RpcRecord<'a> {
        RpcRecord::new(side, method, grpc_code, None, Duration::ZERO)
    }

    #[test]
    fn a_method_path_becomes_the_fully_qualified_method() {
        let rpc = record(Side::Client, "/pkg.Svc/Get", tonic::Code::Ok);
        assert_eq!(&*method_label(&rpc), "pkg.Svc/Get");
    }

    #[test]
    fn paths_that_are_no_methods_fold_into_other() {
        for path in ["/", "/a", "/a/b/c", "/a/b c", "//b"] {
            let rpc = record(Side::Client, path, tonic::Code::Ok);
            assert_eq!(&*method_label(&rpc), OTHER, "{path}");
        }
        let unserved = record(Side::Server, "/pkg.Svc/Nope", tonic::Code::Unimplemented);
        assert_eq!(&*method_label(&unserved), OTHER);
    }

    #[test]
    fn server_failures_follow_the_conventions_span_status() {
        assert!(!failed(Side::Server, tonic::Code::NotFound));
        assert!(failed(Side::Server, tonic::Code::Internal));
        assert!(failed(Side::Client, tonic::Code::NotFound));
        assert!(!failed(Side::Client, tonic::Code::Ok));
    }
}
