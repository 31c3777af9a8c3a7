//! [`AuthInterceptor`]: rejects requests without valid credentials with the
//! catalog's auth errors.

use tonic::service::Interceptor;
use tonic::{Request, Status};

use super::header::bearer_token;
use super::TokenValidator;
use crate::{Error, StatusEncoder};

/// What the interceptor expects in `authorization`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// A user token (JWT). Missing: `AUTH-ERR-5` invalidAuthHeader.
    Token,
    /// An API key, sent as a bearer token. Missing: `AUTH-ERR-9` needAPIKey.
    ApiKey,
}

/// A tonic request interceptor for `authorization: Bearer {token}`.
///
/// - no `authorization` → `AUTH-ERR-5` invalidAuthHeader for
///   [`Credential::Token`], `AUTH-ERR-9` needAPIKey for
///   [`Credential::ApiKey`];
/// - a header that is not `Bearer {token}` (another scheme, no token,
///   bytes that are not visible ASCII) → `AUTH-ERR-5` invalidAuthHeader;
/// - a token the [`TokenValidator`] rejects → its error, typically
///   `AUTH-ERR-4` invalidJWT.
///
/// The scheme is matched case-insensitively (RFC 9110). On success the
/// validator's identity is in the request's extensions.
///
/// ```
/// use csghub_errorx::auth::{invalid_token, AuthInterceptor};
/// use csghub_errorx::{Error, ErrorCode};
/// use tonic::service::Interceptor;
///
/// let mut auth = AuthInterceptor::token(|token: &str| {
///     if token == "s3cret" { Ok("alice") } else { Err(invalid_token()) }
/// });
///
/// let mut request = tonic::Request::new(());
/// request.metadata_mut().insert("authorization", "Bearer s3cret".parse().unwrap());
/// let request = auth.call(request).unwrap();
/// assert_eq!(request.extensions().get::<&str>(), Some(&"alice"));
///
/// let status = auth.call(tonic::Request::new(())).unwrap_err();
/// assert!(Error::from_status(&status).is(ErrorCode::INVALID_AUTH_HEADER));
/// ```
#[derive(Clone, Debug)]
pub struct AuthInterceptor<V> {
    validator: V,
    credential: Credential,
    encoder: StatusEncoder,
}

impl<V: TokenValidator> AuthInterceptor<V> {
    /// Expects a user token.
    pub fn token(validator: V) -> AuthInterceptor<V> {
        AuthInterceptor::new(validator, Credential::Token)
    }

    /// Expects an API key.
    pub fn api_key(validator: V) -> AuthInterceptor<V> {
        AuthInterceptor::new(validator, Credential::ApiKey)
    }

    /// Expects `credential`.
    pub fn new(validator: V, credential: Credential) -> AuthInterceptor<V> {
        AuthInterceptor {
            validator,
            credential,
            encoder: StatusEncoder::new(),
        }
    }

    /// Encodes rejections with `encoder` instead of the default one.
    pub fn encoder(mut self, encoder: StatusEncoder) -> AuthInterceptor<V> {
        self.encoder = encoder;
        self
    }

    /// The identity of `request`, or the error to reject it with.
    pub fn authenticate<T>(&self, request: &Request<T>) -> Result<V::Identity, Error> {
        let value = request.metadata().get("authorization");
        let token = bearer_token(value.map(|v| v.as_encoded_bytes()), self.credential)?;
        self.validator.validate(token)
    }
}

impl<V: TokenValidator> Interceptor for AuthInterceptor<V> {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        match self.authenticate(&request) {
            Ok(identity) => {
                request.extensions_mut().insert(identity);
                Ok(request)
            }
            Err(error) => Err(self.encoder.into_status(error)),
        }
    }
}
