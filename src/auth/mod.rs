//! Request-side authentication with the catalog's auth errors.
//!
//! See [`AuthInterceptor`].

mod interceptor;
mod validator;

pub use interceptor::{AuthInterceptor, Credential};
pub use validator::{invalid_token, TokenValidator};
