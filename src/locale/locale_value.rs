//! [`Locale`]: one of the locales the catalog has messages in.

use std::fmt;

use super::message::{Message, Piece};

/// A locale the catalog has messages in: [`Locale::EN_US`],
/// [`Locale::ZH_CN`] (Simplified Chinese, mainland usage) and
/// [`Locale::ZH_HK`] (Traditional Chinese, Hong Kong usage). A small `Copy`
/// value; `en-US` is the fallback.
///
/// Adding a locale is adding a file `proto/csghub/errorx/v1/messages/<tag>.toml`
/// with a message for every code: the build generates its constant, and
/// [`Locale::negotiate`] considers it.
///
/// ```
/// use csghub_errorx::Locale;
///
/// assert_eq!(Locale::ZH_CN.as_str(), "zh-CN");
/// assert_eq!(Locale::from_tag("zh-hk"), Some(Locale::ZH_HK));
/// assert_eq!(Locale::default(), Locale::EN_US);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Locale(u8);

include!(concat!(env!("OUT_DIR"), "/message_table.rs"));

impl Locale {
    /// The locale every lookup falls back to: `en-US`.
    pub const FALLBACK: Locale = Locale(0);

    /// The BCP 47 tag, such as `zh-HK`.
    pub fn as_str(self) -> &'static str {
        LOCALE_TAGS[usize::from(self.0)]
    }

    /// The locale with exactly this tag, compared ignoring ASCII case.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::iter().find(|locale| locale.as_str().eq_ignore_ascii_case(tag))
    }

    /// Every locale, the fallback first.
    pub fn iter() -> impl ExactSizeIterator<Item = Locale> + Clone {
        (0..LOCALE_TAGS.len() as u8).map(Locale)
    }

    /// The message of the code at `index` of the catalog.
    pub(crate) fn message(self, index: usize) -> &'static Message {
        &MESSAGES[usize::from(self.0)][index]
    }
}

impl Default for Locale {
    /// [`Locale::FALLBACK`], `en-US`.
    fn default() -> Locale {
        Locale::FALLBACK
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

impl std::str::FromStr for Locale {
    type Err = UnknownLocale;

    /// Parses an exact tag such as `zh-CN` (any ASCII case). To choose from
    /// an `Accept-Language` header, use [`Locale::negotiate`].
    fn from_str(tag: &str) -> Result<Locale, UnknownLocale> {
        Locale::from_tag(tag).ok_or(UnknownLocale)
    }
}

/// The tag names no locale the catalog has messages in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no messages in that locale; the catalog has en-US, zh-CN and zh-HK")]
pub struct UnknownLocale;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_is_en_us() {
        assert_eq!(Locale::FALLBACK.as_str(), "en-US");
        assert_eq!(Locale::FALLBACK, Locale::EN_US);
    }

    #[test]
    fn every_locale_has_a_message_for_every_code() {
        for (locale, messages) in Locale::iter().zip(&MESSAGES) {
            for (i, message) in messages.iter().enumerate() {
                assert!(!message.text.is_empty(), "{locale} {i}");
            }
        }
    }
}
