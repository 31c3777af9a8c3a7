//! [`RepoError`]: the repository service's own error enum, mapped onto the
//! catalog with `#[derive(CatalogError)]`.

use csghub_errorx::{CatalogError, Error};

/// What can go wrong reading repositories: an application's own
/// `thiserror` enum. Its `Display` text is for the server's logs; what the
/// client sees is the catalog code, the context and the details.
///
/// Each variant names its catalog code, and fields marked
/// `#[catalog(context)]` go to the context; [`details`] adds the standard
/// details. The derive also writes `From<RepoError> for tonic::Status`, so
/// handlers `?` it.
#[derive(Debug, thiserror::Error, CatalogError)]
#[catalog(enrich = details)]
pub enum RepoError {
    /// The name is not `namespace/name`.
    #[error("invalid repository name {0:?}: expected namespace/name")]
    #[catalog(code = ERR_REQ_PARAM_INVALID)]
    InvalidName(#[catalog(context = "repo")] String),
    /// No such repository.
    #[error("repository {0} not found")]
    #[catalog(code = GIT_REPO_NOT_FOUND)]
    RepoNotFound(#[catalog(context = "repo")] String),
    /// The caller may not read the repository.
    #[error("{caller} may not read repository {repo}")]
    #[catalog(code = FORBIDDEN)]
    Forbidden {
        /// The repository.
        #[catalog(context)]
        repo: String,
        /// Who asked; `anonymous` without credentials. Logged, not sent.
        caller: String,
    },
    /// No such branch.
    #[error("branch {branch} not found in {repo}")]
    #[catalog(code = GIT_BRANCH_NOT_FOUND)]
    BranchNotFound {
        /// The repository.
        #[catalog(context)]
        repo: String,
        /// The branch.
        #[catalog(context)]
        branch: String,
    },
    /// The path is absolute, empty or climbs out with `..`.
    #[error("invalid path {0:?}")]
    #[catalog(code = ERR_REQ_PARAM_INVALID)]
    InvalidPath(#[catalog(context = "path")] String),
    /// No such file on the branch.
    #[error("file {path} not found in {repo}@{branch}")]
    #[catalog(code = GIT_FILE_NOT_FOUND)]
    FileNotFound {
        /// The repository.
        #[catalog(context)]
        repo: String,
        /// The branch.
        #[catalog(context)]
        branch: String,
        /// The path.
        #[catalog(context)]
        path: String,
    },
    /// The storage failed. The cause is logged, never sent.
    #[error("storage failed")]
    #[catalog(code = DATABASE_FAILURE)]
    Storage(#[source] std::io::Error),
}

/// The standard details of each variant: a `BadRequest` violation for a
/// malformed request, a `ResourceInfo` for what was not found or refused.
fn details(error: &RepoError, built: Error) -> Error {
    match error {
        RepoError::InvalidName(_) => built.add_field_violation("name", "must be namespace/name"),
        RepoError::InvalidPath(_) => {
            built.add_field_violation("path", "must be relative, without '..'")
        }
        RepoError::RepoNotFound(repo) | RepoError::Forbidden { repo, .. } => {
            built.with_resource("repository", repo)
        }
        RepoError::BranchNotFound { repo, branch } => {
            built.with_resource("branch", format!("{repo}@{branch}"))
        }
        RepoError::FileNotFound { repo, branch, path } => {
            built.with_resource("file", format!("{repo}@{branch}:{path}"))
        }
        RepoError::Storage(_) => built,
    }
}
