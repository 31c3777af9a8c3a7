use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
enum AuthError {
    #[error("authentication failed")]
    #[catalog(code = "GIT-ERR-8")]
    Failed,
    #[error("token expired")]
    #[catalog(code = "GIT_AUTH_FAILED")]
    Expired,
}

fn main() {}
