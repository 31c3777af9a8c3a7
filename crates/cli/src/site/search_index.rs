//! The search index the pages' script reads: every code's spellings as
//! `errorx explain` compares them, and the numbers its rules need, so that
//! the site finds what the command line finds.

use csghub_errorx::{Catalog, Locale};

use crate::lookup;

/// The index as JSON: `modules`, `codes` (each with its squashed
/// spellings in `keys`, and its message per locale), and the limits.
pub fn index(catalog: &Catalog) -> serde_json::Value {
    let modules: Vec<_> = catalog
        .modules()
        .iter()
        .map(
            |m| serde_json::json!({"prefix": m.prefix(), "number": m.number(), "title": m.title()}),
        )
        .collect();
    let codes: Vec<_> = catalog
        .codes()
        .map(|code| {
            serde_json::json!({
                "code": code.as_str(),
                "name": code.name(),
                "reason": code.reason(),
                "module": code.module().number(),
                "number": code.number(),
                "keys": lookup::spellings(code).map(lookup::squash).collect::<Vec<_>>(),
                "messages": catalog.locales().iter().map(|&l: &Locale| (l.as_str().to_string(), code.user_message(l).into()))
                    .collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    let longest = catalog
        .codes()
        .flat_map(lookup::spellings)
        .map(str::len)
        .max()
        .unwrap_or(0);
    serde_json::json!({
        "modules": modules,
        "codes": codes,
        "maxSuggestions": lookup::MAX_SUGGESTIONS,
        "longestSpelling": longest,
    })
}

/// The index as a script that sets `window.ERRORX_INDEX`: loaded with
/// `<script src>`, which works from `file://`, where `fetch` of a JSON
/// file does not.
pub fn script(index: &serde_json::Value) -> String {
    // serde_json escapes no `<`: `</script>` in a message must not end a
    // script, though this one is a file and not inline.
    let json = index.to_string().replace('<', "\\u003c");
    format!("window.ERRORX_INDEX = {json};\n")
}
