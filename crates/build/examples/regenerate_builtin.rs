//! Writes csghub-errorx's generated files from its protos:
//! `cargo run -p csghub-errorx-build --example regenerate_builtin`. The
//! library's `tests/it/generated.rs` checks that they are up to date.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for (path, content) in csghub_errorx_build::builtin::generate(&root)? {
        std::fs::write(root.join(&path), content)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
