//! `errorx check --against OLD`: the catalog's changes since OLD, by how
//! much they matter to clients, as text or JSON; breaking ones fail.

mod against;
mod changes;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use changes::{compare, Severity};

/// Where CSGHub's catalog is in its repository: what `check` reads when no
/// `--catalog` is given.
pub const CSGHUB_PROTO: &str = "proto/csghub/errorx/v1/catalog.proto";

/// The report of `check` and whether anything is breaking.
pub struct Report {
    /// What is printed.
    pub text: String,
    /// Whether a change is [`Severity::Breaking`].
    pub breaking: bool,
}

/// Compares the catalog of `new_proto` (CSGHub's in the repository of
/// the current directory when `None`) with the one `against` names.
pub fn check(
    against: &str,
    new_proto: Option<&Path>,
    includes: &[PathBuf],
    json: bool,
) -> Result<Report, String> {
    let new_proto = match new_proto {
        Some(proto) => proto.to_path_buf(),
        None => csghub_proto()?,
    };
    let new = crate::catalog_file::read_model(&new_proto, includes)?;
    let old = against::read_old(against, &new_proto, &new, includes)?;
    let changes = compare(&old, &new);
    let count = |severity| changes.iter().filter(|c| c.severity == severity).count();
    let counts = [Severity::Breaking, Severity::Risky, Severity::Fine].map(count);
    let text = if json {
        let rows: Vec<_> = changes
            .iter()
            .map(|c| {
                serde_json::json!({
                    "severity": c.severity.as_str(),
                    "kind": c.kind,
                    "code": c.code,
                    "message": c.message,
                })
            })
            .collect();
        let value = serde_json::json!({
            "catalog": new.package,
            "against": against,
            "breaking": counts[0],
            "risky": counts[1],
            "fine": counts[2],
            "changes": rows,
        });
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n"
    } else {
        let mut out = String::new();
        for change in &changes {
            let _ = writeln!(
                out,
                "{:<9} {:<15} {}",
                change.severity.as_str(),
                change.code.as_deref().unwrap_or("-"),
                change.message
            );
        }
        let _ = writeln!(
            out,
            "{}{} against {}: {} breaking, {} risky, {} fine",
            if changes.is_empty() { "" } else { "\n" },
            new.package,
            against,
            counts[0],
            counts[1],
            counts[2]
        );
        out
    };
    Ok(Report {
        text,
        breaking: counts[0] > 0,
    })
}

/// CSGHub's catalog proto in the working tree of the repository the
/// current directory is in.
fn csghub_proto() -> Result<PathBuf, String> {
    let top = std::process::Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .unwrap_or_else(|| PathBuf::from("."));
    let proto = top.join(CSGHUB_PROTO);
    if proto.is_file() {
        Ok(proto)
    } else {
        Err(format!(
            "no {CSGHUB_PROTO} here: run check in the csghub-errorx repository, or give --catalog FILE"
        ))
    }
}
