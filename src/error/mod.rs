//! [`Error`]: a catalog error with its message, context, details and cause.

mod catalog_error;
mod context;
mod context_key;
mod decode_problem;
mod detail_methods;
#[cfg(test)]
pub(crate) use detail_methods::every_builder;
pub(crate) mod problems;
pub(crate) mod received;
mod report;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

pub use catalog_error::CatalogError;
pub use context::Context;
pub use decode_problem::DecodeProblem;
use received::Received;
pub use report::Report;

use crate::details::Details;
use crate::{ErrorCode, UnknownCode};

/// The cause of an error: logged, never sent to the peer.
pub type Source = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// A catalog error: what a server returns and what a client decodes.
///
/// It carries
/// - an [`ErrorCode`] of the catalog; or, decoded from a peer, a code this
///   build lacks ([`Error::unknown_code`]) or none at all (a server that does
///   not use the catalog: its gRPC code, message and `ErrorInfo` are kept);
/// - a public, developer-facing message, by default the code's description;
/// - a [`Context`] of key/values, sent as the `google.rpc.ErrorInfo`
///   metadata;
/// - standard details ([`RetryInfo`](crate::details::RetryInfo),
///   [`ResourceInfo`](crate::details::ResourceInfo), ...);
/// - an optional [`source`](std::error::Error::source), the cause. The
///   source is logged by the layers and never put on the wire.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let io = std::io::Error::other("connection reset by 10.0.0.7");
/// let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
///     .with_context("repo", "ns/name")
///     .with_source(io);
///
/// assert!(error.is(ErrorCode::GIT_REPO_NOT_FOUND));
/// assert_eq!(error.grpc_code(), tonic::Code::NotFound);
/// assert_eq!(error.context().get("repo"), Some("ns/name"));
/// assert!(std::error::Error::source(&error).is_some());
///
/// // The status a client sees carries the code, never the source's text.
/// let status = tonic::Status::from(error);
/// assert_eq!(status.code(), tonic::Code::NotFound);
/// assert!(!status.message().contains("10.0.0.7"));
/// ```
///
/// `Display` prints `GIT-ERR-8 gitAuthFailed: <message>`; the source is not
/// repeated (it is [`source`](std::error::Error::source)).
#[derive(Clone)]
pub struct Error {
    code: Option<ErrorCode>,
    grpc_code: tonic::Code,
    message: Cow<'static, str>,
    context: Context,
    // Boxed: most errors carry no standard details and are not decoded, and
    // a small `Error` keeps `Result<T, Error>` cheap to return.
    details: Option<Box<Details>>,
    received: Option<Box<Received>>,
    source: Option<Source>,
    /// Decoded with its code's catalog's domain: kept here rather than in
    /// `received`, so the usual decoded error needs no box for it.
    catalog_domain: bool,
    /// The locale of the reader it is sent to, for its `LocalizedMessage`:
    /// its place among its code's catalog's locales, one byte where a
    /// `Locale` takes thirteen, so that an `Error` stays small.
    user_locale: Option<u8>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            Label(self),
            crate::text::Escaped(&self.message)
        )
    }
}

impl std::error::Error for Error {
    /// The cause itself (not the `Arc` holding it), so that
    /// `downcast_ref` finds the type it was built with.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}

impl Error {
    /// An error with `code`, its catalog description as message, and no
    /// context. Does not allocate.
    #[inline]
    pub fn new(code: ErrorCode) -> Error {
        Error::bare(
            Some(code),
            code.grpc_code(),
            Cow::Borrowed(code.description()),
        )
    }

    /// An error with nothing but its code and message.
    #[inline]
    const fn bare(
        code: Option<ErrorCode>,
        grpc_code: tonic::Code,
        message: Cow<'static, str>,
    ) -> Error {
        Error {
            code,
            grpc_code,
            message,
            context: Context::new(),
            details: None,
            received: None,
            source: None,
            catalog_domain: false,
            user_locale: None,
        }
    }

