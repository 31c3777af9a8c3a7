use csghub_errorx::{CatalogError, Error};

#[derive(Debug, thiserror::Error, CatalogError)]
#[error("quota exceeded")]
#[catalog(code = ERR_RATE_LIMIT_EXCEEDED, enrich = add_details)]
struct QuotaExceeded;

fn add_details(error: Error) -> Error {
    error
}

fn main() {}
