//! [`RequestInfo`]: which request failed, to find it in the server's logs.

use tonic_types::pb;

use crate::wire::{str_len, write_str, WireMessage};

/// `google.rpc.RequestInfo`: the request or trace id, so that a report can
/// be tied to the server's logs.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let error = Error::new(ErrorCode::DATABASE_FAILURE).with_request_id("req-7f3a");
/// assert_eq!(error.request_info().unwrap().request_id(), "req-7f3a");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestInfo {
    request_id: String,
    serving_data: String,
}

impl RequestInfo {
    /// The request with this id.
    pub fn new(request_id: impl Into<String>) -> RequestInfo {
        RequestInfo {
            request_id: request_id.into(),
            serving_data: String::new(),
        }
    }

    /// Sets data the server used to serve the request, such as an
    /// encrypted stack trace to send back to support.
    pub fn with_serving_data(mut self, serving_data: impl Into<String>) -> RequestInfo {
        self.serving_data = serving_data.into();
        self
    }

    /// The request id.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The serving data; empty if none.
    pub fn serving_data(&self) -> &str {
        &self.serving_data
    }
}

impl WireMessage for RequestInfo {
    fn encoded_len(&self) -> usize {
        str_len(1, self.request_id.len()) + str_len(2, self.serving_data.len())
    }

    fn encode_raw(&self, buf: &mut Vec<u8>) {
        write_str(1, &self.request_id, buf);
        write_str(2, &self.serving_data, buf);
    }
}

impl From<pb::RequestInfo> for RequestInfo {
    fn from(message: pb::RequestInfo) -> RequestInfo {
        RequestInfo {
            request_id: message.request_id,
            serving_data: message.serving_data,
        }
    }
}

#[cfg(feature = "json")]
impl super::json::ProtoJson for RequestInfo {
    fn write_fields<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        super::json::string(map, "requestId", self.request_id())?;
        super::json::string(map, "servingData", self.serving_data())
    }
}

#[cfg(feature = "json")]
impl super::json::FromProtoJson for RequestInfo {
    fn from_proto_json(item: &serde_json::Value) -> Result<RequestInfo, String> {
        #[derive(Default, serde::Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        struct Json {
            #[serde(alias = "request_id")]
            request_id: String,
            #[serde(alias = "serving_data")]
            serving_data: String,
        }
        let json: Json = super::json::read(item)?;
        Ok(RequestInfo::new(json.request_id).with_serving_data(json.serving_data))
    }
}
