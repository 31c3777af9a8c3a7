//! The Rust types generated from `proto/`.

/// Every proto of this crate and its imports, as an encoded
/// `google.protobuf.FileDescriptorSet`: for gRPC reflection, and for peers
/// that load message types at run time.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/descriptor_set.bin"));

/// `csghub.errorx.v1`: the typed `ErrorInfo`, `Module`, the catalog enums
/// and their options.
pub mod v1 {
    #![allow(missing_docs, clippy::doc_lazy_continuation)]
    include!(concat!(env!("OUT_DIR"), "/csghub.errorx.v1.rs"));
}

/// The directory holding this crate's protos, for `protoc -I` or
/// `protox::compile(.., [PROTO_INCLUDE_DIR])`, so that your protos can
/// `import "csghub/errorx/v1/error_info.proto"`.
///
/// In a build script, read the same path from the environment variable
/// `DEP_CSGHUB_ERRORX_PROTO_DIR` instead (Cargo sets it for direct
/// dependents); this constant is the path where this crate was built.
pub const PROTO_INCLUDE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/proto");
