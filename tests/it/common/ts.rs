//! The TypeScript peer of `tests/typescript.rs`: the code protoc-gen-es
//! generates from the protos and the test files of `tests/ts/`, laid out
//! under the npm prefix (where `@bufbuild/protobuf` resolves) as
//! `run-<hash>/{gen,test}`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::cache::{built_dir, repo, run, tree};
use super::{npm, protos};

/// The folder holding `gen/` (the generated `.js` and `.d.ts` files) and
/// `test/` (a copy of `tests/ts/`, whose files import `../gen/...`).
pub fn prepared() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY
        .get_or_init(|| {
            let prefix = npm::prefix();
            let sources = repo().join("tests/ts");
            let googleapis = repo().join("third_party/googleapis");
            let inputs = (protos::contents(), tree(&sources), tree(&googleapis));
            built_dir(&prefix, "run", &inputs, |out: &Path| {
                let path =
                    std::env::join_paths(std::iter::once(prefix.join("node_modules/.bin")).chain(
                        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
                    ))
                    .expect("PATH");
                run(npm::buf()
                    .env("PATH", path)
                    .args(["generate", "--template"])
                    .arg(sources.join("buf.gen.yaml"))
                    .arg("-o")
                    .arg(out));
                let test = out.join("test");
                std::fs::create_dir(&test).expect("mkdir test");
                for (name, bytes) in tree(&sources) {
                    if name.ends_with(".mjs") || name == "tsconfig.json" {
                        std::fs::write(test.join(name), bytes).expect("copy a test file");
                    }
                }
            })
        })
        .clone()
}
