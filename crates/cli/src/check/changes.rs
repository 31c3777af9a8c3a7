//! What changed between two versions of a catalog, and how much each
//! change matters to clients that already shipped.
//!
//! `buf breaking` sees the enums but not the options on their values: to
//! it, `GIT_AUTH_FAILED = 8` moving from UNAUTHENTICATED to
//! PERMISSION_DENIED, or losing a context key, changes nothing. These rules
//! are the catalog's own compatibility contract.

use std::collections::BTreeSet;

use csghub_errorx_build::model::{Catalog, Code, Module, Piece, RetryClass};

/// How much a change matters to clients built against the old catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Clients that match on the old value break.
    Breaking,
    /// Nothing breaks on the wire, but a person should look: text users
    /// read, a message that now needs a context value, or a retry class
    /// that clients built against the old catalog still follow.
    Risky,
    /// New things, or what clients read from the wire anyway (a retry
    /// delay): no client notices.
    Fine,
}

impl Severity {
    /// `breaking`, `risky`, `fine`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Risky => "risky",
            Severity::Fine => "fine",
        }
    }
}

/// One change of the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// How much it matters.
    pub severity: Severity,
    /// A stable identifier for scripts: `grpc_code_changed`.
    pub kind: &'static str,
    /// The code it is about, by its old code string (its new one if it
    /// is new); `None` for the catalog or a module or locale.
    pub code: Option<String>,
    /// What changed, for a person.
    pub message: String,
}

/// Every change from `old` to `new`, breaking ones first, then by code
/// order of appearance.
pub fn compare(old: &Catalog, new: &Catalog) -> Vec<Change> {
    let mut changes = Changes::default();
    if old.domain != new.domain {
        changes.catalog(
            Severity::Breaking,
            "domain_changed",
            format!(
                "domain changed: {:?} -> {:?} (every ErrorInfo.domain, and clients that check it)",
                old.domain, new.domain
            ),
        );
    }
    for old_module in &old.modules {
        match module_by_number(new, old_module.number) {
            Some(new_module) if new_module.prefix != old_module.prefix => changes.catalog(
                Severity::Breaking,
                "module_prefix_changed",
                format!(
                    "module {} prefix changed: {} -> {} (every code string of the module changes)",
                    old_module.proto_name, old_module.prefix, new_module.prefix
                ),
            ),
            Some(new_module) if new_module.title != old_module.title => changes.catalog(
                Severity::Risky,
                "module_title_changed",
                format!(
                    "module {} title reworded: {:?} -> {:?}",
                    old_module.prefix, old_module.title, new_module.title
                ),
            ),
            _ => {}
        }
    }
    for new_module in &new.modules {
        if module_by_number(old, new_module.number).is_none() {
            changes.catalog(
                Severity::Fine,
                "module_added",
                format!("module {} added", new_module.prefix),
            );
        }
    }
    for locale in &old.locales {
        if !new.locales.iter().any(|l| l.tag == locale.tag) {
            changes.catalog(
                Severity::Breaking,
                "locale_removed",
                format!(
                    "locale {} removed: its users now read {}",
                    locale.tag,
                    new.locales.first().map_or("nothing", |l| l.tag.as_str())
                ),
            );
        }
    }
    for locale in &new.locales {
        if !old.locales.iter().any(|l| l.tag == locale.tag) {
            changes.catalog(
                Severity::Fine,
                "locale_added",
                format!("locale {} added", locale.tag),
            );
        }
    }
    // Codes are the same code when their module number and number are:
    // that is what the code string is made of.
    let mut renumbered_to = BTreeSet::new();
    for old_code in &old.codes {
        let old_str = old.code_str(old_code);
        let module_number = old.module_of(old_code).number;
        if let Some(new_code) = code_by_parts(new, module_number, old_code.number) {
            compare_code(&mut changes, old, old_code, new, new_code);
        } else if let Some(new_code) = new.codes.iter().find(|c| c.reason == old_code.reason) {
            let new_str = new.code_str(new_code);
            renumbered_to.insert(new_str.clone());
            changes.code(
                Severity::Breaking,
                "renumbered",
                &old_str,
                format!(
                    "renumbered: {} is now {new_str} (clients matching {old_str} miss it)",
                    old_code.reason
                ),
            );
        } else {
            let missing = missing_reservations(new, module_number, old_code);
            if missing.is_empty() {
                changes.code(
                    Severity::Risky,
                    "code_retired",
                    &old_str,
                    format!(
                        "retired: {} removed, its number and reason reserved",
                        old_code.reason
                    ),
                );
            } else {
                changes.code(
                    Severity::Breaking,
                    "code_removed",
                    &old_str,
                    format!(
                        "removed without {}: {} can be reused for another meaning",
                        missing.join(" and "),
                        if missing.len() == 2 { "they" } else { "it" }
                    ),
                );
            }
        }
    }
    for new_code in &new.codes {
        let new_str = new.code_str(new_code);
        let module_number = new.module_of(new_code).number;
        if code_by_parts(old, module_number, new_code.number).is_none()
            && !renumbered_to.contains(&new_str)
        {
            changes.code(
                Severity::Fine,
                "code_added",
                &new_str,
                format!("added: {} ({})", new_code.reason, new_code.name),
            );
        }
    }
    changes.0.sort_by_key(|c| c.severity);
    changes.0
}

