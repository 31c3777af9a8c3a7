//! [`FieldReader`]: the fields of a protobuf message, read from borrowed
//! bytes without copying.
//!
//! prost decodes into owned messages: a `google.rpc.Status` becomes a `Vec`
//! of `Any`s, each with its own copy of its bytes, and the `ErrorInfo`
//! metadata a `HashMap`. Reading the few fields the decoder needs in place
//! lets it decode each detail once, straight from the header's bytes.

use bytes::Buf;
use prost::encoding::{decode_key, decode_varint, WireType};

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

    fn read(&mut self) -> Result<(u32, FieldValue<'a>), WireError> {
        let (tag, wire_type) = decode_key(&mut self.rest)?;
        let value = match wire_type {
            WireType::Varint => FieldValue::Varint(decode_varint(&mut self.rest)?),
            WireType::LengthDelimited => {
                let len = usize::try_from(decode_varint(&mut self.rest)?)
                    .map_err(|_| WireError::Malformed("length overflows usize"))?;
                if len > self.rest.len() {
                    return Err(WireError::Malformed("length past the end of the buffer"));
                }
                let (value, rest) = self.rest.split_at(len);
                self.rest = rest;
                FieldValue::Bytes(value)
            }
            WireType::ThirtyTwoBit | WireType::SixtyFourBit => {
                let width = if wire_type == WireType::ThirtyTwoBit {
                    4
                } else {
                    8
                };
                if width > self.rest.len() {
                    return Err(WireError::Malformed(
                        "fixed field past the end of the buffer",
                    ));
                }
                self.rest.advance(width);
                FieldValue::Fixed
            }
            WireType::StartGroup | WireType::EndGroup => {
                return Err(WireError::Malformed("groups are not supported"));
            }
        };
        Ok((tag, value))
    }
}

impl<'a> Iterator for FieldReader<'a> {
    type Item = Result<(u32, FieldValue<'a>), WireError>;

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

/// The key and value of a `map<string, string>` entry.
pub(crate) fn map_entry(bytes: &[u8]) -> Result<(&str, &str), WireError> {
    let (mut key, mut value) = ("", "");
    for field in FieldReader::new(bytes) {
        match field? {
            (1, FieldValue::Bytes(bytes)) => key = utf8(bytes)?,
            (2, FieldValue::Bytes(bytes)) => value = utf8(bytes)?,
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
