//! [`Locale`]: a locale messages are written in, such as `zh-HK`.

use std::fmt;
use std::num::NonZeroU8;

/// The longest tag: a language of 3 letters, a script of 4 and a region of
/// 3 digits, with their dashes (`yue-Hant-344`).
const MAX_LEN: usize = 12;

/// A locale, by its BCP 47 tag: a language, optionally a script, and
/// optionally a region (`en-US`, `zh-Hant-TW`), so at most 12 bytes. A small
/// `Copy` value, the same for every catalog: each catalog says which
/// locales it has messages in ([`Catalog::locales`](crate::Catalog::locales)),
/// and a lookup in one it lacks answers in its fallback.
///
/// The constants name the locales CSGHub's catalog has: [`Locale::EN_US`],
/// [`Locale::ZH_CN`] (Simplified Chinese, mainland usage) and
/// [`Locale::ZH_HK`] (Traditional Chinese, Hong Kong usage).
///
/// ```
/// use csghub_errorx::Locale;
///
/// assert_eq!(Locale::ZH_CN.as_str(), "zh-CN");
/// assert_eq!(Locale::from_tag("zh-hk"), Some(Locale::ZH_HK));
/// assert_eq!(Locale::from_tag("ja-JP").map(|l| l.to_string()).as_deref(), Some("ja-JP"));
/// assert_eq!(Locale::from_tag("not a tag"), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Locale {
    // The tag's bytes, then zeros: a fixed array keeps `Locale` `Copy`,
    // comparable in `match` patterns, and free of allocation. A tag is
    // never empty: the non-zero length keeps `Option<Locale>` (an `Error`'s
    // reader locale) as small as a `Locale`.
    bytes: [u8; MAX_LEN],
    len: NonZeroU8,
}

impl Locale {
    /// `en-US`: English, as CSGHub's catalog writes it; its fallback.
    pub const EN_US: Locale = Locale::from_static("en-US");
    /// `zh-CN`: Simplified Chinese, mainland usage.
    pub const ZH_CN: Locale = Locale::from_static("zh-CN");
    /// `zh-HK`: Traditional Chinese, Hong Kong usage.
    pub const ZH_HK: Locale = Locale::from_static("zh-HK");

    /// The locale of a tag written in the source: fails the build unless it
    /// is one ([`Locale::from_tag`]'s rules, with its case as canonical).
    pub const fn from_static(tag: &'static str) -> Locale {
        match Locale::parse(tag) {
            Some(locale) => locale,
            None => panic!("not a locale tag such as en-US or zh-Hant-TW"),
        }
    }

    /// The locale of `tag`: a language (2 or 3 letters), optionally a
    /// script (4 letters) and a region (2 letters or 3 digits), written in
    /// any case and kept in the canonical one (`zh-hant-tw` → `zh-Hant-TW`).
    /// `None` for anything else.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::parse(tag)
    }

    const fn parse(tag: &str) -> Option<Locale> {
        let input = tag.as_bytes();
        if input.is_empty() || input.len() > MAX_LEN {
            return None;
        }
        let mut bytes = [0u8; MAX_LEN];
        // Position within the subtag, and which subtag (0 language, 1 the
        // next, ...).
        let (mut i, mut start, mut subtag, mut region_seen) = (0, 0, 0, false);
        while i <= input.len() {
            if i == input.len() || input[i] == b'-' {
                let len = i - start;
                let script = len == 4 && subtag == 1 && all(input, start, i, Kind::Alpha);
                let region = !region_seen
                    && ((len == 2 && all(input, start, i, Kind::Alpha))
                        || (len == 3 && all(input, start, i, Kind::Digit)));
                let ok = match subtag {
                    0 => (len == 2 || len == 3) && all(input, start, i, Kind::Alpha),
                    _ => script || region,
                };
                if !ok || subtag > 2 {
                    return None;
                }
                region_seen |= subtag > 0 && !script;
                // Canonical case: language lower, script title, region upper.
                let mut j = start;
                while j < i {
                    let b = input[j];
                    bytes[j] = match (subtag, len) {
                        (0, _) => b.to_ascii_lowercase(),
                        (_, 4) if j == start => b.to_ascii_uppercase(),
                        (_, 4) => b.to_ascii_lowercase(),
                        _ => b.to_ascii_uppercase(),
                    };
                    j += 1;
                }
                if i < input.len() {
                    bytes[i] = b'-';
                }
                subtag += 1;
                start = i + 1;
            }
            i += 1;
        }
        match NonZeroU8::new(input.len() as u8) {
            Some(len) => Some(Locale { bytes, len }),
            None => None,
        }
    }

    /// The tag, such as `zh-HK`.
    pub fn as_str(&self) -> &str {
        // Made only from ASCII letters, digits and '-'.
        std::str::from_utf8(&self.bytes[..usize::from(self.len.get())]).unwrap_or_default()
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Alpha,
    Digit,
}

const fn all(bytes: &[u8], start: usize, end: usize, kind: Kind) -> bool {
    let mut i = start;
    while i < end {
        let ok = match kind {
            Kind::Alpha => bytes[i].is_ascii_alphabetic(),
            Kind::Digit => bytes[i].is_ascii_digit(),
        };
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

impl Default for Locale {
    /// [`Locale::EN_US`], CSGHub's fallback. A catalog's own fallback is
    /// the first of [`Catalog::locales`](crate::Catalog::locales).
    fn default() -> Locale {
        Locale::EN_US
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Locale({})", self.as_str())
    }
}

/// The text is not the tag of a locale CSGHub's catalog has messages in,
/// such as `en-US` or `zh-CN` (see [`Locale`]'s `FromStr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a locale of the catalog, such as en-US, zh-CN or zh-HK")]
pub struct UnknownLocale;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_kept_in_their_canonical_case() {
        for (tag, canonical) in [
            ("en-us", "en-US"),
            ("ZH-hant-tw", "zh-Hant-TW"),
            ("yue-hant-344", "yue-Hant-344"),
            ("es-419", "es-419"),
            ("fil", "fil"),
        ] {
            assert_eq!(
                Locale::from_tag(tag).map(|l| l.to_string()).as_deref(),
                Some(canonical)
            );
        }
    }

    #[test]
    fn what_is_no_tag_is_refused() {
        for tag in [
            "",
            "e",
            "english",
            "en-",
            "-US",
            "en-US-x",
            "en_US",
            "zh-Hant-TW-extra",
            "en-U5",
            "en-US-GB",
            "zh-TW-Hant",
        ] {
            assert_eq!(Locale::from_tag(tag), None, "{tag}");
        }
    }
}
