//! Compiles `proto/` with `protox` (no system `protoc`) and generates the Rust
//! catalog from the custom options in `catalog.proto`, so the catalog exists
//! once, in the proto.

use std::collections::HashSet;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use prost_reflect::{DescriptorPool, DynamicMessage, EnumDescriptor, ReflectMessage, Value};

#[path = "build/messages.rs"]
mod messages;
#[path = "build/slot.rs"]
mod slot;

use slot::{slot, SLOT_BITS};

/// One TOML file per locale, named by its tag: adding a locale is adding a
/// file here.
const MESSAGES_DIR: &str = "proto/csghub/errorx/v1/messages";

const PROTO_ROOT: &str = "proto";
const PROTO_FILES: &[&str] = &[
    "csghub/errorx/v1/options.proto",
    "csghub/errorx/v1/module.proto",
    "csghub/errorx/v1/error_info.proto",
    "csghub/errorx/v1/catalog.proto",
];
const PACKAGE: &str = "csghub.errorx.v1";

/// The canonical gRPC code names of `google/rpc/code.proto`, and the
/// `tonic::Code` variant for each.
const GRPC_CODES: &[(&str, &str)] = &[
    ("OK", "Ok"),
    ("CANCELLED", "Cancelled"),
    ("UNKNOWN", "Unknown"),
    ("INVALID_ARGUMENT", "InvalidArgument"),
    ("DEADLINE_EXCEEDED", "DeadlineExceeded"),
    ("NOT_FOUND", "NotFound"),
    ("ALREADY_EXISTS", "AlreadyExists"),
    ("PERMISSION_DENIED", "PermissionDenied"),
    ("RESOURCE_EXHAUSTED", "ResourceExhausted"),
    ("FAILED_PRECONDITION", "FailedPrecondition"),
    ("ABORTED", "Aborted"),
    ("OUT_OF_RANGE", "OutOfRange"),
    ("UNIMPLEMENTED", "Unimplemented"),
    ("INTERNAL", "Internal"),
    ("UNAVAILABLE", "Unavailable"),
    ("DATA_LOSS", "DataLoss"),
    ("UNAUTHENTICATED", "Unauthenticated"),
];

fn main() {
    if let Err(message) = run() {
        // A readable build failure beats a panic backtrace.
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-changed={PROTO_ROOT}");
    // Dependents' build scripts read this as `DEP_CSGHUB_ERRORX_PROTO_DIR`
    // (see `links` in Cargo.toml), to `import "csghub/errorx/v1/..."`.
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    println!(
        "cargo:proto_dir={}",
        manifest_dir.join(PROTO_ROOT).display()
    );
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);

    let mut compiler = protox::Compiler::new([PROTO_ROOT]).map_err(|e| e.to_string())?;
    compiler.include_source_info(true).include_imports(true);
    for file in PROTO_FILES {
        compiler.open_file(file).map_err(|e| format!("{e:?}"))?;
    }
    let pool = compiler.descriptor_pool();
    // For peers that load the protos at run time (the Python interop tests,
    // gRPC reflection).
    fs::write(
        out_dir.join("descriptor_set.bin"),
        compiler.encode_file_descriptor_set(),
    )
    .map_err(|e| e.to_string())?;

    let catalog = Catalog::read(&pool)?;
    fs::write(out_dir.join("module_table.rs"), catalog.module_table())
        .map_err(|e| e.to_string())?;
    fs::write(out_dir.join("code_table.rs"), catalog.code_table()).map_err(|e| e.to_string())?;
    let locales = read_messages(&catalog)?;
    fs::write(
        out_dir.join("message_table.rs"),
        message_table(&locales, &catalog),
    )
    .map_err(|e| e.to_string())?;

    prost_build::Config::new()
        .btree_map(["."])
        .enable_type_names()
        .compile_fds(compiler.file_descriptor_set())
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Reads every locale's messages and checks them against the catalog.
fn read_messages(catalog: &Catalog) -> Result<Vec<messages::LocaleMessages>, String> {
    let mut locales = Vec::new();
    let entries = fs::read_dir(MESSAGES_DIR).map_err(|e| format!("{MESSAGES_DIR}: {e}"))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let tag = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| format!("{}: not a UTF-8 file name", path.display()))?;
        let source = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        locales.push(messages::parse_locale(tag, &source)?);
    }
    // The fallback first, then by tag, so the generated order is stable.
    locales.sort_by(|a, b| {
        (a.tag != messages::FALLBACK_LOCALE, &a.tag)
            .cmp(&(b.tag != messages::FALLBACK_LOCALE, &b.tag))
    });
    let declared: Vec<messages::DeclaredCode> = catalog
        .codes
        .iter()
        .map(|c| messages::DeclaredCode {
            code: format!("{}-ERR-{}", catalog.modules[c.module].prefix, c.number),
            context_keys: c.context_keys.clone(),
        })
        .collect();
    messages::check(&locales, &declared)?;
    Ok(locales)
}

