//! [`Context`]: the key/values that describe one occurrence of an error.

use std::borrow::Cow;

/// The longest metadata key AIP-193 allows.
pub const MAX_KEY_LEN: usize = 64;

/// Keys the encoder itself writes into `google.rpc.ErrorInfo.metadata`.
/// A context key that normalizes to one of them gets the `ctx` prefix.
pub const RESERVED_KEYS: [&str; 2] = ["code", "module"];

/// The context of one error: key/value pairs such as `repo` = `ns/name`,
/// sent to the peer in both `ErrorInfo` details.
///
/// # Rules
/// - **Order.** Entries are kept sorted by key, so logs and the wire are
///   deterministic whatever the insertion order.
/// - **A key set twice.** The last value wins, as with a map.
/// - **Keys are lowerCamel.** AIP-193 requires metadata keys that match
///   `[a-z][a-zA-Z0-9-_]+` and are at most 64 characters. Every key is
///   normalized on insertion, so invalid metadata can never be produced:
///   - separators and other characters outside `[A-Za-z0-9]` split words,
///     which are joined in lowerCamel: `repo_path` → `repoPath`,
///     `X-Request-ID` → `xRequestID`, `RepoPath` → `repoPath`;
///   - an all-capitals first word is lowered whole: `URL` → `url`;
///   - a key that is then empty, one character long, starts with a digit, or
///     is one of [`RESERVED_KEYS`] gets the prefix `ctx`: `2fa` → `ctx2fa`,
///     `code` → `ctxCode`;
///   - the result is cut to 64 characters.
///
/// ```
/// use csghub_errorx::Context;
///
/// let mut context = Context::new();
/// context.insert("repo_path", "a/b");
/// context.insert("branch", "main");
/// context.insert("repoPath", "c/d");
/// let entries: Vec<_> = context.iter().collect();
/// assert_eq!(entries, [("branch", "main"), ("repoPath", "c/d")]);
/// ```
#[derive(Clone, Default)]
pub struct Context {
    // Keys and values live back to back in one string, and the entries,
    // sorted by key, point into it: two allocations for any number of
    // entries. A replaced value's old bytes stay until the context drops.
    text: String,
    entries: Vec<Entry>,
}

/// Where one entry's key and value are in [`Context::text`].
#[derive(Clone, Copy, Debug)]
struct Entry {
    key: Span,
    value: Span,
}

#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    end: usize,
}

impl Context {
    /// An empty context. Does not allocate.
    pub const fn new() -> Context {
        Context {
            text: String::new(),
            entries: Vec::new(),
        }
    }

    /// An empty context with room for `entries` entries of `text` bytes
    /// in all, so a decoder fills it without reallocating.
    pub(crate) fn with_capacity(text: usize, entries: usize) -> Context {
        Context {
            text: String::with_capacity(text),
            entries: Vec::with_capacity(entries),
        }
    }

    fn text(&self, span: Span) -> &str {
        // Spans are made by `push`, at the boundaries of whole strings.
        &self.text[span.start..span.end]
    }

