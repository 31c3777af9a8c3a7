//! [`BadRequest`] and its [`FieldViolation`]s: which request fields are
//! wrong.

use tonic_types::pb;

use super::LocalizedMessage;
use crate::wire::{
    delimited_len, repeated_len, str_len, write_delimited_header, write_repeated, write_str,
    WireMessage,
};

/// `google.rpc.BadRequest`: the fields of the request that are wrong. For
/// the request-parameter codes (`REQ-ERR-*`).
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let error = Error::new(ErrorCode::ERR_REQ_PARAM_INVALID)
///     .add_field_violation("repo.name", "must be namespace/name");
/// let violation = &error.bad_request().unwrap().field_violations()[0];
/// assert_eq!(violation.field(), "repo.name");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BadRequest {
    field_violations: Vec<FieldViolation>,
}

impl BadRequest {
    /// No violations yet.
    pub fn new() -> BadRequest {
        BadRequest::default()
    }

    /// Adds a violation.
    pub fn add_violation(mut self, violation: FieldViolation) -> BadRequest {
        self.field_violations.push(violation);
        self
    }

    /// The violations, in order.
    pub fn field_violations(&self) -> &[FieldViolation] {
        &self.field_violations
    }

    pub(crate) fn push(&mut self, violation: FieldViolation) {
        self.field_violations.push(violation);
    }
}

impl FromIterator<FieldViolation> for BadRequest {
    fn from_iter<I: IntoIterator<Item = FieldViolation>>(iter: I) -> BadRequest {
        BadRequest {
            field_violations: iter.into_iter().collect(),
        }
    }
}

impl From<FieldViolation> for BadRequest {
    fn from(violation: FieldViolation) -> BadRequest {
        BadRequest::new().add_violation(violation)
    }
}

/// One wrong field of a [`BadRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldViolation {
    field: String,
    description: String,
    reason: String,
    localized_message: Option<LocalizedMessage>,
}

impl FieldViolation {
    /// `field` (a path such as `repo.name`) is wrong, and why.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> FieldViolation {
        FieldViolation {
            field: field.into(),
            description: description.into(),
            ..FieldViolation::default()
        }
    }

    /// Sets an UPPER_SNAKE reason for the violation, such as `TOO_LONG`.
    pub fn with_reason(mut self, reason: impl Into<String>) -> FieldViolation {
        self.reason = reason.into();
        self
    }

    /// Sets a message for end users, in their locale.
    pub fn with_localized_message(mut self, message: LocalizedMessage) -> FieldViolation {
        self.localized_message = Some(message);
        self
    }

    /// The path of the field.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Why the field is wrong, for developers.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The reason; empty if none.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The message for end users, if any.
    pub fn localized_message(&self) -> Option<&LocalizedMessage> {
        self.localized_message.as_ref()
    }
}

impl WireMessage for FieldViolation {
    fn encoded_len(&self) -> usize {
        str_len(1, self.field.len())
            + str_len(2, self.description.len())
            + str_len(3, self.reason.len())
            + self
                .localized_message
                .as_ref()
                .map_or(0, |m| delimited_len(4, m.encoded_len()))
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_str(1, &self.field, buf);
        write_str(2, &self.description, buf);
        write_str(3, &self.reason, buf);
        if let Some(message) = &self.localized_message {
            write_delimited_header(4, message.encoded_len(), buf);
            message.encode_raw(buf);
        }
    }
}

impl WireMessage for BadRequest {
    fn encoded_len(&self) -> usize {
        repeated_len(1, &self.field_violations)
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_repeated(1, &self.field_violations, buf);
    }
}

impl From<pb::BadRequest> for BadRequest {
    fn from(message: pb::BadRequest) -> BadRequest {
        message
            .field_violations
            .into_iter()
            .map(|v| FieldViolation {
                field: v.field,
                description: v.description,
                reason: v.reason,
                localized_message: v.localized_message.map(LocalizedMessage::from),
            })
            .collect()
    }
}

#[cfg(feature = "json")]
mod json {
    use serde::ser::SerializeMap;
    use serde::Deserialize;

    use super::{BadRequest, FieldViolation, LocalizedMessage};
    use crate::details::json::{messages, read, string, FromProtoJson, Message, ProtoJson};

    impl ProtoJson for BadRequest {
        fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            messages(map, "fieldViolations", self.field_violations())
        }
    }

    impl ProtoJson for FieldViolation {
        fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
            string(map, "field", self.field())?;
            string(map, "description", self.description())?;
            string(map, "reason", self.reason())?;
            if let Some(message) = self.localized_message() {
                map.serialize_entry("localizedMessage", &Message(message))?;
            }
            Ok(())
        }
    }

    #[derive(Default, Deserialize)]
    #[serde(default, rename_all = "camelCase")]
    struct BadRequestJson {
        #[serde(alias = "field_violations")]
        field_violations: Vec<FieldViolationJson>,
    }

    #[derive(Default, Deserialize)]
    #[serde(default, rename_all = "camelCase")]
    struct FieldViolationJson {
        field: String,
        description: String,
        reason: String,
        #[serde(alias = "localized_message")]
        localized_message: Option<serde_json::Value>,
    }

    impl FromProtoJson for BadRequest {
        fn from_proto_json(item: &serde_json::Value) -> Result<BadRequest, String> {
            let json: BadRequestJson = read(item)?;
            json.field_violations
                .into_iter()
                .map(|v| {
                    let mut violation =
                        FieldViolation::new(v.field, v.description).with_reason(v.reason);
                    if let Some(message) = v.localized_message {
                        violation = violation
                            .with_localized_message(LocalizedMessage::from_proto_json(&message)?);
                    }
                    Ok(violation)
                })
                .collect()
        }
    }
}
