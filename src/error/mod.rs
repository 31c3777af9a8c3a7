//! [`Error`]: a catalog error with its message, context, details and cause.

mod catalog_error;
mod context;
mod details;
pub(crate) mod received;
mod report;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use prost_types::Any;
use tonic_types::pb;

pub use catalog_error::CatalogError;
pub use context::{normalize_key, Context, MAX_KEY_LEN, RESERVED_KEYS};
pub use details::Details;
use received::Received;
pub use report::Report;

use crate::{Code, DecodeProblem};

/// The cause of an error: logged, never sent to the peer.
pub type Source = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// A catalog error: what a server returns and what a client decodes.
///
/// It carries
/// - a [`Code`] of the catalog (or none, for a status decoded from a server
///   that does not use the catalog; the gRPC code and message are kept);
/// - a public, developer-facing message, by default the code's description;
/// - a [`Context`] of key/values, sorted, last write wins;
/// - standard [`Details`];
/// - an optional [`source`](std::error::Error::source), the cause. The
///   source is logged by the layers and never put on the wire.
///
/// ```
/// use csghub_errorx::{Code, Error};
///
/// let io = std::io::Error::other("connection reset by 10.0.0.7");
/// let error = Error::new(Code::GIT_REPO_NOT_FOUND)
///     .with_context("repo", "ns/name")
///     .with_source(io);
///
/// assert!(error.is(Code::GIT_REPO_NOT_FOUND));
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
#[derive(Clone, thiserror::Error)]
#[error("{}: {message}", Label(self))]
pub struct Error {
    code: Option<Code>,
    grpc_code: tonic::Code,
    message: Cow<'static, str>,
    context: Context,
    // Boxed: most errors carry no standard details, and a small `Error`
    // keeps `Result<T, Error>` cheap to return.
    details: Option<Box<Details>>,
    received: Option<Box<Received>>,
    #[source]
    source: Option<Source>,
}

impl Error {
    /// An error with `code`, its catalog description as message, and no
    /// context. Does not allocate.
    pub fn new(code: Code) -> Error {
        Error {
            code: Some(code),
            grpc_code: code.grpc_code(),
            message: Cow::Borrowed(code.description()),
            context: Context::new(),
            details: None,
            received: None,
            source: None,
        }
    }

    /// An error without a catalog code: what a client decodes from a server
    /// that does not use the catalog.
    pub fn uncataloged(grpc_code: tonic::Code, message: impl Into<Cow<'static, str>>) -> Error {
        Error {
            code: None,
            grpc_code,
            message: message.into(),
            context: Context::new(),
            details: None,
            received: None,
            source: None,
        }
    }

    /// Replaces the public message. It is sent to the peer: put no secrets
    /// in it, and put each dynamic part into the context too (AIP-193).
    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Error {
        self.message = message.into();
        self
    }

    /// Sets a context entry. The key is normalized to lowerCamel and a key
    /// set twice keeps the last value; see [`Context`].
    pub fn with_context(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Error {
        self.context.insert(key, value);
        self
    }

    /// Sets every entry of `context`, as [`Error::with_context`] does.
    pub fn with_context_map(mut self, context: Context) -> Error {
        if self.context.is_empty() {
            self.context = context;
        } else {
            self.context.extend(context.iter());
        }
        self
    }

    /// Sets the cause. It is reachable through
    /// [`source`](std::error::Error::source) and logged, never sent.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Arc::new(source));
        self
    }

    /// Sets the cause from a shared error.
    pub fn with_shared_source(mut self, source: Source) -> Error {
        self.source = Some(source);
        self
    }

    /// Replaces all standard details.
    pub fn with_details(mut self, details: Details) -> Error {
        self.details = (!details.is_empty()).then(|| Box::new(details));
        self
    }

    /// Adds `RetryInfo`: the client should wait `delay` before retrying.
    pub fn with_retry_delay(mut self, delay: Duration) -> Error {
        self.details_mut().retry_info = Some(pb::RetryInfo {
            retry_delay: Some(prost_types::Duration {
                seconds: i64::try_from(delay.as_secs()).unwrap_or(i64::MAX),
                nanos: i32::try_from(delay.subsec_nanos()).unwrap_or(0),
            }),
        });
        self
    }

    /// Adds a `BadRequest` field violation: `field` (a path such as
    /// `repo.name`) is wrong, and why.
    pub fn with_field_violation(
        mut self,
        field: impl Into<String>,
        description: impl Into<String>,
    ) -> Error {
        let bad_request = self
            .details_mut()
            .bad_request
            .get_or_insert_with(Default::default);
        bad_request
            .field_violations
            .push(pb::bad_request::FieldViolation {
                field: field.into(),
                description: description.into(),
                ..Default::default()
            });
        self
    }

    /// Adds `ResourceInfo`: which resource was not found or refused.
    pub fn with_resource(
        mut self,
        resource_type: impl Into<String>,
        resource_name: impl Into<String>,
    ) -> Error {
        self.details_mut().resource_info = Some(pb::ResourceInfo {
            resource_type: resource_type.into(),
            resource_name: resource_name.into(),
            ..Default::default()
        });
        self
    }

