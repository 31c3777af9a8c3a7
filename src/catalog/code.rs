//! [`Code`]: one code of the catalog, such as `GIT-ERR-8`.

use std::fmt;
use std::str::FromStr;

use super::entry::Entry;
use super::{Module, ParseCodeError};

/// One code of the CSGHub error catalog, such as `GIT-ERR-8` gitAuthFailed.
///
/// A small `Copy + Eq + Hash` value, like [`http::StatusCode`]: compare it,
/// `match` on its constants, and ask it for its strings. Every lookup reads a
/// `static` table generated from `catalog.proto`; nothing allocates.
///
/// A code is a module and a number, so a code that a newer peer sends and
/// this build does not know is still representable: [`Code::is_known`] is
/// `false`, and [`Display`](fmt::Display) still prints `GIT-ERR-99`. It never
/// turns into another code.
///
/// ```
/// use csghub_errorx::Code;
///
/// let code = Code::GIT_AUTH_FAILED;
/// assert_eq!(code.as_str(), "GIT-ERR-8");
/// assert_eq!(code.to_string(), "GIT-ERR-8");
/// assert_eq!(code.number(), 8);
/// assert_eq!(code.http_status(), http::StatusCode::UNAUTHORIZED);
///
/// match "gitAuthFailed".parse::<Code>() {
///     Ok(Code::GIT_AUTH_FAILED) => {}
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code {
    module: Module,
    number: u32,
}

include!(concat!(env!("OUT_DIR"), "/code_table.rs"));

/// What the string getters return for a code this build does not know.
const UNKNOWN: &str = "UNKNOWN";

impl Code {
    /// The code with this module and number, whether the catalog knows it or
    /// not. Use this for codes read off the wire.
    pub const fn from_parts(module: Module, number: u32) -> Code {
        Code { module, number }
    }

    /// The module, `GIT` for `GIT-ERR-8`.
    pub const fn module(self) -> Module {
        self.module
    }

    /// The number within the module, `8` for `GIT-ERR-8`.
    pub const fn number(self) -> u32 {
        self.number
    }

    /// Whether this build's catalog has this code.
    pub const fn is_known(self) -> bool {
        entry_index(self.module.as_i32(), self.number).is_some()
    }

    fn entry(self) -> Option<&'static Entry> {
        entry_index(self.module.as_i32(), self.number).map(|i| &ENTRIES[i])
    }

    /// The code string, `"GIT-ERR-8"`.
    ///
    /// For a code this build does not know this is `"UNKNOWN"`; its
    /// [`Display`](fmt::Display) form still prints the module and number.
    pub fn as_str(self) -> &'static str {
        self.entry().map_or(UNKNOWN, |e| e.code_str)
    }

    /// The name as the original service spelled it, `"gitAuthFailed"`;
    /// `"UNKNOWN"` for a code this build does not know.
    pub fn name(self) -> &'static str {
        self.entry().map_or(UNKNOWN, |e| e.name)
    }

    /// The AIP-193 `ErrorInfo.reason`, `"GIT_AUTH_FAILED"`: UPPER_SNAKE, at
    /// most 63 characters, unique in the catalog; `"UNKNOWN"` for a code this
    /// build does not know.
    pub fn reason(self) -> &'static str {
        self.entry().map_or(UNKNOWN, |e| e.reason)
    }

    /// What the code means, for developers; empty for a code this build does
    /// not know.
    pub fn description(self) -> &'static str {
        self.entry().map_or("", |e| e.description)
    }

    /// The gRPC status code the catalog maps this code to;
    /// [`tonic::Code::Unknown`] for a code this build does not know.
    pub fn grpc_code(self) -> tonic::Code {
        self.entry().map_or(tonic::Code::Unknown, |e| e.grpc_code)
    }

    /// The HTTP status: the canonical mapping of [`Code::grpc_code`].
    pub fn http_status(self) -> http::StatusCode {
        match self.entry() {
            Some(entry) => http::StatusCode::from_u16(entry.http_status)
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            None => crate::http_status::from_grpc_code(tonic::Code::Unknown),
        }
    }

    /// Every code of the catalog, in catalog order (by module, then number).
    pub fn iter() -> Codes {
        Codes::all()
    }

    /// Parses a code string such as `GIT-ERR-8`. The code may be one this
    /// build does not know (`GIT-ERR-99`), as long as its module is known.
    pub fn from_code_str(text: &str) -> Option<Code> {
        let (prefix, rest) = text.split_once('-')?;
        let number = rest.strip_prefix("ERR-")?;
        let module = Module::from_prefix(prefix)?;
        // `u32::from_str` accepts a leading `+`; a code string never has one.
        if !number.bytes().all(|b| b.is_ascii_digit())
            || (number.len() > 1 && number.starts_with('0'))
        {
            return None;
        }
        Some(Code::from_parts(module, number.parse().ok()?))
    }

    /// The catalog code with this name, such as `gitAuthFailed`.
    pub fn from_name(name: &str) -> Option<Code> {
        BY_NAME.get(name).map(|&i| ENTRIES[usize::from(i)].code)
    }

    /// The catalog code with this AIP-193 reason, such as `GIT_AUTH_FAILED`.
    pub fn from_reason(reason: &str) -> Option<Code> {
        BY_REASON.get(reason).map(|&i| ENTRIES[usize::from(i)].code)
    }
}

