//! [`Module`]: the module of a catalog code, such as `GIT`.

use std::fmt;

use super::data::ModuleEntry;

/// A module of a catalog: the `GIT` in `GIT-ERR-8`. A small `Copy` handle
/// to a static entry, like [`ErrorCode`](crate::ErrorCode); CSGHub's are
/// associated constants (`Module::GIT`), a catalog of your own has them in
/// its generated module's `modules`.
///
/// A module a newer peer sends that a build does not know is no `Module`:
/// an [`UnknownCode`](crate::UnknownCode) keeps its number.
///
/// ```
/// use csghub_errorx::{csghub, Module};
///
/// assert_eq!(Module::GIT.prefix(), "GIT");
/// assert_eq!(csghub::CATALOG.module_by_prefix("SYS"), Some(Module::SYSTEM));
/// assert_eq!(Module::GIT.to_string(), "GIT");
/// assert_eq!(csghub::CATALOG.module(99), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Module(&'static ModuleEntry);

impl Module {
    /// The module of a generated entry. For generated catalog modules.
    #[doc(hidden)]
    pub const fn __from_entry(entry: &'static ModuleEntry) -> Module {
        Module(entry)
    }

    /// The module enum value's number: `4` for CSGHub's `MODULE_GIT`.
    pub const fn number(self) -> i32 {
        self.0.number
    }

    /// The code prefix, `GIT`.
    pub const fn prefix(self) -> &'static str {
        self.0.prefix
    }

    /// The heading of the module in the catalog, `Git`.
    pub const fn title(self) -> &'static str {
        self.0.title
    }

    /// The module enum value's name, `MODULE_GIT`.
    pub const fn proto_name(self) -> &'static str {
        self.0.proto_name
    }

    /// The domain of the module's catalog.
    pub const fn domain(self) -> &'static str {
        self.0.catalog.domain
    }
}

impl PartialOrd for Module {
    fn partial_cmp(&self, other: &Module) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Module {
    /// By catalog (its domain), then by number.
    fn cmp(&self, other: &Module) -> std::cmp::Ordering {
        (self.domain(), self.number()).cmp(&(other.domain(), other.number()))
    }
}

impl std::hash::Hash for Module {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.domain(), self.number()).hash(state);
    }
}

impl fmt::Display for Module {
    /// The prefix, `GIT`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.prefix())
    }
}

impl fmt::Debug for Module {
    /// `MODULE_GIT`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.proto_name())
    }
}
