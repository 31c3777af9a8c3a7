//! The AIP-193 error body: `{"error":{"code","message","status","details"}}`.

use http::StatusCode;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::detail_json::DetailsJson;
use crate::Error;

/// The body, borrowing everything from the error.
pub(crate) struct GoogleBody<'a> {
    pub(crate) error: &'a Error,
    /// The HTTP status of the response, the body's `code`.
    pub(crate) status: StatusCode,
    pub(crate) details: DetailsJson<'a>,
}

impl Serialize for GoogleBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("error", &GoogleStatus(self))?;
        map.end()
    }
}

struct GoogleStatus<'a, 'b>(&'b GoogleBody<'a>);

impl Serialize for GoogleStatus<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let body = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("code", &body.status.as_u16())?;
        map.serialize_entry("message", body.error.message())?;
        map.serialize_entry("status", crate::grpc_code::name(body.error.grpc_code()))?;
        map.serialize_entry("details", &body.details)?;
        map.end()
    }
}
