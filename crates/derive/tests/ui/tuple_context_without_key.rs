use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
enum RepoError {
    #[error("repository {0} not found")]
    #[catalog(code = GIT_REPO_NOT_FOUND)]
    NotFound(#[catalog(context)] String),
}

fn main() {}
