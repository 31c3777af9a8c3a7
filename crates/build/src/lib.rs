//! Your own error catalog, for [csghub-errorx](https://docs.rs/csghub-errorx):
//! declare it in proto with csghub-errorx's options, its messages for end
//! users beside it, and this crate checks it and generates its Rust module
//! in your `build.rs`, so that your codes get everything CSGHub's have —
//! typed `ErrorCode` constants, `Status` encoding and decoding, the
//! layers' log lines and metrics, the HTTP/JSON shapes, localized messages.
//!
//! ```rust,no_run
//! // build.rs
//! fn main() -> Result<(), csghub_errorx_build::Error> {
//!     csghub_errorx_build::compile("proto/acme/errors/v1/catalog.proto")
//! }
//! ```
//!
//! ```rust,ignore
//! // src/lib.rs
//! pub mod errors {
//!     csghub_errorx::include_catalog!("acme.errors.v1");
//! }
//! ```
//!
//! The proto (`import "csghub/errorx/v1/options.proto"`: this crate brings
//! it, nothing to copy) declares a domain, a module enum and one catalog
//! enum per module:
//!
//! ```proto
//! syntax = "proto3";
//! package acme.errors.v1;
//! import "csghub/errorx/v1/options.proto";
//! option (csghub.errorx.v1.catalog_domain) = "errors.acme.example";
//!
//! enum Module {
//!   MODULE_UNSPECIFIED = 0;
//!   MODULE_MODEL = 1 [(csghub.errorx.v1.module_info) = {prefix: "MODEL", title: "Model"}];
//! }
//! enum ModelError {
//!   option (csghub.errorx.v1.catalog_module) = 1;
//!   MODEL_NOT_LOADED = 0 [(csghub.errorx.v1.code) = {name: "modelNotLoaded",
//!     description: "The model is not loaded.", grpc_code: "UNAVAILABLE", http_status: 503}];
//! }
//! ```
//!
//! and `messages/en-US.toml` beside it holds each code's message:
//!
//! ```toml
//! ["MODEL-ERR-0"]
//! message = "The model is loading. Please try again in a minute."
//! ```
//!
//! The build fails, naming the file, line and column, on anything that
//! would break the catalog's wire contract: a reason or name that is
//! malformed or declared twice, a number given twice, a gRPC code that is
//! not canonical, an HTTP status that contradicts it, a code string prefix
//! two modules use, a context key that is not lowerCamel, a placeholder
//! that names a key the code does not declare, a locale that misses a code.
//! Every problem is reported at once.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[doc(hidden)]
pub mod builtin;
mod error;
mod generate;
pub mod grpc_codes;
pub mod messages;
pub mod model;
mod read;
pub mod slot;
mod validate;

use std::path::{Path, PathBuf};

use protox::file::{
    ChainFileResolver, File, FileResolver, GoogleFileResolver, IncludeFileResolver,
};

pub use error::{Error, Problem};

/// The options a catalog is declared with, as this crate brings them: a
/// catalog imports `csghub/errorx/v1/options.proto` and finds it here
/// whatever its include path.
pub const OPTIONS_PROTO: &str = include_str!("../proto/csghub/errorx/v1/options.proto");

/// The name the options are imported by.
pub const OPTIONS_PROTO_NAME: &str = "csghub/errorx/v1/options.proto";

/// Checks the catalog `proto` declares and writes its Rust module into
/// `OUT_DIR`, for `csghub_errorx::include_catalog!`: what a `build.rs`
/// calls. See [`Builder`] for the options.
pub fn compile(proto: impl AsRef<Path>) -> Result<(), Error> {
    Builder::new().compile(proto).map(|_| ())
}

/// How a catalog is read and generated. [`compile`] is `Builder::new()`
/// with every default.
#[derive(Clone, Debug, Default)]
pub struct Builder {
    includes: Vec<PathBuf>,
    messages_dir: Option<PathBuf>,
    out_dir: Option<PathBuf>,
    builtin: bool,
}

impl Builder {
    /// The defaults: the include path found from the catalog's package (for
    /// `proto/acme/errors/v1/catalog.proto` of package `acme.errors.v1`,
    /// `proto`), the messages in `messages/` beside the catalog, the
    /// module written to `OUT_DIR`.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds a directory imports are found in, as `protoc -I` does; the
    /// first one replaces the include path found from the package.
    pub fn include(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.includes.push(dir.into());
        self
    }

