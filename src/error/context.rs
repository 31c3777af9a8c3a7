//! [`Context`]: the key/values that describe one occurrence of an error.

use std::fmt::{self, Write as _};

use super::context_key::context_key;

/// The context of one error: key/value pairs such as `repo` = `ns/name`,
/// sent to the peer as the `google.rpc.ErrorInfo` metadata.
///
/// # Rules
/// - **Order.** Entries are kept sorted by key, so logs and the wire are
///   deterministic whatever the insertion order.
/// - **A key set twice.** The last value wins, as with a map.
/// - **Keys.** A key that is a valid AIP-193 metadata key is kept as it is;
///   any other is escaped, so that no two keys become one, and so are the
///   reserved keys `code` and `module`, under which the metadata carries the
///   code string (see [`Context::metadata_key`]). Use lowerCamel
///   keys (`repoPath`), as AIP-193 recommends. Keys decoded from a peer are
///   kept exactly as received, but for the reserved ones of a catalog error,
///   which are its code, not its context.
/// - **Values** are any [`Display`](fmt::Display) value: `&str`, numbers,
///   paths through `.display()`.
///
/// Building a context of `n` entries costs `O(n log n)` in any key order.
///
/// ```
/// use csghub_errorx::Context;
///
/// let mut context = Context::new();
/// context.insert("repo", "a/b");
/// context.insert("attempt", 3);
/// context.insert("repo", "c/d");
/// let entries: Vec<_> = context.iter().collect();
/// assert_eq!(entries, [("attempt", "3"), ("repo", "c/d")]);
/// ```
#[derive(Clone, Default)]
pub struct Context {
    // Keys and values live back to back in one string, and the entries,
    // sorted by key, point into it: two allocations for any number of
    // entries. A replaced value's old bytes stay until the context drops.
    text: String,
    entries: Vec<Entry>,
}

