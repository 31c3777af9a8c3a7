//! `#[derive(CatalogError)]` for csghub-errorx: an application's error enum
//! or struct mapped onto the CSGHub catalog, and converted by `?` into
//! `csghub_errorx::Error` and `tonic::Status`.
//!
//! Use it through the library, as `csghub_errorx::CatalogError` (feature
//! `derive`, on by default); the generated code names only
//! `::csghub_errorx` paths.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod attrs;
mod bounds;
mod error_list;
mod expand;
mod lower_camel;
mod model;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `csghub_errorx::CatalogError`, and `From<T> for tonic::Status`
/// so that `?` works in a tonic handler.
///
/// ```
/// use csghub_errorx::{CatalogError, Error, ErrorCode};
///
/// #[derive(Debug, thiserror::Error, CatalogError)]
/// enum RepoError {
///     #[error("repository {repo_path} not found")]
///     #[catalog(code = GIT_REPO_NOT_FOUND)]
///     NotFound {
///         #[catalog(context)] // key "repoPath"
///         repo_path: String,
///     },
///     #[error("branch {1} not found in {0}")]
///     #[catalog(code = GIT_BRANCH_NOT_FOUND)]
///     BranchNotFound(
///         #[catalog(context = "repo")] String,
///         #[catalog(context = "branch")] String,
///     ),
///     #[error("storage failed")]
///     #[catalog(code = DATABASE_FAILURE)]
///     Storage(#[source] std::io::Error),
/// }
///
/// fn get_branch(repo: &str, branch: &str) -> Result<(), tonic::Status> {
///     Err(RepoError::BranchNotFound(repo.into(), branch.into()))?
/// }
///
/// let error = Error::from_status(&get_branch("ns/name", "dev").unwrap_err());
/// assert!(error.is(ErrorCode::GIT_BRANCH_NOT_FOUND));
/// assert_eq!(error.context().get("repo"), Some("ns/name"));
/// assert_eq!(error.context().get("branch"), Some("dev"));
/// ```
///
/// # Attributes
///
/// On the **enum** or the **struct**:
/// - `#[catalog(code = NAME)]`: the catalog code, named by its `ErrorCode`
///   constant (`GIT_REPO_NOT_FOUND`, not `"GIT-ERR-9"`, so that rustc checks
///   it). A bare name is one of CSGHub's codes; a path names a code of your
///   own catalog's generated module (`code = errors::MODEL_NOT_LOADED`).
///   On an enum, the default for variants without their own.
/// - `#[catalog(enrich = path)]`: a `fn(&Self, Error) -> Error` that adds
///   standard details (a retry delay, a field violation) or replaces the
///   public message of the error built from the code and the context.
/// - `#[catalog(transparent)]`, on a struct with one field: as on a variant.
///
/// On a **variant**:
/// - `#[catalog(code = NAME)]`: required, unless the enum gives a default
///   or the variant is transparent.
/// - `#[catalog(transparent)]`: the variant's one field implements
///   `CatalogError` itself, and its code, context and enrichment are used.
///   It takes no `code` of its own.
///
/// On a **field**:
/// - `#[catalog(context)]`: sends the field's value as context under the
///   field's name in lowerCamel (`repo_path` becomes `repoPath`, as AIP-193
///   recommends for metadata keys).
/// - `#[catalog(context = "key")]`: under `key`; required on a tuple field,
///   which has no name.
///
/// A context field's type must implement `Display`; the value is formatted
/// through a reference, so the field is not moved or cloned. A `PathBuf`
/// does not: keep the path as a `String`, or implement `context` by hand.
/// The error's own `Display` text is only logged, never sent: put what the
/// peer should see in the context.
///
/// # Enrichment and transparent variants
///
/// A transparent variant's inner error enriches first; the type's own
/// `enrich` function runs after it, for every variant, and may override
/// what the inner error added.
///
/// ```
/// use std::time::Duration;
///
/// use csghub_errorx::{CatalogError, Error, ErrorCode};
///
/// #[derive(Debug, thiserror::Error, CatalogError)]
/// #[error("quota of {user} exceeded")]
/// #[catalog(code = ERR_RATE_LIMIT_EXCEEDED, enrich = retry_later)]
/// struct QuotaExceeded {
///     #[catalog(context)]
///     user: String,
/// }
///
/// fn retry_later(_: &QuotaExceeded, error: Error) -> Error {
///     error.with_retry_delay(Duration::from_secs(30))
/// }
///
/// #[derive(Debug, thiserror::Error, CatalogError)]
/// enum ApiError {
///     #[error(transparent)]
///     #[catalog(transparent)]
///     Quota(QuotaExceeded),
/// }
///
/// let error = Error::from(ApiError::Quota(QuotaExceeded { user: "alice".into() }));
/// assert!(error.is(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
/// assert_eq!(error.context().get("user"), Some("alice"));
/// assert_eq!(error.retry_delay(), Some(Duration::from_secs(30)));
/// ```
///
/// # Generic types
///
/// A generic type needs no bounds written for this derive. The generated
/// impls ask for what they use: `Self: Error + Send + Sync + 'static`
/// (`CatalogError`'s supertraits, whatever bounds the `Error` impl has),
/// `T: Display` for a context field of a type naming a parameter, and
/// `T: CatalogError` for such a transparent field.
///
/// # What it generates
///
/// `impl CatalogError` with `code` (a `match` on the variants), `context`
/// (only if a field or a transparent variant sends context) and `enrich`
/// (only if asked for or a variant is transparent), and
/// `impl From<T> for tonic::Status`, which converts through `Error`. Write
/// no `From<T> for tonic::Status` of your own: it would conflict.
#[proc_macro_derive(CatalogError, attributes(catalog))]
pub fn derive_catalog_error(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match model::Input::from_derive_input(&input) {
        Ok(checked) => expand::expand(&checked).into(),
        Err(errors) => errors.to_compile_error().into(),
    }
}
