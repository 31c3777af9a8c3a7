//! `FacadeMetrics`: the layers' RPCs in the `metrics` facade, seen by a
//! real recorder (metrics-util's debugging recorder, and the Prometheus
//! exporter's text), against real tonic servers and clients on 127.0.0.1.
//!
//! Each test installs its recorder for its own thread only, and runs on a
//! current-thread runtime, so servers and clients record on that thread.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::pin::Pin;
use std::time::Duration;

use common::{request, DemoFixture};
use csghub_errorx::layer::{FacadeMetrics, LogLayer, LogService};
use csghub_errorx_demo::{
    Demo, DemoClient, DemoServer, DemoService, FailReply, FailRequest, GetRepoRequest, RepoService,
    ReposClient, ReposServer,
};
use metrics_util::debugging::{DebugValue, DebuggingRecorder, Snapshotter};
use metrics_util::MetricKind;
use prost::Message as _;
use tokio_stream::Stream;
use tonic::transport::{Channel, Server};
use tonic::{Request, Response, Status};
use tower::ServiceBuilder;

const FAIL: &str = "csghub.errorx.demo.v1.Demo/Fail";

/// One recorded series: its kind, name and labels, and its value.
#[derive(Debug)]
struct Series {
    kind: MetricKind,
    name: String,
    labels: BTreeMap<String, String>,
    value: DebugValue,
}

impl Series {
    fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(String::as_str)
    }

    fn samples(&self) -> usize {
        match &self.value {
            DebugValue::Histogram(samples) => samples.len(),
            DebugValue::Counter(count) => *count as usize,
            DebugValue::Gauge(_) => 1,
        }
    }
}

fn series(snapshotter: &Snapshotter) -> Vec<Series> {
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| Series {
            kind: key.kind(),
            name: key.key().name().to_string(),
            labels: key
                .key()
                .labels()
                .map(|l| (l.key().to_string(), l.value().to_string()))
                .collect(),
            value,
        })
        .collect()
}

fn named<'a>(all: &'a [Series], name: &str) -> Vec<&'a Series> {
    all.iter().filter(|s| s.name == name).collect()
}

async fn layered_server<D: Demo>(service: D) -> DemoFixture {
    DemoFixture::spawn(move |incoming| async move {
        let _ = Server::builder()
            .layer(LogLayer::server().metrics(FacadeMetrics::new()))
            .add_service(DemoServer::new(service))
            .add_service(ReposServer::new(RepoService::with_sample_data()))
            .serve_with_incoming(incoming)
            .await;
    })
    .await
}

async fn layered_channel(server: &DemoFixture) -> LogService<Channel> {
    ServiceBuilder::new()
        .layer(LogLayer::client().metrics(FacadeMetrics::new()))
        .service(server.channel().await)
}

/// Waits (5 s at most) until `done` holds of the recorded series: the
/// server records after the client has its answer.
async fn wait_for(snapshotter: &Snapshotter, done: impl Fn(&[Series]) -> bool) -> Vec<Series> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let all = series(snapshotter);
        if done(&all) || tokio::time::Instant::now() > deadline {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn histogram_samples(all: &[Series], name: &str) -> usize {
    named(all, name).iter().map(|s| s.samples()).sum()
}

#[tokio::test]
async fn durations_and_error_counts_carry_the_conventions_labels_and_the_catalog_code() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);
    FacadeMetrics::describe();

    let server = layered_server(DemoService::new()).await;
    let channel = layered_channel(&server).await;
    let mut demo = DemoClient::new(channel.clone());
    for code in ["GIT-ERR-9", "GIT-ERR-9", "SYS-ERR-2"] {
        let _ = demo.fail(request(code, &[], 0)).await;
    }
    ReposClient::new(channel)
        .get_repo(GetRepoRequest {
            name: "opencsg/csghub".into(),
        })
        .await
        .expect("a public repository");
    let all = wait_for(&snapshotter, |all| {
        histogram_samples(all, FacadeMetrics::SERVER_DURATION) == 4
    })
    .await;

    for (duration, errors, side) in [
        (
            FacadeMetrics::SERVER_DURATION,
            FacadeMetrics::SERVER_ERRORS,
            "server",
        ),
        (
            FacadeMetrics::CLIENT_DURATION,
            FacadeMetrics::CLIENT_ERRORS,
            "client",
        ),
    ] {
        let histograms = named(&all, duration);
        assert!(histograms.iter().all(|s| s.kind == MetricKind::Histogram));
        assert_eq!(
            histogram_samples(&all, duration),
            4,
            "{side}: {histograms:#?}"
        );
        let not_found = histograms
            .iter()
            .find(|s| s.label("error.code") == Some("GIT-ERR-9"))
            .unwrap_or_else(|| panic!("{side}: {histograms:#?}"));
        assert_eq!(not_found.samples(), 2);
        assert_eq!(not_found.label("rpc.system.name"), Some("grpc"));
        assert_eq!(not_found.label("rpc.method"), Some(FAIL));
        assert_eq!(not_found.label("rpc.status_code"), Some("NOT_FOUND"));
        assert_eq!(not_found.label("error.module"), Some("GIT"));
        // NOT_FOUND is the caller's fault: an error for the client only.
        let expected_type = (side == "client").then_some("NOT_FOUND");
        assert_eq!(not_found.label("error.type"), expected_type, "{side}");

        let internal = histograms
            .iter()
            .find(|s| s.label("error.code") == Some("SYS-ERR-2"))
            .expect("SYS-ERR-2");
        assert_eq!(internal.label("error.type"), Some("INTERNAL"), "{side}");

        let success = histograms
            .iter()
            .find(|s| s.label("rpc.status_code") == Some("OK"))
            .expect("the successful call");
        assert_eq!(
            success.label("rpc.method"),
            Some("csghub.errorx.demo.v1.Repos/GetRepo")
        );
        assert_eq!(success.label("error.type"), None);
        assert_eq!(success.label("error.code"), None);

        let counters = named(&all, errors);
        assert!(counters.iter().all(|s| s.kind == MetricKind::Counter));
        let by_code: BTreeMap<_, _> = counters
            .iter()
            .map(|s| (s.label("error.code").unwrap_or("-"), s.samples()))
            .collect();
        assert_eq!(
            by_code,
            BTreeMap::from([("GIT-ERR-9", 2), ("SYS-ERR-2", 1)]),
            "{side}"
        );
    }
    let described = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .find(|(key, ..)| key.key().name() == FacadeMetrics::SERVER_DURATION)
        .map(|(_, unit, ..)| unit);
    assert_eq!(described, Some(Some(metrics::Unit::Seconds)));
}

