//! What the server layer does to a handler's own error before it leaves:
//! encode it again with the layer's encoder, and for the request's reader.

use tonic::Status;

use super::shared::Shared;
use crate::{Error, StatusEncoder};

/// The status to send for `error` instead of the one it was encoded into,
/// or `None` to keep that one: encoded again with the layer's encoder, and
/// with a `LocalizedMessage` in the locale the request's `accept-language`
/// prefers, when the error's code has messages and it has none of its own.
/// With the default encoder and nothing to localize, nothing is encoded
/// again.
pub(crate) fn reencode(
    shared: &Shared,
    accept_language: Option<&http::HeaderValue>,
    error: &Error,
) -> Option<Status> {
    // Each code's catalog has its own locales.
    let locale = accept_language
        .filter(|_| shared.localize && error.localized_message().is_none())
        .zip(error.code())
        .and_then(|(header, code)| {
            Some(crate::locale::negotiate(
                header.to_str().ok()?,
                code.locales(),
            ))
        });
    const DEFAULT: StatusEncoder = StatusEncoder::new();
    let encoder = match (&shared.encoder, locale) {
        (None, None) => return None,
        (Some(encoder), _) => encoder,
        (None, Some(_)) => &DEFAULT,
    };
    let error = error.clone();
    Some(encoder.into_status(match locale {
        Some(locale) => error.with_user_locale(locale),
        None => error,
    }))
}
