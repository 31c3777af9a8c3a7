//! The protos as an API for every language: `buf lint` with the rules of
//! `buf.yaml`, the per-language package options, and `buf breaking`
//! (WIRE_JSON) against the previous commit and against the recorded
//! baseline, so that a renumbered, renamed or reused code fails here before
//! it reaches the wire.
//!
//! The baseline, `tests/buf/baseline.json`, is a buf image of the protos
//! without comments. A deliberate, reviewed change of the wire re-records
//! it in the same commit:
//!
//! ```sh
//! ERRORX_RECORD_BUF_BASELINE=1 cargo test --all-features --test it -- buf::the_protos_keep_the_wire_of_the_recorded_baseline
//! ```

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::cache::{repo, run};
use common::npm::buf;
use common::{protos, say, skip};
use prost::Message;

const BASELINE: &str = "tests/buf/baseline.json";
const RECORD: &str = "ERRORX_RECORD_BUF_BASELINE";

#[test]
fn buf_lint_is_clean() {
    let output = buf().arg("lint").output().expect("buf runs");
    assert!(
        output.status.success(),
        "buf lint:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_proto_file_sets_the_package_options_of_every_language() {
    let sets = [
        csghub_errorx::proto::FILE_DESCRIPTOR_SET,
        csghub_errorx_demo::proto::FILE_DESCRIPTOR_SET,
    ];
    let files: Vec<prost_types::FileDescriptorProto> = sets
        .iter()
        .flat_map(|set| {
            prost_types::FileDescriptorSet::decode(*set)
                .expect("descriptor set")
                .file
        })
        .filter(|file| file.package().starts_with("csghub."))
        .collect();
    assert_eq!(
        files.len(),
        protos::files().len(),
        "every proto of the repo"
    );
    for file in files {
        let package = file.package();
        let options = file.options.clone().unwrap_or_default();
        let what = file.name();
        // `csghub.errorx.demo.v1` → ["Csghub", "Errorx", "Demo", "V1"]
        let words: Vec<String> = package
            .split('.')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        let go_name = format!(
            "{}{}",
            package.split('.').rev().nth(1).expect("a package of parts"),
            package.rsplit('.').next().expect("a version")
        );
        assert_eq!(
            options.go_package(),
            format!(
                "github.com/opencsg/csghub-errorx/gen/go/{};{go_name}",
                package.replace('.', "/")
            ),
            "{what}"
        );
        assert_eq!(
            options.java_package(),
            format!("com.opencsg.{package}"),
            "{what}"
        );
        assert!(options.java_multiple_files(), "{what}");
        let stem = Path::new(what).file_stem().expect("a file name");
        let outer: String = stem
            .to_string_lossy()
            .split('_')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        assert_eq!(
            options.java_outer_classname(),
            format!("{outer}Proto"),
            "{what}"
        );
        assert_eq!(
            options.csharp_namespace(),
            format!("OpenCsg.{}", words.join(".")),
            "{what}"
        );
        assert_eq!(
            options.php_namespace(),
            format!("OpenCsg\\{}", words.join("\\")),
            "{what}"
        );
        assert_eq!(
            options.ruby_package(),
            format!("OpenCsg::{}", words.join("::")),
            "{what}"
        );
        // Three letters, from the package parts before the version: CEX for
        // csghub.errorx, CED for csghub.errorx.demo (buf's managed default).
        let initials: String = words[..words.len() - 1]
            .iter()
            .map(|w| &w[..1])
            .collect::<String>()
            + "X";
        assert_eq!(options.objc_class_prefix(), &initials[..3], "{what}");
    }
}

#[test]
fn the_protos_keep_the_wire_of_the_recorded_baseline() {
    let baseline = repo().join(BASELINE);
    if std::env::var_os(RECORD).is_some() {
        record_baseline(&baseline);
        say(&format!(
            "recorded {BASELINE}: review its diff before committing it"
        ));
        return;
    }
    let output = breaking(repo(), &baseline);
    assert!(
        output.status.success(),
        "buf breaking against {BASELINE}:\n{}\n\
         Renumbering, renaming or deleting a code breaks every client that \
         knows it. Retire a code with `reserved N; reserved \"REASON\";`. If \
         the break is deliberate and reviewed, re-record the baseline in the \
         same commit: {RECORD}=1 cargo test --all-features --test it -- buf::the_protos_keep_the_wire_of_the_recorded_baseline",
        text(&output)
    );
}

#[test]
fn the_protos_keep_the_wire_of_the_previous_commit() {
    compare_with_commit("HEAD~1");
}

#[test]
fn uncommitted_protos_keep_the_wire_of_the_last_commit() {
    compare_with_commit("HEAD");
}

#[test]
fn renumbering_a_code_fails_buf_breaking() {
    let output = breaking_after_edit(|catalog| {
        replace_once(catalog, "GIT_AUTH_FAILED = 8 [", "GIT_AUTH_FAILED = 80 [")
    });
    assert_eq!(output.status.code(), Some(100), "{}", text(&output));
    assert!(
        text(&output).contains(
            r#"Previously present enum value "8" on enum "GitError" was deleted without reserving the number "8"."#
        ),
        "{}",
        text(&output)
    );
}

#[test]
fn renaming_a_code_fails_buf_breaking() {
    // The name is the AIP-193 reason that clients match on.
    let output = breaking_after_edit(|catalog| {
        replace_once(
            catalog,
            "GIT_AUTH_FAILED = 8 [",
            "GIT_AUTHENTICATION_FAILED = 8 [",
        )
    });
    assert_eq!(output.status.code(), Some(100), "{}", text(&output));
    assert!(
        text(&output).contains(
            r#"Enum value "8" on enum "GitError" changed name from "GIT_AUTH_FAILED" to "GIT_AUTHENTICATION_FAILED"."#
        ),
        "{}",
        text(&output)
    );
}

#[test]
fn deleting_a_code_without_reserving_it_fails_buf_breaking() {
    let output = breaking_after_edit(|catalog| delete_git_auth_failed(catalog, ""));
    assert_eq!(output.status.code(), Some(100), "{}", text(&output));
    assert!(
        text(&output).contains(r#"without reserving the number "8""#),
        "{}",
        text(&output)
    );
}

#[test]
fn deleting_a_code_and_reserving_only_its_number_fails_buf_breaking() {
    // A newer peer could reuse the reason, which is what clients match on.
    let output = breaking_after_edit(|catalog| delete_git_auth_failed(catalog, "reserved 8;"));
    assert_eq!(output.status.code(), Some(100), "{}", text(&output));
    assert!(
        text(&output).contains(r#"without reserving the name "GIT_AUTH_FAILED""#),
        "{}",
        text(&output)
    );
}

#[test]
fn retiring_a_code_with_its_number_and_name_reserved_passes_buf_breaking() {
    // The catalog's documented retirement (see catalog.proto).
    let output = breaking_after_edit(|catalog| {
        delete_git_auth_failed(catalog, "reserved 8;\n  reserved \"GIT_AUTH_FAILED\";")
    });
    assert!(output.status.success(), "{}", text(&output));
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} in catalog.proto");
    text.replace(from, to)
}

/// `catalog.proto` without `GIT_AUTH_FAILED = 8 [...];`, and with
/// `instead` where it was.
fn delete_git_auth_failed(catalog: &str, instead: &str) -> String {
    let start = catalog
        .find("GIT_AUTH_FAILED = 8 [")
        .expect("GIT_AUTH_FAILED in catalog.proto");
    let end = start
        + catalog[start..]
            .find("}];")
            .expect("the end of its options")
        + "}];".len();
    format!("{}{instead}{}", &catalog[..start], &catalog[end..])
}

/// `buf breaking` of the protos in `workspace` (a directory with
/// `buf.yaml`) against `against`. Both sides are images: buf compares a
/// multi-module workspace with an image module by module, which misses
/// changes (`buf breaking --against IMAGE` passes a renumbering there).
fn breaking(workspace: &Path, against: &Path) -> Output {
    let scratch = Scratch::new("breaking");
    let current = scratch.0.join("current.binpb");
    run(buf()
        .current_dir(workspace)
        .args(["build", "-o"])
        .arg(&current));
    buf()
        .current_dir(workspace)
        .arg("breaking")
        .arg(&current)
        .arg("--against")
        .arg(against)
        .args(["--config", "buf.yaml"])
        .output()
        .expect("buf runs")
}

/// A copy of the protos with `catalog.proto` edited, compared with the
/// baseline.
fn breaking_after_edit(edit: impl FnOnce(&str) -> String) -> Output {
    let scratch = Scratch::new("edited");
    for file in protos::files() {
        let copy = scratch.0.join(file.root).join(&file.path);
        std::fs::create_dir_all(copy.parent().expect("a parent")).expect("mkdir");
        std::fs::copy(file.full_path(), &copy).expect("copy proto");
    }
    std::fs::copy(repo().join("buf.yaml"), scratch.0.join("buf.yaml")).expect("copy buf.yaml");
    let catalog = scratch.0.join("proto/csghub/errorx/v1/catalog.proto");
    let text = std::fs::read_to_string(&catalog).expect("read catalog.proto");
    std::fs::write(&catalog, edit(&text)).expect("write catalog.proto");
    breaking(&scratch.0, &repo().join(BASELINE))
}

/// Compares the working tree with the protos of `git_ref`, unless the
/// commit cannot be read (a shallow clone, no git) or the working tree
/// re-records the baseline (a reviewed break).
fn compare_with_commit(git_ref: &str) {
    let git = |args: &[&str]| Command::new("git").current_dir(repo()).args(args).output();
    let commit = format!("{git_ref}^{{commit}}");
    match git(&["rev-parse", "--verify", "--quiet", &commit]) {
        Ok(out) if out.status.success() => {}
        _ => {
            // CI clones the whole history: there, a missing commit means
            // the guard silently stopped guarding, and fails.
            skip(&format!("buf breaking against {git_ref}: no such commit (not a git checkout, or a shallow clone); the recorded baseline still guards the wire"));
            return;
        }
    }
    let baseline_then = git(&["show", &format!("{git_ref}:{BASELINE}")]).expect("git runs");
    let baseline_now = std::fs::read(repo().join(BASELINE)).expect("read the baseline");
    if baseline_then.status.success() && baseline_then.stdout != baseline_now {
        say(&format!("skipped: buf breaking against {git_ref}: {BASELINE} was re-recorded since, so the change was reviewed"));
        return;
    }
    let listed = git(&[
        "ls-tree",
        "--name-only",
        git_ref,
        "--",
        "buf.yaml",
        "proto",
        "crates/demo/proto",
    ])
    .expect("git runs");
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let paths: Vec<&str> = listed.lines().collect();
    if !paths.contains(&"proto") {
        say(&format!(
            "skipped: buf breaking against {git_ref}: it has no protos"
        ));
        return;
    }
    let scratch = Scratch::new("commit");
    let tar = scratch.0.join("protos.tar");
    run(Command::new("git")
        .current_dir(repo())
        .args(["archive", "--format=tar", "-o"])
        .arg(&tar)
        .arg(git_ref)
        .arg("--")
        .args(&paths));
    // Before buf.yaml existed, `proto/` was the only module.
    let input = if paths.contains(&"buf.yaml") {
        tar.display().to_string()
    } else {
        format!("{}#subdir=proto", tar.display())
    };
    let image = scratch.0.join("then.binpb");
    run(buf().args(["build", &input, "-o"]).arg(&image));
    let output = breaking(repo(), &image);
    assert!(
        output.status.success(),
        "buf breaking against {git_ref}:\n{}\nRenumbering, renaming or deleting a code breaks \
         every client that knows it. If the break is deliberate and reviewed, re-record the \
         baseline in the same commit: {RECORD}=1 cargo test --all-features --test it -- buf::the_protos_keep_the_wire_of_the_recorded_baseline",
        text(&output)
    );
}

/// Writes the image of the protos, without comments (they do not reach
/// the wire), as indented JSON so that a change shows in review.
fn record_baseline(baseline: &Path) {
    let scratch = Scratch::new("record");
    let image = scratch.0.join("image.json");
    run(buf()
        .args(["build", "--exclude-source-info", "-o"])
        .arg(&image));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&image).expect("read the image")).expect("JSON");
    let mut pretty = serde_json::to_string_pretty(&json).expect("JSON");
    pretty.push('\n');
    // Written aside and renamed: the other tests read it meanwhile.
    let temp = baseline.with_extension("json.tmp");
    std::fs::create_dir_all(baseline.parent().expect("a parent")).expect("mkdir");
    std::fs::write(&temp, pretty).expect("write the baseline");
    std::fs::rename(&temp, baseline).expect("move the baseline into place");
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A directory under `target/tmp`, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> Scratch {
        static SEQUENCE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = SEQUENCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("buf-{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
