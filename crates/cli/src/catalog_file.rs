//! A catalog read at run time from its proto (`errorx --catalog FILE`),
//! turned into the same [`Catalog`] a build script generates.
//!
//! A generated catalog module is `static` data; a catalog read at run time
//! is leaked into the same shape, once per process: the CLI reads one
//! catalog and exits, so nothing is lost, and every command then works on a
//! `&'static Catalog` whether it is CSGHub's or a user's.

use std::path::{Path, PathBuf};

use csghub_errorx::__generated::{
    CatalogInfo, CatalogTables, CodeEntry, LookupTable, Message, ModuleEntry, Piece,
};
use csghub_errorx::{Catalog, ErrorCode, Locale, Module, RetryClass};
use csghub_errorx_build::grpc_codes::GRPC_CODES;
use csghub_errorx_build::model;
use csghub_errorx_build::slot::{fnv1a, perfect_hash};

/// Reads, validates and leaks the catalog declared in `proto`, with
/// `includes` as import roots (the proto's own root is inferred, as in a
/// build script) and its messages beside it.
///
/// `Err` is the build crate's report: every problem, at its proto line.
pub fn read(proto: &Path, includes: &[PathBuf]) -> Result<&'static Catalog, String> {
    leak(&read_model(proto, includes)?)
}

/// Reads and validates the catalog declared in `proto` as the build
/// crate's plain data: with what the library's catalog leaves out, such as
/// the reserved numbers and names.
pub fn read_model(proto: &Path, includes: &[PathBuf]) -> Result<model::Catalog, String> {
    let builder = includes
        .iter()
        .fold(csghub_errorx_build::Builder::new(), |builder, dir| {
            builder.include(dir)
        });
    builder.read(proto).map_err(|e| e.to_string())
}

/// The library's catalog of `catalog`, every table built as the generator
/// builds them (the same hashes and seeds), leaked.
fn leak(catalog: &model::Catalog) -> Result<&'static Catalog, String> {
    let locales = catalog
        .locales
        .iter()
        .map(|l| Locale::from_tag(&l.tag).ok_or_else(|| format!("{:?} is not a locale tag", l.tag)))
        .collect::<Result<Vec<_>, _>>()?;
    let info: &'static CatalogInfo = Box::leak(Box::new(CatalogInfo {
        package: leak_str(&catalog.package),
        domain: leak_str(&catalog.domain),
        locales: locales.leak(),
    }));
    let module_entries: Vec<&'static ModuleEntry> = catalog
        .modules
        .iter()
        .map(|m| {
            &*Box::leak(Box::new(ModuleEntry {
                catalog: info,
                number: m.number,
                prefix: leak_str(&m.prefix),
                title: leak_str(&m.title),
                proto_name: leak_str(&m.proto_name),
            }))
        })
        .collect();
    let modules: Vec<Module> = module_entries
        .iter()
        .map(|&entry| Module::__from_entry(entry))
        .collect();
    let mut codes = Vec::with_capacity(catalog.codes.len());
    for (index, code) in catalog.codes.iter().enumerate() {
        let code_str = catalog.code_str(code);
        let grpc_code = GRPC_CODES
            .iter()
            .position(|g| g.name == code.grpc_code)
            .ok_or_else(|| format!("{} is not a gRPC code", code.grpc_code))?;
        let messages: Vec<Message> = catalog
            .locales
            .iter()
            .map(|locale| message(catalog.message(code, locale)))
            .collect();
        let entry: &'static CodeEntry = Box::leak(Box::new(CodeEntry {
            key: fnv1a(format!("{}/{code_str}", catalog.domain).as_bytes()),
            index: u16::try_from(index).map_err(|_| "more than 65535 codes".to_string())?,
            module: module_entries[code.module],
            number: code.number,
            code_str: leak_str(&code_str),
            name: leak_str(&code.name),
            reason: leak_str(&code.reason),
            description: leak_str(&code.description),
            grpc_code: tonic::Code::from_i32(grpc_code as i32),
            http_status: u16::try_from(code.http_status)
                .map_err(|_| format!("{} is not an HTTP status", code.http_status))?,
            context_keys: code
                .context_keys
                .iter()
                .map(|k| leak_str(k))
                .collect::<Vec<_>>()
                .leak(),
            retry: match code.retry_class() {
                model::RetryClass::Backoff => RetryClass::Backoff,
                model::RetryClass::AfterServerDelay => RetryClass::AfterServerDelay,
                _ => RetryClass::Never,
            },
            retry_delay_ms: code.retry_delay_ms,
            messages: messages.leak(),
        }));
        codes.push(ErrorCode::__from_entry(entry));
    }
    let table = |keys: Vec<String>| {
        let table = perfect_hash(&keys.iter().map(String::as_str).collect::<Vec<_>>());
        LookupTable {
            seed: table.seed,
            bits: table.bits,
            slots: table.slots.leak(),
        }
    };
    let by_code_str = table(catalog.codes.iter().map(|c| catalog.code_str(c)).collect());
    let by_name = table(catalog.codes.iter().map(|c| c.name.clone()).collect());
    let by_reason = table(catalog.codes.iter().map(|c| c.reason.clone()).collect());
    Ok(Box::leak(Box::new(Catalog::__new(CatalogTables {
        info,
        modules: modules.leak(),
        codes: codes.leak(),
        by_code_str,
        by_name,
        by_reason,
    }))))
}

/// The library's message of the build crate's; a code without a message
/// in a locale (the build rejects that) shows its description.
fn message(message: Option<&model::Message>) -> Message {
    let Some(message) = message else {
        return Message {
            text: "",
            detailed: None,
            template: None,
        };
    };
    Message {
        text: leak_str(&message.text),
        detailed: message.detailed.as_ref().map(|pieces| {
            &*pieces
                .iter()
                .map(|piece| match piece {
                    model::Piece::Text(text) => Piece::Text(leak_str(text)),
                    model::Piece::Key(key) => Piece::Key(leak_str(key)),
                })
                .collect::<Vec<_>>()
                .leak()
        }),
        template: message.template().map(|t| leak_str(&t)),
    }
}

fn leak_str(text: &str) -> &'static str {
    text.to_string().leak()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_proto_read_at_run_time_is_the_compiled_catalog() {
        let proto = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../proto/csghub/errorx/v1/catalog.proto");
        let catalog = read(&proto, &[]).unwrap();
        let builtin = &csghub_errorx::csghub::CATALOG;
        assert_eq!(catalog.codes().count(), builtin.codes().count());
        for (read, compiled) in catalog.codes().zip(builtin.codes()) {
            assert_eq!(
                (
                    read.as_str(),
                    read.name(),
                    read.reason(),
                    read.grpc_code(),
                    read.http_status(),
                    read.context_keys(),
                ),
                (
                    compiled.as_str(),
                    compiled.name(),
                    compiled.reason(),
                    compiled.grpc_code(),
                    compiled.http_status(),
                    compiled.context_keys(),
                )
            );
            for &locale in builtin.locales() {
                assert_eq!(read.user_message(locale), compiled.user_message(locale));
                assert_eq!(
                    read.user_message_template(locale),
                    compiled.user_message_template(locale)
                );
            }
            assert_eq!(catalog.code_by_str(read.as_str()), Some(read));
            assert_eq!(catalog.code_by_name(read.name()), Some(read));
            assert_eq!(catalog.code_by_reason(read.reason()), Some(read));
        }
        // The same catalog by identity: codes read at run time are the
        // compiled ones.
        assert_eq!(catalog, builtin);
    }
}