    /// An error without a catalog code. It is sent with the gRPC code's
    /// name as its reason (`NOT_FOUND`), and has no HTTP mapping of its
    /// own, no localized message, no metric label: for a failure your
    /// service has no code for, declare one in [your own
    /// catalog](crate#your-own-catalog) instead, and your reason, messages
    /// and docs travel with it.
    pub fn uncataloged(grpc_code: tonic::Code, message: impl Into<Cow<'static, str>>) -> Error {
        Error::bare(None, grpc_code, message.into())
    }

    /// Replaces the public message. It is sent to the peer: put no secrets
    /// in it, and put each dynamic part into the context too (AIP-193).
    #[inline]
    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Error {
        self.message = message.into();
        self
    }

    /// Sets a context entry to any `Display` value. A key set twice keeps
    /// the last value; a key that is not a valid metadata key is escaped.
    /// See [`Context`].
    #[inline]
    pub fn with_context(mut self, key: impl AsRef<str>, value: impl fmt::Display) -> Error {
        self.context.insert(key, value);
        self
    }

    /// Sets every entry of `entries`, as [`Error::with_context`] does.
    #[inline]
    pub fn with_context_entries<K: AsRef<str>, V: fmt::Display>(
        mut self,
        entries: impl IntoIterator<Item = (K, V)>,
    ) -> Error {
        self.context.extend(entries);
        self
    }

    /// Sets the `google.rpc.ErrorInfo.domain` this error is sent with,
    /// over the encoder's. A decoded error has its peer's domain already, so
    /// a forwarded error keeps it.
    pub fn with_domain(mut self, domain: impl Into<Cow<'static, str>>) -> Error {
        self.received.get_or_insert_with(Box::default).domain = Some(domain.into());
        self.catalog_domain = false;
        self
    }

    /// Sets the cause. It is reachable through
    /// [`source`](std::error::Error::source) and logged, never sent.
    #[inline]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Arc::new(source));
        self
    }

    /// Sets the cause from a shared error.
    pub fn with_shared_source(mut self, source: Source) -> Error {
        self.source = Some(source);
        self
    }

    /// The catalog code; `None` for an error whose code this build lacks
    /// (see [`Error::unknown_code`]) or that has none.
    pub fn code(&self) -> Option<ErrorCode> {
        self.code
    }

    /// A catalog code that a newer peer sent and this build lacks, such as
    /// `GIT-ERR-99`.
    pub fn unknown_code(&self) -> Option<UnknownCode> {
        self.received.as_ref().and_then(|r| r.unknown_code)
    }

    /// Whether this is an error with `code`, whatever its context, message
    /// or source (Go's `errors.Is`).
    pub fn is(&self, code: ErrorCode) -> bool {
        self.code == Some(code)
    }

    /// The gRPC status code: the catalog's mapping, or what the peer sent
    /// (`DEADLINE_EXCEEDED` where tonic reported its own timeout as
    /// `CANCELLED`: see [`StatusDecoder::decode`](crate::StatusDecoder::decode)).
    pub fn grpc_code(&self) -> tonic::Code {
        self.grpc_code
    }

    /// The HTTP status for this error: the peer's for an error decoded from
    /// an HTTP response, the catalog's for a catalog code, the canonical
    /// mapping of [`Error::grpc_code`] otherwise.
    pub fn http_status(&self) -> http::StatusCode {
        if let Some(status) = self.received.as_ref().and_then(|r| r.http_status) {
            return status;
        }
        match self.code {
            Some(code) => code.http_status(),
            None => crate::grpc_code::http_status(self.grpc_code),
        }
    }

    /// The public message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The context, sorted by key.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The context, to change it in place.
    pub fn context_mut(&mut self) -> &mut Context {
        &mut self.context
    }

