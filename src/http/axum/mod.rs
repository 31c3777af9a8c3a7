//! axum 0.8: `IntoResponse` for [`Error`](crate::Error), extractors whose
//! rejections are catalog errors, and a fallback for unknown routes.

mod fallback;
mod into_response;
mod json;
mod path;
mod query;
mod rejection;

pub use fallback::fallback;
pub use json::Json;
pub use path::Path;
pub use query::Query;
