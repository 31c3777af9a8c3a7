//! A Python with `grpcio` and `grpcio-status`, installed on first use into a
//! virtualenv under `target/`, so the test command needs nothing but the
//! Rust toolchain and `python3`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

const REQUIREMENTS: &str = include_str!("../python/requirements.txt");

/// The scripts of the Python peers.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(name)
}

fn venv_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/python-venv")
}

/// The virtualenv's `python`, created and filled on the first call.
pub fn python() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    static SETUP: Mutex<()> = Mutex::new(());
    if let Some(python) = READY.get() {
        return python.clone();
    }
    let _guard = SETUP.lock().unwrap_or_else(|e| e.into_inner());
    READY.get_or_init(install).clone()
}

fn install() -> PathBuf {
    let venv = venv_dir();
    let python = venv.join("bin/python");
    // A marker holding the requirements it was made from: a change to them
    // reinstalls.
    let marker = venv.join("installed-requirements.txt");
    if std::fs::read_to_string(&marker).is_ok_and(|installed| installed == REQUIREMENTS) {
        return python;
    }
    run(Command::new("python3")
        .arg("-m")
        .arg("venv")
        .arg("--clear")
        .arg(&venv));
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(script("requirements.txt")));
    std::fs::write(&marker, REQUIREMENTS).expect("write the marker");
    python
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The library's and the demo's FileDescriptorSets, written as one where
/// the Python peers read it (two encoded sets concatenated are one set).
pub fn descriptor_set() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = venv_dir().join("csghub-errorx-descriptors.bin");
        let temp = venv_dir().join(format!("descriptors.{}.tmp", std::process::id()));
        std::fs::create_dir_all(venv_dir()).expect("target dir");
        let both = [
            csghub_errorx::proto::FILE_DESCRIPTOR_SET,
            csghub_errorx_demo::proto::FILE_DESCRIPTOR_SET,
        ]
        .concat();
        std::fs::write(&temp, both).expect("write descriptors");
        std::fs::rename(&temp, &path).expect("rename descriptors");
        path
    })
    .clone()
}
