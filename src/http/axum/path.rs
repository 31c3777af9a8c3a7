//! [`Path`]: axum's `Path`, whose rejections are catalog errors.

use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::rejection::field_error;
use crate::{Error, ErrorCode};

/// Path parameters, as axum's `Path`, but a request it rejects gets a
/// catalog error in the server's shape: a parameter that does not parse
/// (`/v1/repos/abc` for a number) is `REQ-ERR-6` errReqParamInvalid, with
/// a `BadRequest` violation on the parameter. A route whose parameters do
/// not fit the type is the server's bug, not the client's: `SYS-ERR-0`
/// internalServerError, with axum's rejection as its (logged, never sent)
/// source.
///
/// ```
/// use csghub_errorx::http::Path;
///
/// async fn repo(Path(id): Path<u64>) -> String {
///     id.to_string()
/// }
/// let app: axum::Router = axum::Router::new().route("/v1/repos/{id}", axum::routing::get(repo));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Path<T>, Error> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => {
                // A single value (`Path<u32>`) fails without its key; the
                // route's only parameter is it.
                let only_key = match RawPathParams::from_request_parts(parts, state).await {
                    Ok(params) if params.iter().count() == 1 => {
                        params.iter().next().map(|(key, _)| key.to_string())
                    }
                    _ => None,
                };
                Err(path_error(rejection, only_key))
            }
        }
    }
}

fn path_error(rejection: PathRejection, only_key: Option<String>) -> Error {
    let PathRejection::FailedToDeserializePathParams(failure) = rejection else {
        return Error::new(ErrorCode::INTERNAL_SERVER_ERROR).with_source(rejection);
    };
    let description = failure.kind().to_string();
    let field = match failure.kind() {
        ErrorKind::WrongNumberOfParameters { .. } | ErrorKind::UnsupportedType { .. } => {
            return Error::new(ErrorCode::INTERNAL_SERVER_ERROR).with_source(failure);
        }
        ErrorKind::ParseErrorAtKey { key, .. }
        | ErrorKind::InvalidUtf8InPathParam { key }
        | ErrorKind::DeserializeError { key, .. } => key.clone(),
        ErrorKind::ParseErrorAtIndex { index, .. } => index.to_string(),
        _ => only_key.unwrap_or_else(|| "path".to_string()),
    };
    field_error(ErrorCode::ERR_REQ_PARAM_INVALID, &field, &description)
}
