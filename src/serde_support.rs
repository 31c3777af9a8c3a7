//! `serde` for the catalog's value types (feature `serde`): [`ErrorCode`]
//! and [`UnknownCode`] as their code strings, [`Context`] as an object.
//!
//! ```
//! use csghub_errorx::{Context, ErrorCode};
//!
//! let json = serde_json::to_string(&ErrorCode::GIT_AUTH_FAILED).unwrap();
//! assert_eq!(json, r#""GIT-ERR-8""#);
//! let code: ErrorCode = serde_json::from_str(r#""gitAuthFailed""#).unwrap();
//! assert_eq!(code, ErrorCode::GIT_AUTH_FAILED);
//!
//! let context: Context = serde_json::from_str(r#"{"repo":"ns/x","attempt":3}"#).unwrap();
//! assert_eq!(context.get("attempt"), Some("3"));
//! assert_eq!(serde_json::to_string(&context).unwrap(), r#"{"attempt":"3","repo":"ns/x"}"#);
//! ```

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Context, ErrorCode, UnknownCode};

impl Serialize for ErrorCode {
    /// The code string, `"GIT-ERR-8"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    /// A code string, name or reason of this build's catalog, as
    /// [`FromStr`](std::str::FromStr) accepts.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ErrorCode, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(de::Error::custom)
    }
}

impl Serialize for UnknownCode {
    /// The code string, `"GIT-ERR-99"`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UnknownCode {
    /// A code string of a module of CSGHub's catalog that this build lacks.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<UnknownCode, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        crate::csghub::CATALOG.unknown_code(&text).ok_or_else(|| {
            de::Error::custom(format_args!(
                "{:?} is not a code string this catalog lacks",
                crate::text::Escaped(&text)
            ))
        })
    }
}

impl Serialize for Context {
    /// An object of strings, sorted by key.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Context {
    /// An object whose values are strings, numbers or booleans (numbers and
    /// booleans become their text, as CSGHub's Go context holds them). Keys
    /// are kept exactly; a key given twice keeps its last value.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Context, D::Error> {
        deserializer.deserialize_map(ContextVisitor)
    }
}

struct ContextVisitor;

impl<'de> Visitor<'de> for ContextVisitor {
    type Value = Context;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of strings, numbers or booleans")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Context, A::Error> {
        let mut context = Context::new();
        while let Some((key, value)) =
            access.next_entry::<std::borrow::Cow<'de, str>, ScalarText>()?
        {
            context.push_unsorted(&key, &value.0);
        }
        context.sort();
        Ok(context)
    }
}

/// A string, number or boolean, as text.
pub(crate) struct ScalarText(pub(crate) String);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ScalarText, D::Error> {
        deserializer.deserialize_any(ScalarTextVisitor)
    }
}

struct ScalarTextVisitor;

impl Visitor<'_> for ScalarTextVisitor {
    type Value = ScalarText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<ScalarText, E> {
        Ok(ScalarText(value.to_string()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<ScalarText, E> {
        Ok(ScalarText(value))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<ScalarText, E> {
        Ok(ScalarText(value.to_string()))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<ScalarText, E> {
        Ok(ScalarText(value.to_string()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<ScalarText, E> {
        Ok(ScalarText(value.to_string()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<ScalarText, E> {
        Ok(ScalarText(value.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_as_code_strings() {
        for code in crate::csghub::CATALOG.codes() {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
    }

    #[test]
    fn an_unknown_code_round_trips_and_a_known_one_is_refused() {
        let code: UnknownCode = serde_json::from_str(r#""GIT-ERR-99""#).unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), r#""GIT-ERR-99""#);
        assert!(serde_json::from_str::<UnknownCode>(r#""GIT-ERR-8""#).is_err());
    }

    #[test]
    fn a_context_with_nested_values_is_refused() {
        assert!(serde_json::from_str::<Context>(r#"{"a":{"b":1}}"#).is_err());
        assert!(serde_json::from_str::<Context>(r#"{"a":null}"#).is_err());
    }
}
