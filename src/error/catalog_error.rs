//! [`CatalogError`]: how an application's own error enum becomes an [`Error`].

use crate::{Code, Context, Details, Error};

/// An application error that maps onto the catalog. Implement it for your
/// own `thiserror` enum, and `?` converts that enum into [`Error`], keeping
/// it as the [`source`](std::error::Error::source): logged, never sent.
///
/// ```
/// use csghub_errorx::{CatalogError, Code, Context, Error};
///
/// #[derive(Debug, thiserror::Error)]
/// enum RepoError {
///     #[error("repository {0} not found")]
///     NotFound(String),
///     #[error("database unreachable")]
///     Database(#[source] std::io::Error),
/// }
///
/// impl CatalogError for RepoError {
///     fn code(&self) -> Code {
///         match self {
///             RepoError::NotFound(_) => Code::GIT_REPO_NOT_FOUND,
///             RepoError::Database(_) => Code::DATABASE_FAILURE,
///         }
///     }
///     fn context(&self, context: &mut Context) {
///         if let RepoError::NotFound(repo) = self {
///             context.insert("repo", repo.as_str());
///         }
///     }
/// }
///
/// fn find(name: &str) -> Result<(), Error> {
///     Err(RepoError::NotFound(name.to_string()))?
/// }
///
/// let error = find("ns/name").unwrap_err();
/// assert!(error.is(Code::GIT_REPO_NOT_FOUND));
/// assert_eq!(error.context().get("repo"), Some("ns/name"));
/// ```
pub trait CatalogError: std::error::Error + Send + Sync + 'static {
    /// The catalog code of this error.
    fn code(&self) -> Code;

    /// Adds the context the peer should see. The default adds none.
    ///
    /// Put the dynamic parts of your message here: the error's own
    /// `Display` text is only logged, never sent.
    fn context(&self, context: &mut Context) {
        let _ = context;
    }

    /// Adds standard details, such as a `BadRequest` field violation or a
    /// `ResourceInfo`. The default adds none.
    fn details(&self, details: &mut Details) {
        let _ = details;
    }
}

impl<E: CatalogError> From<E> for Error {
    fn from(error: E) -> Error {
        let mut context = Context::new();
        error.context(&mut context);
        let mut details = Details::default();
        error.details(&mut details);
        Error::new(error.code())
            .with_context_map(context)
            .with_details(details)
            .with_source(error)
    }
}
