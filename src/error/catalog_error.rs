//! [`CatalogError`]: how an application's own error type becomes an
//! [`Error`].

use crate::{Context, Error, ErrorCode};

/// An application error that maps onto the catalog. `?` converts it into
/// [`Error`], keeping it as the [`source`](std::error::Error::source):
/// logged, never sent.
///
/// Derive it (feature `derive`, on by default): each variant names its
/// catalog code, and fields marked `#[catalog(context)]` go to the context.
/// The derive also writes `From<YourError> for tonic::Status`, so `?` works
/// in a tonic handler.
///
/// ```
/// # #[cfg(feature = "derive")] {
/// use csghub_errorx::{CatalogError, Error, ErrorCode};
///
/// #[derive(Debug, thiserror::Error, CatalogError)]
/// enum RepoError {
///     #[error("repository {repo} not found")]
///     #[catalog(code = GIT_REPO_NOT_FOUND)]
///     NotFound {
///         #[catalog(context)]
///         repo: String,
///     },
///     #[error("database unreachable")]
///     #[catalog(code = DATABASE_FAILURE)]
///     Database(#[source] std::io::Error),
/// }
///
/// fn find(name: &str) -> Result<(), tonic::Status> {
///     Err(RepoError::NotFound { repo: name.to_string() })?
/// }
///
/// let error = Error::from_status(&find("ns/name").unwrap_err());
/// assert!(error.is(ErrorCode::GIT_REPO_NOT_FOUND));
/// assert_eq!(error.context().get("repo"), Some("ns/name"));
/// # }
/// ```
///
/// Or implement it by hand:
///
/// ```
/// use csghub_errorx::{CatalogError, Context, Error, ErrorCode};
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("quota of {0} exceeded")]
/// struct QuotaExceeded(String);
///
/// impl CatalogError for QuotaExceeded {
///     fn code(&self) -> ErrorCode {
///         ErrorCode::ERR_RATE_LIMIT_EXCEEDED
///     }
///     fn context(&self, context: &mut Context) {
///         context.insert("user", &self.0);
///     }
///     fn enrich(&self, error: Error) -> Error {
///         error.with_retry_delay(std::time::Duration::from_secs(30))
///     }
/// }
///
/// let error = Error::from(QuotaExceeded("alice".into()));
/// assert!(error.is(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
/// assert!(error.retry_delay().is_some());
/// ```
pub trait CatalogError: std::error::Error + Send + Sync + 'static {
    /// The catalog code of this error.
    fn code(&self) -> ErrorCode;

    /// Adds the context the peer should see. The default adds none.
    ///
    /// Put the dynamic parts of your message here: the error's own
    /// `Display` text is only logged, never sent.
    fn context(&self, context: &mut Context) {
        let _ = context;
    }

    /// Adds standard details (a `BadRequest` violation, a `ResourceInfo`,
    /// a retry delay) or replaces the public message, to the error built
    /// from [`code`](CatalogError::code) and
    /// [`context`](CatalogError::context). The default returns it as it is.
    fn enrich(&self, error: Error) -> Error {
        error
    }
}

impl<E: CatalogError> From<E> for Error {
    fn from(error: E) -> Error {
        let mut built = Error::new(error.code());
        error.context(built.context_mut());
        error.enrich(built).with_source(error)
    }
}