/// `Locale`'s constants and the message of every code in every locale.
fn message_table(locales: &[messages::LocaleMessages], catalog: &Catalog) -> String {
    let mut out =
        String::from("// @generated by build.rs from proto/csghub/errorx/v1/messages/*.toml\n\n");
    out.push_str("impl Locale {\n");
    for (i, locale) in locales.iter().enumerate() {
        let _ = writeln!(
            out,
            "    /// `{0}`, from `messages/{0}.toml`.\n    pub const {1}: Locale = Locale({i});",
            locale.tag,
            locale.tag.to_uppercase().replace('-', "_")
        );
    }
    out.push_str("}\n\n");
    let _ = writeln!(
        out,
        "/// The tag of each locale, by index; the fallback first.\npub(crate) static LOCALE_TAGS: [&str; {}] = {:?};\n",
        locales.len(),
        locales.iter().map(|l| l.tag.as_str()).collect::<Vec<_>>()
    );
    let _ = writeln!(
        out,
        "/// The messages of every code (in catalog order) in every locale.\npub(crate) static MESSAGES: [[Message; {}]; {}] = [",
        catalog.codes.len(),
        locales.len()
    );
    for locale in locales {
        out.push_str("    [\n");
        for c in &catalog.codes {
            let code = format!("{}-ERR-{}", catalog.modules[c.module].prefix, c.number);
            // `check` proved every code has a message in every locale.
            let Some(message) = locale.messages.get(&code) else {
                continue;
            };
            let (detailed, template) = match &message.detailed {
                None => ("None".to_string(), "None".to_string()),
                Some(pieces) => {
                    let mut template = String::new();
                    let pieces: Vec<String> = pieces
                        .iter()
                        .map(|p| match p {
                            messages::Piece::Text(t) => {
                                template.push_str(&t.replace('{', "{{").replace('}', "}}"));
                                format!("Piece::Text({t:?})")
                            }
                            messages::Piece::Key(k) => {
                                let _ = write!(template, "{{{k}}}");
                                format!("Piece::Key({k:?})")
                            }
                        })
                        .collect();
                    (
                        format!("Some(&[{}])", pieces.join(", ")),
                        format!("Some({template:?})"),
                    )
                }
            };
            let _ = writeln!(
                out,
                "        Message {{ text: {:?}, detailed: {detailed}, template: {template} }},",
                message.text
            );
        }
        out.push_str("    ],\n");
    }
    out.push_str("];\n");
    out
}

struct ModuleRow {
    number: i32,
    /// `ACCOUNT` for `MODULE_ACCOUNT`.
    const_name: String,
    prefix: String,
    title: String,
    doc: String,
}

struct CodeRow {
    module: usize,
    number: u32,
    reason: String,
    name: String,
    description: String,
    grpc_name: String,
    grpc_variant: &'static str,
    http_status: u32,
    context_keys: Vec<String>,
}

struct Catalog {
    domain: String,
    modules: Vec<ModuleRow>,
    codes: Vec<CodeRow>,
}

