//! Rendering and decoding HTTP/JSON error bodies, each against the floor
//! measured in the same run: a plain `#[derive(Serialize)]` struct holding
//! the same content, serialized (or parsed) with `serde_json`.
//!
//! `cargo bench --bench http`, then `python3 benches/report.py` for the
//! ratios.

#[path = "common/fixtures.rs"]
mod fixtures;
use fixtures::{heavy, typical};

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use csghub_errorx::http::{HttpErrors, JsonShape};
use csghub_errorx::Error;
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

/// The AIP-193 body as a plain derive: the floor.
#[derive(Serialize, Deserialize)]
struct FloorBody {
    error: FloorStatus,
}

#[derive(Serialize, Deserialize)]
struct FloorStatus {
    code: u16,
    message: String,
    status: String,
    details: Vec<FloorDetail>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum FloorDetail {
    ErrorInfo {
        #[serde(rename = "@type")]
        type_url: String,
        reason: String,
        domain: String,
        metadata: BTreeMap<String, String>,
    },
    Typed {
        #[serde(rename = "@type")]
        type_url: String,
        module: String,
        number: u32,
    },
    RetryInfo {
        #[serde(rename = "@type")]
        type_url: String,
        #[serde(rename = "retryDelay")]
        retry_delay: String,
    },
    BadRequest {
        #[serde(rename = "@type")]
        type_url: String,
        #[serde(rename = "fieldViolations")]
        field_violations: Vec<FloorViolation>,
    },
}

#[derive(Serialize, Deserialize)]
struct FloorViolation {
    field: String,
    description: String,
}

/// The same content as the library renders for `error`.
fn floor(error: &Error) -> FloorBody {
    let code = error.code().expect("a catalog error");
    let url = |name: &str| format!("type.googleapis.com/{name}");
    let mut details = vec![
        FloorDetail::ErrorInfo {
            type_url: url("google.rpc.ErrorInfo"),
            reason: code.reason().into(),
            domain: csghub_errorx::CATALOG_DOMAIN.into(),
            metadata: error
                .context()
                .iter()
                .map(|(k, v)| (k.into(), v.into()))
                .chain([("code".into(), code.as_str().into())])
                .collect(),
        },
        FloorDetail::Typed {
            type_url: url("csghub.errorx.v1.ErrorInfo"),
            module: code.module().proto_name().into(),
            number: code.number(),
        },
    ];
    if let Some(delay) = error.retry_delay() {
        details.push(FloorDetail::RetryInfo {
            type_url: url("google.rpc.RetryInfo"),
            retry_delay: format!("{}s", delay.as_secs()),
        });
    }
    if let Some(bad) = error.bad_request() {
        details.push(FloorDetail::BadRequest {
            type_url: url("google.rpc.BadRequest"),
            field_violations: bad
                .field_violations()
                .iter()
                .map(|v| FloorViolation {
                    field: v.field().into(),
                    description: v.description().into(),
                })
                .collect(),
        });
    }
    FloorBody {
        error: FloorStatus {
            code: code.http_status().as_u16(),
            message: error.message().into(),
            status: csghub_errorx::grpc_code::name(code.grpc_code()).into(),
            details,
        },
    }
}

fn render(c: &mut Criterion) {
    let headers = HeaderMap::new();
    for (name, error) in [("typical", typical()), ("heavy", heavy())] {
        let floor_body = floor(&error);
        let google = HttpErrors::new();
        // The floor holds the very bytes the library renders.
        assert_eq!(
            serde_json::to_string(&floor_body).unwrap(),
            *google.render(&error, &headers).body()
        );
        let mut group = c.benchmark_group(format!("http_render/{name}"));
        group.bench_function("floor_serde_derive", |b| {
            b.iter(|| serde_json::to_string(black_box(&floor_body)))
        });
        group.bench_function("errorx_google_response", |b| {
            b.iter(|| google.render(black_box(&error), &headers))
        });
        let csghub = HttpErrors::new().shape(JsonShape::Csghub);
        group.bench_function("errorx_csghub_response", |b| {
            b.iter(|| csghub.render(black_box(&error), &headers))
        });
        group.finish();
    }
}

fn decode(c: &mut Criterion) {
    let headers = HeaderMap::new();
    for (name, error) in [("typical", typical()), ("heavy", heavy())] {
        let body = HttpErrors::new().render(&error, &headers).into_body();
        let status = error.http_status();
        let mut group = c.benchmark_group(format!("http_decode/{name}"));
        group.bench_function("floor_serde_derive", |b| {
            b.iter(|| serde_json::from_str::<FloorBody>(black_box(&body)))
        });
        group.bench_function("errorx_from_http_response", |b| {
            b.iter(|| {
                Error::from_http_response(
                    black_box(StatusCode::from_u16(status.as_u16()).unwrap()),
                    &headers,
                    black_box(body.as_bytes()),
                )
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = render, decode
}
criterion_main!(benches);
