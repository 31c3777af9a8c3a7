//! RFC 9457 problem details: `type`, `title`, `status`, `detail`,
//! `instance`, and the catalog's members `code`, `reason`, `domain`,
//! `metadata` (and `details`, the standard details in proto3 JSON).

use http::StatusCode;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::detail_json::{DetailsJson, MetadataJson};
use crate::{Error, Locale};

/// The body, borrowing everything from the error.
pub(crate) struct ProblemBody<'a> {
    pub(crate) error: &'a Error,
    /// The HTTP status of the response: RFC 9457's `status` must repeat it.
    pub(crate) status: StatusCode,
    /// The `type` URI, such as `https://csghub.opencsg.com/errors/GIT-ERR-8`.
    pub(crate) type_uri: std::borrow::Cow<'static, str>,
    /// The `ErrorInfo.domain` unless the error has its own.
    pub(crate) domain: &'a str,
    /// The request's path, the occurrence's `instance`.
    pub(crate) instance: Option<&'a str>,
    /// The details other than the ErrorInfos, which are members here.
    pub(crate) details: DetailsJson<'a>,
    /// The locale of `title` and `detail`.
    pub(crate) locale: Locale,
}

impl Serialize for ProblemBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let error = self.error;
        let code = error.code_str();
        let mut map = serializer.serialize_map(None)?;
        // RFC 9457: a problem with no type of its own is `about:blank`,
        // titled with the status's reason phrase.
        map.serialize_entry("type", &self.type_uri)?;
        // Localized (RFC 9457 allows it of `title`): the code's message for
        // end users, the same for every occurrence; `detail` shows this
        // occurrence's context.
        let (title, detail) = match error.code() {
            Some(code) => (
                code.user_message(self.locale),
                error.user_message(self.locale).unwrap_or_default(),
            ),
            None => (
                self.status.canonical_reason().unwrap_or("Error"),
                std::borrow::Cow::Borrowed(error.message()),
            ),
        };
        map.serialize_entry("title", title)?;
        map.serialize_entry("status", &self.status.as_u16())?;
        if !detail.is_empty() {
            map.serialize_entry("detail", &detail)?;
        }
        if let Some(instance) = self.instance {
            map.serialize_entry("instance", instance)?;
        }
        if let Some(code) = &code {
            map.serialize_entry("code", code)?;
        }
        map.serialize_entry("reason", error.reason())?;
        map.serialize_entry("domain", error.wire_domain(self.domain))?;
        let metadata = MetadataJson {
            code: code.as_deref(),
            context: error.context(),
        };
        if !metadata.is_empty() {
            map.serialize_entry("metadata", &metadata)?;
        }
        if !self.details.is_empty() {
            map.serialize_entry("details", &self.details)?;
        }
        map.end()
    }
}