/// A hostile (or much newer) server: every call fails with a code this
/// build lacks, a different one each time, in modules known and unknown.
struct UnknownCodes;

#[tonic::async_trait]
impl Demo for UnknownCodes {
    async fn fail(&self, request: Request<FailRequest>) -> Result<Response<FailReply>, Status> {
        let n = request.get_ref().messages_before_error;
        let typed = csghub_errorx::proto::v1::ErrorInfo {
            // Modules 1 to 20: the 10 the catalog has, and 10 it lacks.
            module: (n % 20 + 1) as i32,
            number: 1000 + n,
            ..Default::default()
        };
        let inner = tonic_types::pb::Status {
            code: tonic::Code::NotFound as i32,
            message: "gone".into(),
            details: vec![prost_types::Any {
                type_url: "type.googleapis.com/csghub.errorx.v1.ErrorInfo".into(),
                value: typed.encode_to_vec(),
            }],
        };
        Err(Status::with_details(
            tonic::Code::NotFound,
            "gone",
            inner.encode_to_vec().into(),
        ))
    }

    type FailStreamStream = Pin<Box<dyn Stream<Item = Result<FailReply, Status>> + Send>>;

    async fn fail_stream(
        &self,
        _: Request<FailRequest>,
    ) -> Result<Response<Self::FailStreamStream>, Status> {
        Err(Status::unimplemented("unary only"))
    }
}

#[tokio::test]
async fn a_thousand_distinct_unknown_codes_fold_into_one_label_value() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);
    let server = DemoFixture::start_with(|b| b.add_service(DemoServer::new(UnknownCodes))).await;
    let mut client = DemoClient::new(layered_channel(&server).await);
    for n in 0..1000 {
        let status = client.fail(request("", &[], n)).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::NotFound);
    }
    let all = series(&snapshotter);
    let histograms = named(&all, FacadeMetrics::CLIENT_DURATION);
    assert_eq!(
        histogram_samples(&all, FacadeMetrics::CLIENT_DURATION),
        1000
    );
    let codes: BTreeSet<_> = histograms
        .iter()
        .filter_map(|s| s.label("error.code"))
        .collect();
    assert_eq!(codes, BTreeSet::from(["_OTHER"]));
    let modules: BTreeSet<_> = histograms
        .iter()
        .filter_map(|s| s.label("error.module"))
        .collect();
    // The 10 known modules by prefix, every unknown one as `_OTHER`.
    assert_eq!(modules.len(), 11, "{modules:?}");
    assert!(modules.contains("_OTHER") && modules.contains("GIT"));
    assert_eq!(histograms.len(), 11);
}

#[tokio::test]
async fn made_up_method_paths_fold_into_one_label_value_on_the_server() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);
    let server = layered_server(DemoService::new()).await;
    let channel = server.channel().await;
    for n in 0..100 {
        let request = http::Request::builder()
            .method("POST")
            .uri(format!("{}/made.Up/Method{n}", server.url()))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(tonic::body::Body::empty())
            .expect("a request");
        let response = tower::ServiceExt::oneshot(channel.clone(), request)
            .await
            .expect("an answer");
        assert_eq!(response.headers()["grpc-status"], "12");
    }
    let all = wait_for(&snapshotter, |all| {
        histogram_samples(all, FacadeMetrics::SERVER_DURATION) == 100
    })
    .await;
    let methods: BTreeSet<_> = named(&all, FacadeMetrics::SERVER_DURATION)
        .iter()
        .filter_map(|s| s.label("rpc.method"))
        .collect();
    assert_eq!(methods, BTreeSet::from(["_OTHER"]));
}

#[tokio::test]
async fn the_prometheus_exporter_renders_the_histogram_and_counter() {
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
        .set_buckets(&FacadeMetrics::RECOMMENDED_BUCKETS)
        .expect("buckets")
        .build_recorder();
    let handle = recorder.handle();
    let _local = metrics::set_default_local_recorder(&recorder);
    FacadeMetrics::describe();
    let server = layered_server(DemoService::new()).await;
    let mut client = DemoClient::new(layered_channel(&server).await);
    let _ = client.fail(request("GIT-ERR-8", &[], 0)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut text = handle.render();
    while !text.contains("rpc_server_call_duration_count") && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
        text = handle.render();
    }
    for expected in [
        "# TYPE rpc_server_call_duration histogram",
        "# TYPE rpc_client_call_duration histogram",
        "# TYPE errorx_rpc_server_errors counter",
        "rpc_server_call_duration_bucket{",
        "le=\"0.005\"",
        "rpc_system_name=\"grpc\"",
        "rpc_method=\"csghub.errorx.demo.v1.Demo/Fail\"",
        "rpc_status_code=\"UNAUTHENTICATED\"",
        "error_code=\"GIT-ERR-8\"",
        "error_module=\"GIT\"",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}