impl Catalog {
    fn read(pool: &DescriptorPool) -> Result<Catalog, String> {
        let ext = |name: &str| {
            pool.get_extension_by_name(&format!("{PACKAGE}.{name}"))
                .ok_or_else(|| format!("extension {PACKAGE}.{name} is missing"))
        };
        let code_ext = ext("code")?;
        let module_ext = ext("module_info")?;
        let catalog_module_ext = ext("catalog_module")?;
        let domain_ext = ext("catalog_domain")?;

        let mut domains = pool.files().filter_map(|file| {
            let options = file.options();
            options
                .has_extension(&domain_ext)
                .then(|| match &*options.get_extension(&domain_ext) {
                    Value::String(domain) => Ok(domain.clone()),
                    other => Err(format!("catalog_domain must be a string, got {other:?}")),
                })
        });
        let domain = domains
            .next()
            .ok_or("no file sets option (catalog_domain)")??;
        if domains.next().is_some() {
            return Err("option (catalog_domain) is set by more than one file".into());
        }

        let module_enum = pool
            .get_enum_by_name(&format!("{PACKAGE}.Module"))
            .ok_or("enum Module is missing")?;
        let mut modules = Vec::new();
        for value in module_enum.values() {
            let options = value.options();
            if !options.has_extension(&module_ext) {
                continue; // MODULE_UNSPECIFIED
            }
            let info = message(&options, &module_ext)?;
            let const_name = value
                .name()
                .strip_prefix("MODULE_")
                .ok_or_else(|| format!("{} must start with MODULE_", value.name()))?
                .to_string();
            modules.push(ModuleRow {
                number: value.number(),
                const_name,
                prefix: string_field(&info, "prefix")?,
                title: string_field(&info, "title")?,
                doc: comment(value.full_name(), &module_enum),
            });
        }

        let mut catalog_enums: Vec<(usize, EnumDescriptor)> = Vec::new();
        for enum_desc in pool.all_enums() {
            let options = enum_desc.options();
            if !options.has_extension(&catalog_module_ext) {
                continue;
            }
            let module_number = match &*options.get_extension(&catalog_module_ext) {
                Value::I32(n) => *n,
                other => return Err(format!("catalog_module must be int32, got {other:?}")),
            };
            let module = modules
                .iter()
                .position(|m| m.number == module_number)
                .ok_or_else(|| {
                    format!("{} names unknown module {module_number}", enum_desc.name())
                })?;
            catalog_enums.push((module, enum_desc));
        }
        catalog_enums.sort_by_key(|(module, _)| *module);

        let mut codes = Vec::new();
        for (module, enum_desc) in &catalog_enums {
            let mut values: Vec<_> = enum_desc.values().collect();
            values.sort_by_key(|v| v.number());
            for value in values {
                let options = value.options();
                if !options.has_extension(&code_ext) {
                    return Err(format!("{} has no (code) option", value.full_name()));
                }
                let info = message(&options, &code_ext)?;
                let grpc_name = string_field(&info, "grpc_code")?;
                let grpc_variant = GRPC_CODES
                    .iter()
                    .find(|(name, _)| *name == grpc_name)
                    .map(|(_, variant)| *variant)
                    .ok_or_else(|| {
                        format!(
                            "{}: grpc_code {grpc_name:?} is not a canonical gRPC code",
                            value.full_name()
                        )
                    })?;
                let number = u32::try_from(value.number())
                    .map_err(|_| format!("{} has a negative number", value.full_name()))?;
                codes.push(CodeRow {
                    module: *module,
                    number,
                    reason: value.name().to_string(),
                    name: string_field(&info, "name")?,
                    description: string_field(&info, "description")?,
                    grpc_name,
                    grpc_variant,
                    http_status: match &*info
                        .get_field_by_name("http_status")
                        .ok_or("no http_status")?
                    {
                        Value::U32(n) => *n,
                        other => return Err(format!("http_status must be uint32, got {other:?}")),
                    },
                    context_keys: match info.get_field_by_name("context_keys").as_deref() {
                        Some(Value::List(keys)) => keys
                            .iter()
                            .map(|key| match key {
                                Value::String(key) => Ok(key.clone()),
                                other => {
                                    Err(format!("context_keys must be strings, got {other:?}"))
                                }
                            })
                            .collect::<Result<_, _>>()?,
                        _ => Vec::new(),
                    },
                });
            }
        }
        if codes.len() >= usize::from(u8::MAX) {
            // The lookup tables store an index + 1 in a byte.
            return Err(format!(
                "{} codes: the lookup tables hold at most 254",
                codes.len()
            ));
        }
        let catalog = Catalog {
            domain,
            modules,
            codes,
        };
        catalog.validate()?;
        Ok(catalog)
    }