/// The changes of one code that kept its module and number.
fn compare_code(
    changes: &mut Changes,
    old: &Catalog,
    old_code: &Code,
    new: &Catalog,
    new_code: &Code,
) {
    let code = old.code_str(old_code);
    let mut field = |kind, what, before: &dyn std::fmt::Display, after: &dyn std::fmt::Display| {
        changes.code(
            Severity::Breaking,
            kind,
            &code,
            format!("{what} changed: {before} -> {after}"),
        )
    };
    if old_code.name != new_code.name {
        field("name_changed", "name", &old_code.name, &new_code.name);
    }
    if old_code.reason != new_code.reason {
        field(
            "reason_changed",
            "reason",
            &old_code.reason,
            &new_code.reason,
        );
    }
    if old_code.grpc_code != new_code.grpc_code {
        field(
            "grpc_code_changed",
            "gRPC code",
            &old_code.grpc_code,
            &new_code.grpc_code,
        );
    }
    if old_code.http_status != new_code.http_status {
        field(
            "http_status_changed",
            "HTTP status",
            &old_code.http_status,
            &new_code.http_status,
        );
    }
    // How a client retries the code, as its generated code says. No wire
    // breaks, but clients built against the old catalog keep the old class.
    let (class_before, class_after) = (old_code.retry_class(), new_code.retry_class());
    if class_before != class_after {
        let consequence = if class_after == RetryClass::Never {
            "clients built against the old catalog still retry it"
        } else if class_before == RetryClass::Never {
            "clients built against the old catalog never retry it; the server may now see repeats from new ones"
        } else {
            "clients built against the old catalog wait as before"
        };
        changes.code(
            Severity::Risky,
            "retry_class_changed",
            &code,
            format!(
                "retry class changed: {} -> {} ({consequence})",
                class_before.variant(),
                class_after.variant()
            ),
        );
    }
    if old_code.retry_delay_ms != new_code.retry_delay_ms {
        changes.code(
            Severity::Fine,
            "retry_delay_changed",
            &code,
            format!(
                "retry delay changed: {} ms -> {} ms (sent in RetryInfo; clients read it from the wire)",
                old_code.retry_delay_ms, new_code.retry_delay_ms
            ),
        );
    }
    for key in &old_code.context_keys {
        if !new_code.context_keys.contains(key) {
            changes.code(
                Severity::Breaking,
                "context_key_removed",
                &code,
                format!("context key {key:?} removed (clients that read it get nothing)"),
            );
        }
    }
    for key in &new_code.context_keys {
        if !old_code.context_keys.contains(key) {
            changes.code(
                Severity::Fine,
                "context_key_added",
                &code,
                format!("context key {key:?} added"),
            );
        }
    }
    if old_code.description != new_code.description {
        changes.code(
            Severity::Risky,
            "description_reworded",
            &code,
            format!(
                "description reworded: {:?} -> {:?}",
                old_code.description, new_code.description
            ),
        );
    }
    for old_locale in &old.locales {
        let Some(new_locale) = new.locales.iter().find(|l| l.tag == old_locale.tag) else {
            continue;
        };
        let (Some(before), Some(after)) = (
            old.message(old_code, old_locale),
            new.message(new_code, new_locale),
        ) else {
            continue;
        };
        let tag = &old_locale.tag;
        if before.text != after.text {
            changes.code(
                Severity::Risky,
                "message_reworded",
                &code,
                format!(
                    "{tag} message reworded: {:?} -> {:?}",
                    before.text, after.text
                ),
            );
        }
        let (keys_before, keys_after) = (
            placeholders(&before.detailed),
            placeholders(&after.detailed),
        );
        for key in keys_before.difference(&keys_after) {
            changes.code(
                Severity::Breaking,
                "placeholder_removed",
                &code,
                format!("{tag} detailed message no longer shows {{{key}}}"),
            );
        }
        for key in keys_after.difference(&keys_before) {
            changes.code(
                Severity::Risky,
                "placeholder_added",
                &code,
                format!(
                    "{tag} detailed message now needs {{{key}}} (errors sent without it show the plain message)"
                ),
            );
        }
        if keys_before == keys_after && before.template() != after.template() {
            changes.code(
                Severity::Risky,
                "message_reworded",
                &code,
                format!(
                    "{tag} detailed message reworded: {:?} -> {:?}",
                    before.template().unwrap_or_default(),
                    after.template().unwrap_or_default()
                ),
            );
        }
    }
}

