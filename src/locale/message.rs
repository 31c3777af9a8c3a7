//! [`Message`]: one code's message in one locale, and its rendering.

use std::borrow::Cow;

use crate::truncate::truncate;

/// The longest context value a message shows; longer ones are cut with the
/// truncation marker, so a message stays a message.
const MAX_VALUE_LEN: usize = 256;

/// A piece of a message template, as the build generated it.
#[doc(hidden)]
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// Text shown as it is.
    Text(&'static str),
    /// The value of this context key.
    Key(&'static str),
}

/// One code's message in one locale: data of a catalog, generated.
#[doc(hidden)]
#[derive(Debug, PartialEq, Eq)]
pub struct Message {
    /// Always correct: no placeholders.
    pub text: &'static str,
    /// With context values; used when every key it names has a value.
    pub detailed: Option<&'static [Piece]>,
    /// `detailed` as written: `{key}` placeholders, `{{` and `}}` braces.
    pub template: Option<&'static str>,
}

impl Message {
    /// The message for an error whose context values `value` looks up: the
    /// detailed one when every key it names has a value (each cut at 256
    /// bytes), else the plain one. Borrows, and allocates nothing, unless a
    /// value is filled in. A catalog is data: the error's context is only
    /// read through `value`.
    pub(crate) fn render<'c>(&self, value: impl Fn(&str) -> Option<&'c str>) -> Cow<'static, str> {
        let Some(pieces) = self.detailed else {
            return Cow::Borrowed(self.text);
        };
        let all_present = pieces.iter().all(|piece| match piece {
            Piece::Key(key) => value(key).is_some(),
            Piece::Text(_) => true,
        });
        if !all_present {
            return Cow::Borrowed(self.text);
        }
        // Sized once: the filled-in message is the one allocation.
        let len = pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.len(),
                Piece::Key(key) => {
                    crate::truncate::truncated_len(value(key).unwrap_or_default(), MAX_VALUE_LEN)
                }
            })
            .sum();
        let mut out = String::with_capacity(len);
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Key(key) => {
                    out.push_str(&truncate(value(key).unwrap_or_default(), MAX_VALUE_LEN));
                }
            }
        }
        Cow::Owned(out)
    }
}
