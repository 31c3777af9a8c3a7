//! [`ErrorCode`]: one code of a catalog, such as `GIT-ERR-8`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::data::CodeEntry;
use super::{Module, ParseCodeError, RetryClass};
use crate::locale::{Locale, Message};

/// One code of an error catalog, such as CSGHub's `GIT-ERR-8` gitAuthFailed
/// or one of your own catalog's (see `csghub-errorx-build`).
///
/// A small `Copy` handle to a static entry of its catalog, like
/// `http::StatusCode` (and like tracing's static `Metadata`): compare it,
/// `match` on its constants, and ask it for its strings. Every getter reads
/// the entry; nothing allocates. CSGHub's codes are associated constants
/// (`ErrorCode::GIT_AUTH_FAILED`); a catalog of your own has its constants
/// in its generated module (`acme::MODEL_NOT_LOADED`). Codes of different
/// catalogs are told apart by their constants, whatever their numbers.
///
/// A code a newer peer sends that a build lacks is not an `ErrorCode`: a
/// decoded [`Error`](crate::Error) keeps it as an
/// [`UnknownCode`](crate::UnknownCode), with its module and number.
///
/// ```
/// use csghub_errorx::ErrorCode;
///
/// let code = ErrorCode::GIT_AUTH_FAILED;
/// assert_eq!(code.as_str(), "GIT-ERR-8");
/// assert_eq!(code.to_string(), "GIT-ERR-8");
/// assert_eq!(code.name(), "gitAuthFailed");
/// assert_eq!(code.reason(), "GIT_AUTH_FAILED");
/// assert_eq!(code.number(), 8);
/// assert_eq!(code.grpc_code(), tonic::Code::Unauthenticated);
/// assert_eq!(code.http_status(), http::StatusCode::UNAUTHORIZED);
///
/// match "gitAuthFailed".parse::<ErrorCode>() {
///     Ok(ErrorCode::GIT_AUTH_FAILED) => {}
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
// `PartialEq` and `Eq` are derived, as `match` patterns require; they
// compare the entry, whose first field (`key`) tells two codes apart at
// once. Order and hash use that key and the catalog order alone.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode(&'static CodeEntry);

impl ErrorCode {
    /// The code of a generated entry. For generated catalog modules.
    #[doc(hidden)]
    pub const fn __from_entry(entry: &'static CodeEntry) -> ErrorCode {
        ErrorCode(entry)
    }

    /// The module, `GIT` for `GIT-ERR-8`.
    pub const fn module(self) -> Module {
        Module::__from_entry(self.0.module)
    }

    /// The number within the module, `8` for `GIT-ERR-8`.
    pub const fn number(self) -> u32 {
        self.0.number
    }

