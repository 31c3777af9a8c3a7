//! Authentication with the catalog's auth errors, on both sides.
//!
//! - Server, sync check: [`AuthInterceptor`], a tonic `Interceptor` with a
//!   [`TokenValidator`].
//! - Server, async check (a database, an identity provider):
//!   [`AsyncAuthLayer`], a tower layer with an [`AsyncTokenValidator`].
//! - Client: [`BearerToken`], a tonic `Interceptor` that sends
//!   `authorization: Bearer {token}`, from a fixed token or API key or
//!   from a [`SharedToken`] that the application refreshes.
//!
//! Both server sides reject with the same errors: `AUTH-ERR-5`
//! invalidAuthHeader (missing or malformed header), `AUTH-ERR-9` needAPIKey
//! (missing API key), and the validator's own, typically `AUTH-ERR-4`
//! invalidJWT.
//!
//! ```
//! use csghub_errorx::auth::{invalid_token, AuthInterceptor, BearerToken};
//! use csghub_errorx::{Error, ErrorCode};
//! use tonic::service::Interceptor;
//!
//! let mut client_side = BearerToken::new("s3cret").unwrap();
//! let mut server_side = AuthInterceptor::token(|token: &str| {
//!     if token == "s3cret" { Ok("alice") } else { Err(invalid_token()) }
//! });
//!
//! let request = client_side.call(tonic::Request::new(())).unwrap();
//! let request = server_side.call(request).unwrap();
//! assert_eq!(request.extensions().get::<&str>(), Some(&"alice"));
//!
//! let status = server_side.call(tonic::Request::new(())).unwrap_err();
//! assert!(Error::from_status(&status).is(ErrorCode::INVALID_AUTH_HEADER));
//! ```

mod async_layer;
mod bearer_token;
mod header;
mod interceptor;
mod validator;

pub use async_layer::{AsyncAuthFuture, AsyncAuthLayer, AsyncAuthService, AsyncTokenValidator};
pub use bearer_token::{BearerToken, InvalidToken, SharedToken, StaticToken, TokenSource};
pub use interceptor::{AuthInterceptor, Credential};
pub use validator::{invalid_token, TokenValidator};
