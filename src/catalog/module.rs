//! [`Module`]: the module of a catalog code, such as `GIT`.

use std::fmt;

use super::ErrorCode;

/// A module of the catalog: the `GIT` in `GIT-ERR-8`.
///
/// A small `Copy` value, like [`ErrorCode`]. It keeps the proto enum number of
/// `csghub.errorx.v1.Module`, so a module that a newer peer sends and this
/// build does not know is still representable (and [`Module::is_known`] is
/// `false`).
///
/// ```
/// use csghub_errorx::Module;
///
/// assert_eq!(Module::GIT.prefix(), Some("GIT"));
/// assert_eq!(Module::from_prefix("SYS"), Some(Module::SYSTEM));
/// assert_eq!(Module::GIT.to_string(), "GIT");
/// assert!(!Module::from_i32(99).is_known());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Module(i32);

/// What the catalog knows about one module.
#[derive(Debug)]
pub(crate) struct ModuleInfo {
    pub(crate) module: Module,
    pub(crate) prefix: &'static str,
    pub(crate) title: &'static str,
    pub(crate) proto_name: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/module_table.rs"));

impl Module {
    /// `MODULE_UNSPECIFIED`: no module. Sent by peers that do not know it.
    pub const UNSPECIFIED: Module = Module(0);

    /// The module with this `csghub.errorx.v1.Module` number, known or not.
    pub const fn from_i32(number: i32) -> Module {
        Module(number)
    }

    /// The `csghub.errorx.v1.Module` number.
    pub const fn as_i32(self) -> i32 {
        self.0
    }

    /// Whether this build's catalog has this module.
    pub const fn is_known(self) -> bool {
        module_index(self.0).is_some()
    }

    fn info(self) -> Option<&'static ModuleInfo> {
        match module_index(self.0) {
            Some(i) => Some(&MODULES[i]),
            None => None,
        }
    }

    /// The code prefix, `GIT` for [`Module::GIT`]; `None` for a module this
    /// build does not know.
    pub fn prefix(self) -> Option<&'static str> {
        self.info().map(|info| info.prefix)
    }

    /// The heading of the module in the catalog document, `Git` for
    /// [`Module::GIT`].
    pub fn title(self) -> Option<&'static str> {
        self.info().map(|info| info.title)
    }

    /// The proto enum value name, `MODULE_GIT` for [`Module::GIT`].
    pub fn proto_name(self) -> Option<&'static str> {
        self.info().map(|info| info.proto_name)
    }

    /// The module whose code prefix is `prefix` (`GIT`), if this build knows it.
    pub fn from_prefix(prefix: &str) -> Option<Module> {
        module_by_prefix(prefix)
    }

    /// Every module of the catalog, in catalog order.
    pub fn iter() -> impl ExactSizeIterator<Item = Module> + Clone {
        MODULES.iter().map(|info| info.module)
    }

    /// The codes of this module, in catalog order.
    pub fn codes(self) -> impl Iterator<Item = ErrorCode> + Clone {
        ErrorCode::iter().filter(move |code| code.module() == self)
    }
}

impl fmt::Display for Module {
    /// The prefix (`GIT`), or `MODULE42` for a module this build does not know.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.prefix() {
            Some(prefix) => f.write_str(prefix),
            None => write!(f, "MODULE{}", self.0),
        }
    }
}

impl fmt::Debug for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.proto_name() {
            Some(name) => f.write_str(name),
            None => write!(f, "Module({})", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_modules_in_catalog_order() {
        let prefixes: Vec<_> = Module::iter().filter_map(Module::prefix).collect();
        assert_eq!(
            prefixes,
            [
                "ACT",
                "AUTH",
                "DAT",
                "GIT",
                "INVITATION",
                "LICENSE",
                "REQ",
                "SYS",
                "TASK",
                "USER"
            ]
        );
    }

    #[test]
    fn unknown_module_keeps_its_number() {
        let module = Module::from_i32(42);
        assert!(!module.is_known());
        assert_eq!(module.as_i32(), 42);
        assert_eq!(module.to_string(), "MODULE42");
        assert_eq!(format!("{module:?}"), "Module(42)");
    }

    #[test]
    fn unspecified_is_not_a_catalog_module() {
        assert!(!Module::UNSPECIFIED.is_known());
    }
}
