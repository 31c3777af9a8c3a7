//! The old catalog `errorx check --against OLD` compares with: a proto
//! file, a directory holding the same proto root, or a git revision of the
//! repository the new catalog is in.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

use csghub_errorx_build::model::Catalog;

use crate::catalog_file;

/// The old catalog named by `against`, for the new one read from
/// `new_proto` (`new` is what it declares), with the user's `includes`.
/// `against` is tried as a file, a directory, then a git revision.
pub fn read_old(
    against: &str,
    new_proto: &Path,
    new: &Catalog,
    includes: &[PathBuf],
) -> Result<Catalog, String> {
    let path = Path::new(against);
    if path.is_file() {
        return catalog_file::read_model(path, includes);
    }
    if path.is_dir() {
        let candidates = [path.join(&new.import_name), path.join(new_proto)];
        let Some(proto) = candidates.iter().find(|p| p.is_file()) else {
            return Err(format!(
                "{} has no catalog at {} nor {}",
                path.display(),
                candidates[0].display(),
                candidates[1].display()
            ));
        };
        return catalog_file::read_model(proto, &old_includes(proto, new, includes));
    }
    let snapshot = Snapshot::of_revision(against, new_proto, new)?;
    let proto = snapshot.proto();
    catalog_file::read_model(&proto, &old_includes(&proto, new, includes))
}

/// The old catalog's root first (as the new one's own root would be), so
/// that its imports of the same package are its own, then the user's.
fn old_includes(proto: &Path, new: &Catalog, includes: &[PathBuf]) -> Vec<PathBuf> {
    let depth = Path::new(&new.import_name).components().count();
    let root = proto
        .ancestors()
        .nth(depth)
        .map_or_else(PathBuf::new, Path::to_path_buf);
    std::iter::once(root)
        .chain(includes.iter().cloned())
        .collect()
}

/// The proto root of the new catalog as it was at a git revision, written
/// into a temporary directory that is removed on drop.
struct Snapshot {
    dir: PathBuf,
    /// The catalog proto's path from `dir`.
    proto: PathBuf,
}

impl Snapshot {
    fn of_revision(revision: &str, new_proto: &Path, new: &Catalog) -> Result<Snapshot, String> {
        if revision.starts_with('-') {
            // Never an option to git.
            return Err(format!(
                "{} is not a file, a directory or a git revision",
                crate::quoted(revision)
            ));
        }
        let absolute = std::fs::canonicalize(new_proto)
            .map_err(|e| format!("{}: {e}", new_proto.display()))?;
        let depth = Path::new(&new.import_name).components().count();
        let root = absolute
            .ancestors()
            .nth(depth)
            .ok_or_else(|| format!("{} is not under its package's root", absolute.display()))?;
        let top = git(root, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            format!(
                "{} is not a file nor a directory, and {e}",
                crate::quoted(revision)
            )
        })?;
        let top = PathBuf::from(String::from_utf8_lossy(&top).trim());
        let top = std::fs::canonicalize(&top).unwrap_or(top);
        let root_in_repo = root.strip_prefix(&top).map_err(|_| {
            format!(
                "{} is outside the repository {}",
                root.display(),
                top.display()
            )
        })?;
        let spec = format!("{revision}^{{commit}}");
        git(&top, &["rev-parse", "--verify", "--quiet", &spec]).map_err(|_| {
            format!(
                "{} is not a file, a directory or a revision of the git repository {}",
                crate::quoted(revision),
                top.display()
            )
        })?;
        let pathspec = if root_in_repo.as_os_str().is_empty() {
            ".".to_string()
        } else {
            repo_path(root_in_repo)
        };
        let listing = git(
            &top,
            &[
                "ls-tree",
                "-r",
                "-z",
                "--name-only",
                revision,
                "--",
                &pathspec,
            ],
        )?;
        let snapshot = Snapshot {
            dir: temp_dir()?,
            proto: root_in_repo.join(&new.import_name),
        };
        for file in listing.split(|&b| b == 0).filter(|f| !f.is_empty()) {
            let file = String::from_utf8_lossy(file);
            // Only what a catalog is read from: protos and message files.
            if !(file.ends_with(".proto") || file.ends_with(".toml")) {
                continue;
            }
            let relative = Path::new(file.as_ref());
            if relative
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
            {
                continue;
            }
            let bytes = git(&top, &["show", &format!("{revision}:{file}")])?;
            let path = snapshot.dir.join(relative);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        if !snapshot.proto().is_file() {
            return Err(format!(
                "{} has no {}",
                crate::quoted(revision),
                repo_path(&snapshot.proto)
            ));
        }
        Ok(snapshot)
    }

    fn proto(&self) -> PathBuf {
        self.dir.join(&self.proto)
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A new directory under the system's temporary directory. Not the
/// `tempfile` crate: one directory, removed by [`Snapshot`]'s drop, is all
/// the CLI needs.
fn temp_dir() -> Result<PathBuf, String> {
    let base = std::env::temp_dir();
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = base.join(format!(
            "errorx-check-{}-{nanos}-{attempt}",
            std::process::id()
        ));
        // create_dir, not create_dir_all: it fails if the name is taken.
        if std::fs::create_dir(&dir).is_ok() {
            return Ok(dir);
        }
    }
    Err(format!("cannot create a directory in {}", base.display()))
}

/// A path as git names it: `/` between components.
fn repo_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Runs git in `dir` and returns its stdout, or why it failed.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("git cannot run: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(format!(
            "git {} failed: {}",
            args.first().copied().unwrap_or_default(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
