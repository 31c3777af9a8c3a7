//! Encoding, decoding and code lookups on the path users really take, each
//! against a baseline measured in the same run: tonic-types doing the same
//! work, and the single-encode floor.
//!
//! `cargo bench --bench status`, then `python3 benches/report.py`.
//!
//! - `build_encode/*`: a handler builds the error from its own values and
//!   it becomes a `tonic::Status`. tonic-types builds the same
//!   `google.rpc` content (its `HashMap` metadata from the same values, as
//!   its users must) and encodes it with `Status::with_error_details`. The
//!   floor encodes the final `google.rpc.Status`, prepared beforehand, once.
//! - `encode/*`: an `Error` built beforehand, encoded.
//! - `decode_read/*`: a client decodes the status and reads the code, one
//!   context value, the `ResourceInfo` and the `RetryInfo`; tonic-types does
//!   the same reads after one `get_error_details()`, or with three getters.
//! - `localize/typical`: encoding with a `LocalizedMessage` against without.
//! - `lookup`: code lookups against comparing two short strings.

#[path = "common/fixtures.rs"]
mod fixtures;
use fixtures::{heavy, tonic_types_details};

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use csghub_errorx::{Error, ErrorCode, Locale, StatusEncoder};
use prost::Message;
use tonic::Status;
use tonic_types::{ErrorDetails, StatusExt};

/// What a handler has at hand: values it owns, from its request.
struct HandlerValues {
    repo: String,
    branch: String,
    path: String,
}

fn handler_values() -> HandlerValues {
    HandlerValues {
        repo: "opencsg/csghub".into(),
        branch: "main".into(),
        path: "docs/README.md".into(),
    }
}

/// A catalog code with 3 context entries.
fn typical(values: &HandlerValues) -> Error {
    Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
        .with_context("repo", &values.repo)
        .with_context("branch", &values.branch)
        .with_context("path", &values.path)
}

/// The typical error with a `ResourceInfo` and a `RetryInfo`.
fn rich(values: &HandlerValues) -> Error {
    typical(values)
        .with_resource("repository", &values.repo)
        .with_retry_delay(Duration::from_secs(3))
}

/// tonic-types from the handler's values: the metadata `HashMap` and the
/// details built the way its users write them.
fn tonic_types_from_values(values: &HandlerValues, rich: bool) -> Status {
    let code = ErrorCode::GIT_REPO_NOT_FOUND;
    let metadata = HashMap::from([
        ("repo".to_string(), values.repo.clone()),
        ("branch".to_string(), values.branch.clone()),
        ("path".to_string(), values.path.clone()),
        ("code".to_string(), code.as_str().to_string()),
        ("module".to_string(), "GIT".to_string()),
    ]);
    let mut details =
        ErrorDetails::with_error_info(code.reason(), csghub_errorx::CATALOG_DOMAIN, metadata);
    if rich {
        details.set_resource_info("repository", values.repo.clone(), "", "");
        details.set_retry_info(Some(Duration::from_secs(3)));
    }
    Status::with_error_details(code.grpc_code(), code.description(), details)
}

/// The floor: the final `google.rpc.Status`, prepared, encoded once.
fn floor(c: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, status: &Status) {
    let prepared = tonic_types::pb::Status::decode(status.details()).expect("decodes");
    let code = status.code();
    let message = status.message().to_string();
    c.bench_function("floor_single_encode", |b| {
        b.iter(|| {
            Status::with_details(
                code,
                message.as_str(),
                Bytes::from(black_box(&prepared).encode_to_vec()),
            )
        })
    });
}

fn build_encode(c: &mut Criterion) {
    let values = handler_values();
    for (name, is_rich) in [("typical", false), ("rich", true)] {
        let mut group = c.benchmark_group(format!("build_encode/{name}"));
        let build = |values: &HandlerValues| {
            if is_rich {
                rich(values)
            } else {
                typical(values)
            }
        };
        floor(&mut group, &Status::from(build(&values)));
        group.bench_function("tonic_types_build_and_encode", |b| {
            b.iter(|| tonic_types_from_values(black_box(&values), is_rich))
        });
        group.bench_function("errorx_build_and_encode", |b| {
            b.iter(|| Status::from(build(black_box(&values))))
        });
        group.finish();
    }
}

fn encode(c: &mut Criterion) {
    let encoder = StatusEncoder::new();
    for (name, error) in [("typical", typical(&handler_values())), ("heavy", heavy())] {
        let mut group = c.benchmark_group(format!("encode/{name}"));
        floor(&mut group, &encoder.encode(&error));
        let details = tonic_types_details(&error);
        let (code, message) = (error.grpc_code(), error.message().to_string());
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

fn decode_read(c: &mut Criterion) {
    let values = handler_values();
    for (name, error) in [("typical", typical(&values)), ("rich", rich(&values))] {
        let mut group = c.benchmark_group(format!("decode_read/{name}"));
        let status = Status::from(error);
        group.bench_function("tonic_types_error_details_then_reads", |b| {
            b.iter(|| {
                let details = black_box(&status).get_error_details();
                let info = details.error_info();
                (
                    info.and_then(|i| i.metadata.get("code").map(String::len)),
                    info.and_then(|i| i.metadata.get("repo").map(String::len)),
                    details.resource_info().map(|r| r.resource_name.len()),
                    details.retry_info().map(|r| r.retry_delay),
                )
            })
        });
        group.bench_function("tonic_types_three_getters", |b| {
            b.iter(|| {
                let status = black_box(&status);
                let info = status.get_details_error_info();
                (
                    info.as_ref()
                        .and_then(|i| i.metadata.get("code").map(String::len)),
                    info.as_ref()
                        .and_then(|i| i.metadata.get("repo").map(String::len)),
                    status
                        .get_details_resource_info()
                        .map(|r| r.resource_name.len()),
                    status.get_details_retry_info().map(|r| r.retry_delay),
                )
            })
        });
        group.bench_function("errorx_from_status_then_reads", |b| {
            b.iter(|| {
                let error = Error::from_status(black_box(&status));
                (
                    error.code(),
                    error.context().get("repo").map(str::len),
                    error.resource_info().map(|r| r.resource_name().len()),
                    error.retry_delay(),
                )
            })
        });
        group.finish();
    }
}

fn localize(c: &mut Criterion) {
    let encoder = StatusEncoder::new();
    let error = typical(&handler_values());
    let mut group = c.benchmark_group("localize/typical");
    group.bench_function("baseline_encode", |b| {
        b.iter(|| encoder.encode(black_box(&error)))
    });
    let localized = error.clone().with_user_locale(Locale::ZH_HK);
    group.bench_function("errorx_encode_localized", |b| {
        b.iter(|| encoder.encode(black_box(&localized)))
    });
    group.finish();
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
    targets = build_encode, encode, decode_read, localize, lookup
}
criterion_main!(benches);
