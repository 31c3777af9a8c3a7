//! [`TokenValidator`]: the pluggable check of a bearer token.

use crate::{Error, ErrorCode};

/// Checks the token of an `authorization: Bearer {token}` header.
///
/// Return the caller's identity, which the interceptor puts into the
/// request's extensions for the handler, or the catalog error to reject
/// with: typically [`ErrorCode::INVALID_JWT`] (see [`invalid_token`]). Any
/// `Fn(&str) -> Result<I, Error>` is a validator.
///
/// ```
/// use csghub_errorx::auth::{invalid_token, TokenValidator};
///
/// let validator = |token: &str| match token {
///     "s3cret" => Ok("alice".to_string()),
///     _ => Err(invalid_token()),
/// };
/// assert_eq!(validator.validate("s3cret").unwrap(), "alice");
/// ```
pub trait TokenValidator: Clone + Send + Sync + 'static {
    /// Who the token belongs to.
    type Identity: Clone + Send + Sync + 'static;

    /// Checks `token` (the text after `Bearer `).
    fn validate(&self, token: &str) -> Result<Self::Identity, Error>;
}

impl<F, I> TokenValidator for F
where
    F: Fn(&str) -> Result<I, Error> + Clone + Send + Sync + 'static,
    I: Clone + Send + Sync + 'static,
{
    type Identity = I;

    fn validate(&self, token: &str) -> Result<I, Error> {
        self(token)
    }
}

/// The error for a token that is malformed, invalid or expired:
/// `AUTH-ERR-4` invalidJWT.
pub fn invalid_token() -> Error {
    Error::new(ErrorCode::INVALID_JWT)
}
