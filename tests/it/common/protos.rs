//! The repository's protos, as the other languages' code generators see
//! them: two roots (the buf modules of `buf.yaml`).

use std::path::{Path, PathBuf};

use super::cache::repo;

/// The proto roots, relative to the workspace root: the catalog, and the
/// demo services.
pub const ROOTS: [&str; 2] = ["proto", "crates/demo/proto"];

/// One `.proto` file: its root and its path inside the root
/// (`csghub/errorx/v1/catalog.proto`), which is its import path.
#[derive(Debug, Clone, Hash)]
pub struct ProtoFile {
    pub root: &'static str,
    pub path: String,
}

impl ProtoFile {
    pub fn full_path(&self) -> PathBuf {
        repo().join(self.root).join(&self.path)
    }
}

/// Every `.proto` file under the roots, sorted.
pub fn files() -> Vec<ProtoFile> {
    let mut files = Vec::new();
    for root in ROOTS {
        let base = repo().join(root);
        collect(&base, &base, root, &mut files);
    }
    files.sort_by(|a, b| (a.root, &a.path).cmp(&(b.root, &b.path)));
    files
}

fn collect(base: &Path, dir: &Path, root: &'static str, files: &mut Vec<ProtoFile>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect(base, &path, root, files);
        } else if path.extension().is_some_and(|e| e == "proto") {
            let relative = path.strip_prefix(base).expect("under the root");
            files.push(ProtoFile {
                root,
                path: relative.to_string_lossy().into_owned(),
            });
        }
    }
}

/// The names and contents of every proto and of `buf.yaml`: the inputs of
/// any generated code.
pub fn contents() -> Vec<(String, Vec<u8>)> {
    let mut contents: Vec<(String, Vec<u8>)> = files()
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f.full_path()).expect("read proto");
            (format!("{}/{}", f.root, f.path), bytes)
        })
        .collect();
    contents.push((
        "buf.yaml".into(),
        std::fs::read(repo().join("buf.yaml")).expect("read buf.yaml"),
    ));
    contents
}
