//! [`StatusEncoder`]: turns an [`Error`] into a `tonic::Status` with rich
//! details, within a header budget.

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use tonic::Status;

use super::in_process::InProcess;
use super::plan::{LocalizedView, Plan};
use crate::Error;

/// Encodes errors into `tonic::Status` values. A server holds one (in its
/// service state, or in its [`LogLayer`](crate::layer::LogLayer)); nothing
/// is global. `Status::from(error)`, and so `?`, encodes with the defaults.
///
/// The status it builds has
/// - the catalog's gRPC code, and the error's public message (never the
///   source's text; the source rides along in
///   [`Status::source`](std::error::Error::source), which stays in-process);
/// - `grpc-status-details-bin`: a `google.rpc.Status` with the **same code
///   and message**, holding a `google.rpc.ErrorInfo` (reason, domain, and
///   as metadata the code string under `code` and the context), this
///   library's typed
///   `csghub.errorx.v1.ErrorInfo` (module and number), and the standard
///   details the error has. `DebugInfo` only with
///   [`StatusEncoder::include_debug_info`].
///
/// The domain is the error's own ([`Error::with_domain`], or the peer's for
/// a decoded error, so a forwarded error keeps its meaning), else the
/// encoder's.
///
/// # The budget
/// Peers limit the size of a header block: hyper's default is 16 KiB, and
/// the gRPC spec suggests 8 KiB. Past the limit a unary call fails with
/// `Internal "h2 protocol error"` and a stream silently loses its details.
/// So the status headers (`grpc-status`, `grpc-message` and
/// `grpc-status-details-bin`, counted as HTTP/2 does, 32 bytes of overhead
/// each) are kept within a budget, by default [`StatusEncoder::DEFAULT_BUDGET`]
/// (7 KiB, leaving 1 KiB of an 8 KiB limit to the other headers). Over it,
/// the encoder in turn
/// 1. drops DebugInfo, Help, custom details, LocalizedMessage, RequestInfo,
///    QuotaFailure, PreconditionFailure, ResourceInfo, BadRequest, RetryInfo;
/// 2. cuts context values to 1024, 256, 64, then 16 bytes, at UTF-8
///    boundaries, ending them with [`StatusEncoder::TRUNCATION_MARKER`];
/// 3. cuts the message to 1024, 256, then 64 bytes the same way;
/// 4. drops context entries, last key first;
/// 5. cuts the message to 16 bytes.
///
/// Both ErrorInfos with the reason (at most 63 bytes), the domain (at most
/// 253), the code string (at most 64) and the code's module and number
/// always survive, whatever the error holds: at most about 550 bytes, well
/// under [`StatusEncoder::MIN_BUDGET`].
///
/// ```
/// use csghub_errorx::{Error, ErrorCode, StatusEncoder};
///
/// let encoder = StatusEncoder::new().domain("hub.example.com");
/// let status = encoder.encode(&Error::new(ErrorCode::GIT_AUTH_FAILED).with_context("remote", "origin"));
/// assert_eq!(status.code(), tonic::Code::Unauthenticated);
///
/// let decoded = Error::from_status(&status);
/// assert!(decoded.is(ErrorCode::GIT_AUTH_FAILED));
/// assert_eq!(decoded.domain(), Some("hub.example.com"));
/// assert_eq!(decoded.context().get("remote"), Some("origin"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusEncoder {
    domain: Cow<'static, str>,
    budget: usize,
    include_debug_info: bool,
    reference_base: Option<Cow<'static, str>>,
    retry_hints: bool,
}

impl StatusEncoder {
    /// What ends every value the encoder shortened, so a reader of the log
    /// or the client can see that text is missing.
    pub const TRUNCATION_MARKER: &'static str = crate::truncate::TRUNCATION_MARKER;
    /// The default header budget: 7 KiB, safe for peers with an 8 KiB limit.
    pub const DEFAULT_BUDGET: usize = 7 * 1024;
    /// The smallest budget accepted; smaller ones are raised to it, since
    /// what always survives needs about 450 bytes at worst.
    pub const MIN_BUDGET: usize = 1024;
    /// The longest domain kept (the longest DNS name); longer ones are cut.
    pub const MAX_DOMAIN_LEN: usize = super::MAX_DOMAIN_LEN;

    /// An encoder with the catalog's domain
    /// ([`CATALOG_DOMAIN`](crate::CATALOG_DOMAIN)) and the default budget,
    /// without DebugInfo.
    pub const fn new() -> StatusEncoder {
        StatusEncoder {
            domain: Cow::Borrowed(crate::CATALOG_DOMAIN),
            budget: Self::DEFAULT_BUDGET,
            include_debug_info: false,
            reference_base: None,
            retry_hints: false,
        }
    }

