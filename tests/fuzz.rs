//! Runs every cargo-fuzz target in `fuzz/` for a bounded time, from the one
//! test command, and fails on any crash or broken invariant.
//!
//! Each target runs `ERRORX_FUZZ_SECONDS` seconds (20 unless set) from its
//! seed corpus (`fuzz/corpus/<target>`, real statuses of every code) and
//! what earlier runs found (`target/fuzz-corpus/<target>`). cargo-fuzz is
//! installed into `target/cargo-fuzz` on the first run; the targets build
//! with the nightly toolchain into `target/fuzz` (about 3.5 minutes cold on
//! two cores). Skipped, saying so on stderr, only when there is no nightly
//! toolchain, and failed instead where `CI` is set. A crash leaves its input in `fuzz/artifacts/<target>/`; put
//! it in a regression test before fixing it.

#[path = "it/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use common::say;

/// How long each target runs unless `ERRORX_FUZZ_SECONDS` says otherwise.
const DEFAULT_SECONDS: u32 = 20;

/// One target at a time: each uses a whole core, and they share one build.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A command without the variables the outer `cargo test` set for itself,
/// which would pin the stable toolchain or another target directory.
fn clean(mut command: Command) -> Command {
    for name in [
        "CARGO",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "RUSTC",
        "RUSTC_WRAPPER",
        "RUSTDOC",
        "RUSTUP_TOOLCHAIN",
    ] {
        command.env_remove(name);
    }
    command.current_dir(root());
    command
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} could not start: {e}"))
}

fn has_nightly() -> bool {
    let mut command = clean(Command::new("cargo"));
    command.args(["+nightly", "--version"]);
    command.output().is_ok_and(|out| out.status.success())
}

/// The directory holding `cargo-fuzz`, installed there if missing.
fn cargo_fuzz_bin() -> PathBuf {
    let install_root = root().join("target/cargo-fuzz");
    let bin = install_root.join("bin");
    if !bin.join("cargo-fuzz").exists() {
        say("fuzz: installing cargo-fuzz into target/cargo-fuzz (once)");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut install = clean(Command::new(cargo));
        install.args(["install", "cargo-fuzz", "--locked", "--root"]);
        install.arg(&install_root);
        let out = run(&mut install);
        assert!(
            out.status.success(),
            "cargo install cargo-fuzz failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    bin
}

fn seconds() -> u32 {
    std::env::var("ERRORX_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SECONDS)
}

/// Runs `target` for the bounded time; panics with libFuzzer's report and
/// the crashing input's path if it finds anything.
fn fuzz(target: &str) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !has_nightly() {
        let why = format!(
            "fuzz {target}: no nightly toolchain (`rustup toolchain install nightly` enables it)"
        );
        common::skip(&why);
        return;
    }
    let bin = cargo_fuzz_bin();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("PATH");
    // libFuzzer adds what it finds to the first corpus directory: kept in
    // target/, so the committed seeds stay as they are.
    let found = root().join("target/fuzz-corpus").join(target);
    std::fs::create_dir_all(&found).expect("corpus directory");
    let started = std::time::Instant::now();
    let mut command = clean(Command::new("cargo"));
    command
        .env("PATH", path)
        .args(["+nightly", "fuzz", "run", "--fuzz-dir", "fuzz"])
        .args(["--target-dir", "target/fuzz", target])
        .arg(&found)
        .arg(root().join("fuzz/corpus").join(target))
        .arg("--")
        .arg(format!("-max_total_time={}", seconds()))
        .arg("-rss_limit_mb=2048");
    let out = run(&mut command);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let runs = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("Done "))
        .unwrap_or("no summary");
    say(&format!(
        "fuzz: {target}: {runs} ({:.0?} with the build)",
        started.elapsed()
    ));
    if !out.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(60).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "fuzz target {target} failed; the input is in fuzz/artifacts/{target}/ \
             (reproduce: cargo +nightly fuzz run --fuzz-dir fuzz --target-dir target/fuzz {target} <file>):\n{}",
            tail.join("\n")
        );
    }
}

#[test]
fn decoding_any_status_keeps_every_invariant() {
    fuzz("decode_status");
}

#[test]
fn any_response_through_the_client_layer_is_logged_once_and_clean() {
    fuzz("client_layer");
}

#[test]
fn errorx_decode_prints_only_escaped_bounded_text_for_any_input() {
    fuzz("cli_decode");
}

#[test]
fn decoding_any_http_error_body_keeps_every_invariant() {
    fuzz("http_decode");
}
