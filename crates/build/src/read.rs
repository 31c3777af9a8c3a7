//! Reading a catalog out of its compiled proto: the file's domain, the
//! module enum (values with `(module_info)`), the catalog enums (with
//! `(catalog_module)`), and each code's `(code)` option, with the line each
//! is declared at.

use prost_reflect::{
    DescriptorPool, DynamicMessage, EnumDescriptor, EnumValueDescriptor, ExtensionDescriptor,
    FileDescriptor, Value,
};

use crate::error::{Error, Problems};
use crate::model::{Catalog, Code, Location, Module, RetryClass};

/// The package of the options, `csghub.errorx.v1`.
const OPTIONS_PACKAGE: &str = "csghub.errorx.v1";

/// Reads the catalog that `file` (a file name on the include path, as in
/// an `import`) declares. The messages are read separately.
pub(crate) fn read_catalog(pool: &DescriptorPool, file: &str) -> Result<Catalog, Error> {
    let file_descriptor = pool
        .get_file_by_name(file)
        .ok_or_else(|| Error::new(None, format!("{file}: not compiled")))?;
    let extension = |name: &str| -> Result<ExtensionDescriptor, Error> {
        pool.get_extension_by_name(&format!("{OPTIONS_PACKAGE}.{name}"))
            .ok_or_else(|| {
                Error::new(
                    Some(Location::file(file)),
                    format!("the catalog must import \"csghub/errorx/v1/options.proto\" (no {OPTIONS_PACKAGE}.{name})"),
                )
            })
    };
    let code_ext = extension("code")?;
    let module_ext = extension("module_info")?;
    let catalog_module_ext = extension("catalog_module")?;
    let domain_ext = extension("catalog_domain")?;
    let package = file_descriptor.package_name().to_string();

    let mut problems = Problems::default();
    let options = file_descriptor.options();
    let domain = if options.has_extension(&domain_ext) {
        match &*options.get_extension(&domain_ext) {
            Value::String(domain) => domain.clone(),
            _ => String::new(),
        }
    } else {
        return Err(Error::new(
            Some(Location::file(file)),
            "the catalog declares no domain: add `option (csghub.errorx.v1.catalog_domain) = \"errors.example.com\";`",
        ));
    };
    // `options` (8) of the file, the extension `catalog_domain` (51001).
    let domain_location = file_location(&file_descriptor, &[8, 51001]);

    // The module enum: the one enum of the package whose values carry
    // `(module_info)`.
    let module_enums: Vec<EnumDescriptor> = pool
        .all_enums()
        .filter(|e| e.package_name() == package)
        .filter(|e| e.values().any(|v| v.options().has_extension(&module_ext)))
        .collect();
    let module_enum = match module_enums.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(Error::new(
                Some(Location::file(file)),
                format!("package {package} has no module enum: declare one whose values carry (csghub.errorx.v1.module_info) = {{prefix: \"…\", title: \"…\"}}"),
            ))
        }
        [first, second, ..] => {
            return Err(Error::new(
                Some(enum_location(second)),
                format!(
                    "package {package} has two module enums, {} and {}: the modules of a catalog are one enum",
                    first.name(),
                    second.name()
                ),
            ))
        }
    };
    let mut modules = Vec::new();
    for value in module_enum.values() {
        let options = value.options();
        if !options.has_extension(&module_ext) {
            continue; // MODULE_UNSPECIFIED
        }
        let location = value_location(&value);
        let Some(info) = message(&options, &module_ext) else {
            problems.at(&location, "(module_info) must be a message");
            continue;
        };
        let proto_name = value.name().to_string();
        let const_name = proto_name
            .strip_prefix("MODULE_")
            .unwrap_or(&proto_name)
            .to_string();
        modules.push(Module {
            number: value.number(),
            proto_name,
            const_name,
            prefix: string_field(&info, "prefix"),
            title: string_field(&info, "title"),
            doc: comment(&value),
            enum_name: String::new(),
            reserved_numbers: Vec::new(),
            reserved_names: Vec::new(),
            location,
        });
    }
    modules.sort_by_key(|m| m.number);

    // The catalog enums, one per module.
    let mut catalog_enums: Vec<(usize, EnumDescriptor)> = Vec::new();
    for enum_descriptor in pool.all_enums().filter(|e| e.package_name() == package) {
        let options = enum_descriptor.options();
        if !options.has_extension(&catalog_module_ext) {
            continue;
        }
        let location = enum_location(&enum_descriptor);
        let number = match &*options.get_extension(&catalog_module_ext) {
            Value::I32(n) => *n,
            _ => {
                problems.at(&location, "(catalog_module) must be an int32");
                continue;
            }
        };
        let Some(module) = modules.iter().position(|m| m.number == number) else {
            problems.at(
                &location,
                format!(
                    "{}: (catalog_module) = {number} names no value of {} with (module_info)",
                    enum_descriptor.name(),
                    module_enum.name()
                ),
            );
            continue;
        };
        if let Some((_, other)) = catalog_enums.iter().find(|(m, _)| *m == module) {
            problems.at(
                &location,
                format!(
                    "{} and {} are both the catalog of module {}: a module has one catalog enum",
                    other.name(),
                    enum_descriptor.name(),
                    modules[module].proto_name
                ),
            );
            continue;
        }
        let proto = enum_descriptor.enum_descriptor_proto();
        modules[module].enum_name = enum_descriptor.name().to_string();
        modules[module].reserved_numbers = proto
            .reserved_range
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect();
        modules[module].reserved_names = proto.reserved_name.clone();
        catalog_enums.push((module, enum_descriptor));
    }
    catalog_enums.sort_by_key(|(module, _)| *module);

    let mut codes = Vec::new();
    for (module, enum_descriptor) in &catalog_enums {
        let mut values: Vec<_> = enum_descriptor.values().collect();
        values.sort_by_key(|v| v.number());
        for value in values {
            let location = value_location(&value);
            let options = value.options();
            let Some(info) = options
                .has_extension(&code_ext)
                .then(|| message(&options, &code_ext))
                .flatten()
            else {
                problems.at(
                    &location,
                    format!(
                        "{} has no (csghub.errorx.v1.code) option: every value of a catalog enum is a code",
                        value.name()
                    ),
                );
                continue;
            };
            let Ok(number) = u32::try_from(value.number()) else {
                problems.at(&location, format!("{} has a negative number", value.name()));
                continue;
            };
            codes.push(Code {
                module: *module,
                number,
                reason: value.name().to_string(),
                name: string_field(&info, "name"),
                description: string_field(&info, "description"),
                grpc_code: string_field(&info, "grpc_code"),
                http_status: match info.get_field_by_name("http_status").as_deref() {
                    Some(Value::U32(n)) => *n,
                    _ => 0,
                },
                context_keys: match info.get_field_by_name("context_keys").as_deref() {
                    Some(Value::List(keys)) => keys
                        .iter()
                        .filter_map(|key| match key {
                            Value::String(key) => Some(key.clone()),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                retry: match info.get_field_by_name("retry").as_deref() {
                    Some(Value::EnumNumber(n)) => match RetryClass::from_number(*n) {
                        Some(class) => class,
                        None => {
                            problems.at(
                                &location,
                                format!("{}: retry {n} is no RetryClass", value.name()),
                            );
                            RetryClass::Unspecified
                        }
                    },
                    _ => RetryClass::Unspecified,
                },
                retry_delay_ms: match info.get_field_by_name("retry_delay_ms").as_deref() {
                    Some(Value::U32(n)) => *n,
                    _ => 0,
                },
                doc: comment(&value),
                location,
            });
        }
    }
    for module in &modules {
        if module.enum_name.is_empty() {
            problems.at(
                &module.location,
                format!(
                    "module {} has no catalog enum: declare an enum with `option (csghub.errorx.v1.catalog_module) = {};`",
                    module.proto_name, module.number
                ),
            );
        }
    }
    Error::from_problems(problems.0)?;
    Ok(Catalog {
        file: file.to_string(),
        import_name: file.to_string(),
        package,
        domain,
        domain_location,
        modules,
        codes,
        locales: Vec::new(),
    })
}

impl Location {
    /// A whole file.
    pub(crate) fn file(file: &str) -> Location {
        Location {
            file: file.to_string(),
            line: 0,
            column: 0,
        }
    }
}

fn message(options: &DynamicMessage, extension: &ExtensionDescriptor) -> Option<DynamicMessage> {
    match &*options.get_extension(extension) {
        Value::Message(m) => Some(m.clone()),
        _ => None,
    }
}

fn string_field(message: &DynamicMessage, field: &str) -> String {
    match message.get_field_by_name(field).as_deref() {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

fn enum_location(enum_descriptor: &EnumDescriptor) -> Location {
    file_location(&enum_descriptor.parent_file(), enum_descriptor.path())
}

fn value_location(value: &EnumValueDescriptor) -> Location {
    file_location(&value.parent_file(), value.path())
}

/// The location of the element at `path` of `file`, 1-based.
fn file_location(file: &FileDescriptor, path: &[i32]) -> Location {
    let proto = file.file_descriptor_proto();
    let span = proto
        .source_code_info
        .as_ref()
        .and_then(|info| info.location.iter().find(|l| l.path == path))
        .map(|l| l.span.clone())
        .unwrap_or_default();
    Location {
        file: file.name().to_string(),
        line: span.first().map_or(0, |line| *line as u32 + 1),
        column: span.get(1).map_or(0, |column| *column as u32 + 1),
    }
}

/// The leading comment of an enum value, as one line.
fn comment(value: &EnumValueDescriptor) -> String {
    let file = value.parent_file();
    let proto = file.file_descriptor_proto();
    proto
        .source_code_info
        .as_ref()
        .and_then(|info| info.location.iter().find(|l| l.path == value.path()))
        .and_then(|l| l.leading_comments.as_deref())
        .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
