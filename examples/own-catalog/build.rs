//! Builds Acme's catalog exactly as README tells a user to: one call of
//! `csghub-errorx-build`, which checks `catalog.proto` and its messages and
//! writes the Rust module `src/lib.rs` includes. The service's own proto is
//! compiled as any tonic service's is.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    csghub_errorx_build::compile("proto/acme/errors/v1/catalog.proto")?;

    println!("cargo:rerun-if-changed=proto/acme/serving");
    let descriptors = protox::compile(["acme/serving/v1/serving.proto"], ["proto"])?;
    tonic_prost_build::configure().compile_fds(descriptors)?;
    Ok(())
}
