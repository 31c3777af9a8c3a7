//! The library's generated files are checked in (as tonic-types checks in
//! its `google.rpc` types), so that its own build compiles no protos: these
//! tests regenerate each one from its source and fail on any difference.
//! After changing a proto, a message file or the build crate, run
//! `cargo run -p csghub-errorx-build --example regenerate_builtin` (the
//! catalog and the gRPC code table) and `cargo test generated -- --ignored`
//! (writes the prost types and the descriptor set), then review the diff.

use std::path::{Path, PathBuf};

use csghub_errorx::csghub;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The library's protos, in the order they are compiled.
const PROTO_FILES: &[&str] = &[
    "csghub/errorx/v1/options.proto",
    "csghub/errorx/v1/module.proto",
    "csghub/errorx/v1/error_info.proto",
    "csghub/errorx/v1/catalog.proto",
];

/// What prost-build and protox make of `proto/`: the Rust types and the
/// encoded descriptor set, each with the path it is checked in at.
fn prost_files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut compiler = protox::Compiler::new([repo().join("proto")]).expect("the proto root");
    compiler.include_source_info(true).include_imports(true);
    for file in PROTO_FILES {
        compiler.open_file(file).expect("the protos compile");
    }
    let descriptor_set = compiler.encode_file_descriptor_set();
    let out = tempdir();
    prost_build::Config::new()
        .btree_map(["."])
        .enable_type_names()
        .out_dir(&out)
        .compile_fds(compiler.file_descriptor_set())
        .expect("prost-build generates the types");
    let types = std::fs::read(out.join("csghub.errorx.v1.rs")).expect("the generated types");
    let _ = std::fs::remove_dir_all(&out);
    vec![
        (PathBuf::from("src/proto/csghub.errorx.v1.rs"), types),
        (
            PathBuf::from("src/proto/descriptor_set.bin"),
            descriptor_set,
        ),
    ]
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "csghub-errorx-generated-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

fn assert_checked_in(path: &Path, generated: &[u8]) {
    let checked_in =
        std::fs::read(repo().join(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        checked_in == generated,
        "{} is not what its source generates: regenerate it (see tests/it/generated.rs) and review the diff",
        path.display()
    );
}

#[test]
fn the_checked_in_catalog_and_grpc_code_table_are_what_the_build_crate_generates() {
    let files = csghub_errorx_build::builtin::generate(&repo()).expect("the catalog is valid");
    assert_eq!(files.len(), 2);
    for (path, content) in files {
        assert_checked_in(&path, content.as_bytes());
    }
}

#[test]
fn the_checked_in_proto_types_and_descriptor_set_are_what_prost_build_generates() {
    for (path, content) in prost_files() {
        assert_checked_in(&path, &content);
    }
}

/// Writes the prost types and the descriptor set: run with `--ignored`
/// after changing a proto.
#[test]
#[ignore = "writes src/proto/: run by hand after changing a proto"]
fn regenerate_proto_types() {
    for (path, content) in prost_files() {
        std::fs::write(repo().join(&path), content).expect("writes the file");
    }
}

#[test]
fn the_build_crate_brings_the_same_options_proto_as_the_library() {
    // The build crate is published alone and cannot read the library's
    // `proto/`: it carries a copy, which must not drift.
    let library = std::fs::read_to_string(repo().join("proto/csghub/errorx/v1/options.proto"))
        .expect("the library's options.proto");
    assert_eq!(library, csghub_errorx_build::OPTIONS_PROTO);
}

#[test]
fn the_library_hashes_lookup_keys_as_the_build_crate_does() {
    // A difference would make every lookup of a generated catalog miss.
    let mut keys: Vec<Vec<u8>> = csghub::CATALOG
        .codes()
        .flat_map(|code| [code.as_str(), code.name(), code.reason()])
        .map(|key| key.as_bytes().to_vec())
        .collect();
    // And bytes of every length around the hash's eight-byte steps.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for len in 0..40 {
        let bytes = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        keys.push(bytes);
    }
    for key in &keys {
        for (seed, bits) in [(0, 12), (7, 13), (u64::MAX, 16), (0x1234_5678, 1)] {
            assert_eq!(
                csghub_errorx::__generated::slot(seed, bits, key),
                csghub_errorx_build::slot::slot(seed, bits, key),
                "key {key:?}, seed {seed}, bits {bits}"
            );
        }
    }
}

#[test]
fn the_library_and_the_build_crate_agree_on_the_codes_never_retried() {
    for number in 0..=16 {
        let code = tonic::Code::from_i32(number);
        let name = csghub_errorx::grpc_code::name(code);
        assert_eq!(
            csghub_errorx::RetryClass::request_is_wrong(code),
            csghub_errorx_build::grpc_codes::REQUEST_IS_WRONG.contains(&name),
            "{name}"
        );
    }
}
