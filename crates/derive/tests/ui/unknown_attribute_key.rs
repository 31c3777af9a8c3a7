use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
#[catalog(retry = 30)]
enum RepoError {
    #[error("repository {repo} not found")]
    #[catalog(code = GIT_REPO_NOT_FOUND, message = "gone")]
    NotFound {
        #[catalog(key = "repo")]
        repo: String,
    },
}

fn main() {}
