//! CSGHub's error envelope, as `httpbase.R` writes it:
//! `{"code":"GIT-ERR-8","msg":"GIT-ERR-8: …","context":{…}}`.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::Error;

/// The body, borrowing everything from the error. CSGHub's `R` leaves out
/// an empty `code` and `context` (`omitempty`) and has no `data` or
/// `total` on errors.
pub(crate) struct CsghubBody<'a> {
    pub(crate) error: &'a Error,
    /// The message for end users in the request's locale, which CSGHub's
    /// frontend shows; `None` for an error without a catalog code.
    pub(crate) user_message: Option<&'a str>,
}

impl Serialize for CsghubBody<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let error = self.error;
        let code = error.code_str();
        let mut map = serializer.serialize_map(None)?;
        if let Some(code) = &code {
            map.serialize_entry("code", code)?;
        }
        let message = self.user_message.unwrap_or(error.message());
        map.serialize_entry("msg", &Msg(code.as_deref(), message))?;
        if !error.context().is_empty() {
            map.serialize_entry("context", error.context())?;
        }
        map.end()
    }
}

/// `CODE: message`, as CSGHub's localizing middleware writes it (the
/// catalog's message for end users in the request's locale), where
/// CSGHub's `CustomError.Error()` would put the cause's text; the code
/// alone when the message is empty, the message alone without a code.
struct Msg<'a>(Option<&'a str>, &'a str);

impl Serialize for Msg<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self.0, self.1) {
            (Some(code), "") => serializer.serialize_str(code),
            (Some(code), message) => serializer.collect_str(&format_args!("{code}: {message}")),
            (None, message) => serializer.serialize_str(message),
        }
    }
}
