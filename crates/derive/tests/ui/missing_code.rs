use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
enum RepoError {
    #[error("repository not found")]
    #[catalog(code = GIT_REPO_NOT_FOUND)]
    NotFound,
    #[error("branch not found")]
    BranchNotFound,
}

fn main() {}