/// The room a context makes on its first entry, in bytes and entries.
const FIRST_TEXT_CAPACITY: usize = 96;
const FIRST_ENTRIES_CAPACITY: usize = 4;

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
    /// The longest metadata key AIP-193 allows; longer keys are escaped to
    /// this length ([`Context::metadata_key`]).
    pub const MAX_KEY_LEN: usize = super::context_key::MAX_KEY_LEN;

    /// The metadata key a context key is sent under.
    ///
    /// AIP-193 asks for keys that match `[a-z][a-zA-Z0-9-_]+`, at most 64
    /// characters, ideally lowerCamel (`repoPath`). Such a key is kept exactly
    /// as it is (borrowed, no allocation), unless it contains `__`, which marks
    /// escaped keys, or it is one of the **reserved keys**, `code` and
    /// `module`: the `google.rpc.ErrorInfo` metadata of a catalog error carries
    /// its code string under `code` (`"code": "GIT-ERR-8"`), readable by any
    /// peer with only the standard types, and peers of other stacks send the
    /// code's module (`GIT`) under `module`. Any other key is **escaped**, so
    /// that no two different keys ever become one:
    ///
    /// - the result starts with `x__`;
    /// - ASCII letters, digits and `-` are kept; every other byte (`_`, spaces,
    ///   the UTF-8 bytes of `名字`) becomes `_` and two lowercase hex digits;
    /// - a result longer than 64 characters keeps its first 54 and ends with
    ///   `__` and 8 hex digits of a hash (FNV-1a, 32 bits) of the whole key.
    ///
    /// Keys decoded from a peer are not escaped: they are kept exactly as
    /// received.
    ///
    /// ```
    /// use csghub_errorx::Context;
    ///
    /// assert_eq!(Context::metadata_key("repo"), "repo");
    /// assert_eq!(Context::metadata_key("repo_path"), "repo_path"); // valid, kept
    /// assert_eq!(Context::metadata_key("code"), "x__code"); // reserved: the code string
    /// assert_eq!(Context::metadata_key("module"), "x__module");
    /// assert_eq!(Context::metadata_key("2fa"), "x__2fa");
    /// assert_eq!(Context::metadata_key("Repo"), "x__Repo");
    /// assert_eq!(Context::metadata_key("名字"), "x___e5_90_8d_e5_ad_97");
    /// assert_ne!(Context::metadata_key("名字"), Context::metadata_key("年龄"));
    /// ```
    pub fn metadata_key(key: &str) -> std::borrow::Cow<'_, str> {
        context_key(key)
    }

    /// An empty context. Does not allocate.
    pub const fn new() -> Context {
        Context {
            text: String::new(),
            entries: Vec::new(),
        }
    }

    /// An empty context with room for `entries` entries of `text` bytes
    /// in all.
    pub(crate) fn with_capacity(text: usize, entries: usize) -> Context {
        Context {
            text: String::with_capacity(text),
            entries: Vec::with_capacity(entries),
        }
    }

    fn text(&self, span: Span) -> &str {
        // Spans are made by `push` and `push_display`, at the boundaries of
        // whole strings.
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

    fn push_display(&mut self, value: &dyn fmt::Display) -> Span {
        let start = self.text.len();
        // Writing into a `String` fails only if `Display` itself fails;
        // whatever it wrote before failing is kept.
        let _ = write!(self.text, "{value}");
        Span {
            start,
            end: self.text.len(),
        }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|entry| self.text(entry.key).cmp(key))
    }

    /// Sets `key` (escaped if it is not a valid metadata key, see the type
    /// docs) to `value`, replacing an earlier value of the same key.
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl fmt::Display) {
        let key = context_key(key.as_ref());
        self.insert_exact(&key, &value);
    }

    /// Sets `key` exactly as given: for keys received from a peer.
    pub(crate) fn insert_exact(&mut self, key: &str, value: &dyn fmt::Display) {
        if self.entries.capacity() == 0 {
            // Most errors carry a few short entries: room for them at once
            // costs two allocations instead of a growth per entry.
            self.text.reserve(FIRST_TEXT_CAPACITY.max(key.len() + 16));
            self.entries.reserve(FIRST_ENTRIES_CAPACITY);
        }
        match self.find(key) {
            Ok(i) => self.entries[i].value = self.push_display(value),
            Err(i) => {
                let entry = Entry {
                    key: self.push(key),
                    value: self.push_display(value),
                };
                self.entries.insert(i, entry);
            }
        }
    }

    /// Appends an entry without keeping the order; [`Context::sort`] must
    /// follow before the context is read. For bulk building.
    pub(crate) fn push_unsorted(&mut self, key: &str, value: &str) {
        let entry = Entry {
            key: self.push(key),
            value: self.push(value),
        };
        self.entries.push(entry);
    }

    /// Restores the order after [`Context::push_unsorted`]: sorts by key and,
    /// of entries with the same key, keeps the last pushed. `O(n log n)`.
    pub(crate) fn sort(&mut self) {
        let text = &self.text;
        // What this library sends is sorted already: check before sorting.
        let key = |entry: &Entry| &text[entry.key.start..entry.key.end];
        if self
            .entries
            .windows(2)
            .all(|pair| key(&pair[0]) < key(&pair[1]))
        {
            return;
        }
        // Stable, so equal keys stay in the order they were pushed.
        self.entries
            .sort_by(|a, b| text[a.key.start..a.key.end].cmp(&text[b.key.start..b.key.end]));
        let mut kept = 0;
        for i in 0..self.entries.len() {
            let is_last_of_key = self.entries.get(i + 1).is_none_or(|next| {
                text[next.key.start..next.key.end]
                    != text[self.entries[i].key.start..self.entries[i].key.end]
            });
            if is_last_of_key {
                self.entries[kept] = self.entries[i];
                kept += 1;
            }
        }
        self.entries.truncate(kept);
    }

    /// Removes the entry of exactly `key`, returning its value. Its bytes
    /// stay in the text until the context drops, as a replaced value's do.
    #[cfg(feature = "json")]
    pub(crate) fn take(&mut self, key: &str) -> Option<String> {
        let i = self.find(key).ok()?;
        let entry = self.entries.remove(i);
        Some(self.text(entry.value).to_string())
    }

    /// The value of exactly `key`, not escaped.
    #[cfg(feature = "json")]
    pub(crate) fn get_exact(&self, key: &str) -> Option<&str> {
        self.find(key)
            .ok()
            .map(|i| self.text(self.entries[i].value))
    }

    /// The value of `key`: as given, else as [`Context::insert`] would
    /// have escaped it.
    pub fn get(&self, key: &str) -> Option<&str> {
        let found = self.find(key).or_else(|_| match context_key(key) {
            std::borrow::Cow::Owned(escaped) => self.find(&escaped),
            std::borrow::Cow::Borrowed(_) => Err(0),
        });
        found.ok().map(|i| self.text(self.entries[i].value))
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

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: AsRef<str>, V: fmt::Display> FromIterator<(K, V)> for Context {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Context {
        let mut context = Context::new();
        context.extend(iter);
        context
    }
}

impl<K: AsRef<str>, V: fmt::Display> Extend<(K, V)> for Context {
    /// Inserts every entry, as [`Context::insert`] does, sorting once at
    /// the end: `O(n log n)` in any key order.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (key, value) in iter {
            let key = context_key(key.as_ref());
            let entry = Entry {
                key: self.push(&key),
                value: self.push_display(&value),
            };
            self.entries.push(entry);
        }
        self.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn last_write_wins_one_by_one_and_in_bulk() {
        let mut context = Context::new();
        context.insert("repo", "a");
        context.insert("repo", "b");
        assert_eq!(context.len(), 1);
        assert_eq!(context.get("repo"), Some("b"));
        let bulk: Context = [("key", "1"), ("app", "x"), ("key", "2"), ("key", "3")]
            .into_iter()
            .collect();
        assert_eq!(
            bulk.iter().collect::<Vec<_>>(),
            [("app", "x"), ("key", "3")]
        );
    }

    #[test]
    fn keys_that_are_not_metadata_keys_stay_apart() {
        let mut context = Context::new();
        context.insert("名字", "alice");
        context.insert("年龄", 30);
        context.insert("code", "x");
        context.insert("ctxCode", "y");
        assert_eq!(context.len(), 4);
        assert_eq!(context.get("名字"), Some("alice"));
        assert_eq!(context.get("年龄"), Some("30"));
        assert_eq!(context.get("code"), Some("x"));
        assert_eq!(context.get("ctxCode"), Some("y"));
    }

    #[test]
    fn descending_keys_in_bulk_sort_once() {
        let keys: Vec<String> = (0..10_000).rev().map(|i| format!("k{i:05}")).collect();
        let context: Context = keys.iter().map(|k| (k.as_str(), "v")).collect();
        assert_eq!(context.len(), 10_000);
        assert_eq!(context.iter().next(), Some(("k00000", "v")));
    }
}
