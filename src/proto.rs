//! The Rust types generated from `proto/`.

/// `csghub.errorx.v1`: the typed `ErrorInfo`, `Module`, the catalog enums
/// and their options.
pub mod v1 {
    #![allow(missing_docs, clippy::doc_lazy_continuation)]
    include!(concat!(env!("OUT_DIR"), "/csghub.errorx.v1.rs"));
}

/// `csghub.errorx.demo.v1`: the `Demo` service, which fails on purpose.
pub mod demo {
    #![allow(missing_docs, clippy::doc_lazy_continuation)]
    include!(concat!(env!("OUT_DIR"), "/csghub.errorx.demo.v1.rs"));
}
