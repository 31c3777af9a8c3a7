//! The npm tools of the tests, pinned in `tests/ts/package.json` and its
//! lockfile and installed with `npm ci` into `target/npm-<hash>/` on first
//! use: `buf` (lint, breaking, generate), `protoc-gen-es`, the
//! `@bufbuild/protobuf` runtime, and `tsc` to type-check the TypeScript
//! peer. Needs `node` and `npm`; nothing is installed globally.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::cache::{built_dir, repo, run, target};

const MANIFEST: &str = include_str!("../../ts/package.json");
const LOCKFILE: &str = include_str!("../../ts/package-lock.json");

/// The folder holding `package.json` and `node_modules/`. Code that
/// imports `@bufbuild/protobuf` must live under it.
pub fn prefix() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    // `get_or_init` makes the other threads wait for the first install.
    READY.get_or_init(install).clone()
}

/// The `buf` command of the pinned `@bufbuild/buf`, run at the workspace
/// root (where `buf.yaml` is).
pub fn buf() -> Command {
    static BUF: OnceLock<PathBuf> = OnceLock::new();
    let mut command = Command::new(BUF.get_or_init(buf_binary));
    command.current_dir(repo());
    command
}

/// The native binary of the platform's `@bufbuild/buf-<os>-<arch>` package,
/// which npm installed as the only one of them; else the `.bin/buf` shim,
/// which finds it too but starts a Node process first (0.2 s a call).
fn buf_binary() -> PathBuf {
    let packages = prefix().join("node_modules/@bufbuild");
    std::fs::read_dir(&packages)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("buf-"))
        .map(|entry| entry.path().join("bin/buf"))
        .find(|binary| binary.is_file())
        .unwrap_or_else(|| bin("buf"))
}

/// A command of `node_modules/.bin`.
pub fn bin(name: &str) -> PathBuf {
    prefix().join("node_modules/.bin").join(name)
}

fn install() -> PathBuf {
    built_dir(&target(), "npm", &(MANIFEST, LOCKFILE), |dir: &Path| {
        std::fs::write(dir.join("package.json"), MANIFEST).expect("write package.json");
        std::fs::write(dir.join("package-lock.json"), LOCKFILE).expect("write the lockfile");
        // --ignore-scripts: @bufbuild/buf's postinstall only re-links the
        // binary that its platform package already provides.
        run(Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .arg("--loglevel=error")
            .current_dir(dir));
    })
}
