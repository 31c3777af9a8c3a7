//! The localized messages: read from `proto/csghub/errorx/v1/messages/`
//! (one TOML file per locale) and checked against the catalog. Shared by
//! `build.rs`, which turns them into static tables, and by
//! `tests/messages_build.rs`, which proves the checks reject bad files.

use std::collections::{BTreeMap, BTreeSet};

/// One piece of a message template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Text shown as it is.
    Text(String),
    /// The value of this context key.
    Key(String),
}

/// The messages of one code in one locale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Always correct, with no placeholders.
    pub text: String,
    /// The same with context values, used when every key has a value.
    pub detailed: Option<Vec<Piece>>,
}

/// The messages of one locale, by code string.
#[derive(Clone, Debug)]
pub struct LocaleMessages {
    /// The BCP 47 tag, from the file name: `zh-HK`.
    pub tag: String,
    /// By code string, `GIT-ERR-8`.
    pub messages: BTreeMap<String, Message>,
}

/// What the catalog declares of one code, for the checks.
#[derive(Clone, Debug)]
pub struct DeclaredCode {
    /// `GIT-ERR-8`.
    pub code: String,
    /// The context keys it declares.
    pub context_keys: Vec<String>,
}

/// The locale every lookup falls back to; its file must exist.
pub const FALLBACK_LOCALE: &str = "en-US";

/// Whether `tag` is a locale tag this catalog accepts for a file name:
/// a language, then optionally a script and a region (`en-US`, `zh-Hant-TW`).
pub fn is_locale_tag(tag: &str) -> bool {
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

/// Reads one locale's file.
pub fn parse_locale(tag: &str, source: &str) -> Result<LocaleMessages, String> {
    if !is_locale_tag(tag) {
        return Err(format!(
            "{tag}.toml: the file name must be a locale tag such as en-US or zh-Hant-TW"
        ));
    }
    let table: toml::Table = source
        .parse()
        .map_err(|e| format!("{tag}.toml is not valid TOML: {e}"))?;
    let mut messages = BTreeMap::new();
    for (code, entry) in table {
        let entry = entry
            .as_table()
            .ok_or_else(|| format!("{tag}.toml: [\"{code}\"] must be a table"))?;
        let mut text = None;
        let mut detailed = None;
        for (field, value) in entry {
            let value = value
                .as_str()
                .ok_or_else(|| format!("{tag}.toml: {code}.{field} must be a string"))?;
            match field.as_str() {
                "message" => text = Some(value.to_string()),
                "detailed" => detailed = Some(value.to_string()),
                other => {
                    return Err(format!(
                        "{tag}.toml: {code} has an unknown field {other:?}; expected message or detailed"
                    ))
                }
            }
        }
        let text = text.ok_or_else(|| format!("{tag}.toml: {code} has no message"))?;
        let plain = parse_template(&text).map_err(|e| format!("{tag}.toml: {code}: {e}"))?;
        if plain.iter().any(|p| matches!(p, Piece::Key(_))) {
            return Err(format!(
                "{tag}.toml: {code}: `message` must not name context keys, since it is shown when they are missing; put them in `detailed`"
            ));
        }
        let text: String = plain
            .into_iter()
            .map(|p| match p {
                Piece::Text(t) => t,
                Piece::Key(_) => String::new(),
            })
            .collect();
        if text.is_empty() || text.trim() != text {
            return Err(format!(
                "{tag}.toml: {code}: the message is empty or has surrounding whitespace"
            ));
        }
        let detailed = detailed
            .map(|d| parse_template(&d).map_err(|e| format!("{tag}.toml: {code}: {e}")))
            .transpose()?;
        messages.insert(code, Message { text, detailed });
    }
    Ok(LocaleMessages {
        tag: tag.to_string(),
        messages,
    })
}

/// Checks every locale against the catalog: each code has a message in
/// each locale and no locale names a code the catalog lacks; placeholders
/// name only keys the code declares (AIP-193: what a message shows must be
/// in the ErrorInfo metadata); a code has a detailed message in every
/// locale or in none, with the same placeholders; the fallback exists.
pub fn check(locales: &[LocaleMessages], codes: &[DeclaredCode]) -> Result<(), String> {
    if !locales.iter().any(|l| l.tag == FALLBACK_LOCALE) {
        return Err(format!(
            "the messages of {FALLBACK_LOCALE}, the fallback locale, are missing"
        ));
    }
    let known: BTreeSet<&str> = codes.iter().map(|c| c.code.as_str()).collect();
    for locale in locales {
        if let Some(code) = locale.messages.keys().find(|c| !known.contains(c.as_str())) {
            return Err(format!(
                "{}.toml: {code} is not a code of the catalog",
                locale.tag
            ));
        }
    }
    for declared in codes {
        let mut placeholder_sets = Vec::new();
        for locale in locales {
            let message = locale
                .messages
                .get(&declared.code)
                .ok_or_else(|| format!("{}.toml: {} has no message", locale.tag, declared.code))?;
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
                if !declared.context_keys.iter().any(|k| k == key) {
                    return Err(format!(
                        "{}.toml: {}: placeholder {{{key}}} names a context key the code does not declare (declared: {:?}); add it to context_keys in catalog.proto",
                        locale.tag, declared.code, declared.context_keys
                    ));
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
            return Err(format!(
                "{}: the detailed message uses {first:?} in {first_tag} but {other:?} in {tag}; every locale must have it with the same placeholders, or none",
                declared.code
            ));
        }
    }
    Ok(())
}
