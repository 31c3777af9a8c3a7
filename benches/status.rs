//! Encoding, decoding and code lookups, each against a baseline measured in
//! the same run: tonic-types, and the single-encode floor.
//!
//! `cargo bench --bench status`, then `python3 benches/report.py` for the
//! ratios.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use csghub_errorx::{Error, ErrorCode, StatusEncoder};
use prost::Message;
use tonic::Status;
use tonic_types::{ErrorDetails, FieldViolation, StatusExt};

/// A catalog code with 3 context entries.
fn typical() -> Error {
    Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
        .with_context("repo", "opencsg/csghub")
        .with_context("branch", "main")
        .with_context("path", "docs/README.md")
}

/// 20 context entries, BadRequest with 5 violations, and RetryInfo.
fn heavy() -> Error {
    let error = (0..20).fold(Error::new(ErrorCode::ERR_REQ_PARAM_INVALID), |e, i| {
        e.with_context(
            format!("key{i}"),
            format!("value number {i} of the heavy error"),
        )
    });
    (0..5)
        .fold(error, |e, i| {
            e.with_field_violation(format!("field{i}"), "must be a positive integer")
        })
        .with_retry_delay(Duration::from_secs(3))
}

/// The same google.rpc content, as tonic-types builds it.
fn tonic_types_details(error: &Error) -> ErrorDetails {
    let code = error.code().expect("a catalog error");
    let mut metadata: HashMap<String, String> = error
        .context()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    metadata.insert("code".into(), code.as_str().into());
    metadata.insert("module".into(), code.module().to_string());
    let mut details =
        ErrorDetails::with_error_info(code.reason(), StatusEncoder::DEFAULT_DOMAIN, metadata);
    if let Some(bad) = error.bad_request() {
        let violations = bad
            .field_violations()
            .iter()
            .map(|v| FieldViolation::new(v.field(), v.description()))
            .collect::<Vec<_>>();
        details.set_bad_request(violations);
    }
    if error.retry_info().is_some() {
        details.set_retry_info(Some(Duration::from_secs(3)));
    }
    details
}

fn encode(c: &mut Criterion) {
    let encoder = StatusEncoder::new();
    for (name, error) in [("typical", typical()), ("heavy", heavy())] {
        let mut group = c.benchmark_group(format!("encode/{name}"));
        let code = error.grpc_code();
        let message = error.message().to_string();
        // The floor: the final google.rpc.Status, prepared, encoded once.
        let prepared =
            tonic_types::pb::Status::decode(encoder.encode(&error).details()).expect("decodes");
        group.bench_function("floor_single_encode", |b| {
            b.iter(|| {
                Status::with_details(
                    code,
                    message.as_str(),
                    Bytes::from(black_box(&prepared).encode_to_vec()),
                )
            })
        });
        let details = tonic_types_details(&error);
        group.bench_function("tonic_types_with_error_details", |b| {
            b.iter_batched(
                || details.clone(),
                |details| Status::with_error_details(code, message.as_str(), details),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("errorx_encode", |b| {
            b.iter(|| encoder.encode(black_box(&error)))
        });
        group.finish();
    }
}

fn decode(c: &mut Criterion) {
    let encoder = StatusEncoder::new();
    for (name, error) in [("typical", typical()), ("heavy", heavy())] {
        let mut group = c.benchmark_group(format!("decode/{name}"));
        let status = encoder.encode(&error);
        group.bench_function("tonic_types_three_getters", |b| {
            b.iter(|| {
                let status = black_box(&status);
                (
                    status.get_details_error_info(),
                    status.get_details_bad_request(),
                    status.get_details_retry_info(),
                )
            })
        });
        group.bench_function("tonic_types_error_details_then_error_info", |b| {
            b.iter(|| {
                black_box(&status)
                    .get_error_details()
                    .error_info()
                    .map(|info| info.reason.len())
            })
        });
        group.bench_function("errorx_from_status", |b| {
            b.iter(|| Error::from_status(black_box(&status)))
        });
        group.finish();
    }
}

fn lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("lookup");
    // The baseline: comparing two strings of a code's length.
    let (a, b) = (String::from("GIT-ERR-34"), String::from("GIT-ERR-34"));
    group.bench_function("baseline_str_eq", |bench| {
        bench.iter(|| black_box(a.as_str()) == black_box(b.as_str()))
    });
    group.bench_function("parse_code_string", |bench| {
        bench.iter(|| black_box("GIT-ERR-34").parse::<ErrorCode>())
    });
    group.bench_function("parse_name", |bench| {
        bench.iter(|| black_box("gitReplicateRepositoryFailed").parse::<ErrorCode>())
    });
    group.bench_function("parse_reason", |bench| {
        bench.iter(|| black_box("GIT_REPLICATE_REPOSITORY_FAILED").parse::<ErrorCode>())
    });
    let code = ErrorCode::GIT_REPLICATE_REPOSITORY_FAILED;
    group.bench_function("as_str", |bench| bench.iter(|| black_box(code).as_str()));
    group.bench_function("reason", |bench| bench.iter(|| black_box(code).reason()));
    group.bench_function("grpc_code", |bench| {
        bench.iter(|| black_box(code).grpc_code())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = encode, decode, lookup
}
criterion_main!(benches);
