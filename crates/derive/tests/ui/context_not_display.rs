use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
enum RepoError {
    #[error("repository {} not found", path.display())]
    #[catalog(code = GIT_REPO_NOT_FOUND)]
    NotFound {
        #[catalog(context)]
        path: std::path::PathBuf,
    },
}

fn main() {}
