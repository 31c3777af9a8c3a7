//! Two services to run and to copy:
//!
//! - [`DemoService`] fails on purpose with the catalog code a request names,
//!   unary or mid-stream, so clients in any language can see every code on
//!   the wire;
//! - [`RepoService`] reads repositories and files and fails the way a real
//!   service does: its handlers return the application's own
//!   [`RepoError`], which `?` turns into the library's [`Error`](csghub_errorx::Error).
//!
//! ```no_run
//! use csghub_errorx_demo::{DemoServer, DemoService, RepoService, ReposServer};
//! use csghub_errorx::layer::LogLayer;
//!
//! # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
//! tonic::transport::Server::builder()
//!     .layer(LogLayer::server())
//!     .add_service(DemoServer::new(DemoService::new()))
//!     .add_service(ReposServer::new(RepoService::with_sample_data()))
//!     .serve("127.0.0.1:50051".parse()?)
//!     .await?;
//! # Ok(())
//! # }
//! ```

/// The code generated from `proto/csghub/errorx/demo/v1/`.
pub mod proto {
    #![allow(missing_docs, clippy::doc_lazy_continuation)]

    /// The demo protos, as an encoded `google.protobuf.FileDescriptorSet`.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/descriptor_set.bin"));

    include!(concat!(env!("OUT_DIR"), "/csghub.errorx.demo.v1.rs"));
}

mod fail;
#[cfg(feature = "http")]
pub mod http;
mod repo_error;
mod repos;

pub use fail::{requested_error, DemoService, MAX_MESSAGES_BEFORE_ERROR, PANIC, PANIC_SECRET};
pub use repo_error::RepoError;
pub use repos::RepoService;

pub use proto::demo_client::DemoClient;
pub use proto::demo_server::{Demo, DemoServer};
pub use proto::repos_client::ReposClient;
pub use proto::repos_server::{Repos, ReposServer};
pub use proto::{FailReply, FailRequest, File, GetFileRequest, GetRepoRequest, Repo};
