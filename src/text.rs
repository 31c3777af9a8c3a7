//! Writing text a peer controls into a log line or a terminal.

use std::fmt;

/// The most bytes of one peer-controlled string a log line or report shows;
/// the rest is replaced by [`TRUNCATION_MARKER`](crate::truncate::TRUNCATION_MARKER).
pub(crate) const MAX_SHOWN_LEN: usize = 512;

/// Text written with every character that could start a new log line,
/// move the cursor, or change a terminal's state escaped as Rust escapes
/// it (`\n`, `\u{1b}`): C0 and C1 controls, DEL, the Unicode line and
/// paragraph separators, and bidirectional overrides. Everything else,
/// quotes and non-ASCII text included, is written as it is. Cut at
/// [`MAX_SHOWN_LEN`] bytes of input.
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        let end = crate::truncate::floor_char_boundary(text, MAX_SHOWN_LEN);
        let shown = &text[..end];
        let mut clean_from = 0;
        for (i, c) in shown.char_indices() {
            if needs_escape(c) {
                f.write_str(&shown[clean_from..i])?;
                fmt::Display::fmt(&c.escape_default(), f)?;
                clean_from = i + c.len_utf8();
            }
        }
        f.write_str(&shown[clean_from..])?;
        if end < text.len() {
            f.write_str(crate::truncate::TRUNCATION_MARKER)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Whether `c` must not reach a log line or a terminal as it is.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_escapes_and_bidi_overrides_are_escaped() {
        let shown = Escaped("a\nFORGED-LINE\u{1b}[31m\u{202E}b\"é").to_string();
        assert_eq!(shown, "a\\nFORGED-LINE\\u{1b}[31m\\u{202e}b\"é");
        assert!(!shown.contains('\n'));
    }

    #[test]
    fn long_text_is_cut_at_a_char_boundary_and_marked() {
        let text = "é".repeat(1000);
        let shown = Escaped(&text).to_string();
        assert!(shown.len() <= MAX_SHOWN_LEN + crate::truncate::TRUNCATION_MARKER.len());
        assert!(shown.ends_with(crate::truncate::TRUNCATION_MARKER));
    }
}
