//! [`BearerToken`]: the client side of [`AuthInterceptor`](super::AuthInterceptor),
//! attaching `authorization: Bearer {token}` to every call.

use std::fmt;
use std::sync::{Arc, RwLock};

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::{Request, Status};

/// A token that cannot go into an `authorization` header: empty, or with
/// a byte that is not visible ASCII (a space, a control, non-ASCII).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a bearer token must be non-empty visible ASCII without spaces")]
pub struct InvalidToken;

/// The header value `Bearer {token}`, marked sensitive so that HTTP/2
/// never indexes it (HPACK) and `Debug` never prints it.
fn header_value(token: &str) -> Result<MetadataValue<Ascii>, InvalidToken> {
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidToken);
    }
    let mut value: MetadataValue<Ascii> = format!("Bearer {token}")
        .parse()
        .map_err(|_| InvalidToken)?;
    value.set_sensitive(true);
    Ok(value)
}

/// Where a [`BearerToken`] gets the token of each call: read on every
/// call, on the caller's task, so keep it cheap (no I/O: refresh the token
/// elsewhere and hand it over, as [`SharedToken`] does). `None` sends the
/// call without credentials, which the server rejects with its own
/// catalog error (`AUTH-ERR-5`, or `AUTH-ERR-9` for an API key).
pub trait TokenSource: Clone + Send + Sync + 'static {
    /// The `authorization` value of the next call.
    fn authorization(&self) -> Option<MetadataValue<Ascii>>;
}

/// A fixed token or API key.
#[derive(Clone)]
pub struct StaticToken(MetadataValue<Ascii>);

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

impl TokenSource for StaticToken {
    fn authorization(&self) -> Option<MetadataValue<Ascii>> {
        Some(self.0.clone())
    }
}

/// A token that the application refreshes: a cell shared between the
/// interceptor of every client and the task that renews the token (from
/// an identity provider, before it expires). Cloning shares the cell.
///
/// ```
/// use csghub_errorx::auth::{BearerToken, SharedToken};
///
/// let token = SharedToken::new();
/// let interceptor = BearerToken::from_source(token.clone());
/// // In the refresh task, whenever a new token arrives:
/// token.set("eyJhbGciOi...").unwrap();
/// ```
#[derive(Clone, Default)]
pub struct SharedToken {
    current: Arc<RwLock<Option<MetadataValue<Ascii>>>>,
}

impl SharedToken {
    /// A cell with no token yet: calls go without credentials until
    /// [`SharedToken::set`].
    pub fn new() -> SharedToken {
        SharedToken::default()
    }

    /// Replaces the token for every call from now on.
    pub fn set(&self, token: &str) -> Result<(), InvalidToken> {
        let value = header_value(token)?;
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(value);
        Ok(())
    }

    /// Removes the token (a logout): calls go without credentials.
    pub fn clear(&self) {
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }
}

impl fmt::Debug for SharedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = self
            .current
            .read()
            .map(|token| token.is_some())
            .unwrap_or(false);
        f.debug_struct("SharedToken").field("set", &set).finish()
    }
}

impl TokenSource for SharedToken {
    fn authorization(&self) -> Option<MetadataValue<Ascii>> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

/// A tonic client interceptor that sends `authorization: Bearer {token}`:
/// what [`AuthInterceptor`](super::AuthInterceptor) and
/// [`AsyncAuthLayer`](super::AsyncAuthLayer) check on the server. API keys
/// travel the same way. The value is marked sensitive, so it is never
/// HPACK-indexed nor printed by `Debug`.
///
/// ```
/// use csghub_errorx::auth::BearerToken;
/// use tonic::service::Interceptor;
///
/// let mut attach = BearerToken::new("s3cret").unwrap();
/// let request = attach.call(tonic::Request::new(())).unwrap();
/// assert_eq!(request.metadata().get("authorization").unwrap(), "Bearer s3cret");
///
/// // With a generated client:
/// // let client = DemoClient::with_interceptor(channel, BearerToken::new(key)?);
/// ```
#[derive(Clone, Debug)]
pub struct BearerToken<S = StaticToken> {
    source: S,
    language: Option<crate::AcceptLanguage>,
}

impl BearerToken<StaticToken> {
    /// Sends `token` (or an API key) on every call.
    pub fn new(token: &str) -> Result<BearerToken<StaticToken>, InvalidToken> {
        Ok(BearerToken {
            source: StaticToken(header_value(token)?),
            language: None,
        })
    }
}

impl<S: TokenSource> BearerToken<S> {
    /// Sends the token `source` holds at each call.
    pub fn from_source(source: S) -> BearerToken<S> {
        BearerToken {
            source,
            language: None,
        }
    }

    /// Also asks for the reader's `locale` on every call
    /// ([`AcceptLanguage`](crate::AcceptLanguage)): one interceptor sends
    /// both headers, as a generated client takes only one.
    ///
    /// ```
    /// use csghub_errorx::auth::BearerToken;
    /// use csghub_errorx::Locale;
    /// use tonic::service::Interceptor;
    ///
    /// let mut attach = BearerToken::new("s3cret").unwrap().accept_language(Locale::ZH_HK);
    /// let request = attach.call(tonic::Request::new(())).unwrap();
    /// assert_eq!(request.metadata().get("authorization").unwrap(), "Bearer s3cret");
    /// assert_eq!(request.metadata().get("accept-language").unwrap(), "zh-HK");
    /// ```
    pub fn accept_language(mut self, locale: crate::Locale) -> BearerToken<S> {
        self.language = Some(crate::AcceptLanguage::new(locale));
        self
    }
}

impl<S: TokenSource> Interceptor for BearerToken<S> {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(value) = self.source.authorization() {
            request.metadata_mut().insert("authorization", value);
        }
        if let Some(language) = &self.language {
            language.apply(&mut request);
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_with_spaces_or_controls_are_refused() {
        for token in ["", "a b", "a\nb", "é"] {
            assert_eq!(
                BearerToken::new(token).unwrap_err(),
                InvalidToken,
                "{token:?}"
            );
        }
    }

    #[test]
    fn a_shared_token_is_read_at_each_call() {
        let token = SharedToken::new();
        let mut attach = BearerToken::from_source(token.clone());
        let first = attach.call(Request::new(())).unwrap();
        assert!(first.metadata().get("authorization").is_none());
        token.set("t1").unwrap();
        let second = attach.call(Request::new(())).unwrap();
        assert_eq!(second.metadata().get("authorization").unwrap(), "Bearer t1");
        token.clear();
        let third = attach.call(Request::new(())).unwrap();
        assert!(third.metadata().get("authorization").is_none());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let attach = BearerToken::new("s3cret").unwrap();
        assert!(!format!("{attach:?}").contains("s3cret"));
    }
}
