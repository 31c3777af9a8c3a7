//! The details in proto3 JSON, as Go's `protojson` and Python's
//! `json_format` write them: lowerCamel field names, empty fields left out,
//! `Duration` as `"1.500s"`, int64 as strings. Each detail type writes and
//! reads itself in its own file ([`ProtoJson`], [`FromProtoJson`]); this
//! module holds what they share.
//!
//! Written by hand on `serde`: the `google.rpc` types of `tonic-types` have
//! no serde support, and pbjson would add a build step and a dependency
//! tree for ten small messages. Reading is lenient, as protojson is: the
//! lowerCamel names and the proto's own names, int64 as strings or
//! numbers, unknown fields ignored.

use std::fmt;
use std::time::Duration;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// The longest `google.protobuf.Duration` proto3 JSON accepts, in seconds.
const MAX_DURATION_SECONDS: u64 = 315_576_000_000;

/// A message's fields in proto3 JSON, written into an open object.
pub(crate) trait ProtoJson {
    fn write_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// A message read back from its proto3 JSON object (an `Any`'s, `@type`
/// and all).
pub(crate) trait FromProtoJson: Sized {
    fn from_proto_json(item: &serde_json::Value) -> Result<Self, String>;
}

/// What the details of an error are handed to, one by one, in proto3 JSON.
pub(crate) trait DetailVisitor {
    type Error;
    fn detail<T: ProtoJson>(&mut self, type_name: &str, detail: &T) -> Result<(), Self::Error>;
}

/// A nested message.
pub(crate) struct Message<'a, T>(pub(crate) &'a T);

impl<T: ProtoJson> Serialize for Message<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.0.write_fields(&mut map)?;
        map.end()
    }
}

/// A repeated message field.
struct Messages<'a, T>(&'a [T]);

impl<T: ProtoJson> Serialize for Messages<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Message))
    }
}

/// A string field, left out when empty.
pub(crate) fn string<M: SerializeMap>(
    map: &mut M,
    name: &'static str,
    value: &str,
) -> Result<(), M::Error> {
    if value.is_empty() {
        return Ok(());
    }
    map.serialize_entry(name, value)
}

/// A repeated message field, left out when empty.
pub(crate) fn messages<M: SerializeMap, T: ProtoJson>(
    map: &mut M,
    name: &'static str,
    values: &[T],
) -> Result<(), M::Error> {
    if values.is_empty() {
        return Ok(());
    }
    map.serialize_entry(name, &Messages(values))
}

/// Reads `item` as the mirror struct `T` of a message.
pub(crate) fn read<'a, T: Deserialize<'a>>(item: &'a serde_json::Value) -> Result<T, String> {
    T::deserialize(item).map_err(|e| e.to_string())
}

/// A `google.protobuf.Duration` in proto3 JSON: seconds with 0, 3, 6 or 9
/// fractional digits and an `s`, as protojson writes it (`"2s"`,
/// `"1.500s"`), within its range.
pub(crate) struct DurationJson(pub(crate) Duration);

impl fmt::Display for DurationJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.as_secs().min(MAX_DURATION_SECONDS);
        let nanos = if seconds == MAX_DURATION_SECONDS {
            0
        } else {
            self.0.subsec_nanos()
        };
        if nanos == 0 {
            write!(f, "{seconds}s")
        } else if nanos % 1_000_000 == 0 {
            write!(f, "{seconds}.{:03}s", nanos / 1_000_000)
        } else if nanos % 1_000 == 0 {
            write!(f, "{seconds}.{:06}s", nanos / 1_000)
        } else {
            write!(f, "{seconds}.{nanos:09}s")
        }
    }
}

impl Serialize for DurationJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A proto3 JSON `Duration`, `"1.500s"`, as seconds and nanos (negative
/// ones too: `RetryInfo` reads those as no delay).
pub(crate) fn parse_duration(text: &str) -> Option<prost_types::Duration> {
    let number = text.strip_suffix('s')?;
    let (negative, number) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > 9
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let seconds: i64 = whole.parse().ok()?;
    let nanos: i32 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<9}").parse().ok()?
    };
    let sign = if negative { -1 } else { 1 };
    Some(prost_types::Duration {
        seconds: sign * seconds,
        nanos: sign as i32 * nanos,
    })
}

/// An int64, a number or a string, as proto3 JSON allows.
pub(crate) fn int64<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| serde::de::Error::custom("not an int64"))
}

/// An optional int64, a number or a string.
pub(crate) fn optional_int64<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    int64(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_0_3_6_or_9_fractional_digits() {
        for (duration, text) in [
            (Duration::ZERO, "0s"),
            (Duration::from_secs(2), "2s"),
            (Duration::from_millis(1500), "1.500s"),
            (Duration::from_micros(1_000_001), "1.000001s"),
            (Duration::new(0, 1), "0.000000001s"),
            (Duration::from_secs(u64::MAX), "315576000000s"),
        ] {
            assert_eq!(DurationJson(duration).to_string(), text);
        }
    }

    #[test]
    fn durations_parse_as_proto3_json_writes_them() {
        let seconds = |text| parse_duration(text).map(|d| (d.seconds, d.nanos));
        assert_eq!(seconds("2s"), Some((2, 0)));
        assert_eq!(seconds("1.5s"), Some((1, 500_000_000)));
        assert_eq!(seconds("0.000000001s"), Some((0, 1)));
        assert_eq!(seconds("-1s"), Some((-1, 0)));
        for text in [
            "",
            "s",
            "2",
            "1.s5",
            "1.0000000001s",
            "+1s",
            "1e3s",
            "1.-5s",
        ] {
            assert_eq!(parse_duration(text), None, "{text}");
        }
    }
}
