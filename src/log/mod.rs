//! The one log line of each RPC or HTTP request, as the gRPC layers
//! ([`layer`](crate::layer)) and the HTTP layer write it: the level of each
//! outcome ([`LevelPolicy`]), and the fields both write alike.

mod fields;
mod levels;

#[cfg(feature = "otel")]
pub(crate) use fields::MAX_LOGGED_VALUE_LEN;
pub(crate) use fields::{
    context_field, module_field, source_field, DEFAULT_LOGGED_CONTEXT_ENTRIES, MAX_LOGGED_TEXT_LEN,
};
pub use levels::LevelPolicy;
