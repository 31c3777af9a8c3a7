//! [`ErrorCode`]: one code of the catalog, such as `GIT-ERR-8`.

use std::fmt;
use std::str::FromStr;

use super::entry::Entry;
use super::{Module, ParseCodeError};

/// One code of the CSGHub error catalog, such as `GIT-ERR-8` gitAuthFailed.
///
/// A small `Copy + Eq + Hash` value, like [`http::StatusCode`]: compare it,
/// `match` on its constants, and ask it for its strings. Every code is one
/// this build's catalog declares, so every getter has an answer; each reads
/// a `static` table generated from `catalog.proto`, and nothing allocates.
///
/// A code a newer peer sends that this build lacks is not an `ErrorCode`:
/// a decoded [`Error`](crate::Error) keeps it as an
/// [`UnknownCode`](crate::UnknownCode), with its module and number.
///
/// ```
/// use csghub_errorx::ErrorCode;
///
/// let code = ErrorCode::GIT_AUTH_FAILED;
/// assert_eq!(code.as_str(), "GIT-ERR-8");
/// assert_eq!(code.to_string(), "GIT-ERR-8");
/// assert_eq!(code.name(), "gitAuthFailed");
/// assert_eq!(code.reason(), "GIT_AUTH_FAILED");
/// assert_eq!(code.number(), 8);
/// assert_eq!(code.grpc_code(), tonic::Code::Unauthenticated);
/// assert_eq!(code.http_status(), http::StatusCode::UNAUTHORIZED);
///
/// match "gitAuthFailed".parse::<ErrorCode>() {
///     Ok(ErrorCode::GIT_AUTH_FAILED) => {}
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ErrorCode(u16);

include!(concat!(env!("OUT_DIR"), "/code_table.rs"));

#[path = "../../build/slot.rs"]
mod slot;

impl ErrorCode {
    fn entry(self) -> &'static Entry {
        // Every `ErrorCode` is made from an index of `ENTRIES`.
        &ENTRIES[usize::from(self.0)]
    }

    /// The code with this module and number, if this build's catalog has it.
    pub const fn from_parts(module: Module, number: u32) -> Option<ErrorCode> {
        match entry_index(module.as_i32(), number) {
            Some(i) => Some(ErrorCode(i)),
            None => None,
        }
    }

    /// The module, `GIT` for `GIT-ERR-8`.
    pub fn module(self) -> Module {
        self.entry().module
    }

    /// The number within the module, `8` for `GIT-ERR-8`.
    pub fn number(self) -> u32 {
        self.entry().number
    }

    /// The code string, `"GIT-ERR-8"`.
    pub fn as_str(self) -> &'static str {
        self.entry().code_str
    }

    /// The name as the original service spelled it, `"gitAuthFailed"`.
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// The AIP-193 `ErrorInfo.reason`, `"GIT_AUTH_FAILED"`: UPPER_SNAKE, at
    /// most 63 characters, unique in the catalog. Its domain is
    /// [`CATALOG_DOMAIN`].
    pub fn reason(self) -> &'static str {
        self.entry().reason
    }

    /// What the code means, for developers. The default public message of an
    /// [`Error`](crate::Error) with this code.
    pub fn description(self) -> &'static str {
        self.entry().description
    }

    /// The message for end users in `locale`, with no context values:
    /// `"The repository was not found."`. See [`Error::user_message`]
    /// for the one that shows the context. (End-user text; the developer's
    /// is [`ErrorCode::description`], an error's [`Error::message`].)
    ///
    /// [`Error::user_message`]: crate::Error::user_message
    /// [`Error::message`]: crate::Error::message
    pub fn user_message(self, locale: crate::locale::Locale) -> &'static str {
        locale.message(usize::from(self.0)).text
    }

    /// The detailed message for end users in `locale`, as a template whose
    /// `{key}` placeholders name context keys the code declares
    /// (`"Repository {repo} was not found. …"`; `{{` and `}}` are braces):
    /// for clients that localize by themselves. `None` when the code has
    /// only the plain [`ErrorCode::user_message`].
    ///
    /// ```
    /// use csghub_errorx::{ErrorCode, Locale};
    ///
    /// let template = ErrorCode::GIT_REPO_NOT_FOUND.user_message_template(Locale::EN_US);
    /// assert_eq!(template, Some("Repository {repo} was not found. Please check the name and your access."));
    /// assert_eq!(ErrorCode::UNAUTHORIZED.user_message_template(Locale::EN_US), None);
    /// ```
    pub fn user_message_template(self, locale: crate::locale::Locale) -> Option<&'static str> {
        self.localized(locale).template
    }

    pub(crate) fn localized(
        self,
        locale: crate::locale::Locale,
    ) -> &'static crate::locale::Message {
        locale.message(usize::from(self.0))
    }

    /// The context keys the catalog declares for this code, such as `repo`:
    /// the ones its localized messages may name.
    pub fn context_keys(self) -> &'static [&'static str] {
        self.entry().context_keys
    }

    /// The gRPC status code the catalog maps this code to.
    pub fn grpc_code(self) -> tonic::Code {
        self.entry().grpc_code
    }

    /// The HTTP status: the canonical mapping of [`ErrorCode::grpc_code`].
    pub fn http_status(self) -> http::StatusCode {
        // The build accepts only the canonical statuses, all valid.
        http::StatusCode::from_u16(self.entry().http_status)
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Every code of the catalog, in catalog order (by module, then number).
    pub fn iter() -> Codes {
        Codes {
            range: 0..ENTRIES.len() as u16,
        }
    }

    /// Parses a code string such as `GIT-ERR-8` of this build's catalog.
    /// See [`UnknownCode::from_code_str`](crate::UnknownCode::from_code_str)
    /// for one it may lack.
    pub fn from_code_str(text: &str) -> Option<ErrorCode> {
        let (module, number) = super::unknown_code::parse_code_str(text)?;
        ErrorCode::from_parts(module, number)
    }

    /// The catalog code with this name, such as `gitAuthFailed`.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        search(&BY_NAME, name, |entry| entry.name)
    }

    /// The catalog code with this AIP-193 reason, such as `GIT_AUTH_FAILED`.
    pub fn from_reason(reason: &str) -> Option<ErrorCode> {
        search(&BY_REASON, reason, |entry| entry.reason)
    }
}

