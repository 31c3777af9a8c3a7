//! Debian's Chromium driven by playwright-core, for tests that need a real
//! browser. Included by path, so that it serves any test crate:
//!
//! ```ignore
//! #[path = "../../../tests/browser/browser.rs"]
//! mod browser;
//! ```
//!
//! Chromium is `/usr/bin/chromium` (installed with `apt-get install -y
//! chromium` when missing and the tests run as root); playwright-core is
//! pinned in `tests/browser/package.json` and its lockfile and installed
//! with `npm ci` into `target/browser-npm-<hash>/`, built under a temporary
//! name and renamed into place so that parallel tests and test binaries
//! share one install. Node scripts run with that `node_modules` on
//! `NODE_PATH` and `require("./launch.js")` for the shared launch options.
//!
//! Without a browser, a test calls [`Browser::get`], which under `CI`
//! panics and otherwise prints `skipped: ...` and returns `None`.

#![allow(dead_code)] // Each including crate uses part of it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

const MANIFEST: &str = include_str!("package.json");
const LOCKFILE: &str = include_str!("package-lock.json");
const LAUNCH_JS: &str = include_str!("launch.js");

/// Where Debian's package puts it.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// A Chromium and the npm install that drives it.
#[derive(Clone, Debug)]
pub struct Browser {
    /// The `chromium` executable.
    pub chromium: PathBuf,
    /// The folder with `node_modules/playwright-core` and `launch.js`.
    pub prefix: PathBuf,
}

impl Browser {
    /// The browser, installed on first use; `None` (after printing
    /// `skipped: ...`) when it cannot be, unless `CI` is set, where that
    /// fails the test.
    pub fn get() -> Option<Browser> {
        static READY: OnceLock<Result<Browser, String>> = OnceLock::new();
        match READY.get_or_init(install) {
            Ok(browser) => Some(browser.clone()),
            Err(reason) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI is set and the browser tests cannot run: {reason}"
                );
                eprintln!("skipped: {reason}");
                None
            }
        }
    }

    /// `node <script> <args>` with playwright-core on `NODE_PATH`, and
    /// the Chromium path in `CHROMIUM`; its output.
    pub fn node(&self, script: &Path, args: &[&str]) -> Output {
        Command::new("node")
            .arg(script)
            .args(args)
            .env("NODE_PATH", self.prefix.join("node_modules"))
            .env("CHROMIUM", &self.chromium)
            .env("ERRORX_BROWSER_LAUNCH", self.prefix.join("launch.js"))
            .output()
            .unwrap_or_else(|e| panic!("node {}: {e}", script.display()))
    }
}

fn install() -> Result<Browser, String> {
    let chromium = chromium()?;
    for tool in ["node", "npm"] {
        let found = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return Err(format!("{tool} is not installed"));
        }
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(Path::new(env!("CARGO_MANIFEST_DIR")))
        .join("target");
    let prefix = built_dir(
        &target,
        "browser-npm",
        &(MANIFEST, LOCKFILE, LAUNCH_JS),
        |dir| {
            std::fs::write(dir.join("package.json"), MANIFEST).map_err(|e| e.to_string())?;
            std::fs::write(dir.join("package-lock.json"), LOCKFILE).map_err(|e| e.to_string())?;
            std::fs::write(dir.join("launch.js"), LAUNCH_JS).map_err(|e| e.to_string())?;
            // playwright-core has no install script and downloads no browser.
            let output = Command::new("npm")
                .args([
                    "ci",
                    "--ignore-scripts",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                ])
                .current_dir(dir)
                .output()
                .map_err(|e| format!("npm ci: {e}"))?;
            if output.status.success() {
                Ok(())
            } else {
                Err(format!(
                    "npm ci failed: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                ))
            }
        },
    )?;
    Ok(Browser { chromium, prefix })
}

/// `/usr/bin/chromium`, installed with apt-get when it is missing and the
/// tests run as root.
fn chromium() -> Result<PathBuf, String> {
    let path = PathBuf::from(CHROMIUM);
    if path.is_file() {
        return Ok(path);
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if !root {
        return Err(format!(
            "{CHROMIUM} is missing (apt-get install chromium, as root)"
        ));
    }
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    // The package lists may be stale or absent on a fresh machine.
    if !apt(&["install", "-y", "-qq", "chromium"]) {
        apt(&["update", "-qq"]);
        apt(&["install", "-y", "-qq", "chromium"]);
    }
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{CHROMIUM} is missing and apt-get could not install it"
        ))
    }
}

/// `parent/<kind>-<digest of inputs>`, built by `build` unless it exists:
/// built under a temporary name and renamed into place, so that parallel
/// tests and test binaries never see a half-built one. Older digests of
/// the same kind are removed. (tests/it has the same rule in
/// common/cache.rs; this file stands alone so that any crate can include it.)
fn built_dir(
    parent: &Path,
    kind: &str,
    inputs: &impl Hash,
    build: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<PathBuf, String> {
    let mut hasher = DefaultHasher::new();
    inputs.hash(&mut hasher);
    let dir = parent.join(format!("{kind}-{:016x}", hasher.finish()));
    if dir.exists() {
        return Ok(dir);
    }
    static SEQUENCE: AtomicU32 = AtomicU32::new(0);
    let temp = parent.join(format!(
        ".{kind}.{}.{}.tmp",
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).map_err(|e| format!("create {}: {e}", temp.display()))?;
    let built = build(&temp);
    // Renaming onto a directory another process finished first fails (it
    // is not empty): theirs is as good as ours.
    let moved = built.and_then(|()| {
        if std::fs::rename(&temp, &dir).is_err() && !dir.exists() {
            Err(format!(
                "could not move {} to {}",
                temp.display(),
                dir.display()
            ))
        } else {
            Ok(())
        }
    });
    let _ = std::fs::remove_dir_all(&temp);
    moved?;
    let prefix = format!("{kind}-");
    for entry in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let digest = name
            .to_string_lossy()
            .strip_prefix(&prefix)
            .map(str::to_string);
        if entry.path() != dir
            && digest.is_some_and(|d| d.len() == 16 && d.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    Ok(dir)
}
