//! The npm tools of the tests, pinned in `tests/ts/package.json` and its
//! lockfile and installed with `npm ci` into `target/npm-<hash>/` on first
//! use: `buf` (lint, breaking, generate), `protoc-gen-es`, the
//! `@bufbuild/protobuf` runtime, and `tsc` to type-check the TypeScript
//! peer. Needs `node` and `npm`; nothing is installed globally.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::cache::{built_dir, repo, run, target};

const MANIFEST: &str = include_str!("../ts/package.json");
const LOCKFILE: &str = include_str!("../ts/package-lock.json");

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
    let mut command = Command::new(bin("buf"));
    command.current_dir(repo());
    command
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
