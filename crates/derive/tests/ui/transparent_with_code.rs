use csghub_errorx::CatalogError;

#[derive(Debug, thiserror::Error, CatalogError)]
#[error("quota exceeded")]
#[catalog(code = ERR_RATE_LIMIT_EXCEEDED)]
struct QuotaExceeded;

#[derive(Debug, thiserror::Error, CatalogError)]
enum ApiError {
    #[error(transparent)]
    #[catalog(transparent, code = DATABASE_FAILURE)]
    Quota(QuotaExceeded),
}

fn main() {}
