use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
enum RepoError {
    #[error("repository {repo_path} not found in {path}")]
    #[catalog(code = GIT_REPO_NOT_FOUND)]
    NotFound {
        #[catalog(context)]
        repo_path: String,
        #[catalog(context = "repoPath")]
        path: String,
    },
}

fn main() {}
