//! Finding a `grpc-status-details-bin` value in what a person pastes: the
//! bare value, a header line, or a whole log line of the layers, coloured
//! or not.

use std::borrow::Cow;

/// The names the value goes by: the layers' log field (logged at DEBUG)
/// and the HTTP/2 header.
const KEYS: [&str; 2] = ["grpc.status_details_bin", "grpc-status-details-bin"];

/// Where the value was found.
#[derive(Debug, PartialEq, Eq)]
pub enum Found<'a> {
    /// After one of the [`KEYS`]: `key=value`, `key: value`,
    /// `"key":"value"`. The value may be empty.
    AfterKey {
        /// The key it followed.
        key: &'static str,
        /// The base64 value.
        value: Cow<'a, str>,
    },
    /// No key: the whole input, trimmed, which may be the bare value.
    Whole(Cow<'a, str>),
}

/// The base64 value in `input`. Terminal colours are removed first:
/// tracing-subscriber's default output wraps each field name and `=` in
/// ANSI escapes, which would otherwise stand between the key and its value.
pub fn details_value(input: &str) -> Found<'_> {
    let text = if input.contains('\u{1b}') {
        Cow::Owned(strip_ansi_escapes::strip_str(input))
    } else {
        Cow::Borrowed(input)
    };
    for key in KEYS {
        if let Some(at) = find_ignore_ascii_case(&text, key) {
            let value = match &text {
                Cow::Borrowed(text) => Cow::Borrowed(value_after(&text[at + key.len()..])),
                Cow::Owned(text) => Cow::Owned(value_after(&text[at + key.len()..]).to_string()),
            };
            return Found::AfterKey { key, value };
        }
    }
    Found::Whole(match text {
        Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
        Cow::Owned(text) => Cow::Owned(text.trim().to_string()),
    })
}

/// The base64 that starts `rest`, after the separators a key is written
/// with, and its padding.
fn value_after(rest: &str) -> &str {
    // `"key":"value"` closes the key's quotes first.
    let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
    let rest = match rest.strip_prefix(':') {
        // A header line: `key: value`; JSON: `"key":"value"`.
        Some(after) => after.trim_start_matches([' ', '\t']),
        // A log field: `key=value` or `key="value"`, nothing between.
        None => match rest.strip_prefix('=') {
            Some(after) => after,
            None => return "",
        },
    };
    let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
    if rest.starts_with(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/')) {
        // Not base64: the token as it is, for the error to say so.
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(rest.len());
        return &rest[..end];
    }
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/'))
        .unwrap_or(rest.len());
    let padded = rest[end..].len() - rest[end..].trim_start_matches('=').len();
    &rest[..end + padded]
}

fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(input: &str) -> String {
        match details_value(input) {
            Found::AfterKey { value, .. } | Found::Whole(value) => value.into_owned(),
        }
    }

    #[test]
    fn a_bare_value_is_itself() {
        assert_eq!(
            details_value("  CAUSBGdvbmU=\n"),
            Found::Whole("CAUSBGdvbmU=".into())
        );
    }

    #[test]
    fn a_header_line_gives_its_value() {
        assert_eq!(
            details_value("grpc-status-details-bin: CAUSBGdvbmU\r\n"),
            Found::AfterKey {
                key: "grpc-status-details-bin",
                value: "CAUSBGdvbmU".into()
            }
        );
    }

    #[test]
    fn a_log_line_gives_the_field_value() {
        let line = r#"2026-11-27T03:12:09Z  INFO csghub_errorx::client: rpc failed rpc.method=/a.B/C grpc.status_details_bin="CAUSBGdvbmU" latency_ms=0.4"#;
        assert_eq!(value(line), "CAUSBGdvbmU");
        let unquoted = "rpc failed grpc.status_details_bin=CAUSBGdvbmU= latency_ms=1";
        assert_eq!(value(unquoted), "CAUSBGdvbmU=");
        let json = r#"{"fields":{"grpc.status_details_bin":"CAUSBGdvbmU","x":1}}"#;
        assert_eq!(value(json), "CAUSBGdvbmU");
    }

    #[test]
    fn a_coloured_log_line_gives_the_field_value() {
        // tracing-subscriber's default format, with ANSI colours on.
        let line = "\u{1b}[2m2026-11-27T03:12:09Z\u{1b}[0m \u{1b}[31mERROR\u{1b}[0m \u{1b}[2mcsghub_errorx::client\u{1b}[0m\u{1b}[2m:\u{1b}[0m rpc failed \u{1b}[3mgrpc.status_details_bin\u{1b}[0m\u{1b}[2m=\u{1b}[0m\"CAUSBGdvbmU\" \u{1b}[3mlatency_ms\u{1b}[0m\u{1b}[2m=\u{1b}[0m0.4";
        assert_eq!(value(line), "CAUSBGdvbmU");
    }

    #[test]
    fn a_key_without_a_value_is_found_empty() {
        assert_eq!(
            details_value("grpc.status_details_bin= latency_ms=1"),
            Found::AfterKey {
                key: "grpc.status_details_bin",
                value: "".into()
            }
        );
    }
}
