//! The browser page and the Connect checks of `tests/web/`, ready to run:
//! connect-es, `@bufbuild/protobuf`, protoc-gen-es, buf, esbuild and tsc,
//! pinned in `tests/web/package.json` and its lockfile and installed with
//! `npm ci` into `target/web-npm-<hash>/`; the code protoc-gen-es generates
//! from the protos (with `tests/ts/buf.gen.yaml`, as the TypeScript peer
//! does), and the page bundled by esbuild, in `run-<hash>/{gen,web}`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use super::cache::{built_dir, repo, run, target, tree};
use super::protos;

const MANIFEST: &str = include_str!("../../web/package.json");
const LOCKFILE: &str = include_str!("../../web/package-lock.json");

/// The npm prefix: `package.json` and `node_modules/`.
pub fn prefix() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY
        .get_or_init(|| {
            built_dir(&target(), "web-npm", &(MANIFEST, LOCKFILE), |dir: &Path| {
                std::fs::write(dir.join("package.json"), MANIFEST).expect("write package.json");
                std::fs::write(dir.join("package-lock.json"), LOCKFILE)
                    .expect("write the lockfile");
                // --ignore-scripts: esbuild and buf find their platform's
                // binary package, which npm installed, without them.
                run(Command::new("npm")
                    .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                    .arg("--loglevel=error")
                    .current_dir(dir));
            })
        })
        .clone()
}

/// A command of `node_modules/.bin`.
pub fn bin(name: &str) -> PathBuf {
    prefix().join("node_modules/.bin").join(name)
}

/// The folder holding `gen/` (the generated `.js` and `.d.ts` files) and
/// `web/`: a copy of `tests/web/`, type-checked, with `page.js`, the page's
/// bundle, beside `index.html`.
pub fn prepared() -> PathBuf {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY
        .get_or_init(|| {
            let prefix = prefix();
            let sources = repo().join("tests/web");
            let template = repo().join("tests/ts/buf.gen.yaml");
            let googleapis = repo().join("third_party/googleapis");
            let inputs = (
                protos::contents(),
                tree(&sources),
                std::fs::read(&template).expect("buf.gen.yaml"),
                tree(&googleapis),
            );
            built_dir(&prefix, "run", &inputs, |out: &Path| {
                let path =
                    std::env::join_paths(std::iter::once(prefix.join("node_modules/.bin")).chain(
                        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
                    ))
                    .expect("PATH");
                run(Command::new(buf_binary(&prefix))
                    .current_dir(repo())
                    .env("PATH", path)
                    .args(["generate", "--template"])
                    .arg(&template)
                    .arg("-o")
                    .arg(out));
                let web = out.join("web");
                std::fs::create_dir(&web).expect("mkdir web");
                for (name, bytes) in tree(&sources) {
                    if !name.starts_with("package") {
                        std::fs::write(web.join(name), bytes).expect("copy a page file");
                    }
                }
                run(Command::new(prefix.join("node_modules/.bin/tsc"))
                    .arg("-p")
                    .arg(&web));
                run(Command::new(prefix.join("node_modules/.bin/esbuild"))
                    .arg(web.join("page.ts"))
                    .args([
                        "--bundle",
                        "--format=iife",
                        "--target=es2022",
                        "--log-level=warning",
                    ])
                    .arg(format!("--outfile={}", web.join("page.js").display())));
            })
        })
        .clone()
}

/// The native binary of the platform's `@bufbuild/buf-<os>-<arch>`
/// package, as `common::npm` finds it.
fn buf_binary(prefix: &Path) -> PathBuf {
    std::fs::read_dir(prefix.join("node_modules/@bufbuild"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("buf-"))
        .map(|entry| entry.path().join("bin/buf"))
        .find(|binary| binary.is_file())
        .unwrap_or_else(|| prefix.join("node_modules/.bin/buf"))
}
