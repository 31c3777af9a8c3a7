//! [`FieldReader`]: the fields of a protobuf message, read from borrowed
//! bytes without copying.
//!
//! prost decodes into owned messages: a `google.rpc.Status` becomes a `Vec`
//! of `Any`s, each with its own copy of its bytes, and the `ErrorInfo`
//! metadata a `HashMap`. Reading the few fields the decoder needs in place
//! lets it decode each detail once, straight from the header's bytes.

use prost::encoding::decode_varint;

/// Why bytes are not a well-formed message.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WireError {
    /// The framing is broken.
    #[error("{0}")]
    Malformed(&'static str),
    /// prost could not read a key or varint.
    #[error(transparent)]
    Prost(#[from] prost::DecodeError),
}

/// One field's value. Fixed-width fields are skipped: no message read here
/// has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldValue<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Iterates the `(field number, value)` pairs of an encoded message.
/// Malformed input ends the iteration with one `Err`; it never panics.
pub(crate) struct FieldReader<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> FieldReader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> FieldReader<'a> {
        FieldReader {
            rest: bytes,
            failed: false,
        }
    }

    /// A varint: one byte inline (keys and short lengths), longer ones by
    /// prost.
    #[inline(always)]
    fn varint(&mut self) -> Result<u64, WireError> {
        match self.rest.split_first() {
            Some((&byte, rest)) if byte < 0x80 => {
                self.rest = rest;
                Ok(u64::from(byte))
            }
            _ => Ok(decode_varint(&mut self.rest)?),
        }
    }

    #[inline(always)]
    fn take(&mut self, len: usize) -> Result<&'a [u8], WireError> {
        if len > self.rest.len() {
            return Err(WireError::Malformed(
                "a field runs past the end of its message",
            ));
        }
        let (taken, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(taken)
    }

    #[inline(always)]
    fn read(&mut self) -> Result<(u32, FieldValue<'a>), WireError> {
        let key = self.varint()?;
        let tag = u32::try_from(key >> 3)
            .map_err(|_| WireError::Malformed("a field number is too large"))?;
        if tag == 0 {
            return Err(WireError::Malformed("field number 0"));
        }
        let value = match key & 7 {
            0 => FieldValue::Varint(self.varint()?),
            2 => {
                let len = usize::try_from(self.varint()?)
                    .map_err(|_| WireError::Malformed("a length is too large"))?;
                FieldValue::Bytes(self.take(len)?)
            }
            1 => {
                self.take(8)?;
                FieldValue::Fixed
            }
            5 => {
                self.take(4)?;
                FieldValue::Fixed
            }
            _ => {
                return Err(WireError::Malformed(
                    "groups and unknown wire types are not supported",
                ))
            }
        };
        Ok((tag, value))
    }
}

impl<'a> Iterator for FieldReader<'a> {
    type Item = Result<(u32, FieldValue<'a>), WireError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        let field = self.read();
        self.failed = field.is_err();
        Some(field)
    }
}

/// A string field's bytes as `&str`.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, WireError> {
    std::str::from_utf8(bytes).map_err(|_| WireError::Malformed("a string field is not UTF-8"))
}

/// A message's bytes, checked as UTF-8 once as a whole, so that each of its
/// string fields is a slice of checked text: one check instead of one per
/// field, which for short fields costs more than the bytes themselves.
///
/// A field is valid UTF-8 when the whole is and the field starts and ends
/// on char boundaries of the whole; otherwise (a binary field, a length
/// byte that looks like a continuation byte), the field is checked alone.
pub(crate) struct Utf8Message<'a> {
    bytes: &'a [u8],
    text: Option<&'a str>,
}

impl<'a> Utf8Message<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Utf8Message<'a> {
        Utf8Message {
            bytes,
            text: std::str::from_utf8(bytes).ok(),
        }
    }

    /// `field`, a slice of this message's bytes, as text.
    pub(crate) fn str(&self, field: &'a [u8]) -> Result<&'a str, WireError> {
        if let Some(text) = self.text {
            let start = (field.as_ptr() as usize).wrapping_sub(self.bytes.as_ptr() as usize);
            if let Some(checked) = start
                .checked_add(field.len())
                .and_then(|end| text.get(start..end))
            {
                return Ok(checked);
            }
        }
        utf8(field)
    }

    /// The key and value of a map entry of this message, as text.
    pub(crate) fn map_entry(&self, entry: &'a [u8]) -> Result<(&'a str, &'a str), WireError> {
        let (key, value) = map_entry_bytes(entry)?;
        Ok((self.str(key)?, self.str(value)?))
    }
}

