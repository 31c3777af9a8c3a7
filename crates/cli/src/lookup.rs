//! Finding the code a person means, however they typed it.

use csghub_errorx::{Catalog, ErrorCode, Module, UnknownCode};

/// What a query names.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// A code of this catalog.
    Found(ErrorCode),
    /// A well-formed code this catalog lacks: a newer peer's.
    NotInCatalog(UnknownCode),
    /// Nothing: the closest codes, best first (maybe none).
    Suggestions(Vec<ErrorCode>),
}

/// The most suggestions shown for a typo.
pub const MAX_SUGGESTIONS: usize = 3;

/// Looks `query` up as a code string, a name, a reason or a module and
/// number, ignoring case and separators: `GIT-ERR-8`, `git-err-8`,
/// `gitauthfailed`, `GIT_AUTH_FAILED`, `GIT 8`, `git8`, in `catalog`.
pub fn lookup(catalog: &Catalog, query: &str) -> Lookup {
    let query = query.trim();
    if let Ok(code) = catalog.parse(query) {
        return Lookup::Found(code);
    }
    let key = squash(query);
    if key.is_empty() {
        return Lookup::Suggestions(Vec::new());
    }
    if let Some(code) = catalog
        .codes()
        .find(|&code| spellings(code).any(|s| squash(s) == key))
    {
        return Lookup::Found(code);
    }
    if let Some((module, number)) = module_and_number(catalog, query) {
        return match catalog.code_by_parts(module, number) {
            Some(code) => Lookup::Found(code),
            None => catalog
                .unknown_code_by_parts(module, number)
                .map_or(Lookup::Suggestions(Vec::new()), Lookup::NotInCatalog),
        };
    }
    Lookup::Suggestions(closest(catalog, &key))
}

/// The ways a code is written: code string, name and reason.
pub fn spellings(code: ErrorCode) -> impl Iterator<Item = &'static str> {
    [code.as_str(), code.name(), code.reason()].into_iter()
}

/// Lowercase letters and digits only: `GIT_AUTH_FAILED` and
/// `gitAuthFailed` are both `gitauthfailed`, `GIT-ERR-8` is `giterr8`.
pub fn squash(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `GIT 8`, `git-8`, `GIT-ERR-99`, `git_err_99`, `MODULE42-ERR-7`: a
/// module number (a prefix `catalog` knows, or `MODULE42`) and a number.
fn module_and_number(catalog: &Catalog, query: &str) -> Option<(i32, u32)> {
    let key = squash(query);
    let digits_at = key.rfind(|c: char| !c.is_ascii_digit())? + 1;
    let (name, number) = key.split_at(digits_at);
    let number: u32 = number.parse().ok()?;
    let name = name.strip_suffix("err").unwrap_or(name);
    if let Some(numbered) = name.strip_prefix("module") {
        return Some((numbered.parse().ok()?, number));
    }
    let module = catalog
        .modules()
        .iter()
        .copied()
        .find(|m: &Module| m.prefix().eq_ignore_ascii_case(name))?;
    Some((module.number(), number))
}

/// The codes whose spellings are nearest `key` by edit distance, within
/// a third of its length (at least 2 edits).
fn closest(catalog: &Catalog, key: &str) -> Vec<ErrorCode> {
    let limit = (key.len() / 3).max(2);
    // Edit distance is at least the difference in length: a key longer
    // than every spelling by more than the limit has no suggestion, and is
    // not compared (a pasted megabyte would take minutes).
    let longest = catalog
        .codes()
        .flat_map(spellings)
        .map(str::len)
        .max()
        .unwrap_or(0);
    if key.len() > longest + limit {
        return Vec::new();
    }
    let mut ranked: Vec<(usize, ErrorCode)> = catalog
        .codes()
        .filter_map(|code| {
            let distance = spellings(code)
                .map(|s| strsim::levenshtein(&squash(s), key))
                .min()?;
            (distance <= limit).then_some((distance, code))
        })
        .collect();
    ranked.sort_by_key(|&(distance, code)| (distance, code.as_str()));
    ranked
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, code)| code)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use csghub_errorx::csghub::CATALOG;

    fn lookup(query: &str) -> Lookup {
        super::lookup(&CATALOG, query)
    }

    #[test]
    fn every_spelling_a_person_types_finds_the_code() {
        for query in [
            "GIT-ERR-8",
            "git-err-8",
            "gitauthfailed",
            "gitAuthFailed",
            "GIT_AUTH_FAILED",
            "git_auth_failed",
            "GIT 8",
            "git8",
            " GIT-8 ",
        ] {
            assert_eq!(
                lookup(query),
                Lookup::Found(ErrorCode::GIT_AUTH_FAILED),
                "{query:?}"
            );
        }
    }

    #[test]
    fn a_well_formed_code_the_catalog_lacks_is_not_a_typo() {
        let Lookup::NotInCatalog(code) = lookup("GIT-ERR-99") else {
            panic!("{:?}", lookup("GIT-ERR-99"));
        };
        assert_eq!((code.module(), code.number()), (Some(Module::GIT), 99));
        assert!(matches!(lookup("git 99"), Lookup::NotInCatalog(_)));
        let Lookup::NotInCatalog(code) = lookup("MODULE42-ERR-7") else {
            panic!("{:?}", lookup("MODULE42-ERR-7"));
        };
        assert_eq!((code.module_number(), code.number()), (42, 7));
    }

    #[test]
    fn a_typo_gets_the_closest_codes() {
        let Lookup::Suggestions(codes) = lookup("gitAuthFialed") else {
            panic!("{:?}", lookup("gitAuthFialed"));
        };
        assert_eq!(codes.first(), Some(&ErrorCode::GIT_AUTH_FAILED));
        assert!(codes.len() <= MAX_SUGGESTIONS);
    }

    #[test]
    fn nonsense_gets_no_suggestions() {
        assert_eq!(
            lookup("zzzzzzzzzzzzzzzzzz"),
            Lookup::Suggestions(Vec::new())
        );
        assert_eq!(lookup("--"), Lookup::Suggestions(Vec::new()));
    }
}