    /// Tells clients when to retry: an error whose code the catalog lets
    /// clients retry ([`ErrorCode::retry_class`](crate::ErrorCode::retry_class))
    /// gets the catalog's delay for it as a `google.rpc.RetryInfo` (unless
    /// it has one of its own), and its `RetryInfo` delay as the
    /// `grpc-retry-pushback-ms` header gRPC's retry design (A6) reads; an
    /// error that may not be retried gets neither. Off by default, so that
    /// the wire stays as it was (peers pin it).
    ///
    /// ```
    /// use csghub_errorx::{Error, ErrorCode, StatusEncoder};
    ///
    /// let encoder = StatusEncoder::new().retry_hints(true);
    /// let status = encoder.encode(&Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
    /// assert_eq!(status.metadata().get("grpc-retry-pushback-ms").unwrap(), "30000");
    /// let status = encoder.encode(&Error::new(ErrorCode::INVALID_JWT));
    /// assert!(status.metadata().get("grpc-retry-pushback-ms").is_none());
    /// ```
    pub fn retry_hints(mut self, yes: bool) -> StatusEncoder {
        self.retry_hints = yes;
        self
    }

    /// Links each error with a catalog code to its page in the catalog's
    /// reference site, as `errorx site --base-url BASE` builds it: a
    /// `google.rpc.Help` link to `BASE/errors/GIT-ERR-8`, unless the error
    /// has a Help link of its own. The HTTP side's problem+json `type` then
    /// uses the same URL (unless `HttpErrors::problem_type_base` says
    /// otherwise). Off by default: the link costs about 80 bytes an error,
    /// and is the first detail dropped over the header budget.
    ///
    /// ```
    /// use csghub_errorx::{Error, ErrorCode, StatusEncoder};
    ///
    /// let encoder = StatusEncoder::new().reference_base("https://errors.example.com");
    /// let status = encoder.encode(&Error::new(ErrorCode::GIT_AUTH_FAILED));
    /// let help = Error::from_status(&status).help().cloned().unwrap();
    /// assert_eq!(help.links()[0].url(), "https://errors.example.com/errors/GIT-ERR-8");
    /// ```
    pub fn reference_base(mut self, base: impl Into<Cow<'static, str>>) -> StatusEncoder {
        let base = base.into();
        self.reference_base = Some(match base.strip_suffix('/') {
            Some(trimmed) => Cow::Owned(trimmed.to_string()),
            None => base,
        });
        self
    }

    /// The reference page of `error`'s code, if the encoder links one
    /// ([`StatusEncoder::reference_base`]).
    pub fn reference_url(&self, error: &Error) -> Option<String> {
        let base = self.reference_base.as_deref()?;
        Some(format!("{base}/errors/{}", error.code_str()?))
    }

    /// `error` with what the encoder adds to it (its reference link, its
    /// catalog's retry delay): a copy, made only then.
    pub(crate) fn decorated(&self, error: &Error) -> Option<Error> {
        let link = match error.help() {
            None => self.reference_url(error).zip(error.code_str()),
            Some(_) => None,
        };
        let retry_delay = self
            .retry_hints
            .then(|| error.code())
            .flatten()
            .filter(|code| code.retry_class() != crate::RetryClass::Never)
            .and_then(|code| code.retry_delay())
            .filter(|_| error.retry_delay().is_none());
        if link.is_none() && retry_delay.is_none() {
            return None;
        }
        let mut error = error.clone();
        if let Some((url, code)) = link {
            let description = format!("{code} in the error reference");
            error = error.add_help_link(description, url);
        }
        if let Some(delay) = retry_delay {
            error = error.with_retry_delay(delay);
        }
        Some(error)
    }

    /// The `grpc-retry-pushback-ms` of `error`, with retry hints on: its
    /// `RetryInfo` delay, for a code clients may retry.
    fn pushback(
        &self,
        error: &Error,
    ) -> Option<tonic::metadata::MetadataValue<tonic::metadata::Ascii>> {
        if !self.retry_hints {
            return None;
        }
        let class = error.code()?.retry_class();
        if class == crate::RetryClass::Never {
            return None;
        }
        let millis = error.retry_delay()?.as_millis();
        tonic::metadata::MetadataValue::try_from(millis.to_string()).ok()
    }

