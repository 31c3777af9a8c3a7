//! [`DebugInfo`]: stack entries and detail, for internal callers only.

use tonic_types::pb;

use crate::wire::{str_len, write_str, WireMessage};

/// `google.rpc.DebugInfo`: stack entries and detail for debugging. Sent
/// only by an encoder that opted in with
/// [`StatusEncoder::include_debug_info`](crate::StatusEncoder::include_debug_info):
/// it tells an attacker about the server.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let error = Error::new(ErrorCode::DATABASE_FAILURE)
///     .with_debug_info("pool exhausted", ["db::pool::get", "repos::find"]);
/// assert_eq!(error.debug_info().unwrap().stack_entries().len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DebugInfo {
    stack_entries: Vec<String>,
    detail: String,
}

impl DebugInfo {
    /// `detail`, with the stack entries that led to it.
    pub fn new<S: Into<String>>(
        detail: impl Into<String>,
        stack_entries: impl IntoIterator<Item = S>,
    ) -> DebugInfo {
        DebugInfo {
            stack_entries: stack_entries.into_iter().map(Into::into).collect(),
            detail: detail.into(),
        }
    }

    /// The stack entries.
    pub fn stack_entries(&self) -> &[String] {
        &self.stack_entries
    }

    /// The detail.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl WireMessage for DebugInfo {
    fn encoded_len(&self) -> usize {
        self.stack_entries
            .iter()
            .map(|entry| crate::wire::delimited_len(1, entry.len()))
            .sum::<usize>()
            + str_len(2, self.detail.len())
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        for entry in &self.stack_entries {
            // Repeated strings are written even when empty.
            crate::wire::write_delimited_header(1, entry.len(), buf);
            buf.extend_from_slice(entry.as_bytes());
        }
        write_str(2, &self.detail, buf);
    }
}

impl From<pb::DebugInfo> for DebugInfo {
    fn from(message: pb::DebugInfo) -> DebugInfo {
        DebugInfo {
            stack_entries: message.stack_entries,
            detail: message.detail,
        }
    }
}

#[cfg(feature = "json")]
impl super::json::ProtoJson for DebugInfo {
    fn write_fields<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        if !self.stack_entries().is_empty() {
            map.serialize_entry("stackEntries", self.stack_entries())?;
        }
        super::json::string(map, "detail", self.detail())
    }
}

#[cfg(feature = "json")]
impl super::json::FromProtoJson for DebugInfo {
    fn from_proto_json(item: &serde_json::Value) -> Result<DebugInfo, String> {
        #[derive(Default, serde::Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        struct Json {
            #[serde(alias = "stack_entries")]
            stack_entries: Vec<String>,
            detail: String,
        }
        let json: Json = super::json::read(item)?;
        Ok(DebugInfo::new(json.detail, json.stack_entries))
    }
}
