//! The messages for end users: one TOML file per locale, named by its tag
//! (`messages/en-US.toml`), one table per code string:
//!
//! ```toml
//! ["GIT-ERR-9"] # gitRepoNotFound
//! message = "The repository was not found."
//! detailed = "Repository {repo} was not found."
//! ```
//!
//! `message` is always correct and names no context key; `detailed`, when
//! present, may name the context keys the code declares, as `{key}`.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Problems};
use crate::model::{Catalog, LocaleMessages, Location, Message, Piece};

/// The locale every catalog has and falls back to: a lookup in a locale
/// the catalog lacks answers in it, and `grpc-message` is English too.
pub const FALLBACK: &str = "en-US";

/// Whether `tag` is a locale tag a message file may be named by: a
/// language, then optionally a script and a region (`en-US`,
/// `zh-Hant-TW`), at most 15 bytes.
pub fn is_locale_tag(tag: &str) -> bool {
    if tag.len() > 15 {
        return false;
    }
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_lowercase()) {
        return false;
    }
    let mut rest: Vec<&str> = parts.collect();
    if rest
        .first()
        .is_some_and(|s| s.len() == 4 && s.as_bytes()[0].is_ascii_uppercase())
    {
        let script = rest.remove(0);
        if !script[1..].bytes().all(|b| b.is_ascii_lowercase()) {
            return false;
        }
    }
    match rest.as_slice() {
        [] => true,
        [region] => region.len() == 2 && region.bytes().all(|b| b.is_ascii_uppercase()),
        _ => false,
    }
}

/// Parses a template: `{key}` names a context key; `{{` and `}}` are
/// literal braces.
pub fn parse_template(template: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut key = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) if c.is_ascii_alphanumeric() => key.push(c),
                        _ => {
                            return Err(format!(
                                "unterminated or malformed placeholder in {template:?}"
                            ))
                        }
                    }
                }
                if key.is_empty() {
                    return Err(format!("empty placeholder {{}} in {template:?}"));
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Key(key));
            }
            '}' => {
                return Err(format!(
                    "unmatched '}}' in {template:?}; write '}}}}' for a brace"
                ))
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// Reads one locale's file, named `file`, of locale `tag`.
pub fn parse_locale(tag: &str, file: &str, source: &str) -> Result<LocaleMessages, Error> {
    let at = |message: String| Error::new(Some(Location::file(file)), message);
    if !is_locale_tag(tag) {
        return Err(at(format!(
            "the file name must be a locale tag such as en-US or zh-Hant-TW, not {tag:?}"
        )));
    }
    let table: toml::Table = source
        .parse()
        .map_err(|e| at(format!("not valid TOML: {e}")))?;
    let mut messages = BTreeMap::new();
    for (code, entry) in table {
        let entry = entry
            .as_table()
            .ok_or_else(|| at(format!("[\"{code}\"] must be a table")))?;
        let mut text = None;
        let mut detailed = None;
        for (field, value) in entry {
            let value = value
                .as_str()
                .ok_or_else(|| at(format!("{code}.{field} must be a string")))?;
            match field.as_str() {
                "message" => text = Some(value.to_string()),
                "detailed" => detailed = Some(value.to_string()),
                other => {
                    return Err(at(format!(
                        "{code} has an unknown field {other:?}; expected message or detailed"
                    )))
                }
            }
        }
        let text = text.ok_or_else(|| at(format!("{code} has no message")))?;
        let plain = parse_template(&text).map_err(|e| at(format!("{code}: {e}")))?;
        if plain.iter().any(|p| matches!(p, Piece::Key(_))) {
            return Err(at(format!(
                "{code}: `message` must not name context keys, since it is shown when they are missing; put them in `detailed`"
            )));
        }
        let text: String = plain
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Key(_) => String::new(),
            })
            .collect();
        if text.is_empty() || text.trim() != text {
            return Err(at(format!(
                "{code}: the message is empty or has surrounding whitespace"
            )));
        }
        let detailed = detailed
            .map(|d| parse_template(&d).map_err(|e| at(format!("{code}: {e}"))))
            .transpose()?;
        messages.insert(code, Message { text, detailed });
    }
    Ok(LocaleMessages {
        tag: tag.to_string(),
        file: file.to_string(),
        messages,
    })
}

/// Puts the fallback locale first, then the others by tag.
pub(crate) fn order(locales: &mut [LocaleMessages]) {
    locales.sort_by(|a, b| (a.tag != FALLBACK, &a.tag).cmp(&(b.tag != FALLBACK, &b.tag)));
}

/// Checks every locale against the catalog: the fallback is there; each code has a
/// message in each locale and no locale names a code the catalog lacks;
/// placeholders name only keys the code declares (AIP-193: what a message
/// shows must be in the ErrorInfo metadata); a code has a detailed message
/// in every locale or in none, with the same placeholders.
pub(crate) fn check(catalog: &Catalog, problems: &mut Problems) {
    if !catalog.locales.iter().any(|l| l.tag == FALLBACK) {
        problems.without_place(format!(
            "{}: the messages of {FALLBACK}, the fallback locale, are missing: add a file messages/{FALLBACK}.toml beside the catalog, with a table per code",
            catalog.file
        ));
        return;
    }
    let known: BTreeSet<String> = catalog.codes.iter().map(|c| catalog.code_str(c)).collect();
    for locale in &catalog.locales {
        for code in locale.messages.keys().filter(|c| !known.contains(*c)) {
            problems.at(
                &Location::file(&locale.file),
                format!("{code} is not a code of the catalog"),
            );
        }
    }
    for code in &catalog.codes {
        let code_str = catalog.code_str(code);
        let mut placeholder_sets = Vec::new();
        for locale in &catalog.locales {
            let Some(message) = locale.messages.get(&code_str) else {
                problems.at(
                    &Location::file(&locale.file),
                    format!(
                        "{code_str} ({}) has no message in {}: add a table [\"{code_str}\"] with a message",
                        code.name, locale.tag
                    ),
                );
                continue;
            };
            let keys: Option<BTreeSet<&str>> = message.detailed.as_ref().map(|pieces| {
                pieces
                    .iter()
                    .filter_map(|p| match p {
                        Piece::Key(key) => Some(key.as_str()),
                        Piece::Text(_) => None,
                    })
                    .collect()
            });
            for key in keys.iter().flatten() {
                if !code.context_keys.iter().any(|k| k == key) {
                    problems.at(
                        &Location::file(&locale.file),
                        format!(
                            "{code_str}: placeholder {{{key}}} names a context key the code does not declare (declared: {:?}); add it to the code's context_keys at {}",
                            code.context_keys, code.location
                        ),
                    );
                }
            }
            placeholder_sets.push((locale.tag.as_str(), keys));
        }
        if let Some(((first_tag, first), (tag, other))) =
            placeholder_sets.first().and_then(|first| {
                placeholder_sets
                    .iter()
                    .find(|o| o.1 != first.1)
                    .map(|o| (first, o))
            })
        {
            problems.at(
                &code.location,
                format!(
                    "{code_str}: the detailed message uses {first:?} in {first_tag} but {other:?} in {tag}; every locale must have it with the same placeholders, or none"
                ),
            );
        }
    }
}
