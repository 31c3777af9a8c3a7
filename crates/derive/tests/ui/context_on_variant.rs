use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
enum RepoError {
    #[error("repository {repo} not found")]
    #[catalog(code = GIT_REPO_NOT_FOUND, context)]
    NotFound { repo: String },
}

fn main() {}
