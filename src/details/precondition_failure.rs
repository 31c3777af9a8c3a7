//! [`PreconditionFailure`] and its [`PreconditionViolation`]s: what must be
//! true before the request can succeed.

use tonic_types::pb;

use crate::wire::{repeated_len, str_len, write_repeated, write_str, WireMessage};

/// `google.rpc.PreconditionFailure`: the preconditions the request failed,
/// such as terms not accepted or a phone number not verified.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let error = Error::new(ErrorCode::USER_PHONE_NOT_VERIFIED)
///     .add_precondition_violation("PHONE", "user:alice", "the phone number is not verified");
/// assert_eq!(error.precondition_failure().unwrap().violations()[0].kind(), "PHONE");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreconditionFailure {
    violations: Vec<PreconditionViolation>,
}

impl PreconditionFailure {
    /// No violations yet.
    pub fn new() -> PreconditionFailure {
        PreconditionFailure::default()
    }

    /// Adds a violation.
    pub fn add_violation(mut self, violation: PreconditionViolation) -> PreconditionFailure {
        self.violations.push(violation);
        self
    }

    /// The violations, in order.
    pub fn violations(&self) -> &[PreconditionViolation] {
        &self.violations
    }

    pub(crate) fn push(&mut self, violation: PreconditionViolation) {
        self.violations.push(violation);
    }
}

impl FromIterator<PreconditionViolation> for PreconditionFailure {
    fn from_iter<I: IntoIterator<Item = PreconditionViolation>>(iter: I) -> PreconditionFailure {
        PreconditionFailure {
            violations: iter.into_iter().collect(),
        }
    }
}

/// One failed precondition of a [`PreconditionFailure`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreconditionViolation {
    kind: String,
    subject: String,
    description: String,
}

impl PreconditionViolation {
    /// A precondition of type `kind` (a service-specific enum, such as
    /// `TOS`) on `subject` failed, and how.
    pub fn new(
        kind: impl Into<String>,
        subject: impl Into<String>,
        description: impl Into<String>,
    ) -> PreconditionViolation {
        PreconditionViolation {
            kind: kind.into(),
            subject: subject.into(),
            description: description.into(),
        }
    }

    /// The type of precondition (`type` in the proto).
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// What failed it, such as `user:alice`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// How it failed.
    pub fn description(&self) -> &str {
        &self.description
    }
}

impl WireMessage for PreconditionViolation {
    fn encoded_len(&self) -> usize {
        str_len(1, self.kind.len())
            + str_len(2, self.subject.len())
            + str_len(3, self.description.len())
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_str(1, &self.kind, buf);
        write_str(2, &self.subject, buf);
        write_str(3, &self.description, buf);
    }
}

impl WireMessage for PreconditionFailure {
    fn encoded_len(&self) -> usize {
        repeated_len(1, &self.violations)
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_repeated(1, &self.violations, buf);
    }
}

impl From<pb::PreconditionFailure> for PreconditionFailure {
    fn from(message: pb::PreconditionFailure) -> PreconditionFailure {
        message
            .violations
            .into_iter()
            .map(|v| PreconditionViolation {
                kind: v.r#type,
                subject: v.subject,
                description: v.description,
            })
            .collect()
    }
}

#[cfg(feature = "json")]
mod json {
    use serde::ser::SerializeMap;
    use serde::Deserialize;

    use super::{PreconditionFailure, PreconditionViolation};
    use crate::details::json::{messages, read, string, FromProtoJson, ProtoJson};

    impl ProtoJson for PreconditionFailure {
        fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            messages(map, "violations", self.violations())
        }
    }

    impl ProtoJson for PreconditionViolation {
        fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            string(map, "type", self.kind())?;
            string(map, "subject", self.subject())?;
            string(map, "description", self.description())
        }
    }

    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct PreconditionFailureJson {
        violations: Vec<PreconditionViolationJson>,
    }

    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct PreconditionViolationJson {
        #[serde(rename = "type")]
        kind: String,
        subject: String,
        description: String,
    }

    impl FromProtoJson for PreconditionFailure {
        fn from_proto_json(item: &serde_json::Value) -> Result<PreconditionFailure, String> {
            let json: PreconditionFailureJson = read(item)?;
            Ok(json
                .violations
                .into_iter()
                .map(|v| PreconditionViolation::new(v.kind, v.subject, v.description))
                .collect())
        }
    }
}
