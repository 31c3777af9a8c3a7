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
