//! [`UnknownCode`]: a code of a catalog that a newer peer sent and this
//! build lacks.

use std::fmt;

use super::data::CatalogInfo;
use super::{Catalog, Module};

/// A code of a catalog that this build does not have, such as
/// `GIT-ERR-99` from a server built with a newer catalog: its catalog, its
/// module (known, or only its number) and its number, as the peer sent
/// them. It never turns into another code.
///
/// A decoded [`Error`](crate::Error) keeps it
/// ([`Error::unknown_code`](crate::Error::unknown_code)) and sends it on
/// when forwarded. Made by a [`Catalog`]'s lookups.
///
/// ```
/// use csghub_errorx::{csghub, Module};
///
/// let code = csghub::CATALOG.unknown_code("GIT-ERR-99").unwrap();
/// assert_eq!((code.module(), code.number()), (Some(Module::GIT), 99));
/// assert_eq!(code.to_string(), "GIT-ERR-99");
/// // A code the catalog has is not unknown.
/// assert_eq!(csghub::CATALOG.unknown_code("GIT-ERR-8"), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownCode {
    catalog: &'static CatalogInfo,
    module: ModuleOf,
    number: u32,
}

/// The module of an unknown code: one the catalog has, or only a number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum ModuleOf {
    Known(Module),
    Number(i32),
}

// What an `UnknownCode` compares and hashes by: its catalog's identity.
impl std::hash::Hash for CatalogInfo {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.package, self.domain).hash(state);
    }
}

impl PartialOrd for CatalogInfo {
    fn partial_cmp(&self, other: &CatalogInfo) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CatalogInfo {
    fn cmp(&self, other: &CatalogInfo) -> std::cmp::Ordering {
        (self.domain, self.package).cmp(&(other.domain, other.package))
    }
}

impl UnknownCode {
    /// The code of `catalog` with this module number and code number,
    /// unless the catalog has it (then it is an
    /// [`ErrorCode`](crate::ErrorCode)).
    pub(crate) fn in_catalog(catalog: &Catalog, module: i32, number: u32) -> Option<UnknownCode> {
        if catalog.code_by_parts(module, number).is_some() {
            return None;
        }
        Some(UnknownCode {
            catalog: catalog.info(),
            module: match catalog.module(module) {
                Some(known) => ModuleOf::Known(known),
                None => ModuleOf::Number(module),
            },
            number,
        })
    }

    /// The module, when this build's catalog has it.
    pub fn module(self) -> Option<Module> {
        match self.module {
            ModuleOf::Known(module) => Some(module),
            ModuleOf::Number(_) => None,
        }
    }

    /// The module enum number, whether this build knows the module or not.
    pub fn module_number(self) -> i32 {
        match self.module {
            ModuleOf::Known(module) => module.number(),
            ModuleOf::Number(number) => number,
        }
    }

    /// The number within the module.
    pub const fn number(self) -> u32 {
        self.number
    }

    /// The domain of its catalog.
    pub const fn domain(self) -> &'static str {
        self.catalog.domain
    }
}

impl fmt::Display for UnknownCode {
    /// `GIT-ERR-99`; `MODULE42-ERR-3` when the module is unknown too.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.module {
            ModuleOf::Known(module) => write!(f, "{}-ERR-{}", module.prefix(), self.number),
            ModuleOf::Number(number) => write!(f, "MODULE{number}-ERR-{}", self.number),
        }
    }
}

impl fmt::Debug for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} (not in this catalog)")
    }
}

#[cfg(test)]
mod tests {
    use crate::csghub::CATALOG;

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
            assert_eq!(CATALOG.parse_code_str(text), None, "{text}");
        }
    }

    #[test]
    fn an_unknown_module_prints_its_number() {
        let code = super::UnknownCode::in_catalog(&CATALOG, 42, 3).unwrap();
        assert_eq!(code.to_string(), "MODULE42-ERR-3");
        assert_eq!((code.module(), code.module_number()), (None, 42));
    }
}
