//! [`RepoError`]: the repository service's own error enum, mapped onto the
//! catalog.

use csghub_errorx::{CatalogError, Code, Context, Details};
use tonic_types::pb;

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
    fn code(&self) -> Code {
        match self {
            RepoError::InvalidName(_) | RepoError::InvalidPath(_) => Code::ERR_REQ_PARAM_INVALID,
            RepoError::RepoNotFound(_) => Code::GIT_REPO_NOT_FOUND,
            RepoError::Forbidden { .. } => Code::FORBIDDEN,
            RepoError::BranchNotFound { .. } => Code::GIT_BRANCH_NOT_FOUND,
            RepoError::FileNotFound { .. } => Code::GIT_FILE_NOT_FOUND,
            RepoError::Storage(_) => Code::DATABASE_FAILURE,
        }
    }

    fn context(&self, context: &mut Context) {
        match self {
            RepoError::InvalidName(name) | RepoError::RepoNotFound(name) => {
                context.insert("repo", name.as_str())
            }
            RepoError::Forbidden { repo, .. } => context.insert("repo", repo.as_str()),
            RepoError::BranchNotFound { repo, branch } => {
                context.insert("repo", repo.as_str());
                context.insert("branch", branch.as_str());
            }
            RepoError::InvalidPath(path) => context.insert("path", path.as_str()),
            RepoError::FileNotFound { repo, branch, path } => {
                context.insert("repo", repo.as_str());
                context.insert("branch", branch.as_str());
                context.insert("path", path.as_str());
            }
            // Nothing about the storage goes to the peer.
            RepoError::Storage(_) => {}
        }
    }

    fn details(&self, details: &mut Details) {
        let violation = |field: &str, description: &str| pb::BadRequest {
            field_violations: vec![pb::bad_request::FieldViolation {
                field: field.to_string(),
                description: description.to_string(),
                ..Default::default()
            }],
        };
        let resource = |kind: &str, name: String| pb::ResourceInfo {
            resource_type: kind.to_string(),
            resource_name: name,
            ..Default::default()
        };
        match self {
            RepoError::InvalidName(_) => {
                details.bad_request = Some(violation("name", "must be namespace/name"));
            }
            RepoError::InvalidPath(_) => {
                details.bad_request = Some(violation("path", "must be relative, without '..'"));
            }
            RepoError::RepoNotFound(repo) | RepoError::Forbidden { repo, .. } => {
                details.resource_info = Some(resource("repository", repo.clone()));
            }
            RepoError::BranchNotFound { repo, branch } => {
                details.resource_info = Some(resource("branch", format!("{repo}@{branch}")));
            }
            RepoError::FileNotFound { repo, branch, path } => {
                details.resource_info = Some(resource("file", format!("{repo}@{branch}:{path}")));
            }
            RepoError::Storage(_) => {}
        }
    }
}
