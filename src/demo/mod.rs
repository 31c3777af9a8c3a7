//! Two services to run and to copy:
//!
//! - [`DemoService`] fails on purpose with the catalog code a request names,
//!   unary or mid-stream, so clients in any language can see every code on
//!   the wire;
//! - [`RepoService`] reads repositories and files and fails the way a real
//!   service does: its handlers return the application's own
//!   [`RepoError`], which `?` turns into the library's [`Error`](crate::Error).
//!
//! ```no_run
//! use csghub_errorx::demo::{DemoServer, DemoService, RepoService, ReposServer};
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

mod fail;
mod repo_error;
mod repos;

pub use fail::{requested_error, DemoService, MAX_MESSAGES_BEFORE_ERROR};
pub use repo_error::RepoError;
pub use repos::RepoService;

pub use crate::proto::demo::demo_client::DemoClient;
pub use crate::proto::demo::demo_server::{Demo, DemoServer};
pub use crate::proto::demo::repos_client::ReposClient;
pub use crate::proto::demo::repos_server::{Repos, ReposServer};
pub use crate::proto::demo::{FailReply, FailRequest, File, GetFileRequest, GetRepoRequest, Repo};