/// What of `code`'s number and reason `catalog`'s enum of module
/// `module_number` does not reserve: `["reserved number 8", "reserved
/// name \"GIT_AUTH_FAILED\""]`, or nothing.
fn missing_reservations(catalog: &Catalog, module_number: i32, code: &Code) -> Vec<String> {
    let mut missing = Vec::new();
    let module = module_by_number(catalog, module_number);
    let number = i64::from(code.number);
    // An enum's reserved ranges include their end (descriptor.proto).
    let number_reserved = module.is_some_and(|m| {
        m.reserved_numbers
            .iter()
            .any(|&(start, end)| i64::from(start) <= number && number <= i64::from(end))
    });
    if !number_reserved {
        missing.push(format!("`reserved {};`", code.number));
    }
    if !module.is_some_and(|m| m.reserved_names.contains(&code.reason)) {
        missing.push(format!("`reserved \"{}\";`", code.reason));
    }
    missing
}

fn placeholders(detailed: &Option<Vec<Piece>>) -> BTreeSet<&str> {
    detailed
        .iter()
        .flatten()
        .filter_map(|piece| match piece {
            Piece::Key(key) => Some(key.as_str()),
            Piece::Text(_) => None,
        })
        .collect()
}

fn module_by_number(catalog: &Catalog, number: i32) -> Option<&Module> {
    catalog.modules.iter().find(|m| m.number == number)
}

fn code_by_parts(catalog: &Catalog, module_number: i32, number: u32) -> Option<&Code> {
    catalog
        .codes
        .iter()
        .find(|c| catalog.module_of(c).number == module_number && c.number == number)
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn catalog(&mut self, severity: Severity, kind: &'static str, message: String) {
        self.0.push(Change {
            severity,
            kind,
            code: None,
            message,
        });
    }

    fn code(&mut self, severity: Severity, kind: &'static str, code: &str, message: String) {
        self.0.push(Change {
            severity,
            kind,
            code: Some(code.to_string()),
            message,
        });
    }
}
