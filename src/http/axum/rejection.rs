//! What the extractors reject with: a field's catalog error, and serde's
//! failures sorted onto the catalog.

use crate::{Error, ErrorCode};

/// What went wrong with one field, as serde says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldFailure {
    /// `missing field `name``: `REQ-ERR-4` errReqParamMissing.
    Missing,
    /// A JSON value of the wrong type: `REQ-ERR-8` errReqParamTypeError.
    WrongType,
    /// Any other value the type refuses: `REQ-ERR-6` errReqParamInvalid.
    BadValue,
}

/// How serde's messages start, by what they mean: serde's `de::Error`
/// constructors write them (`missing_field`, `invalid_type`,
/// `invalid_value`, `invalid_length`, `unknown_variant`, `unknown_field`,
/// `duplicate_field`). serde_json and serde_urlencoded give them only as
/// text, so they are told apart here, declared once, and
/// `every_serde_message_is_sorted_as_declared` (below) triggers each
/// through serde itself: an upgrade that rewords one fails that test
/// instead of changing a catalog code in silence. Any other message (a
/// `FromStr` failure of a query value) is a bad value.
const SERDE_MESSAGES: [(&str, FieldFailure); 7] = [
    ("missing field `", FieldFailure::Missing),
    ("invalid type: ", FieldFailure::WrongType),
    ("invalid value: ", FieldFailure::BadValue),
    ("invalid length ", FieldFailure::BadValue),
    ("unknown variant `", FieldFailure::BadValue),
    ("unknown field `", FieldFailure::BadValue),
    ("duplicate field `", FieldFailure::BadValue),
];

impl FieldFailure {
    /// What serde's `message` says went wrong.
    pub(crate) fn of(message: &str) -> FieldFailure {
        SERDE_MESSAGES
            .iter()
            .find(|(start, _)| message.starts_with(start))
            .map_or(FieldFailure::BadValue, |(_, failure)| *failure)
    }

    /// The catalog code of the failure.
    pub(crate) fn code(self) -> ErrorCode {
        match self {
            FieldFailure::Missing => ErrorCode::ERR_REQ_PARAM_MISSING,
            FieldFailure::WrongType => ErrorCode::ERR_REQ_PARAM_TYPE_ERROR,
            FieldFailure::BadValue => ErrorCode::ERR_REQ_PARAM_INVALID,
        }
    }
}

/// The catalog error of serde's `message` at `path` (serde_path_to_error's,
/// `.` for the root): a missing field is named on its parent's path.
pub(crate) fn serde_error(path: &str, message: &str) -> Error {
    let failure = FieldFailure::of(message);
    let field = match failure {
        FieldFailure::Missing => {
            let name = message["missing field `".len()..]
                .split('`')
                .next()
                .unwrap_or_default();
            match path {
                "." | "" => name.to_string(),
                parent => format!("{parent}.{name}"),
            }
        }
        _ => path.to_string(),
    };
    field_error(failure.code(), &field, message)
}

/// `code` with a `BadRequest` violation on `field`, and `field` as context.
pub(crate) fn field_error(code: ErrorCode, field: &str, description: &str) -> Error {
    let field = crate::truncate::truncate(field, 256);
    Error::new(code)
        .with_context("field", &field)
        .add_field_violation(
            field.into_owned(),
            crate::truncate::truncate(description, 1024),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::Error as _;

    #[test]
    fn every_serde_message_is_sorted_as_declared() {
        type E = serde_json::Error;
        let unexpected = serde::de::Unexpected::Str("abc");
        let cases: [(E, FieldFailure); 7] = [
            (E::missing_field("name"), FieldFailure::Missing),
            (E::invalid_type(unexpected, &"u32"), FieldFailure::WrongType),
            (E::invalid_value(unexpected, &"u32"), FieldFailure::BadValue),
            (E::invalid_length(3, &"2 items"), FieldFailure::BadValue),
            (E::unknown_variant("x", &["a"]), FieldFailure::BadValue),
            (E::unknown_field("x", &["a"]), FieldFailure::BadValue),
            (E::duplicate_field("x"), FieldFailure::BadValue),
        ];
        for (i, (error, failure)) in cases.into_iter().enumerate() {
            let message = error.to_string();
            assert_eq!(FieldFailure::of(&message), failure, "{message}");
            // Each row of the table is the one that matched.
            assert!(message.starts_with(SERDE_MESSAGES[i].0), "{message}");
        }
        // serde_urlencoded writes the same words.
        let urlencoded = serde_urlencoded::de::Error::missing_field("page").to_string();
        assert_eq!(FieldFailure::of(&urlencoded), FieldFailure::Missing);
    }

    #[test]
    fn a_missing_field_is_named_on_its_parents_path() {
        let error = serde_error("repo", "missing field `name`");
        assert_eq!(error.code(), Some(ErrorCode::ERR_REQ_PARAM_MISSING));
        assert_eq!(error.context().get("field"), Some("repo.name"));
        let error = serde_error(".", "missing field `name`");
        assert_eq!(error.context().get("field"), Some("name"));
    }
}
