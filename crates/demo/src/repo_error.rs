//! [`RepoError`]: the repository service's own error enum, mapped onto the
//! catalog.

use csghub_errorx::{CatalogError, Context, Error, ErrorCode};

/// What can go wrong reading repositories: an application's own
/// `thiserror` enum. Its `Display` text is for the server's logs; what the
/// client sees is the catalog code, the context and the details.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The name is not `namespace/name`.
    #[error("invalid repository name {0:?}: expected namespace/name")]
    InvalidName(String),
    /// No such repository.
    #[error("repository {0} not found")]
    RepoNotFound(String),
    /// The caller may not read the repository.
    #[error("{caller} may not read repository {repo}")]
    Forbidden {
        /// The repository.
        repo: String,
        /// Who asked; `anonymous` without credentials.
        caller: String,
    },
    /// No such branch.
    #[error("branch {branch} not found in {repo}")]
    BranchNotFound {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
    },
    /// The path is absolute, empty or climbs out with `..`.
    #[error("invalid path {0:?}")]
    InvalidPath(String),
    /// No such file on the branch.
    #[error("file {path} not found in {repo}@{branch}")]
    FileNotFound {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// The path.
        path: String,
    },
    /// The storage failed. The cause is logged, never sent.
    #[error("storage failed")]
    Storage(#[source] std::io::Error),
}

impl CatalogError for RepoError {
    fn code(&self) -> ErrorCode {
        match self {
            RepoError::InvalidName(_) | RepoError::InvalidPath(_) => {
                ErrorCode::ERR_REQ_PARAM_INVALID
            }
            RepoError::RepoNotFound(_) => ErrorCode::GIT_REPO_NOT_FOUND,
            RepoError::Forbidden { .. } => ErrorCode::FORBIDDEN,
            RepoError::BranchNotFound { .. } => ErrorCode::GIT_BRANCH_NOT_FOUND,
            RepoError::FileNotFound { .. } => ErrorCode::GIT_FILE_NOT_FOUND,
            RepoError::Storage(_) => ErrorCode::DATABASE_FAILURE,
        }
    }

    fn context(&self, context: &mut Context) {
        match self {
            RepoError::InvalidName(name) | RepoError::RepoNotFound(name) => {
                context.insert("repo", name)
            }
            RepoError::Forbidden { repo, .. } => context.insert("repo", repo),
            RepoError::BranchNotFound { repo, branch } => {
                context.insert("repo", repo);
                context.insert("branch", branch);
            }
            RepoError::InvalidPath(path) => context.insert("path", path),
            RepoError::FileNotFound { repo, branch, path } => {
                context.insert("repo", repo);
                context.insert("branch", branch);
                context.insert("path", path);
            }
            // Nothing about the storage goes to the peer.
            RepoError::Storage(_) => {}
        }
    }

    fn enrich(&self, error: Error) -> Error {
        match self {
            RepoError::InvalidName(_) => {
                error.with_field_violation("name", "must be namespace/name")
            }
            RepoError::InvalidPath(_) => {
                error.with_field_violation("path", "must be relative, without '..'")
            }
            RepoError::RepoNotFound(repo) | RepoError::Forbidden { repo, .. } => {
                error.with_resource("repository", repo)
            }
            RepoError::BranchNotFound { repo, branch } => {
                error.with_resource("branch", format!("{repo}@{branch}"))
            }
            RepoError::FileNotFound { repo, branch, path } => {
                error.with_resource("file", format!("{repo}@{branch}:{path}"))
            }
            RepoError::Storage(_) => error,
        }
    }
}

impl From<RepoError> for tonic::Status {
    fn from(error: RepoError) -> tonic::Status {
        Error::from(error).into()
    }
}
