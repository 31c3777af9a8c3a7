//! Directories under `target/` that are built once for given inputs: tool
//! installs and generated code. The tests of one binary run on parallel
//! threads and several test binaries may run at once, so a directory is
//! built under a temporary name and renamed into place; a finished one is
//! never changed. New inputs make a new directory (its name carries their
//! hash); the older ones of the same kind are removed.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// The workspace root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `target/` of the workspace, where everything the tests install goes.
pub fn target() -> PathBuf {
    repo().join("target")
}

/// A short hex digest of `inputs`. Stable for one toolchain, which is all a
/// cache in `target/` needs: another toolchain rebuilds once.
pub fn digest(inputs: &impl Hash) -> String {
    let mut hasher = DefaultHasher::new();
    inputs.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// `parent/<kind>-<digest of inputs>`, built by `build` unless it exists.
/// `build` fills the directory it is given and panics on failure.
pub fn built_dir(
    parent: &Path,
    kind: &str,
    inputs: &impl Hash,
    build: impl FnOnce(&Path),
) -> PathBuf {
    let dir = parent.join(format!("{kind}-{}", digest(inputs)));
    if dir.exists() {
        return dir;
    }
    static SEQUENCE: AtomicU32 = AtomicU32::new(0);
    let temp = parent.join(format!(
        ".{kind}.{}.{}.tmp",
        std::process::id(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).unwrap_or_else(|e| panic!("create {}: {e}", temp.display()));
    let cleanup = RemoveOnDrop(temp.clone());
    build(&temp);
    // Renaming onto a directory that another process finished first fails
    // (it is not empty): theirs is as good as ours.
    if std::fs::rename(&temp, &dir).is_err() && !dir.exists() {
        panic!("could not move {} to {}", temp.display(), dir.display());
    }
    drop(cleanup);
    remove_older(parent, kind, &dir);
    dir
}

fn remove_older(parent: &Path, kind: &str, current: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!("{kind}-");
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let digest = name.strip_prefix(&prefix).unwrap_or_default();
        if path != current && digest.len() == 16 && digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `command` and returns its stdout; panics with both outputs if it
/// fails.
pub fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The relative paths and contents of the files under `dir`, sorted: the
/// inputs of what is built from them. `node_modules` folders are not
/// inputs.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                if !path.ends_with("node_modules") {
                    walk(base, &path, files);
                }
            } else {
                let name = path.strip_prefix(base).expect("under the base");
                let bytes =
                    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                files.push((name.to_string_lossy().into_owned(), bytes));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    files
}
