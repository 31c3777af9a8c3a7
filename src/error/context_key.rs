//! How a context key becomes a valid AIP-193 metadata key.

use std::borrow::Cow;
use std::fmt::Write as _;

/// The longest metadata key AIP-193 allows.
pub(crate) const MAX_KEY_LEN: usize = 64;

/// What starts every escaped key. Keys kept as they are never contain `__`.
const ESCAPED_PREFIX: &str = "x__";

/// The metadata keys this library writes or reads itself, which no context
/// entry may take: `code`, the code string (`GIT-ERR-8`) that every
/// `google.rpc.ErrorInfo` of a catalog error carries, and `module`, its
/// prefix, which older servers and other stacks' peers send beside it.
/// A context key equal to one of them is escaped like any other key that
/// is not kept ([`Context::metadata_key`](crate::Context::metadata_key));
/// on decoding, they are read as the code and never appear in a
/// [`Context`](crate::Context).
pub(crate) const RESERVED_KEYS: [&str; 2] = ["code", "module"];

/// The metadata key a context key is sent under: see
/// [`Context::metadata_key`](crate::Context::metadata_key), which documents the rules.
pub(crate) fn context_key(key: &str) -> Cow<'_, str> {
    if is_kept(key) {
        return Cow::Borrowed(key);
    }
    let mut out = String::with_capacity(ESCAPED_PREFIX.len() + key.len());
    out.push_str(ESCAPED_PREFIX);
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "_{byte:02x}");
        }
    }
    if out.len() > MAX_KEY_LEN {
        // Cut before an escape's `_hh` would be split.
        let mut end = MAX_KEY_LEN - 10;
        while out.as_bytes()[end - 1] == b'_' || out.as_bytes()[end - 2] == b'_' {
            end -= 1;
        }
        out.truncate(end);
        let _ = write!(out, "__{:08x}", fnv1a(key.as_bytes()));
    }
    Cow::Owned(out)
}

/// Whether `key` is sent as it is: a valid AIP-193 key without `__`, and
/// not reserved.
pub(crate) fn is_kept(key: &str) -> bool {
    let bytes = key.as_bytes();
    if RESERVED_KEYS.contains(&key) {
        return false;
    }
    if !(2..=MAX_KEY_LEN).contains(&bytes.len()) || !bytes[0].is_ascii_lowercase() {
        return false;
    }
    // One pass: the allowed bytes, and no `_` right after another.
    let mut previous = bytes[0];
    bytes[1..].iter().all(|&b| {
        let ok = b.is_ascii_alphanumeric() || b == b'-' || (b == b'_' && previous != b'_');
        previous = b;
        ok
    })
}

/// 32-bit FNV-1a: stable across versions and platforms, which the escaped
/// keys on the wire need (`std`'s hashers promise neither).
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash: u32, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn is_aip193_key(key: &str) -> bool {
        let b = key.as_bytes();
        (2..=64).contains(&b.len())
            && b[0].is_ascii_lowercase()
            && b[1..]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
    }

    #[test]
    fn valid_keys_are_kept_borrowed() {
        for key in [
            "repo",
            "repoPath",
            "repo_path",
            "x-request-id",
            "ctxCode",
            "codes",
        ] {
            assert!(
                matches!(context_key(key), Cow::Borrowed(k) if k == key),
                "{key}"
            );
        }
    }

    #[test]
    fn every_key_becomes_a_valid_metadata_key() {
        let long = "x".repeat(100);
        let long_chinese = "名".repeat(40);
        for key in [
            "",
            "_",
            "-x-",
            "9",
            "ÄÖÜ",
            "a b c",
            "__init__",
            "a__b",
            &long,
            &long_chinese,
            "a",
            "URL",
            "名字",
        ] {
            let escaped = context_key(key);
            assert!(is_aip193_key(&escaped), "{key:?} -> {escaped:?}");
        }
    }

    #[test]
    fn different_keys_never_become_one() {
        let long_a = format!("{}a", "k".repeat(100));
        let long_b = format!("{}b", "k".repeat(100));
        let keys = [
            "名字",
            "年龄",
            "code",
            "module",
            "ctxCode",
            "x__code",
            "x__module",
            "Code",
            "a_b",
            "a b",
            "a__b",
            "x___5fb",
            "2fa",
            "x__2fa",
            "",
            "_",
            "-",
            &long_a,
            &long_b,
            "repo_path",
            "repoPath",
        ];
        let mut seen = HashMap::new();
        for key in keys {
            if let Some(other) = seen.insert(context_key(key).into_owned(), key) {
                panic!("{key:?} and {other:?} both became {:?}", context_key(key));
            }
        }
    }

    #[test]
    fn reserved_keys_are_escaped_apart_from_each_other_and_their_escapes() {
        assert_eq!(context_key("code"), "x__code");
        assert_eq!(context_key("module"), "x__module");
        assert_ne!(context_key("x__code"), context_key("code"));
    }

    #[test]
    fn long_keys_are_cut_to_64_with_a_hash() {
        let key = context_key(&"k".repeat(200)).into_owned();
        assert_eq!(key.len(), 64);
        assert!(key.starts_with("x__kkk"));
        let escaped = context_key(&"名".repeat(40)).into_owned();
        assert!(escaped.len() <= 64, "{escaped}");
    }
}