    /// Adds `RequestInfo` with a request or trace id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Error {
        self.details_mut().request_info = Some(pb::RequestInfo {
            request_id: request_id.into(),
            serving_data: String::new(),
        });
        self
    }

    /// Adds a `Help` link.
    pub fn with_help_link(
        mut self,
        description: impl Into<String>,
        url: impl Into<String>,
    ) -> Error {
        let help = self.details_mut().help.get_or_insert_with(Default::default);
        help.links.push(pb::help::Link {
            description: description.into(),
            url: url.into(),
        });
        self
    }

    /// Adds `DebugInfo`. It is sent only by an encoder that opted in with
    /// [`StatusEncoder::include_debug_info`](crate::StatusEncoder::include_debug_info).
    pub fn with_debug_info(
        mut self,
        detail: impl Into<String>,
        stack_entries: Vec<String>,
    ) -> Error {
        self.details_mut().debug_info = Some(pb::DebugInfo {
            stack_entries,
            detail: detail.into(),
        });
        self
    }

    /// Adds a detail of a type of your own. It is sent as it is, after the
    /// standard details, and dropped first of all details save `DebugInfo`
    /// and `Help` when the status is over budget.
    pub fn with_custom_detail(mut self, detail: Any) -> Error {
        self.details_mut().other.push(detail);
        self
    }

    /// The catalog code; `None` for a status from a server that does not use
    /// the catalog.
    pub fn code(&self) -> Option<Code> {
        self.code
    }

    /// Whether this is an error with `code`, whatever its context, message
    /// or source (Go's `errors.Is`).
    pub fn is(&self, code: Code) -> bool {
        self.code == Some(code)
    }

    /// The gRPC status code: the catalog's mapping, or what the peer sent.
    pub fn grpc_code(&self) -> tonic::Code {
        self.grpc_code
    }

    /// The HTTP status for this error: the catalog's for a catalog code, the
    /// canonical mapping of [`Error::grpc_code`] otherwise.
    pub fn http_status(&self) -> http::StatusCode {
        match self.code {
            Some(code) if code.is_known() => code.http_status(),
            _ => crate::http_status::from_grpc_code(self.grpc_code),
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

    /// The standard details.
    pub fn details(&self) -> &Details {
        static EMPTY: Details = Details::EMPTY;
        self.details.as_deref().unwrap_or(&EMPTY)
    }

    /// The `RetryInfo` delay, if the error has one: how long the client
    /// should wait before retrying. A negative delay reads as none.
    pub fn retry_delay(&self) -> Option<Duration> {
        let delay = self.details().retry_info.as_ref()?.retry_delay.as_ref()?;
        Some(Duration::new(
            u64::try_from(delay.seconds).ok()?,
            u32::try_from(delay.nanos).ok()?,
        ))
    }

    /// The standard details, to change them in place.
    pub fn details_mut(&mut self) -> &mut Details {
        self.details.get_or_insert_with(Box::default)
    }

    /// The code string, `GIT-ERR-8`: as the peer sent it for a decoded error,
    /// from the catalog otherwise; empty for an error without a code.
    pub fn code_str(&self) -> Cow<'_, str> {
        if let Some(text) = self.received.as_ref().and_then(|r| r.code_str.as_deref()) {
            return Cow::Borrowed(text);
        }
        match self.code {
            Some(code) if code.is_known() => Cow::Borrowed(code.as_str()),
            Some(code) => Cow::Owned(code.to_string()),
            None => Cow::Borrowed(""),
        }
    }

    /// The AIP-193 reason: as the peer sent it for a decoded error, the
    /// catalog's otherwise; for an error without a code, the gRPC code's
    /// canonical name.
    pub fn reason(&self) -> &str {
        if let Some(reason) = self.received.as_ref().and_then(|r| r.reason.as_deref()) {
            return reason;
        }
        match self.code {
            Some(code) if code.is_known() => code.reason(),
            _ => crate::http_status::grpc_code_name(self.grpc_code),
        }
    }

    /// The `ErrorInfo` domain the peer sent, for a decoded error.
    pub fn domain(&self) -> Option<&str> {
        self.received.as_ref().and_then(|r| r.domain.as_deref())
    }

    /// What could not be decoded from the peer's status. Empty for an error
    /// built locally, and for a well-formed status.
    pub fn decode_problems(&self) -> &[DecodeProblem] {
        self.received.as_ref().map_or(&[], |r| &r.problems)
    }

    /// The cause, shared. The same as [`source`](std::error::Error::source).
    pub fn shared_source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    pub(crate) fn from_parts(
        code: Option<Code>,
        grpc_code: tonic::Code,
        message: String,
        context: Context,
        details: Details,
        received: Received,
    ) -> Error {
        Error {
            code,
            grpc_code,
            message: Cow::Owned(message),
            context,
            details: (!details.is_empty()).then(|| Box::new(details)),
            received: (received != Received::default()).then(|| Box::new(received)),
            source: None,
        }
    }
}

/// What `Display` prints before the message: the code string and name, the
/// code as the peer sent it, or the gRPC code's name.
struct Label<'a>(&'a Error);

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = self.0;
        match error.code {
            Some(code) if code.is_known() => write!(f, "{} {}", code.as_str(), code.name()),
            Some(_) => f.write_str(&error.code_str()),
            None => f.write_str(crate::http_status::grpc_code_name(error.grpc_code)),
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
        debug.field("source", &self.source).finish()
    }
}

impl From<Code> for Error {
    fn from(code: Code) -> Error {
        Error::new(code)
    }
}

impl PartialEq<Code> for Error {
    fn eq(&self, code: &Code) -> bool {
        self.is(*code)
    }
}
