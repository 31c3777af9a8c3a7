//! [`LocalizedMessage`]: a message for end users, in their locale.

use tonic_types::pb;

use crate::wire::{str_len, write_str, WireMessage};

/// `google.rpc.LocalizedMessage`: a message for the end user, in a BCP-47
/// locale such as `zh-CN`. `grpc-message` stays the stable English message;
/// this is what a UI shows.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let error = Error::new(ErrorCode::GIT_AUTH_FAILED).with_localized_message("zh-CN", "Git 身份验证失败。");
/// assert_eq!(error.localized_message().unwrap().locale(), "zh-CN");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalizedMessage {
    locale: String,
    message: String,
}

impl LocalizedMessage {
    /// `message` in `locale`.
    pub fn new(locale: impl Into<String>, message: impl Into<String>) -> LocalizedMessage {
        LocalizedMessage {
            locale: locale.into(),
            message: message.into(),
        }
    }

    /// The BCP-47 locale, such as `en-US`.
    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl WireMessage for LocalizedMessage {
    fn encoded_len(&self) -> usize {
        str_len(1, self.locale.len()) + str_len(2, self.message.len())
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_str(1, &self.locale, buf);
        write_str(2, &self.message, buf);
    }
}

impl From<pb::LocalizedMessage> for LocalizedMessage {
    fn from(message: pb::LocalizedMessage) -> LocalizedMessage {
        LocalizedMessage {
            locale: message.locale,
            message: message.message,
        }
    }
}

#[cfg(feature = "json")]
impl super::json::ProtoJson for LocalizedMessage {
    fn write_fields<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        super::json::string(map, "locale", self.locale())?;
        super::json::string(map, "message", self.message())
    }
}

#[cfg(feature = "json")]
impl super::json::FromProtoJson for LocalizedMessage {
    fn from_proto_json(item: &serde_json::Value) -> Result<LocalizedMessage, String> {
        #[derive(Default, serde::Deserialize)]
        #[serde(default)]
        struct Json {
            locale: String,
            message: String,
        }
        let json: Json = super::json::read(item)?;
        Ok(LocalizedMessage::new(json.locale, json.message))
    }
}