    /// The code string: `GIT-ERR-8` for a catalog code, `GIT-ERR-99` for a
    /// code this build lacks, the peer's code string where it names no code
    /// (see [`Error::decode_problems`]); `None` for an error without one.
    /// It is what the `google.rpc.ErrorInfo` metadata `code` carries.
    pub fn code_str(&self) -> Option<Cow<'_, str>> {
        if let Some(code) = self.code {
            return Some(Cow::Borrowed(code.as_str()));
        }
        let received = self.received.as_deref()?;
        match (received.unknown_code, &received.code_str) {
            // A code of a known module is said by its module and number.
            (Some(code), _) if code.module().is_some() => Some(Cow::Owned(code.to_string())),
            // The peer's string: for a module this build lacks, or a code
            // string the rest of the error disputes.
            (_, Some(text)) => Some(Cow::Borrowed(text)),
            (Some(code), None) => Some(Cow::Owned(code.to_string())),
            (None, None) => None,
        }
    }

    /// The AIP-193 reason: as the peer sent it for a decoded error, the
    /// catalog's otherwise; for an error without a code, the gRPC code's
    /// canonical name (`NOT_FOUND`).
    pub fn reason(&self) -> &str {
        if let Some(reason) = self.received.as_ref().and_then(|r| r.reason.as_deref()) {
            return reason;
        }
        match self.code {
            Some(code) => code.reason(),
            None => crate::grpc_code::name(self.grpc_code),
        }
    }

    /// The `ErrorInfo` domain: the peer's for a decoded error, the one set
    /// by [`Error::with_domain`], or `None`: then an encoder sends the
    /// code's catalog's (see [`StatusEncoder`](crate::StatusEncoder)).
    pub fn domain(&self) -> Option<&str> {
        if self.catalog_domain {
            // Decoded with its code's catalog's domain.
            return self
                .code
                .map(ErrorCode::domain)
                .or_else(|| self.unknown_code().map(UnknownCode::domain));
        }
        self.received.as_ref()?.domain.as_deref()
    }

    /// What could not be decoded from the peer's status: the first 64
    /// problems, in the order they were found (see
    /// [`Error::decode_problems_omitted`] for how many more there were).
    /// Empty for an error built locally, and for a well-formed status.
    pub fn decode_problems(&self) -> &[DecodeProblem] {
        self.received
            .as_ref()
            .map_or(&[], |r| r.problems.as_slice())
    }

    /// How many decode problems there were beyond those
    /// [`Error::decode_problems`] lists: a peer decides how many its status
    /// has, so only the first are kept.
    pub fn decode_problems_omitted(&self) -> usize {
        self.received.as_ref().map_or(0, |r| r.problems.omitted())
    }

    /// The message for end users in `locale`: the catalog's, showing this
    /// error's context values when it has every one the message names (each
    /// cut at 256 bytes), else the plain one (`"The repository was not
    /// found."`). Context values are shown as they are: a web page must
    /// escape the message like any other text. `None` for an error without
    /// a catalog code this build knows. Allocates only to fill in values.
    ///
    /// ```
    /// use csghub_errorx::{Error, ErrorCode, Locale};
    ///
    /// let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND);
    /// assert_eq!(
    ///     error.user_message(Locale::ZH_CN).as_deref(),
    ///     Some("未找到该仓库，请检查仓库名称及访问权限。")
    /// );
    /// let error = error.with_context("repo", "ns/name");
    /// assert_eq!(
    ///     error.user_message(Locale::ZH_HK).as_deref(),
    ///     Some("找不到儲存庫 ns/name，請檢查儲存庫名稱及存取權限。")
    /// );
    /// ```
    pub fn user_message(&self, locale: crate::Locale) -> Option<Cow<'static, str>> {
        Some(
            self.code?
                .localized(locale)
                .render(|key| self.context.get(key)),
        )
    }

    /// Sets the locale of the end user the error is sent to: every encoder
    /// then adds one `google.rpc.LocalizedMessage` in it, the catalog's
    /// message for the code with this error's context
    /// ([`Error::user_message`]), unless the error has a `LocalizedMessage`
    /// of its own. The server layer sets it from a request's
    /// `accept-language` ([`LogLayer::localize`](crate::layer::LogLayer::localize)).
    /// Costs nothing until encoded, and then no allocation for a message
    /// without context values.
    ///
    /// The locale is one of the code's catalog's: one it lacks is its
    /// fallback, whose message it then gets. An error without a catalog
    /// code has no catalog message, and no user locale.
    pub fn with_user_locale(mut self, locale: crate::Locale) -> Error {
        self.user_locale = self.code.map(|code| {
            let at = code.locales().iter().position(|&l| l == locale);
            // A catalog has at most a few dozen locales.
            at.and_then(|i| u8::try_from(i).ok()).unwrap_or(0)
        });
        self
    }

    /// The locale of the reader, as set by [`Error::with_user_locale`]:
    /// one of the code's catalog's locales.
    pub fn user_locale(&self) -> Option<crate::Locale> {
        let at = usize::from(self.user_locale?);
        self.code?.locales().get(at).copied()
    }

    /// The cause, shared. The same as [`source`](std::error::Error::source).
    pub fn shared_source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    pub(crate) fn details(&self) -> Option<&Details> {
        self.details.as_deref()
    }

    pub(crate) fn details_mut(&mut self) -> &mut Details {
        self.details.get_or_insert_with(Box::default)
    }

    /// Records what an HTTP response adds to an error decoded from the
    /// status it carried (the Connect protocol's JSON): the response's
    /// HTTP status, and the problems found reading the body, before the
    /// status's own.
    #[cfg(feature = "json")]
    pub(crate) fn received_over_http(
        mut self,
        status: http::StatusCode,
        mut problems: problems::Problems,
    ) -> Error {
        let received = self.received.get_or_insert_with(Box::default);
        received.http_status = Some(status);
        problems.append(std::mem::take(&mut received.problems));
        received.problems = problems;
        self
    }

    pub(crate) fn from_parts(parts: DecodedParts) -> Error {
        Error {
            code: parts.code,
            grpc_code: parts.grpc_code,
            message: Cow::Owned(parts.message),
            context: parts.context,
            details: parts.details.filter(|details| !details.is_empty()),
            received: (parts.received != Received::default()).then(|| Box::new(parts.received)),
            source: None,
            catalog_domain: parts.catalog_domain,
            user_locale: None,
        }
    }
}