/// A perfect-hash table generated by `build.rs`: each slot holds an entry
/// index + 1, or 0.
pub(crate) struct LookupTable {
    seed: u64,
    slots: &'static [u8],
}

/// The code whose name (or reason) is `key`: one hash, one comparison.
fn search(table: &LookupTable, key: &str, text: fn(&Entry) -> &'static str) -> Option<ErrorCode> {
    let slot = *table.slots.get(slot::slot(table.seed, key.as_bytes()))?;
    let index = usize::from(slot).checked_sub(1)?;
    (text(ENTRIES.get(index)?) == key).then_some(ErrorCode(u16::from(slot) - 1))
}

impl FromStr for ErrorCode {
    type Err = ParseCodeError;

    /// Accepts a code string (`GIT-ERR-8`), a name (`gitAuthFailed`) or a
    /// reason (`GIT_AUTH_FAILED`) of this build's catalog, exactly.
    fn from_str(text: &str) -> Result<ErrorCode, ParseCodeError> {
        // The three forms cannot be confused (the build checks it): names
        // start with a lowercase letter, and of the rest only code strings
        // have a '-'. So one table is searched.
        let code = if text.starts_with(|c: char| c.is_ascii_lowercase()) {
            ErrorCode::from_name(text)
        } else if text.contains('-') {
            ErrorCode::from_code_str(text)
        } else {
            ErrorCode::from_reason(text)
        };
        code.ok_or_else(|| ParseCodeError::new(text))
    }
}

impl fmt::Display for ErrorCode {
    /// The code string, `GIT-ERR-8`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ErrorCode {
    /// `GIT_AUTH_FAILED (GIT-ERR-8)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason(), self.as_str())
    }
}

/// An iterator over the catalog's codes, in catalog order. See
/// [`ErrorCode::iter`].
#[derive(Clone, Debug)]
pub struct Codes {
    range: std::ops::Range<u16>,
}

impl Iterator for Codes {
    type Item = ErrorCode;

    fn next(&mut self) -> Option<ErrorCode> {
        self.range.next().map(ErrorCode)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.range.size_hint()
    }
}

impl ExactSizeIterator for Codes {}

impl DoubleEndedIterator for Codes {
    fn next_back(&mut self) -> Option<ErrorCode> {
        self.range.next_back().map(ErrorCode)
    }
}

impl std::iter::FusedIterator for Codes {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_found_by_its_three_spellings() {
        for code in ErrorCode::iter() {
            assert_eq!(ErrorCode::from_name(code.name()), Some(code));
            assert_eq!(ErrorCode::from_reason(code.reason()), Some(code));
            assert_eq!(ErrorCode::from_code_str(code.as_str()), Some(code));
            assert_eq!(
                ErrorCode::from_parts(code.module(), code.number()),
                Some(code)
            );
        }
    }

    #[test]
    fn a_code_this_build_lacks_is_no_error_code() {
        assert_eq!(ErrorCode::from_code_str("GIT-ERR-99"), None);
        assert!("GIT-ERR-99".parse::<ErrorCode>().is_err());
        assert_eq!(ErrorCode::from_parts(Module::GIT, 99), None);
    }

    #[test]
    fn ordering_is_catalog_order() {
        let codes: Vec<ErrorCode> = ErrorCode::iter().collect();
        let mut sorted = codes.clone();
        sorted.sort_by_key(|c| (c.module(), c.number()));
        assert_eq!(codes, sorted);
        let mut by_ord = codes.clone();
        by_ord.sort();
        assert_eq!(codes, by_ord);
    }
}
