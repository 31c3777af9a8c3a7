//! The integration tests, in one binary: every test file links tonic,
//! axum and the demo, and one link instead of twenty-one makes the test
//! build much faster (see BENCHMARKS.md). Two stay binaries of their own:
//! `tests/allocations.rs` counts allocations with its global allocator, and
//! `tests/fuzz.rs` runs fuzzers that would slow the loopback tests beside
//! them.

mod common;

mod auth;
mod browser;
mod buf;
mod catalog;
mod connect;
mod error;
mod examples;
mod forged_logs;
mod generated;
mod go_interop;
mod grpc_web;
mod hostile_clients;
mod hostile_servers;
mod http;
mod http_decode;
mod layer_stacks;
mod layers;
mod locale;
#[cfg(feature = "metrics")]
mod metrics;
#[cfg(feature = "otel")]
mod otel;
mod own_catalog;
mod panics;
mod python_interop;
#[cfg(feature = "retry")]
mod retry;
mod status_encoding;
mod status_wire;
// Its fixtures include the HTTP/JSON body.
#[cfg(feature = "json")]
mod typescript;
mod wire_size;
