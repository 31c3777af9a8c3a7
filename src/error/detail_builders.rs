//! The `with_*` builders of [`Error`] for its standard details, and the
//! accessors the details table does not generate.

use std::time::Duration;

use super::Error;
use crate::details::{
    DebugInfo, Detail, FieldViolation, HelpLink, LocalizedMessage, PreconditionViolation,
    QuotaViolation, RawDetail, RequestInfo, ResourceInfo, RetryInfo,
};

impl Error {
    /// Adds `detail`, replacing a detail of the same type (AIP-193 allows
    /// one of each); raw details add up.
    ///
    /// ```
    /// use csghub_errorx::{Error, ErrorCode, ResourceInfo};
    ///
    /// let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
    ///     .with_detail(ResourceInfo::new("repository", "ns/name").with_owner("org:opencsg"));
    /// assert_eq!(error.resource_info().unwrap().owner(), "org:opencsg");
    /// ```
    #[inline]
    pub fn with_detail(mut self, detail: impl Into<Detail>) -> Error {
        self.details_mut().set(detail.into());
        self
    }

    /// Adds `RetryInfo`: the client should wait `delay` before retrying.
    #[inline]
    pub fn with_retry_delay(self, delay: Duration) -> Error {
        self.with_detail(RetryInfo::new(delay))
    }

    /// Adds a `BadRequest` field violation: `field` (a path such as
    /// `repo.name`) is wrong, and why. Violations add up.
    #[inline]
    pub fn with_field_violation(
        mut self,
        field: impl Into<String>,
        description: impl Into<String>,
    ) -> Error {
        self.details_mut()
            .bad_request
            .get_or_insert_with(Default::default)
            .push(FieldViolation::new(field, description));
        self
    }

    /// Adds `ResourceInfo`: which resource was not found or refused.
    #[inline]
    pub fn with_resource(
        self,
        resource_type: impl Into<String>,
        resource_name: impl Into<String>,
    ) -> Error {
        self.with_detail(ResourceInfo::new(resource_type, resource_name))
    }

    /// Adds a `PreconditionFailure` violation: a precondition of type
    /// `kind` on `subject` failed, and how. Violations add up.
    #[inline]
    pub fn with_precondition_violation(
        mut self,
        kind: impl Into<String>,
        subject: impl Into<String>,
        description: impl Into<String>,
    ) -> Error {
        self.details_mut()
            .precondition_failure
            .get_or_insert_with(Default::default)
            .push(PreconditionViolation::new(kind, subject, description));
        self
    }

    /// Adds a `QuotaFailure` violation: `subject` exceeded a quota, as
    /// `description` says. Violations add up.
    #[inline]
    pub fn with_quota_violation(
        mut self,
        subject: impl Into<String>,
        description: impl Into<String>,
    ) -> Error {
        self.details_mut()
            .quota_failure
            .get_or_insert_with(Default::default)
            .push(QuotaViolation::new(subject, description));
        self
    }

    /// Adds `RequestInfo` with a request or trace id.
    #[inline]
    pub fn with_request_id(self, request_id: impl Into<String>) -> Error {
        self.with_detail(RequestInfo::new(request_id))
    }

    /// Adds a `Help` link. Links add up.
    #[inline]
    pub fn with_help_link(
        mut self,
        description: impl Into<String>,
        url: impl Into<String>,
    ) -> Error {
        self.details_mut()
            .help
            .get_or_insert_with(Default::default)
            .push(HelpLink::new(description, url));
        self
    }

    /// Adds a `LocalizedMessage`: `message` for end users in `locale`.
    #[inline]
    pub fn with_localized_message(
        self,
        locale: impl Into<String>,
        message: impl Into<String>,
    ) -> Error {
        self.with_detail(LocalizedMessage::new(locale, message))
    }

    /// Adds `DebugInfo`. It is sent only by an encoder that opted in with
    /// [`StatusEncoder::include_debug_info`](crate::StatusEncoder::include_debug_info).
    #[inline]
    pub fn with_debug_info<S: Into<String>>(
        self,
        detail: impl Into<String>,
        stack_entries: impl IntoIterator<Item = S>,
    ) -> Error {
        self.with_detail(DebugInfo::new(detail, stack_entries))
    }

    /// Adds a detail of a message type of your own: it is sent after the
    /// standard details, and dropped before them when the status is over
    /// budget. Read it back with [`RawDetail::to_message`].
    #[inline]
    pub fn with_custom_detail<M: prost::Name>(self, message: &M) -> Error {
        self.with_detail(RawDetail::from_message(message))
    }

    /// The `RetryInfo` delay, if the error has one: how long the client
    /// should wait before retrying.
    pub fn retry_delay(&self) -> Option<Duration> {
        self.retry_info()?.retry_delay()
    }

    /// Details of types this library does not decode: custom details, and
    /// any type a newer peer sends, kept as they came.
    pub fn raw_details(&self) -> &[RawDetail] {
        self.details().map_or(&[], |details| &details.raw)
    }
}
