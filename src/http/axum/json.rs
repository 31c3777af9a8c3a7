//! [`Json`]: axum's `Json`, whose rejections are catalog errors.

use std::borrow::Cow;

use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::rejection::serde_error;
use crate::{Error, ErrorCode};

/// A JSON body, as axum's `Json`, but a request it rejects gets a catalog
/// error in the server's shape rather than plain text:
///
/// | the request | the error |
/// |---|---|
/// | a `Content-Type` that is not JSON (`application/json`, `…+json`), or none with a body | `REQ-ERR-9` errReqContentTypeUnsupported |
/// | an empty body | `REQ-ERR-2` errReqBodyEmpty |
/// | a body over the limit (axum's `DefaultBodyLimit`, 2 MB unless set) | `REQ-ERR-3` errReqBodyTooLarge |
/// | a body that is not JSON, or has trailing text | `REQ-ERR-1` errReqBodyFormat |
/// | a field of the wrong type | `REQ-ERR-8` errReqParamTypeError |
/// | a missing field | `REQ-ERR-4` errReqParamMissing |
/// | any other value the type refuses (unknown field or variant, bad value) | `REQ-ERR-6` errReqParamInvalid |
///
/// The field errors carry a `BadRequest` violation on the field's path
/// (`context.repo`) and the path as context `field`. A body that could not
/// be read at all (the client went away) is `REQ-ERR-0` errBadRequest,
/// with the cause as its source.
///
/// ```
/// use csghub_errorx::http::Json;
/// use csghub_errorx::Error;
///
/// #[derive(serde::Deserialize)]
/// struct CreateRepo {
///     name: String,
/// }
///
/// async fn create(Json(request): Json<CreateRepo>) -> Result<String, Error> {
///     Ok(request.name)
/// }
/// let app: axum::Router = axum::Router::new().route("/v1/repos", axum::routing::post(create));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Json<T>, Error> {
        let content_type = request.headers().get(CONTENT_TYPE).cloned();
        if let Some(content_type) = &content_type {
            if !is_json(content_type.as_bytes()) {
                return Err(unsupported(Some(content_type.as_bytes())));
            }
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(body_rejection)?;
        if bytes.is_empty() {
            return Err(Error::new(ErrorCode::ERR_REQ_BODY_EMPTY));
        }
        if content_type.is_none() {
            return Err(unsupported(None));
        }
        from_json(&bytes).map(Json)
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `application/json` or any `application/…+json`, with any parameters.
fn is_json(content_type: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(content_type) else {
        return false;
    };
    let media = text.split(';').next().unwrap_or_default().trim();
    let Some((kind, subtype)) = media.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (subtype.eq_ignore_ascii_case("json")
            || subtype.len() >= 5
                && subtype.is_char_boundary(subtype.len() - 5)
                && subtype[subtype.len() - 5..].eq_ignore_ascii_case("+json"))
}

fn unsupported(content_type: Option<&[u8]>) -> Error {
    let shown = content_type.map_or(Cow::Borrowed("none"), String::from_utf8_lossy);
    Error::new(ErrorCode::ERR_REQ_CONTENT_TYPE_UNSUPPORTED)
        .with_context("contentType", crate::truncate::truncate(&shown, 128))
        .with_context("expected", "application/json")
}

fn body_rejection(rejection: BytesRejection) -> Error {
    use axum::extract::rejection::FailedToBufferBody;
    match rejection {
        BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(e)) => {
            Error::new(ErrorCode::ERR_REQ_BODY_TOO_LARGE).with_source(e)
        }
        other => Error::new(ErrorCode::ERR_BAD_REQUEST).with_source(other),
    }
}

/// Deserializes `bytes`, mapping a failure onto the catalog.
pub(crate) fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        json_error(&path, e.into_inner())
    })?;
    deserializer
        .end()
        .map_err(|e| Error::new(ErrorCode::ERR_REQ_BODY_FORMAT).with_source(e))?;
    Ok(value)
}

fn json_error(path: &str, error: serde_json::Error) -> Error {
    use serde_json::error::Category;
    match error.classify() {
        Category::Data => {}
        Category::Syntax | Category::Eof | Category::Io => {
            return Error::new(ErrorCode::ERR_REQ_BODY_FORMAT)
                .with_context("line", error.line())
                .with_context("column", error.column())
                .with_source(error)
        }
    }
    // serde's own message, without serde_json's position.
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(end) => &text[..end],
        None => &text,
    };
    serde_error(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types_are_recognized_with_parameters_and_suffixes() {
        for yes in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/problem+json",
            "application/vnd.api+json",
        ] {
            assert!(is_json(yes.as_bytes()), "{yes}");
        }
        for no in [
            "text/plain",
            "application/jsonx",
            "json",
            "application/x-www-form-urlencoded",
            "application/+jso",
        ] {
            assert!(!is_json(no.as_bytes()), "{no}");
        }
    }
}
