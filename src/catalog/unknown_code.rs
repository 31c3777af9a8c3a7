//! [`UnknownCode`]: a catalog code that a newer peer sent and this build
//! lacks.

use std::fmt;

use super::{ErrorCode, Module};

/// A code of the catalog that this build does not have, such as
/// `GIT-ERR-99` from a server built with a newer catalog: its module and
/// number, as the peer sent them. It never turns into another code.
///
/// A decoded [`Error`](crate::Error) keeps it
/// ([`Error::unknown_code`](crate::Error::unknown_code)) and sends it on
/// when forwarded.
///
/// ```
/// use csghub_errorx::{Module, UnknownCode};
///
/// let code = UnknownCode::from_code_str("GIT-ERR-99").unwrap();
/// assert_eq!((code.module(), code.number()), (Module::GIT, 99));
/// assert_eq!(code.to_string(), "GIT-ERR-99");
/// // A code this build has is not unknown.
/// assert_eq!(UnknownCode::from_code_str("GIT-ERR-8"), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownCode {
    module: Module,
    number: u32,
}

impl UnknownCode {
    /// The code with this module and number, unless this build's catalog
    /// has it (then it is an [`ErrorCode`]).
    pub const fn new(module: Module, number: u32) -> Option<UnknownCode> {
        match ErrorCode::from_parts(module, number) {
            Some(_) => None,
            None => Some(UnknownCode { module, number }),
        }
    }

    /// Parses a code string of a known module, such as `GIT-ERR-99`, that
    /// this build's catalog lacks.
    pub fn from_code_str(text: &str) -> Option<UnknownCode> {
        let (module, number) = parse_code_str(text)?;
        UnknownCode::new(module, number)
    }

    /// The module, which this build may not know either.
    pub const fn module(self) -> Module {
        self.module
    }

    /// The number within the module.
    pub const fn number(self) -> u32 {
        self.number
    }
}

impl fmt::Display for UnknownCode {
    /// `GIT-ERR-99`; `MODULE42-ERR-3` when the module is unknown too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-ERR-{}", self.module, self.number)
    }
}

impl fmt::Debug for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} (not in this catalog)")
    }
}

/// The module and number of a code string `PREFIX-ERR-N` of a known module.
pub(crate) fn parse_code_str(text: &str) -> Option<(Module, u32)> {
    let (prefix, rest) = text.split_once('-')?;
    let number = rest.strip_prefix("ERR-")?;
    let module = Module::from_prefix(prefix)?;
    // `u32::from_str` accepts a leading `+`, and numbers are written without
    // leading zeros.
    if number.is_empty()
        || !number.bytes().all(|b| b.is_ascii_digit())
        || (number.len() > 1 && number.starts_with('0'))
    {
        return None;
    }
    Some((module, number.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(parse_code_str(text), None, "{text}");
        }
    }

    #[test]
    fn an_unknown_module_prints_its_number() {
        let code = UnknownCode::new(Module::from_i32(42), 3).unwrap();
        assert_eq!(code.to_string(), "MODULE42-ERR-3");
    }
}
