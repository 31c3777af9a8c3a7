//! Protobuf wire writing for the details the encoder builds from borrowed
//! data.
//!
//! `tonic_types::pb::ErrorInfo` keeps its metadata in a `HashMap`, which
//! would force a copy of every context entry and a random order on the wire.
//! Writing the few fields by hand with prost's encoding primitives lets the
//! encoder size the whole `google.rpc.Status` first and write it in one pass
//! into one exactly sized buffer.

use prost::encoding::{encoded_len_varint, key_len, WireType};

/// The prefix of every type URL this library writes.
pub(crate) const TYPE_URL_PREFIX: &str = "type.googleapis.com/";

/// A message that can be sized and then written: the minimum the encoder
/// needs, implemented for borrowed views and for prost messages alike.
pub(crate) trait WireMessage {
    fn encoded_len(&self) -> usize;
    fn encode_raw(&self, buf: &mut Vec<u8>);
}

/// The length of a repeated message field: each of `items` as field `tag`.
pub(crate) fn repeated_len<M: WireMessage>(tag: u32, items: &[M]) -> usize {
    items
        .iter()
        .map(|item| delimited_len(tag, item.encoded_len()))
        .sum()
}

/// Writes each of `items` as field `tag`.
pub(crate) fn write_repeated<M: WireMessage>(tag: u32, items: &[M], buf: &mut Vec<u8>) {
    for item in items {
        write_delimited_header(tag, item.encoded_len(), buf);
        item.encode_raw(buf);
    }
}

/// The length of a length-delimited field holding `len` bytes.
pub(crate) fn delimited_len(tag: u32, len: usize) -> usize {
    key_len(tag) + encoded_len_varint(len as u64) + len
}

/// The length of a proto3 string field of `len` bytes; empty strings are
/// not written.
pub(crate) fn str_len(tag: u32, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        delimited_len(tag, len)
    }
}

pub(crate) fn write_str(tag: u32, value: &str, buf: &mut Vec<u8>) {
    if !value.is_empty() {
        write_delimited_header(tag, value.len(), buf);
        buf.extend_from_slice(value.as_bytes());
    }
}

pub(crate) fn write_delimited_header(tag: u32, len: usize, buf: &mut Vec<u8>) {
    put_varint(u64::from(tag << 3 | WireType::LengthDelimited as u32), buf);
    put_varint(len as u64, buf);
}

/// Writes a varint with plain pushes. The encoder sized the buffer exactly,
/// so no push reallocates; prost's `encode_varint` goes through `BufMut`,
/// which costs a capacity check per byte and showed as a third of the
/// encoder's instructions under callgrind.
#[inline]
fn put_varint(mut value: u64, buf: &mut Vec<u8>) {
    while value >= 0x80 {
        buf.push(value as u8 | 0x80);
        value >>= 7;
    }
    buf.push(value as u8);
}

/// The length of a proto3 varint field; zero is not written.
pub(crate) fn varint_len(tag: u32, value: u64) -> usize {
    if value == 0 {
        0
    } else {
        key_len(tag) + encoded_len_varint(value)
    }
}

pub(crate) fn write_varint(tag: u32, value: u64, buf: &mut Vec<u8>) {
    if value != 0 {
        put_varint(u64::from(tag << 3 | WireType::Varint as u32), buf);
        put_varint(value, buf);
    }
}

/// The length of one `map<string, string>` entry, as field `tag`, whose key
/// and value are `key_len` and `value_len` bytes long.
pub(crate) fn map_entry_len(tag: u32, key_len: usize, value_len: usize) -> usize {
    delimited_len(tag, str_len(1, key_len) + str_len(2, value_len))
}

pub(crate) fn write_map_entry(tag: u32, key: &str, value: &str, buf: &mut Vec<u8>) {
    if tag < 16 && !key.is_empty() && key.len() < 128 && value.len() < 128 {
        // The common entry: every header byte fits in one byte, so the
        // entry is three copies.
        let entry_len = 2 + key.len() + if value.is_empty() { 0 } else { 2 + value.len() };
        if entry_len < 128 {
            buf.extend_from_slice(&[(tag << 3 | 2) as u8, entry_len as u8, 0x0a, key.len() as u8]);
            buf.extend_from_slice(key.as_bytes());
            if !value.is_empty() {
                buf.extend_from_slice(&[0x12, value.len() as u8]);
                buf.extend_from_slice(value.as_bytes());
            }
            return;
        }
    }
    write_delimited_header(tag, str_len(1, key.len()) + str_len(2, value.len()), buf);
    write_str(1, key, buf);
    write_str(2, value, buf);
}

/// The inner length of a `google.protobuf.Any` holding `message`.
pub(crate) fn any_len(type_name: &str, message_len: usize) -> usize {
    delimited_len(1, TYPE_URL_PREFIX.len() + type_name.len()) + delimited_len(2, message_len)
}

/// Writes `message`, whose encoded length is `message_len`, as a
/// `google.protobuf.Any` in field `tag`.
pub(crate) fn write_any(
    tag: u32,
    type_name: &str,
    message_len: usize,
    message: &dyn WireMessage,
    buf: &mut Vec<u8>,
) {
    write_delimited_header(tag, any_len(type_name, message_len), buf);
    write_delimited_header(1, TYPE_URL_PREFIX.len() + type_name.len(), buf);
    buf.extend_from_slice(TYPE_URL_PREFIX.as_bytes());
    buf.extend_from_slice(type_name.as_bytes());
    write_delimited_header(2, message_len, buf);
    message.encode_raw(buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;
    use tonic_types::pb;

    #[test]
    fn map_entries_match_prost_for_short_and_long_strings() {
        for (key, value) in [
            ("k", ""),
            ("repo", "ns/name"),
            ("k", "v".repeat(200).as_str()),
            ("x".repeat(130).as_str(), "v"),
        ] {
            let mut ours = Vec::new();
            write_map_entry(3, key, value, &mut ours);
            assert_eq!(ours.len(), map_entry_len(3, key.len(), value.len()));
            let info = pb::ErrorInfo::decode(&ours[..]).unwrap();
            assert_eq!(info.metadata.get(key).map(String::as_str), Some(value));
        }
    }

    #[test]
    fn varints_match_prost() {
        for value in [
            0,
            1,
            127,
            128,
            300,
            16_383,
            16_384,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut ours = Vec::new();
            put_varint(value, &mut ours);
            let mut theirs = Vec::new();
            prost::encoding::encode_varint(value, &mut theirs);
            assert_eq!(ours, theirs, "{value}");
            assert_eq!(ours.len(), encoded_len_varint(value));
        }
    }

    #[test]
    fn any_written_by_hand_decodes_with_prost() {
        use prost::Message as _;
        let ours = crate::details::RetryInfo::new(std::time::Duration::from_secs(3));
        let info = pb::RetryInfo {
            retry_delay: Some(prost_types::Duration {
                seconds: 3,
                nanos: 0,
            }),
        };
        let mut buf = Vec::new();
        write_any(
            3,
            "google.rpc.RetryInfo",
            ours.encoded_len(),
            &ours,
            &mut buf,
        );
        let status = pb::Status::decode(&buf[..]).unwrap();
        assert_eq!(status.details.len(), 1);
        assert_eq!(
            status.details[0].type_url,
            "type.googleapis.com/google.rpc.RetryInfo"
        );
        assert_eq!(
            pb::RetryInfo::decode(&status.details[0].value[..]).unwrap(),
            info
        );
        assert_eq!(
            buf.len(),
            delimited_len(3, any_len("google.rpc.RetryInfo", info.encoded_len()))
        );
    }
}