impl FromStr for Code {
    type Err = ParseCodeError;

    /// Accepts a code string (`GIT-ERR-8`), a name (`gitAuthFailed`) or a
    /// reason (`GIT_AUTH_FAILED`) of this build's catalog.
    fn from_str(text: &str) -> Result<Code, ParseCodeError> {
        // The three forms cannot be confused (the build checks it): names
        // start with a lowercase letter, and of the rest only code strings
        // have a '-'. So one table is searched.
        let code = if text.starts_with(|c: char| c.is_ascii_lowercase()) {
            Code::from_name(text)
        } else if text.contains('-') {
            Code::from_code_str(text).filter(|code| code.is_known())
        } else {
            Code::from_reason(text)
        };
        code.ok_or_else(|| ParseCodeError::new(text))
    }
}

impl fmt::Display for Code {
    /// The code string, `GIT-ERR-8`; for a code this build does not know,
    /// the same form built from its module and number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.entry() {
            Some(entry) => f.write_str(entry.code_str),
            None => write!(f, "{}-ERR-{}", self.module, self.number),
        }
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.entry() {
            Some(entry) => write!(f, "{} ({})", entry.reason, entry.code_str),
            None => write!(f, "{} (not in this catalog)", self),
        }
    }
}

/// An iterator over the catalog's codes, in catalog order. See [`Code::iter`].
#[derive(Clone, Debug)]
pub struct Codes {
    inner: std::slice::Iter<'static, Entry>,
}

impl Codes {
    pub(crate) fn all() -> Codes {
        Codes {
            inner: ENTRIES.iter(),
        }
    }
}

impl Iterator for Codes {
    type Item = Code;

    fn next(&mut self) -> Option<Code> {
        self.inner.next().map(|entry| entry.code)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Codes {}

impl DoubleEndedIterator for Codes {
    fn next_back(&mut self) -> Option<Code> {
        self.inner.next_back().map(|entry| entry.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_code_in_known_module_keeps_module_and_number() {
        let code = Code::from_code_str("GIT-ERR-99").unwrap();
        assert!(!code.is_known());
        assert_eq!(code.module(), Module::GIT);
        assert_eq!(code.number(), 99);
        assert_eq!(code.to_string(), "GIT-ERR-99");
        assert_eq!(code.as_str(), "UNKNOWN");
        assert_eq!(code.grpc_code(), tonic::Code::Unknown);
        assert!("GIT-ERR-99".parse::<Code>().is_err());
    }

    #[test]
    fn code_strings_with_odd_numbers_are_rejected() {
        for text in [
            "GIT-ERR-+8",
            "GIT-ERR-08",
            "GIT-ERR-",
            "GIT-ERR-8 ",
            "FOO-ERR-1",
            "GIT-ERR-99999999999",
        ] {
            assert_eq!(Code::from_code_str(text), None, "{text}");
        }
    }

    #[test]
    fn ordering_is_catalog_order() {
        let codes: Vec<Code> = Code::iter().collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted);
    }
}