    /// Reads the messages from `dir` instead of `messages/` beside the
    /// catalog.
    pub fn messages_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.messages_dir = Some(dir.into());
        self
    }

    /// Writes the module into `dir` instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates csghub-errorx's own catalog (CSGHub's), whose constants
    /// are associated with `ErrorCode` and `Module`. For the library's
    /// regeneration test only.
    #[doc(hidden)]
    pub fn builtin(mut self) -> Builder {
        self.builtin = true;
        self
    }

    /// Checks the catalog and writes its module (`<package>.rs`, such as
    /// `acme.errors.v1.rs`) into the output directory, telling Cargo to
    /// run the build again when the proto or a message file changes.
    /// Returns the module's path.
    pub fn compile(&self, proto: impl AsRef<Path>) -> Result<PathBuf, Error> {
        let proto = proto.as_ref();
        let catalog = self.read(proto)?;
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => PathBuf::from(std::env::var_os("OUT_DIR").ok_or_else(|| {
                Error::new(
                    None,
                    "OUT_DIR is not set: call compile from build.rs, or set Builder::out_dir",
                )
            })?),
        };
        let path = out_dir.join(format!("{}.rs", catalog.package));
        std::fs::write(&path, self.source(&catalog))
            .map_err(|e| Error::new(None, format!("{}: {e}", path.display())))?;
        println!("cargo:rerun-if-changed={}", proto.display());
        println!(
            "cargo:rerun-if-changed={}",
            self.messages_dir_of(proto).display()
        );
        Ok(path)
    }

    /// The Rust module of `catalog`.
    pub fn source(&self, catalog: &model::Catalog) -> String {
        let target = if self.builtin {
            generate::Target::Builtin
        } else {
            generate::Target::Crate
        };
        generate::generate(
            catalog,
            target,
            concat!("csghub-errorx-build ", env!("CARGO_PKG_VERSION")),
        )
    }

    /// Reads and checks the catalog `proto` declares, with its messages.
    pub fn read(&self, proto: &Path) -> Result<model::Catalog, Error> {
        let includes = self.includes_for(proto);
        let mut resolver = ChainFileResolver::new();
        for include in &includes {
            resolver.add(IncludeFileResolver::new(include.clone()));
        }
        resolver.add(OptionsResolver);
        resolver.add(GoogleFileResolver::new());
        let name = includes
            .iter()
            .find_map(|include| proto.strip_prefix(include).ok())
            .map(|relative| relative.to_string_lossy().replace('\\', "/"))
            .ok_or_else(|| {
                Error::new(
                    Some(model::Location::file(&proto.display().to_string())),
                    format!(
                        "the catalog is on no include path ({}); add its root with Builder::include",
                        includes
                            .iter()
                            .map(|i| i.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        // The package's other files beside it, which may declare the
        // module enum (CSGHub's `module.proto` does).
        let dir_name = name.rsplit_once('/').map_or("", |(dir, _)| dir);
        let siblings: Vec<String> = std::fs::read_dir(proto.parent().unwrap_or(Path::new(".")))
            .map(|entries| {
                let mut names: Vec<String> = entries
                    .filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|f| f.ends_with(".proto"))
                    .map(|f| {
                        if dir_name.is_empty() {
                            f
                        } else {
                            format!("{dir_name}/{f}")
                        }
                    })
                    .filter(|f| *f != name)
                    .collect();
                names.sort();
                names
            })
            .unwrap_or_default();
        let source_of = |file: &str| {
            includes
                .iter()
                .find_map(|include| std::fs::read_to_string(include.join(file)).ok())
        };
        let mut catalog = compile_catalog(resolver, &name, &siblings, &source_of)?;
        catalog.locales = read_messages(&self.messages_dir_of(proto))?;
        // Places name the files a person opens.
        let shown = |file: &str| match includes.iter().map(|i| i.join(file)).find(|p| p.exists()) {
            Some(path) => path.display().to_string(),
            None => file.to_string(),
        };
        relocate(&mut catalog, shown);
        check(catalog)
    }

    /// Reads and checks a catalog given as source, with messages given as
    /// `(tag, source)`: for tests and tools.
    pub fn read_source(
        &self,
        name: &str,
        source: &str,
        messages: &[(&str, &str)],
    ) -> Result<model::Catalog, Error> {
        let mut resolver = ChainFileResolver::new();
        resolver.add(SourceResolver {
            name: name.to_string(),
            source: source.to_string(),
        });
        for include in &self.includes {
            resolver.add(IncludeFileResolver::new(include.clone()));
        }
        resolver.add(OptionsResolver);
        resolver.add(GoogleFileResolver::new());
        let source_of = |file: &str| (file == name).then(|| source.to_string());
        let mut catalog = compile_catalog(resolver, name, &[], &source_of)?;
        let mut locales = Vec::new();
        for (tag, source) in messages {
            locales.push(messages::parse_locale(
                tag,
                &format!("messages/{tag}.toml"),
                source,
            )?);
        }
        messages::order(&mut locales);
        catalog.locales = locales;
        check(catalog)
    }

    fn includes_for(&self, proto: &Path) -> Vec<PathBuf> {
        if !self.includes.is_empty() {
            return self.includes.clone();
        }
        vec![include_root(proto)]
    }

    fn messages_dir_of(&self, proto: &Path) -> PathBuf {
        match &self.messages_dir {
            Some(dir) => dir.clone(),
            None => proto
                .parent()
                .unwrap_or_else(|| Path::new("."))
                .join("messages"),
        }
    }
}

/// Compiles `name` and reads the catalog it declares.
fn compile_catalog(
    resolver: ChainFileResolver,
    name: &str,
    siblings: &[String],
    source_of: &dyn Fn(&str) -> Option<String>,
) -> Result<model::Catalog, Error> {
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_source_info(true).include_imports(true);
    for file in std::iter::once(name).chain(siblings.iter().map(String::as_str)) {
        compiler
            .open_file(file)
            .map_err(|e| Error::new(None, with_source_line(format!("{e:?}"), source_of)))?;
    }
    read::read_catalog(&compiler.descriptor_pool(), name)
}

/// protox's `file:line:column: message`, and below it the line itself, as
/// rustc shows it: protox names a duplicate number, not the value.
fn with_source_line(message: String, source_of: &dyn Fn(&str) -> Option<String>) -> String {
    let mut parts = message.splitn(3, ':');
    let (Some(file), Some(line)) = (parts.next(), parts.next()) else {
        return message;
    };
    let Some(number) = line.parse::<usize>().ok().filter(|&n| n > 0) else {
        return message;
    };
    match source_of(file).and_then(|source| source.lines().nth(number - 1).map(str::to_string)) {
        Some(text) => format!("{message}\n{number:>5} | {}", text.trim_end()),
        None => message,
    }
}

fn check(catalog: model::Catalog) -> Result<model::Catalog, Error> {
    let mut problems = error::Problems::default();
    validate::check(&catalog, &mut problems);
    Error::from_problems(problems.0)?;
    Ok(catalog)
}

/// The include path of a catalog found from its package: the directory
/// above the package's folders (`proto` for
/// `proto/acme/errors/v1/catalog.proto` of `acme.errors.v1`); the file's
/// own directory when its folders do not spell the package.
fn include_root(proto: &Path) -> PathBuf {
    let dir = proto
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .to_path_buf();
    let package = std::fs::read_to_string(proto)
        .ok()
        .and_then(|source| {
            source.lines().find_map(|line| {
                let line = line.trim();
                let rest = line.strip_prefix("package ")?;
                Some(rest.trim_end_matches(';').trim().to_string())
            })
        })
        .unwrap_or_default();
    let mut root = dir.clone();
    for part in package.split('.').rev() {
        if root.file_name().is_some_and(|name| name == part) {
            root.pop();
        } else {
            return dir;
        }
    }
    if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    }
}

/// Every `<tag>.toml` of `dir`, the fallback first.
fn read_messages(dir: &Path) -> Result<Vec<model::LocaleMessages>, Error> {
    let mut locales = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            return Err(Error::new(
                None,
                format!(
                    "{}: {e}: a catalog's messages for end users are one TOML file per locale there, such as en-US.toml",
                    dir.display()
                ),
            ))
        }
    };
    for entry in entries {
        let path = entry
            .map_err(|e| Error::new(None, format!("{}: {e}", dir.display())))?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let file = path.display().to_string();
        let tag = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| Error::new(Some(model::Location::file(&file)), "not a UTF-8 file name"))?
            .to_string();
        let source = std::fs::read_to_string(&path)
            .map_err(|e| Error::new(Some(model::Location::file(&file)), e.to_string()))?;
        locales.push(messages::parse_locale(&tag, &file, &source)?);
    }
    messages::order(&mut locales);
    Ok(locales)
}

/// Rewrites the places of a catalog from import names to the paths shown.
fn relocate(catalog: &mut model::Catalog, shown: impl Fn(&str) -> String) {
    catalog.file = shown(&catalog.file);
    catalog.domain_location.file = shown(&catalog.domain_location.file);
    for module in &mut catalog.modules {
        module.location.file = shown(&module.location.file);
    }
    for code in &mut catalog.codes {
        code.location.file = shown(&code.location.file);
    }
}

/// Finds `csghub/errorx/v1/options.proto` in this crate, after the include
/// path: a catalog imports it with nothing to copy or configure.
struct OptionsResolver;

impl FileResolver for OptionsResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if name == OPTIONS_PROTO_NAME {
            File::from_source(name, OPTIONS_PROTO)
        } else {
            Err(protox::Error::file_not_found(name))
        }
    }
}

/// One file given as source.
struct SourceResolver {
    name: String,
    source: String,
}

impl FileResolver for SourceResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if name == self.name {
            File::from_source(name, &self.source)
        } else {
            Err(protox::Error::file_not_found(name))
        }
    }
}
