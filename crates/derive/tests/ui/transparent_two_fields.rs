use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
#[error("quota exceeded")]
#[catalog(code = ERR_RATE_LIMIT_EXCEEDED)]
struct QuotaExceeded;

#[derive(Debug, thiserror::Error, CatalogError)]
enum ApiError {
    #[error("{0}")]
    #[catalog(transparent)]
    Quota(QuotaExceeded, String),
}

fn main() {}
