use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
enum ApiError {
    #[error(transparent)]
    #[catalog(transparent)]
    Io(std::io::Error),
}

fn main() {}
