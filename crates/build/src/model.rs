//! The catalog as read from its proto and its message files: plain data,
//! for the generator, for the checks, and for tools that read a catalog at
//! run time (the `errorx` command line).

use std::collections::BTreeMap;
use std::fmt;

/// Where something is declared: a file and a 1-based line and column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The file, as the user named it or as it was found on the include
    /// path: `proto/acme/errors/v1/catalog.proto`.
    pub file: String,
    /// The 1-based line; 0 when unknown.
    pub line: u32,
    /// The 1-based column; 0 when unknown.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => f.write_str(&self.file),
            (line, 0) => write!(f, "{}:{line}", self.file),
            (line, column) => write!(f, "{}:{line}:{column}", self.file),
        }
    }
}

/// A catalog: its package, domain, modules, codes and messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    /// The proto file that declares it, as the person named it.
    pub file: String,
    /// The same file by its name on the include path, as an `import` names
    /// it: `acme/errors/v1/catalog.proto`.
    pub import_name: String,
    /// The proto package, `acme.errors.v1`.
    pub package: String,
    /// The AIP-193 `ErrorInfo.domain` of its reasons (`option
    /// (csghub.errorx.v1.catalog_domain)`).
    pub domain: String,
    /// Where the domain is declared.
    pub domain_location: Location,
    /// The modules, by number.
    pub modules: Vec<Module>,
    /// The codes, by module (in module order) then number.
    pub codes: Vec<Code>,
    /// The messages for end users, one locale each, the fallback first.
    pub locales: Vec<LocaleMessages>,
}

impl Catalog {
    /// The module a code belongs to.
    pub fn module_of(&self, code: &Code) -> &Module {
        &self.modules[code.module]
    }

    /// A code's code string, `GIT-ERR-8`.
    pub fn code_str(&self, code: &Code) -> String {
        format!("{}-ERR-{}", self.module_of(code).prefix, code.number)
    }

    /// The code whose code string is `text`.
    pub fn code_by_str(&self, text: &str) -> Option<&Code> {
        self.codes.iter().find(|code| self.code_str(code) == text)
    }

    /// The code's message in `locale`.
    pub fn message<'a>(&self, code: &Code, locale: &'a LocaleMessages) -> Option<&'a Message> {
        locale.messages.get(&self.code_str(code))
    }
}

/// One module: a value of the catalog's module enum with `(module_info)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Module {
    /// The module enum value's number.
    pub number: i32,
    /// The module enum value's name, `MODULE_GIT`.
    pub proto_name: String,
    /// The name of its Rust constant: the proto name without `MODULE_`,
    /// `GIT`.
    pub const_name: String,
    /// The code prefix, `GIT` in `GIT-ERR-8`.
    pub prefix: String,
    /// The heading of the module, `Git`.
    pub title: String,
    /// The comment above the module enum value, as one line.
    pub doc: String,
    /// The catalog enum of the module's codes, `GitError`.
    pub enum_name: String,
    /// The numbers the catalog enum reserves (retired codes), as ranges.
    pub reserved_numbers: Vec<(i32, i32)>,
    /// The names the catalog enum reserves (retired reasons).
    pub reserved_names: Vec<String>,
    /// Where the module is declared.
    pub location: Location,
}

/// One code: a value of a catalog enum with `(code)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// Its module, an index into [`Catalog::modules`].
    pub module: usize,
    /// Its number within the module: 8 for `GIT-ERR-8`.
    pub number: u32,
    /// The AIP-193 reason: the enum value's name, `GIT_AUTH_FAILED`.
    pub reason: String,
    /// The name as the original service spelled it, `gitAuthFailed`.
    pub name: String,
    /// What the code means, for developers.
    pub description: String,
    /// The canonical gRPC code name, `UNAUTHENTICATED`.
    pub grpc_code: String,
    /// The HTTP status.
    pub http_status: u32,
    /// The context keys the code declares.
    pub context_keys: Vec<String>,
    /// How a client may retry it, as declared; `Unspecified` is its gRPC
    /// code's default ([`Code::retry_class`]).
    pub retry: RetryClass,
    /// The delay a server asks for before a retry, in milliseconds; 0 for
    /// none.
    pub retry_delay_ms: u32,
    /// The comment above the value, as one line.
    pub doc: String,
    /// Where the code is declared.
    pub location: Location,
}

impl Code {
    /// How a client may retry the code: as declared, else its gRPC code's
    /// default (`UNAVAILABLE` backs off, `RESOURCE_EXHAUSTED` waits for the
    /// server's delay, any other is never retried).
    pub fn retry_class(&self) -> RetryClass {
        match self.retry {
            RetryClass::Unspecified => match self.grpc_code.as_str() {
                "UNAVAILABLE" => RetryClass::Backoff,
                "RESOURCE_EXHAUSTED" => RetryClass::AfterServerDelay,
                _ => RetryClass::Never,
            },
            declared => declared,
        }
    }
}

/// `csghub.errorx.v1.RetryClass`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryClass {
    /// Not declared: the gRPC code's default.
    Unspecified,
    /// Never retried.
    Never,
    /// Retried only after the server's delay.
    AfterServerDelay,
    /// Retried with backoff.
    Backoff,
}

impl RetryClass {
    /// The enum value of `number`; `None` for a number the options lack.
    pub fn from_number(number: i32) -> Option<RetryClass> {
        Some(match number {
            0 => RetryClass::Unspecified,
            1 => RetryClass::Never,
            2 => RetryClass::AfterServerDelay,
            3 => RetryClass::Backoff,
            _ => return None,
        })
    }

    /// The library's variant name, `Backoff`.
    pub fn variant(self) -> &'static str {
        match self {
            RetryClass::Unspecified | RetryClass::Never => "Never",
            RetryClass::AfterServerDelay => "AfterServerDelay",
            RetryClass::Backoff => "Backoff",
        }
    }
}

/// The messages of one locale, by code string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocaleMessages {
    /// The BCP 47 tag, from the file name: `zh-HK`.
    pub tag: String,
    /// The file the messages are read from.
    pub file: String,
    /// By code string, `GIT-ERR-8`.
    pub messages: BTreeMap<String, Message>,
}

/// The messages of one code in one locale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Always correct, with no placeholders.
    pub text: String,
    /// The same with context values, used when every key has a value.
    pub detailed: Option<Vec<Piece>>,
}

impl Message {
    /// `detailed` as a template: `{key}` placeholders, `{{` and `}}` for
    /// braces.
    pub fn template(&self) -> Option<String> {
        let pieces = self.detailed.as_ref()?;
        let mut template = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(text) => template.push_str(&text.replace('{', "{{").replace('}', "}}")),
                Piece::Key(key) => {
                    template.push('{');
                    template.push_str(key);
                    template.push('}');
                }
            }
        }
        Some(template)
    }
}

/// One piece of a message template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Text shown as it is.
    Text(String),
    /// The value of this context key.
    Key(String),
}
