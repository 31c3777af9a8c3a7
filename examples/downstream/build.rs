//! Compiles this service's proto, which imports the catalog's
//! `csghub/errorx/v1/error_info.proto`. Cargo hands us the catalog's proto
//! directory as `DEP_CSGHUB_ERRORX_PROTO_DIR` (csghub-errorx declares
//! `links = "csghub_errorx"`), and the generated code reuses csghub-errorx's
//! Rust types for the imported messages.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let catalog_protos = std::env::var("DEP_CSGHUB_ERRORX_PROTO_DIR")?;
    let descriptors = protox::compile(["acme/hub/v1/hub.proto"], ["proto", &catalog_protos])?;
    tonic_prost_build::configure()
        .extern_path(".csghub.errorx.v1", "::csghub_errorx::proto::v1")
        .compile_fds(descriptors)?;
    Ok(())
}
