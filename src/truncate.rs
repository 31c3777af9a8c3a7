//! Cutting text at UTF-8 boundaries, with a visible marker.

use std::borrow::Cow;

/// Appended to every value the encoder shortened, so a reader of the log or
/// the client can see that text is missing.
pub const TRUNCATION_MARKER: &str = "...(truncated)";

/// The largest index `<= index` that is a char boundary of `text`.
pub(crate) fn floor_char_boundary(text: &str, index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    // A UTF-8 char is at most 4 bytes, so a boundary is at most 3 steps back.
    (index.saturating_sub(3)..=index)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

/// The length of `text` after [`truncate`] with the same `max_len`.
pub(crate) fn truncated_len(text: &str, max_len: usize) -> usize {
    if text.len() <= max_len {
        text.len()
    } else {
        floor_char_boundary(text, max_len.saturating_sub(TRUNCATION_MARKER.len()))
            + TRUNCATION_MARKER.len()
    }
}

/// `text` itself when it fits in `max_len` bytes; otherwise its longest
/// prefix that fits together with [`TRUNCATION_MARKER`], then the marker.
pub(crate) fn truncate(text: &str, max_len: usize) -> Cow<'_, str> {
    if text.len() <= max_len {
        return Cow::Borrowed(text);
    }
    let end = floor_char_boundary(text, max_len.saturating_sub(TRUNCATION_MARKER.len()));
    let mut out = String::with_capacity(end + TRUNCATION_MARKER.len());
    out.push_str(&text[..end]);
    out.push_str(TRUNCATION_MARKER);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_borrowed_unchanged() {
        assert!(matches!(truncate("abc", 3), Cow::Borrowed("abc")));
    }

    #[test]
    fn long_text_is_cut_at_a_char_boundary_and_marked() {
        let text = "é".repeat(100); // 2 bytes each
        let cut = truncate(&text, 31);
        assert!(cut.ends_with(TRUNCATION_MARKER));
        assert!(cut.len() <= 31);
        assert_eq!(cut.len(), truncated_len(&text, 31));
    }

    #[test]
    fn floor_char_boundary_never_splits_a_char() {
        let text = "a😀b";
        for i in 0..=text.len() + 2 {
            assert!(text.is_char_boundary(floor_char_boundary(text, i)));
        }
    }
}