    /// Sets the `ErrorInfo.domain`, such as `hub.example.com`.
    pub fn domain(mut self, domain: impl Into<Cow<'static, str>>) -> StatusEncoder {
        let mut domain = domain.into();
        if domain.len() > Self::MAX_DOMAIN_LEN {
            let end = crate::truncate::floor_char_boundary(&domain, Self::MAX_DOMAIN_LEN);
            domain = Cow::Owned(domain[..end].to_string());
        }
        self.domain = domain;
        self
    }

    /// Sets the header budget in bytes, at least [`StatusEncoder::MIN_BUDGET`].
    pub fn budget(mut self, bytes: usize) -> StatusEncoder {
        self.budget = bytes.max(Self::MIN_BUDGET);
        self
    }

    /// Sends `DebugInfo` details. Off by default: stack entries tell an
    /// attacker about the server. Turn it on for internal callers only.
    pub fn include_debug_info(mut self, yes: bool) -> StatusEncoder {
        self.include_debug_info = yes;
        self
    }

    /// The `ErrorInfo.domain` this encoder writes.
    pub fn domain_name(&self) -> &str {
        &self.domain
    }

    /// The header budget in bytes.
    pub fn budget_bytes(&self) -> usize {
        self.budget
    }

    /// Whether `DebugInfo` details are sent.
    pub fn includes_debug_info(&self) -> bool {
        self.include_debug_info
    }

    /// The status for `error`: what goes on the wire, nothing in-process.
    /// For forwarding, tests, and any caller that keeps the error; a
    /// handler returns [`StatusEncoder::into_status`] (or `?`), so that the
    /// server layer can log the cause.
    ///
    /// An error with a [user locale](Error::with_user_locale) carries exactly
    /// one `google.rpc.LocalizedMessage` in it: the catalog's message for
    /// the code, showing the context ([`Error::user_message`]), unless it
    /// has a `LocalizedMessage` of its own. `grpc-message` stays the English
    /// message. Over budget, the LocalizedMessage is dropped before the
    /// ErrorInfos.
    ///
    /// ```
    /// use csghub_errorx::{Error, ErrorCode, Locale, StatusEncoder};
    ///
    /// let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
    ///     .with_context("repo", "ns/x")
    ///     .with_user_locale(Locale::ZH_HK);
    /// let status = StatusEncoder::new().encode(&error);
    /// let decoded = Error::from_status(&status);
    /// let localized = decoded.localized_message().unwrap();
    /// assert_eq!(localized.locale(), "zh-HK");
    /// assert_eq!(localized.message(), "找不到儲存庫 ns/x，請檢查儲存庫名稱及存取權限。");
    /// assert_eq!(status.message(), ErrorCode::GIT_REPO_NOT_FOUND.description());
    /// ```
    pub fn encode(&self, error: &Error) -> Status {
        let decorated = self.decorated(error);
        let error = decorated.as_ref().unwrap_or(error);
        let localized = error
            .user_locale()
            .filter(|_| error.localized_message().is_none())
            .and_then(|locale| {
                Some(LocalizedView {
                    locale,
                    message: error.user_message(locale)?,
                })
            });
        let plan = Plan::full(
            error,
            &self.domain,
            self.include_debug_info,
            localized.as_ref(),
        )
        .fit(self.budget);
        let details = Bytes::from(plan.encode_details());
        let mut status =
            Status::with_details(error.grpc_code(), plan.message().into_owned(), details);
        if let Some(pushback) = self.pushback(error) {
            status
                .metadata_mut()
                .insert("grpc-retry-pushback-ms", pushback);
        }
        status
    }

    /// The status for `error`, as [`StatusEncoder::encode`] makes it,
    /// carrying `error` itself in-process (read it back with
    /// [`Error::in_process`]; the status's
    /// [`source`](std::error::Error::source) chain shows the error, then its
    /// cause), so that layers in this process can log the cause, even of a
    /// stream's error, which tonic consumes. Sources never leave the process.
    /// `Status::from(error)`, and so `?`, is this with the default encoder.
    pub fn into_status(&self, error: Error) -> Status {
        let mut status = self.encode(&error);
        status.set_source(Arc::new(InProcess::new(error)));
        status
    }
}

impl Default for StatusEncoder {
    fn default() -> StatusEncoder {
        StatusEncoder::new()
    }
}

impl From<Error> for Status {
    /// Encodes with the default [`StatusEncoder`], carrying `error` as the
    /// status's in-process source ([`StatusEncoder::into_status`]).
    fn from(error: Error) -> Status {
        const DEFAULT: StatusEncoder = StatusEncoder::new();
        DEFAULT.into_status(error)
    }
}
