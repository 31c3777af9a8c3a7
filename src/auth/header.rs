//! Reading `authorization: Bearer {token}`, for the interceptor and the
//! async layer alike.

use super::Credential;
use crate::{Error, ErrorCode};

/// The token of an `authorization` value, or the catalog error to reject
/// the request with:
/// - no value → `AUTH-ERR-5` for a token, `AUTH-ERR-9` for an API key;
/// - not `Bearer {token}` (another scheme, no token, a space in the token,
///   bytes that are not visible ASCII) → `AUTH-ERR-5`.
///
/// The scheme is matched case-insensitively (RFC 9110).
pub(crate) fn bearer_token(value: Option<&[u8]>, credential: Credential) -> Result<&str, Error> {
    let Some(value) = value else {
        let code = match credential {
            Credential::Token => ErrorCode::INVALID_AUTH_HEADER,
            Credential::ApiKey => ErrorCode::NEED_API_KEY,
        };
        return Err(Error::new(code).with_context("header", "authorization"));
    };
    let malformed = || {
        Error::new(ErrorCode::INVALID_AUTH_HEADER)
            .with_context("header", "authorization")
            .with_context("expected", "Bearer {token}")
    };
    if !value.iter().all(|&b| b == b' ' || b.is_ascii_graphic()) {
        return Err(malformed());
    }
    let value = std::str::from_utf8(value).map_err(|_| malformed())?;
    let (scheme, token) = value.split_once(' ').ok_or_else(malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(malformed());
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bearer_token_is_read_whatever_the_scheme_case() {
        for value in ["Bearer abc", "bearer abc", "BEARER  abc "] {
            assert_eq!(
                bearer_token(Some(value.as_bytes()), Credential::Token).unwrap(),
                "abc"
            );
        }
    }

    #[test]
    fn control_bytes_are_a_malformed_header() {
        let error = bearer_token(Some(b"Bearer a\x01b"), Credential::Token).unwrap_err();
        assert!(error.is(ErrorCode::INVALID_AUTH_HEADER));
    }
}
