//! [`RawDetail`]: a detail of a type this library does not decode.

use bytes::Bytes;

/// A detail kept as it came: a custom detail a server adds, or a type a
/// newer peer sends. Its `type_url` names the message type and `value` holds
/// its encoded bytes, as in a `google.protobuf.Any`.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
/// use csghub_errorx::details::RawDetail;
///
/// let detail = RawDetail::new("type.googleapis.com/acme.v1.Quota", vec![8, 1]);
/// let error = Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED).with_detail(detail.clone());
/// assert_eq!(error.raw_details(), [detail]);
/// assert_eq!(error.raw_details()[0].type_name(), "acme.v1.Quota");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RawDetail {
    type_url: String,
    value: Bytes,
    /// The detail as a JSON object, when it came in a JSON body.
    json: Option<String>,
}

impl RawDetail {
    /// A detail of the type named by `type_url`
    /// (`type.googleapis.com/pkg.Message`) with the encoded message `value`.
    pub fn new(type_url: impl Into<String>, value: impl Into<Bytes>) -> RawDetail {
        RawDetail {
            type_url: type_url.into(),
            value: value.into(),
            json: None,
        }
    }

    /// A detail that came in a JSON body as `json`, an object in proto3
    /// JSON, of a type this build cannot turn back into protobuf bytes.
    #[cfg(feature = "json")]
    pub(crate) fn from_json(type_url: impl Into<String>, json: String) -> RawDetail {
        RawDetail {
            type_url: type_url.into(),
            value: Bytes::new(),
            json: Some(json),
        }
    }

    /// A detail holding `message`, with the type URL
    /// `type.googleapis.com/` and its full name, as every protobuf runtime
    /// writes it.
    pub fn from_message<M: prost::Name>(message: &M) -> RawDetail {
        RawDetail::new(
            format!("{}{}", crate::wire::TYPE_URL_PREFIX, M::full_name()),
            message.encode_to_vec(),
        )
    }

    /// Decodes the detail as `M`: `None` if it is of another type, `Some`
    /// of what prost says otherwise.
    pub fn to_message<M: prost::Name + Default>(&self) -> Option<Result<M, prost::DecodeError>> {
        (self.type_name() == M::full_name()).then(|| M::decode(self.value.clone()))
    }

    /// The type URL, as sent.
    pub fn type_url(&self) -> &str {
        &self.type_url
    }

    /// The full name of the message type: what follows the type URL's last
    /// `/`, as every protobuf runtime reads it.
    pub fn type_name(&self) -> &str {
        self.type_url.rsplit('/').next().unwrap_or_default()
    }

    /// The encoded message. Empty for a detail decoded from a JSON body
    /// without its bytes (see [`RawDetail::json`]).
    pub fn value(&self) -> &[u8] {
        &self.value
    }

    /// The detail as the JSON object it came in (`{"@type":…, …}`), for a
    /// detail decoded from an HTTP/JSON body whose type this build does not
    /// know and that did not carry its bytes as `"value"`. Rendered back as
    /// it came; sent over gRPC with an empty value, since this build cannot
    /// encode a type it does not know.
    pub fn json(&self) -> Option<&str> {
        self.json.as_deref()
    }
}