/// Everything the decoder found, to build an [`Error`] from.
pub(crate) struct DecodedParts {
    pub(crate) code: Option<ErrorCode>,
    pub(crate) grpc_code: tonic::Code,
    pub(crate) message: String,
    pub(crate) context: Context,
    pub(crate) details: Option<Box<Details>>,
    pub(crate) catalog_domain: bool,
    pub(crate) received: Received,
}

/// What `Display` prints before the message: the code string and name, the
/// code string of a code this build lacks, or the gRPC code's name.
struct Label<'a>(&'a Error);

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = self.0;
        match (error.code, error.code_str()) {
            (Some(code), _) => write!(f, "{} {}", code.as_str(), code.name()),
            (None, Some(code_str)) => crate::text::Escaped(&code_str).fmt(f),
            (None, None) => f.write_str(crate::grpc_code::name(error.grpc_code)),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Error");
        debug
            .field("code", &self.code)
            .field("grpc_code", &self.grpc_code)
            .field("message", &self.message)
            .field("context", &self.context);
        if let Some(details) = &self.details {
            debug.field("details", details);
        }
        if let Some(received) = &self.received {
            debug.field("received", received);
        }
        if let Some(locale) = &self.user_locale() {
            debug.field("user_locale", locale);
        }
        debug.field("source", &self.source).finish()
    }
}

impl From<ErrorCode> for Error {
    fn from(code: ErrorCode) -> Error {
        Error::new(code)
    }
}