    /// Rejects a catalog that would break the wire contract, at build time.
    fn validate(&self) -> Result<(), String> {
        let mut reasons = HashSet::new();
        let mut names = HashSet::new();
        for code in &self.codes {
            let reason = &code.reason;
            let bytes = reason.as_bytes();
            let well_formed = reason.len() <= 63
                && bytes.len() >= 3
                && bytes[0].is_ascii_uppercase()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
                && bytes[bytes.len() - 1] != b'_';
            if !well_formed {
                return Err(format!(
                    "reason {reason} must match [A-Z][A-Z0-9_]+[A-Z0-9] and be at most 63 characters"
                ));
            }
            if !reasons.insert(reason.clone()) {
                return Err(format!("reason {reason} is declared twice"));
            }
            // `Code::from_str` tells names, reasons and code strings apart
            // by their first character and by '-': keep that true.
            let name = code.name.as_bytes();
            if name.is_empty()
                || !name[0].is_ascii_lowercase()
                || !name.iter().all(u8::is_ascii_alphanumeric)
            {
                return Err(format!("name {} must match [a-z][A-Za-z0-9]*", code.name));
            }
            if !names.insert(code.name.clone()) {
                return Err(format!("name {} is declared twice", code.name));
            }
            if code.description.trim().is_empty() {
                return Err(format!("{reason} has no description"));
            }
            let mut keys = HashSet::new();
            for key in &code.context_keys {
                let bytes = key.as_bytes();
                let lower_camel = (2..=64).contains(&bytes.len())
                    && bytes[0].is_ascii_lowercase()
                    && bytes.iter().all(u8::is_ascii_alphanumeric);
                if !lower_camel {
                    return Err(format!(
                        "{reason}: context key {key:?} must be lowerCamel, [a-z][a-zA-Z0-9]+, at most 64 characters"
                    ));
                }
                if !keys.insert(key) {
                    return Err(format!("{reason}: context key {key} is declared twice"));
                }
            }
        }
        if self.domain.is_empty() || self.domain.len() > 253 || !self.domain.is_ascii() {
            return Err(format!(
                "catalog_domain {:?} must be a DNS name",
                self.domain
            ));
        }
        Ok(())
    }

    fn module_table(&self) -> String {
        let mut out =
            String::from("// @generated by build.rs from proto/csghub/errorx/v1/module.proto\n\n");
        out.push_str("impl Module {\n");
        for m in &self.modules {
            let _ = writeln!(
                out,
                "    /// The {} module (`{}-ERR-N`): {}\n    pub const {}: Module = Module({});",
                m.title, m.prefix, m.doc, m.const_name, m.number
            );
        }
        out.push_str("}\n\n");
        let _ = writeln!(
            out,
            "/// Every module of the catalog, in catalog order.\npub(crate) static MODULES: [ModuleInfo; {}] = [",
            self.modules.len()
        );
        for m in &self.modules {
            let _ = writeln!(
                out,
                "    ModuleInfo {{ module: Module::{}, prefix: {:?}, title: {:?}, proto_name: {:?} }},",
                m.const_name,
                m.prefix,
                m.title,
                format!("MODULE_{}", m.const_name)
            );
        }
        out.push_str("];\n\n");
        out.push_str("/// The index of a module in [`MODULES`].\npub(crate) const fn module_index(number: i32) -> Option<usize> {\n    match number {\n");
        for (i, m) in self.modules.iter().enumerate() {
            let _ = writeln!(out, "        {} => Some({i}),", m.number);
        }
        out.push_str("        _ => None,\n    }\n}\n\n");
        out.push_str("/// The module whose code prefix is `prefix`.\npub(crate) fn module_by_prefix(prefix: &str) -> Option<Module> {\n    match prefix {\n");
        for m in &self.modules {
            let _ = writeln!(
                out,
                "        {:?} => Some(Module::{}),",
                m.prefix, m.const_name
            );
        }
        out.push_str("        _ => None,\n    }\n}\n");
        out
    }