    fn push(&mut self, text: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(text);
        Span {
            start,
            end: self.text.len(),
        }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|entry| self.text(entry.key).cmp(key))
    }

    /// Sets `key` (normalized, see the type docs) to `value`, replacing an
    /// earlier value of the same key.
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl AsRef<str>) {
        let key = normalize_key(key.as_ref());
        match self.find(&key) {
            Ok(i) => self.entries[i].value = self.push(value.as_ref()),
            Err(i) => {
                let entry = Entry {
                    key: self.push(&key),
                    value: self.push(value.as_ref()),
                };
                self.entries.insert(i, entry);
            }
        }
    }

    /// The value of `key`, which is normalized first.
    pub fn get(&self, key: &str) -> Option<&str> {
        let key = normalize_key(key);
        self.find(&key)
            .ok()
            .map(|i| self.text(self.entries[i].value))
    }

    /// The entries, sorted by key.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + Clone + '_ {
        self.entries
            .iter()
            .map(|entry| (self.text(entry.key), self.text(entry.value)))
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl PartialEq for Context {
    fn eq(&self, other: &Context) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Context {}

impl std::hash::Hash for Context {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.len().hash(state);
        for entry in self.iter() {
            entry.hash(state);
        }
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Context {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Context {
        let mut context = Context::new();
        context.extend(iter);
        context
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Extend<(K, V)> for Context {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (key, value) in iter {
            self.insert(key, value);
        }
    }
}

/// Whether `key` is already a lowerCamel key that [`normalize_key`] keeps.
fn is_normalized(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.len() >= 2
        && bytes.len() <= MAX_KEY_LEN
        && bytes[0].is_ascii_lowercase()
        && bytes.iter().all(u8::is_ascii_alphanumeric)
        && !RESERVED_KEYS.contains(&key)
}

/// Normalizes a context key to lowerCamel, as described on [`Context`].
/// Borrows when the key is already normalized, which is the common case.
///
/// ```
/// use csghub_errorx::normalize_key;
///
/// assert_eq!(normalize_key("repo"), "repo");
/// assert_eq!(normalize_key("repo_path"), "repoPath");
/// assert_eq!(normalize_key("X-Request-ID"), "xRequestID");
/// assert_eq!(normalize_key("code"), "ctxCode");
/// assert_eq!(normalize_key(""), "ctx");
/// ```
pub fn normalize_key(key: &str) -> Cow<'_, str> {
    if is_normalized(key) {
        return Cow::Borrowed(key);
    }
    let mut out = String::with_capacity(key.len().min(MAX_KEY_LEN) + 3);
    for (i, word) in key
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        if i == 0 {
            if word.bytes().all(|b| !b.is_ascii_lowercase()) {
                out.push_str(&word.to_ascii_lowercase());
            } else {
                let mut chars = word.chars();
                out.extend(chars.next().map(|c| c.to_ascii_lowercase()));
                out.push_str(chars.as_str());
            }
        } else {
            let mut chars = word.chars();
            out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
            out.push_str(chars.as_str());
        }
    }
    let needs_prefix = out.len() < 2
        || !out.as_bytes()[0].is_ascii_lowercase()
        || RESERVED_KEYS.contains(&out.as_str());
    if needs_prefix {
        let mut chars = out.chars();
        let first = chars.next().map(|c| c.to_ascii_uppercase());
        let rest = chars.as_str().to_string();
        out = String::from("ctx");
        out.extend(first);
        out.push_str(&rest);
    }
    out.truncate(MAX_KEY_LEN); // ASCII only, so any index is a boundary
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_aip193_key(key: &str) -> bool {
        let b = key.as_bytes();
        b.len() >= 2
            && b.len() <= 64
            && b[0].is_ascii_lowercase()
            && b[1..]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
    }

    #[test]
    fn normalization_examples() {
        for (input, expected) in [
            ("repo", "repo"),
            ("repoPath", "repoPath"),
            ("repo_path", "repoPath"),
            ("RepoPath", "repoPath"),
            ("URL", "url"),
            ("X-Request-ID", "xRequestID"),
            ("2fa", "ctx2fa"),
            ("a", "ctxA"),
            ("", "ctx"),
            ("code", "ctxCode"),
            ("module", "ctxModule"),
            ("Code", "ctxCode"),
            ("名字", "ctx"),
            ("user name", "userName"),
        ] {
            assert_eq!(normalize_key(input), expected, "{input:?}");
        }
    }

    #[test]
    fn long_keys_are_cut_to_64() {
        let key = normalize_key(&"k".repeat(200)).into_owned();
        assert_eq!(key.len(), 64);
    }

    #[test]
    fn every_normalized_key_is_a_valid_metadata_key() {
        let long = "x".repeat(100);
        for input in [
            "",
            "_",
            "-x-",
            "9",
            "ÄÖÜ",
            "a b c",
            "__init__",
            long.as_str(),
            "code",
        ] {
            let key = normalize_key(input);
            assert!(is_aip193_key(&key), "{input:?} -> {key:?}");
        }
    }

    #[test]
    fn equality_ignores_replaced_values() {
        let mut a = Context::new();
        a.insert("repo", "old");
        a.insert("repo", "new");
        let b: Context = [("repo", "new")].into_iter().collect();
        assert_eq!(a, b);
        assert_eq!(format!("{a:?}"), r#"{"repo": "new"}"#);
    }

    #[test]
    fn last_write_wins() {
        let mut context = Context::new();
        context.insert("repo", "a");
        context.insert("repo", "b");
        assert_eq!(context.len(), 1);
        assert_eq!(context.get("repo"), Some("b"));
    }
}
