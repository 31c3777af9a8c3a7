//! Compiles the demo services' protos with `protox` (no system `protoc`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let files = [
        "csghub/errorx/demo/v1/demo.proto",
        "csghub/errorx/demo/v1/repos.proto",
    ];
    let descriptors = protox::compile(files, ["proto"])?;
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("descriptor_set.bin"),
        prost::Message::encode_to_vec(&descriptors),
    )?;
    // Proto3 JSON, for the REST endpoint: lowerCamel names, the proto's
    // own names accepted too, absent fields default, unknown ones rejected
    // (as protojson and json_format do).
    let fail_request = "csghub.errorx.demo.v1.FailRequest";
    tonic_prost_build::configure()
        .btree_map(".")
        .type_attribute(
            fail_request,
            r#"#[cfg_attr(feature = "http", derive(serde::Deserialize), serde(rename_all = "camelCase", default, deny_unknown_fields))]"#,
        )
        .field_attribute(
            format!("{fail_request}.messages_before_error"),
            r#"#[cfg_attr(feature = "http", serde(alias = "messages_before_error"))]"#,
        )
        .compile_fds(descriptors)?;
    Ok(())
}