/// The key and value of a `map<string, string>` entry, not yet checked as
/// UTF-8: for callers that skip most entries.
pub(crate) fn map_entry_bytes(bytes: &[u8]) -> Result<(&[u8], &[u8]), WireError> {
    // The usual entry, as every encoder writes a short one: key field,
    // one-byte length, key, value field, one-byte length, value.
    if let [0x0a, key_len, rest @ ..] = bytes {
        let key_len = usize::from(*key_len);
        if key_len < 0x80 && rest.len() >= key_len {
            let (key, rest) = rest.split_at(key_len);
            match rest {
                [] => return Ok((key, &[])),
                [0x12, value_len, value @ ..]
                    if *value_len < 0x80 && usize::from(*value_len) == value.len() =>
                {
                    return Ok((key, value))
                }
                _ => {}
            }
        }
    }
    let (mut key, mut value): (&[u8], &[u8]) = (&[], &[]);
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Bytes(bytes)) => key = bytes,
            (2, FieldValue::Bytes(bytes)) => value = bytes,
            _ => {}
        }
    }
    Ok((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;
    use tonic_types::pb;

    #[test]
    fn reads_what_prost_wrote() {
        let status = pb::Status {
            code: 5,
            message: "gone".into(),
            details: vec![prost_types::Any {
                type_url: "t".into(),
                value: vec![1, 2],
            }],
        };
        let bytes = status.encode_to_vec();
        let fields: Vec<_> = FieldReader::new(&bytes).collect::<Result<_, _>>().unwrap();
        assert_eq!(fields[0], (1, FieldValue::Varint(5)));
        assert_eq!(fields[1], (2, FieldValue::Bytes(b"gone")));
        assert!(matches!(fields[2], (3, FieldValue::Bytes(_))));
    }

    #[test]
    fn fields_of_a_checked_message_are_checked_text() {
        // Two entries; the second key's first byte is a continuation byte
        // of nothing: the whole is not UTF-8, each field is checked alone.
        let good = [0x0a, 0x02, b'a', b'b', 0x12, 0x03, 0xe5, 0x90, 0x8d];
        let message = Utf8Message::new(&good);
        assert_eq!(message.map_entry(&good).unwrap(), ("ab", "名"));
        let bad = [0x0a, 0x01, 0xff, 0x12, 0x01, b'v'];
        assert!(Utf8Message::new(&bad).map_entry(&bad).is_err());
        // A slice that is not part of the message is checked alone.
        let other = *b"zz";
        assert_eq!(message.str(&other).unwrap(), "zz");
    }

    #[test]
    fn map_entries_read_as_prost_writes_them() {
        use std::collections::BTreeMap;
        for (key, value) in [
            ("k", ""),
            ("repo", "ns/name"),
            ("", "v"),
            ("k", &"v".repeat(127)),
            ("k", &"v".repeat(128)),
            ("k", &"v".repeat(133)),
            (&"x".repeat(200), "v"),
        ] {
            #[derive(Clone, PartialEq, prost::Message)]
            struct Map {
                #[prost(btree_map = "string, string", tag = "1")]
                entries: BTreeMap<String, String>,
            }
            let bytes = Map {
                entries: [(key.to_string(), value.to_string())].into(),
            }
            .encode_to_vec();
            let entry = match FieldReader::new(&bytes).next() {
                Some(Ok((1, FieldValue::Bytes(entry)))) => entry,
                other => panic!("{other:?}"),
            };
            assert_eq!(
                Utf8Message::new(entry).map_entry(entry).unwrap(),
                (key, value)
            );
        }
    }

    #[test]
    fn truncated_input_is_an_error_not_a_panic() {
        let bytes = pb::Status {
            code: 5,
            message: "gone".into(),
            details: vec![],
        }
        .encode_to_vec();
        for end in 0..bytes.len() {
            let _ = FieldReader::new(&bytes[..end]).count();
        }
        assert!(FieldReader::new(&[0x12, 0x7f]).any(|f| f.is_err()));
        assert!(FieldReader::new(&[0x0b]).any(|f| f.is_err()), "a group");
    }
}
