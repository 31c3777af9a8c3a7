//! [`Query`]: axum's `Query`, whose rejections are catalog errors.

use axum::extract::FromRequestParts;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::rejection::serde_error;
use crate::Error;

/// The query string, as axum's `Query`, but a request it rejects gets a
/// catalog error in the server's shape: a missing parameter is `REQ-ERR-4`
/// errReqParamMissing, any other that does not parse `REQ-ERR-6`
/// errReqParamInvalid, each with a `BadRequest` violation on the
/// parameter.
///
/// ```
/// use csghub_errorx::http::Query;
///
/// #[derive(serde::Deserialize)]
/// struct Page {
///     page: u32,
/// }
///
/// async fn list(Query(page): Query<Page>) -> String {
///     page.page.to_string()
/// }
/// let app: axum::Router = axum::Router::new().route("/v1/repos", axum::routing::get(list));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Query<T>, Error> {
        let query = parts.uri.query().unwrap_or_default();
        // As axum's `Query` reads it, with the path of the failing field.
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Query)
            .map_err(|e| {
                let path = e.path().to_string();
                serde_error(&path, &e.into_inner().to_string())
            })
    }
}
