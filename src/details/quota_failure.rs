//! [`QuotaFailure`] and its [`QuotaViolation`]s: which quota ran out.

use prost::Message as _;
use tonic_types::pb;

use crate::wire::{repeated_len, write_repeated, WireMessage};

/// `google.rpc.QuotaFailure`: the quotas the request exceeded.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let error = Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED)
///     .with_quota_violation("user:alice", "100 requests per minute");
/// assert_eq!(error.quota_failure().unwrap().violations()[0].subject(), "user:alice");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuotaFailure {
    violations: Vec<QuotaViolation>,
}

impl QuotaFailure {
    /// No violations yet.
    pub fn new() -> QuotaFailure {
        QuotaFailure::default()
    }

    /// Adds a violation.
    pub fn with_violation(mut self, violation: QuotaViolation) -> QuotaFailure {
        self.violations.push(violation);
        self
    }

    /// The violations, in order.
    pub fn violations(&self) -> &[QuotaViolation] {
        &self.violations
    }

    pub(crate) fn push(&mut self, violation: QuotaViolation) {
        self.violations.push(violation);
    }
}

impl FromIterator<QuotaViolation> for QuotaFailure {
    fn from_iter<I: IntoIterator<Item = QuotaViolation>>(iter: I) -> QuotaFailure {
        QuotaFailure {
            violations: iter.into_iter().collect(),
        }
    }
}

/// One exceeded quota of a [`QuotaFailure`]. The proto's newer fields
/// (`api_service`, `quota_metric`, `quota_id`, dimensions and values) are
/// kept when decoded and sent on when forwarded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuotaViolation(pb::quota_failure::Violation);

impl QuotaViolation {
    /// `subject` (such as `user:alice`) exceeded a quota, described by
    /// `description`.
    pub fn new(subject: impl Into<String>, description: impl Into<String>) -> QuotaViolation {
        QuotaViolation(pb::quota_failure::Violation {
            subject: subject.into(),
            description: description.into(),
            ..Default::default()
        })
    }

    /// Who or what exceeded the quota.
    pub fn subject(&self) -> &str {
        &self.0.subject
    }

    /// How the quota was exceeded.
    pub fn description(&self) -> &str {
        &self.0.description
    }

    /// Every field, the proto's newer ones included.
    #[cfg(feature = "json")]
    pub(crate) fn proto(&self) -> &pb::quota_failure::Violation {
        &self.0
    }
}

impl WireMessage for QuotaViolation {
    fn encoded_len(&self) -> usize {
        self.0.encoded_len()
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        self.0.encode_raw(buf);
    }
}

impl WireMessage for QuotaFailure {
    fn encoded_len(&self) -> usize {
        repeated_len(1, &self.violations)
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_repeated(1, &self.violations, buf);
    }
}

impl From<pb::QuotaFailure> for QuotaFailure {
    fn from(message: pb::QuotaFailure) -> QuotaFailure {
        message.violations.into_iter().map(QuotaViolation).collect()
    }
}
