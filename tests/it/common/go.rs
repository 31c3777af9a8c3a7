//! The Go peers of `tests/go_interop.rs`, built with Debian's Go and
//! grpc-go in GOPATH mode (the Go module proxy is not reachable from the
//! machines this runs on): the packages are installed with apt when they
//! are missing and the tests run as root, the Go code for the protos is
//! generated with buf and Debian's protoc-gen-go into `target/go-gen-*/`,
//! and the programs under `tests/go/src/` are built into `target/go-bin-*/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::cache::{built_dir, repo, run, target, tree};
use super::{npm, protos, say};

/// The Debian 12 packages the Go peers need.
///
/// `golang-github-golang-protobuf-1-5-dev` is named on purpose: grpc-go and
/// genproto accept 1.3 or 1.5 and apt picks 1.3, whose registry cannot see
/// the messages protoc-gen-go 1.28 generates, so `st.Details()` fails on
/// them and `WithDetails` packs them with an empty type URL.
pub const PACKAGES: [&str; 7] = [
    "golang-go",
    "golang-google-grpc-dev",
    "golang-google-genproto-dev",
    "golang-google-protobuf-dev",
    "golang-github-golang-protobuf-1-5-dev",
    "protoc-gen-go",
    "protoc-gen-go-grpc",
];

/// Where Debian's Go packages put their sources.
const DEBIAN_GOPATH: &str = "/usr/share/gocode";

/// The built Go programs.
#[derive(Debug)]
pub struct Programs {
    /// `client -addr HOST:PORT < codes`: calls Demo for every code.
    pub client: PathBuf,
    /// `server`: a Demo server failing with grpc-go statuses.
    pub server: PathBuf,
}

/// The Go programs, built on the first call; `None` only when the Go
/// packages are missing and cannot be installed (not root, no apt, no
/// network), after saying why on stderr; where `CI` is set, it fails
/// the test instead ([`super::skip`]).
pub fn programs() -> Option<&'static Programs> {
    static READY: OnceLock<Result<Programs, String>> = OnceLock::new();
    match READY.get_or_init(|| install().map(|()| build())) {
        Ok(programs) => Some(programs),
        Err(why) => {
            super::skip(&format!(
                "the Go interop tests need Debian's Go packages: {why}"
            ));
            None
        }
    }
}

/// Installs the missing packages; `Err` says why they cannot be.
fn install() -> Result<(), String> {
    let missing = missing_packages()?;
    if missing.is_empty() {
        return Ok(());
    }
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("id -u: {e}"))?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Err(format!(
            "not root, so cannot run: apt-get install {}",
            missing.join(" ")
        ));
    }
    say(&format!("installing with apt-get: {}", missing.join(" ")));
    // Another apt may hold the lock (a parallel run, an unattended
    // upgrade): wait for it rather than skip.
    let wait = ["-o", "DPkg::Lock::Timeout=600"];
    apt_get(&[&wait[..], &["update", "-q"]].concat())?;
    let mut install = [
        &wait[..],
        &["install", "-y", "-q", "--no-install-recommends"],
    ]
    .concat();
    install.extend(&missing);
    apt_get(&install)?;
    match missing_packages()? {
        still if still.is_empty() => Ok(()),
        still => Err(format!("apt-get left {} uninstalled", still.join(" "))),
    }
}

fn missing_packages() -> Result<Vec<&'static str>, String> {
    let output = Command::new("dpkg-query")
        .args(["-W", "-f", "${Package} ${db:Status-Status}\\n"])
        .args(PACKAGES)
        .output()
        .map_err(|e| format!("not a Debian system (dpkg-query: {e})"))?;
    // Unknown packages are reported on stderr and left out of stdout.
    let listed = String::from_utf8_lossy(&output.stdout).into_owned();
    Ok(PACKAGES
        .into_iter()
        .filter(|package| {
            !listed
                .lines()
                .any(|line| line == format!("{package} installed"))
        })
        .collect())
}

fn apt_get(args: &[&str]) -> Result<(), String> {
    let output = Command::new("apt-get")
        .args(args)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .output()
        .map_err(|e| format!("apt-get: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
    Err(format!(
        "apt-get {} failed: {}",
        args.join(" "),
        tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
    ))
}

/// Generates the Go code for the protos and builds the programs.
fn build() -> Programs {
    let template = repo().join("tests/go/buf.gen.yaml");
    let generated = built_dir(
        &target(),
        "go-gen",
        &(
            protos::contents(),
            std::fs::read(&template).expect("read buf.gen.yaml"),
        ),
        |out: &Path| {
            run(npm::buf()
                .args(["generate", "--template"])
                .arg(&template)
                .arg("-o")
                .arg(out));
        },
    );
    let sources = repo().join("tests/go");
    let inputs = (generated.display().to_string(), tree(&sources.join("src")));
    let bin = built_dir(&target(), "go-bin", &inputs, |bin: &Path| {
        for program in ["client", "server"] {
            run(go(&generated)
                .args(["build", "-o"])
                .arg(bin.join(program))
                .arg(format!("errorx-interop/{program}")));
        }
    });
    Programs {
        client: bin.join("client"),
        server: bin.join("server"),
    }
}

/// `go` in GOPATH mode: the generated code, `tests/go`, then Debian's
/// packages; the build cache in `target/`.
fn go(generated: &Path) -> Command {
    let gopath = [
        generated.to_path_buf(),
        repo().join("tests/go"),
        PathBuf::from(DEBIAN_GOPATH),
    ]
    .map(|p| p.display().to_string())
    .join(":");
    let mut command = Command::new("go");
    command
        .env("GO111MODULE", "off")
        .env("GOPATH", gopath)
        .env("GOCACHE", target().join("go-cache"))
        .env("GOFLAGS", "")
        .current_dir(repo().join("tests/go"));
    command
}
