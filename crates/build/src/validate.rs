//! The rules a catalog must keep, so that its wire contract holds: each is
//! checked at build time, and each broken one is reported where it is
//! written.

use std::collections::HashMap;

use crate::error::Problems;
use crate::grpc_codes::GRPC_CODES;
use crate::messages;
use crate::model::{Catalog, Location};

/// The most codes a catalog's lookup tables hold.
pub(crate) const MAX_CODES: usize = u16::MAX as usize - 1;

/// Every rule, every problem reported.
pub(crate) fn check(catalog: &Catalog, problems: &mut Problems) {
    check_domain(catalog, problems);
    check_modules(catalog, problems);
    check_codes(catalog, problems);
    messages::check(catalog, problems);
}

fn check_domain(catalog: &Catalog, problems: &mut Problems) {
    let domain = &catalog.domain;
    // AIP-193: a globally unique domain such as `pubsub.googleapis.com`,
    // so at least two labels; each a DNS label, in lower case.
    let dns_like = domain.contains('.')
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    if !dns_like {
        problems.at(
            &catalog.domain_location,
            format!("catalog_domain {domain:?} must be a DNS name, such as errors.example.com"),
        );
    }
}

fn check_modules(catalog: &Catalog, problems: &mut Problems) {
    let mut prefixes: HashMap<&str, &Location> = HashMap::new();
    for module in &catalog.modules {
        let prefix = module.prefix.as_bytes();
        let well_formed = !prefix.is_empty()
            && prefix.len() <= 32
            && prefix[0].is_ascii_uppercase()
            && prefix
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !well_formed {
            problems.at(
                &module.location,
                format!(
                    "{}: prefix {:?} must match [A-Z][A-Z0-9]*, at most 32 characters",
                    module.proto_name, module.prefix
                ),
            );
        }
        if let Some(first) = prefixes.insert(&module.prefix, &module.location) {
            problems.at(
                &module.location,
                format!(
                    "{}: the code string prefix {:?} is used by another module too (at {first}): each module owns its prefix",
                    module.proto_name, module.prefix
                ),
            );
        }
        if module.title.trim().is_empty() {
            problems.at(
                &module.location,
                format!("{} has no title", module.proto_name),
            );
        }
    }
}

fn check_codes(catalog: &Catalog, problems: &mut Problems) {
    if catalog.codes.len() > MAX_CODES {
        problems.without_place(format!(
            "{} codes: a catalog holds at most {MAX_CODES}",
            catalog.codes.len()
        ));
    }
    let mut reasons: HashMap<&str, &Location> = HashMap::new();
    let mut names: HashMap<&str, &Location> = HashMap::new();
    let mut numbers: HashMap<(usize, u32), &Location> = HashMap::new();
    for code in &catalog.codes {
        let at = &code.location;
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
            problems.at(
                at,
                format!("reason {reason} must match [A-Z][A-Z0-9_]+[A-Z0-9] and be at most 63 characters (AIP-193)"),
            );
        }
        if let Some(first) = reasons.insert(reason, at) {
            problems.at(
                at,
                format!("reason {reason} is declared twice (first at {first}): reasons are unique in a catalog"),
            );
        }
        if let Some(first) = numbers.insert((code.module, code.number), at) {
            problems.at(
                at,
                format!(
                    "{} is number {} again (first at {first}): a number names one code of its module, forever",
                    catalog.code_str(code),
                    code.number
                ),
            );
        }
        // Parsing tells names, reasons and code strings apart by their
        // first character and by '-': keep that true.
        let name = code.name.as_bytes();
        if name.is_empty()
            || !name[0].is_ascii_lowercase()
            || !name.iter().all(u8::is_ascii_alphanumeric)
        {
            problems.at(
                at,
                format!(
                    "{reason}: name {:?} must match [a-z][A-Za-z0-9]*",
                    code.name
                ),
            );
        }
        if let Some(first) = names.insert(&code.name, at) {
            problems.at(
                at,
                format!("name {} is declared twice (first at {first})", code.name),
            );
        }
        if code.description.trim().is_empty() {
            problems.at(at, format!("{reason} has no description"));
        }
        match GRPC_CODES.iter().find(|c| c.name == code.grpc_code) {
            None => problems.at(
                at,
                format!(
                    "{reason}: grpc_code {:?} is not a canonical gRPC code (google/rpc/code.proto), such as NOT_FOUND",
                    code.grpc_code
                ),
            ),
            Some(grpc) if code.http_status != u32::from(grpc.http_status) => problems.at(
                at,
                format!(
                    "{reason}: http_status {} contradicts grpc_code {}, whose HTTP status is {} (google/rpc/code.proto's HTTP mapping)",
                    code.http_status, code.grpc_code, grpc.http_status
                ),
            ),
            Some(_) => {}
        }
        check_retry(code, reason, at, problems);
        let mut keys = Vec::new();
        for key in &code.context_keys {
            let bytes = key.as_bytes();
            let lower_camel = (2..=64).contains(&bytes.len())
                && bytes[0].is_ascii_lowercase()
                && bytes.iter().all(u8::is_ascii_alphanumeric);
            if !lower_camel {
                problems.at(
                    at,
                    format!("{reason}: context key {key:?} must be lowerCamel, [a-z][a-zA-Z0-9]+, at most 64 characters"),
                );
            }
            if matches!(key.as_str(), "code" | "module") {
                problems.at(
                    at,
                    format!("{reason}: context key {key:?} is reserved: the ErrorInfo metadata carries the code string under `code`"),
                );
            }
            if keys.contains(&key) {
                problems.at(at, format!("{reason}: context key {key} is declared twice"));
            }
            keys.push(key);
        }
    }
}

/// A code's retry class and delay agree with its gRPC code.
fn check_retry(code: &crate::model::Code, reason: &str, at: &Location, problems: &mut Problems) {
    use crate::model::RetryClass;
    let retried = code.retry_class() != RetryClass::Never;
    if retried && crate::grpc_codes::REQUEST_IS_WRONG.contains(&code.grpc_code.as_str()) {
        problems.at(
            at,
            format!(
                "{reason}: retry {:?} on grpc_code {}, which says the request itself is wrong: a retry only repeats the failure",
                code.retry, code.grpc_code
            ),
        );
    }
    if !retried && code.retry_delay_ms > 0 {
        problems.at(
            at,
            format!(
                "{reason}: retry_delay_ms {} on a code that is never retried (set retry, or drop the delay)",
                code.retry_delay_ms
            ),
        );
    }
}