    /// The code string, `"GIT-ERR-8"`: what the `google.rpc.ErrorInfo`
    /// metadata carries under `code`.
    pub const fn as_str(self) -> &'static str {
        self.0.code_str
    }

    /// The name as the catalog spells it, `"gitAuthFailed"`.
    pub const fn name(self) -> &'static str {
        self.0.name
    }

    /// The AIP-193 `ErrorInfo.reason`, `"GIT_AUTH_FAILED"`: UPPER_SNAKE, at
    /// most 63 characters, unique in its catalog. Its domain is
    /// [`ErrorCode::domain`].
    pub const fn reason(self) -> &'static str {
        self.0.reason
    }

    /// The AIP-193 `ErrorInfo.domain` of the code's catalog, such as
    /// `csghub.opencsg.com` ([`CATALOG_DOMAIN`](crate::CATALOG_DOMAIN)).
    pub const fn domain(self) -> &'static str {
        self.0.module.catalog.domain
    }

    /// The proto package of the code's catalog, `csghub.errorx.v1`.
    pub const fn catalog_package(self) -> &'static str {
        self.0.module.catalog.package
    }

    /// Whether the code is one of `catalog`'s.
    pub fn is_in(self, catalog: &crate::Catalog) -> bool {
        self.0.module.catalog == catalog.info()
    }

    /// What the code means, for developers. The default public message of
    /// an [`Error`](crate::Error) with this code.
    pub const fn description(self) -> &'static str {
        self.0.description
    }

    /// The message for end users in `locale`, with no context values:
    /// `"The repository was not found."`; in the catalog's fallback locale
    /// when it has no messages in `locale`. See [`Error::user_message`]
    /// for the one that shows the context. (End-user text; the developer's
    /// is [`ErrorCode::description`], an error's [`Error::message`].)
    ///
    /// [`Error::user_message`]: crate::Error::user_message
    /// [`Error::message`]: crate::Error::message
    pub fn user_message(self, locale: Locale) -> &'static str {
        self.localized(locale).text
    }

    /// The detailed message for end users in `locale`, as a template whose
    /// `{key}` placeholders name context keys the code declares
    /// (`"Repository {repo} was not found. …"`; `{{` and `}}` are braces):
    /// for clients that localize by themselves. `None` when the code has
    /// only the plain [`ErrorCode::user_message`].
    ///
    /// ```
    /// use csghub_errorx::{ErrorCode, Locale};
    ///
    /// let template = ErrorCode::GIT_REPO_NOT_FOUND.user_message_template(Locale::EN_US);
    /// assert_eq!(template, Some("Repository {repo} was not found. Please check the name and your access."));
    /// assert_eq!(ErrorCode::UNAUTHORIZED.user_message_template(Locale::EN_US), None);
    /// ```
    pub fn user_message_template(self, locale: Locale) -> Option<&'static str> {
        self.localized(locale).template
    }

    /// The locales the code's catalog has messages in, the fallback first.
    pub fn locales(self) -> &'static [Locale] {
        self.0.module.catalog.locales
    }

    pub(crate) fn localized(self, locale: Locale) -> &'static Message {
        let messages = self.0.messages;
        let at = self
            .locales()
            .iter()
            .position(|&l| l == locale)
            .unwrap_or(0);
        // A catalog has a message for every code in every locale (the build
        // checks it); an empty catalog entry is never made.
        messages.get(at).or(messages.first()).unwrap_or(&NO_MESSAGE)
    }

    /// The context keys the catalog declares for this code, such as `repo`:
    /// the ones its localized messages may name.
    pub const fn context_keys(self) -> &'static [&'static str] {
        self.0.context_keys
    }

    /// How a client may retry the code, as its catalog declares it (or
    /// its gRPC code implies): the retry layer's rule.
    ///
    /// ```
    /// use csghub_errorx::{ErrorCode, RetryClass};
    ///
    /// assert_eq!(ErrorCode::CLUSTER_UNAVAILABLE.retry_class(), RetryClass::Backoff);
    /// assert_eq!(ErrorCode::INVALID_JWT.retry_class(), RetryClass::Never);
    /// ```
    pub const fn retry_class(self) -> RetryClass {
        self.0.retry
    }

    /// The delay a server asks for before a retry of the code (sent as a
    /// `RetryInfo` and `grpc-retry-pushback-ms` by an encoder with
    /// [retry hints](crate::StatusEncoder::retry_hints)), if the catalog
    /// declares one.
    pub fn retry_delay(self) -> Option<std::time::Duration> {
        (self.0.retry_delay_ms > 0)
            .then(|| std::time::Duration::from_millis(u64::from(self.0.retry_delay_ms)))
    }

    /// The gRPC status code the catalog maps this code to.
    pub const fn grpc_code(self) -> tonic::Code {
        self.0.grpc_code
    }

    /// The HTTP status: the canonical mapping of [`ErrorCode::grpc_code`].
    pub fn http_status(self) -> http::StatusCode {
        // The build accepts only the canonical statuses, all valid.
        http::StatusCode::from_u16(self.0.http_status)
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The order key: the catalog's domain, then the catalog's order.
    fn order_key(self) -> (&'static str, u16) {
        (self.domain(), self.0.index)
    }
}

/// What a lookup answers for an entry without messages, which the build
/// never makes.
static NO_MESSAGE: Message = Message {
    text: "",
    detailed: None,
    template: None,
};

impl PartialOrd for ErrorCode {
    fn partial_cmp(&self, other: &ErrorCode) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ErrorCode {
    /// By catalog (its domain), then in catalog order: by module, then
    /// number.
    fn cmp(&self, other: &ErrorCode) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl Hash for ErrorCode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.key.hash(state);
    }
}

impl FromStr for ErrorCode {
    type Err = ParseCodeError;

    /// Accepts a code string (`GIT-ERR-8`), a name (`gitAuthFailed`) or a
    /// reason (`GIT_AUTH_FAILED`) of CSGHub's catalog, exactly; see
    /// [`Catalog::parse`](crate::Catalog::parse) for another catalog's.
    fn from_str(text: &str) -> Result<ErrorCode, ParseCodeError> {
        super::csghub::CATALOG.parse(text)
    }
}

impl fmt::Display for ErrorCode {
    /// The code string, `GIT-ERR-8`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ErrorCode {
    /// `GIT_AUTH_FAILED (GIT-ERR-8)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason(), self.as_str())
    }
}