    fn code_table(&self) -> String {
        let mut out =
            String::from("// @generated by build.rs from proto/csghub/errorx/v1/catalog.proto\n\n");
        let _ = writeln!(
            out,
            "/// The AIP-193 `ErrorInfo.domain` of the catalog's reasons, `{0}`,\n/// declared in `catalog.proto` (`option (catalog_domain)`).\npub const CATALOG_DOMAIN: &str = {0:?};\n",
            self.domain
        );
        out.push_str("impl ErrorCode {\n");
        for (i, c) in self.codes.iter().enumerate() {
            let m = &self.modules[c.module];
            let _ = writeln!(
                out,
                "    /// `{}-ERR-{}` {} ({} / {}): {}\n    pub const {}: ErrorCode = ErrorCode({i});",
                m.prefix,
                c.number,
                c.name,
                c.grpc_name,
                c.http_status,
                c.description.replace('[', "\\[").replace(']', "\\]"),
                c.reason,
            );
        }
        out.push_str("}\n\n");
        let _ = writeln!(
            out,
            "/// Every catalog entry, in catalog order.\npub(crate) static ENTRIES: [Entry; {}] = [",
            self.codes.len()
        );
        for c in &self.codes {
            let m = &self.modules[c.module];
            let _ = writeln!(
                out,
                "    Entry {{ module: Module::{}, number: {}, code_str: {:?}, name: {:?}, reason: {:?}, description: {:?}, grpc_code: tonic::Code::{}, http_status: {}, context_keys: &{:?} }},",
                m.const_name,
                c.number,
                format!("{}-ERR-{}", m.prefix, c.number),
                c.name,
                c.reason,
                c.description,
                c.grpc_variant,
                c.http_status,
                c.context_keys,
            );
        }
        out.push_str("];\n\n");
        out.push_str("/// The index in [`ENTRIES`] of a module number and code number.\npub(crate) const fn entry_index(module: i32, number: u32) -> Option<u16> {\n    match (module, number) {\n");
        for (i, c) in self.codes.iter().enumerate() {
            let _ = writeln!(
                out,
                "        ({}, {}) => Some({i}),",
                self.modules[c.module].number, c.number
            );
        }
        out.push_str("        _ => None,\n    }\n}\n\n");
        // Perfect-hash tables, built here: one hash and one comparison per
        // lookup, nothing built at run time, no dependency. With 4096 slots
        // for 100 keys, a seed without collisions is found in a few tries.
        for (what, key) in [("NAME", 0), ("REASON", 1)] {
            let keys: Vec<&str> = self
                .codes
                .iter()
                .map(|c| {
                    if key == 0 {
                        c.name.as_str()
                    } else {
                        c.reason.as_str()
                    }
                })
                .collect();
            let (seed, slots) = perfect_hash(&keys);
            let _ = writeln!(
                out,
                "/// Entry index + 1 by {} hash slot (0: empty); see [`lookup_slot`].\npub(crate) static BY_{what}: LookupTable = LookupTable {{ seed: {seed}, slots: &{slots:?} }};\n",
                what.to_lowercase(),
            );
        }
        out
    }
}

/// A seed under which every key has a slot of its own, and the slots:
/// each holds the key's index + 1, or 0.
fn perfect_hash(keys: &[&str]) -> (u64, Vec<u8>) {
    for seed in 0.. {
        let mut slots = vec![0u8; 1 << SLOT_BITS];
        let collision_free = keys.iter().enumerate().all(|(i, key)| {
            let slot = &mut slots[slot(seed, key.as_bytes())];
            let free = *slot == 0;
            *slot = i as u8 + 1;
            free
        });
        if collision_free {
            return (seed, slots);
        }
    }
    unreachable!("some seed separates 100 keys in 4096 slots")
}

fn message(
    options: &DynamicMessage,
    ext: &prost_reflect::ExtensionDescriptor,
) -> Result<DynamicMessage, String> {
    match &*options.get_extension(ext) {
        Value::Message(m) => Ok(m.clone()),
        other => Err(format!(
            "{} must be a message, got {other:?}",
            ext.full_name()
        )),
    }
}

fn string_field(message: &DynamicMessage, field: &str) -> Result<String, String> {
    match message.get_field_by_name(field).as_deref() {
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(format!(
            "{} has no string field {field}",
            message.descriptor().full_name()
        )),
    }
}

/// The leading comment of an enum value in the proto, as one line.
fn comment(full_name: &str, parent: &EnumDescriptor) -> String {
    let file = parent.parent_file();
    let proto = file.file_descriptor_proto();
    let Some(source) = &proto.source_code_info else {
        return String::new();
    };
    // Find the enum value's path: [5 (enum_type), i, 2 (value), j] for a
    // top-level enum.
    let enum_index = proto
        .enum_type
        .iter()
        .position(|e| e.name() == parent.name());
    let value_name = full_name.rsplit('.').next().unwrap_or(full_name);
    let value_index = enum_index.and_then(|i| {
        proto.enum_type[i]
            .value
            .iter()
            .position(|v| v.name() == value_name)
            .map(|j| (i, j))
    });
    let Some((i, j)) = value_index else {
        return String::new();
    };
    let path = [5, i as i32, 2, j as i32];
    source
        .location
        .iter()
        .find(|l| l.path == path)
        .and_then(|l| l.leading_comments.as_deref())
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
