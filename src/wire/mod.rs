//! Protobuf wire reading and writing on borrowed data, for the few
//! messages the encoder and decoder handle by hand.

mod reader;
mod writer;

pub(crate) use reader::{map_entry_bytes, FieldReader, FieldValue, Utf8Message, WireError};
pub(crate) use writer::{
    any_len, delimited_len, map_entry_len, repeated_len, str_len, varint_len, write_any,
    write_delimited_header, write_map_entry, write_repeated, write_str, write_varint, WireMessage,
    TYPE_URL_PREFIX,
};
