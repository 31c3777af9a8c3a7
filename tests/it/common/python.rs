//! A Python with `grpcio`, `grpcio-status` and `grpcio-tools`, installed on
//! first use into a virtualenv under `target/`, and the `_pb2` modules that
//! `grpcio-tools` generates from the protos, so that the test command needs
//! nothing but the Rust toolchain and `python3`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::cache::{built_dir, repo, run, target};
use super::protos;

const REQUIREMENTS: &str = include_str!("../../python/requirements.txt");

/// The scripts of the Python peers.
pub fn script(name: &str) -> PathBuf {
    repo().join("tests/python").join(name)
}

/// `python SCRIPT` with the generated modules on its path, run in
/// `tests/python`.
pub fn command(name: &str) -> Command {
    let mut command = Command::new(python());
    command
        .arg(script(name))
        .env("PYTHONPATH", generated())
        .current_dir(script(""));
    command
}

/// Runs `script` with `args` after it, writes `stdin` to it, and returns
/// its stdout's lines, each a JSON value ([`super::json_lines`]).
pub async fn json_lines(script: &str, args: &[String], stdin: String) -> Vec<serde_json::Value> {
    let mut command = self::command(script);
    command.args(args);
    super::json_lines(command, stdin).await
}

/// The virtualenv's `python`, created and filled on the first call.
pub fn python() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY
        .get_or_init(|| {
            let venv = built_dir(&target(), "python-venv", &REQUIREMENTS, |venv: &Path| {
                run(Command::new("python3").args(["-m", "venv"]).arg(venv));
                run(Command::new(venv.join("bin/python"))
                    .args(["-m", "pip", "install", "--quiet"])
                    .arg("--disable-pip-version-check")
                    .arg("-r")
                    .arg(script("requirements.txt")));
            });
            venv.join("bin/python")
        })
        .clone()
}

/// The folder of the modules `grpcio-tools` generates from the protos
/// (`csghub/errorx/v1/catalog_pb2.py`, ...), regenerated when they change.
///
/// `google/rpc/*` is not generated: the `googleapis-common-protos` package
/// has those modules, and a second `google` package here would shadow it.
pub fn generated() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY
        .get_or_init(|| {
            let python = python();
            let inputs = (REQUIREMENTS, protos::contents());
            built_dir(&target(), "python-gen", &inputs, |out: &Path| {
                // `python -m grpc_tools.protoc` adds the include path of
                // its bundled google/protobuf/*.proto (options.proto
                // imports descriptor.proto).
                let mut protoc = Command::new(&python);
                protoc.args(["-m", "grpc_tools.protoc"]).current_dir(repo());
                for root in protos::ROOTS {
                    protoc.arg(format!("-I{root}"));
                }
                for flag in ["--python_out", "--pyi_out", "--grpc_python_out"] {
                    protoc.arg(format!("{flag}={}", out.display()));
                }
                protoc.args(protos::files().iter().map(|f| &f.path));
                run(&mut protoc);
            })
        })
        .clone()
}
