use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
enum RepoError {
    #[error("repository {repo} not found")]
    NotFound {
        #[catalog(code = GIT_REPO_NOT_FOUND)]
        repo: String,
    },
}

fn main() {}
