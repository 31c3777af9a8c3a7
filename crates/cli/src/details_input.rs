//! Finding a `grpc-status-details-bin` value in what a person pastes: the
//! bare value, a header line, or a whole log line of the layers.

/// The names the value goes by: the layers' log field (logged at DEBUG)
/// and the HTTP/2 header.
const KEYS: [&str; 2] = ["grpc.status_details_bin", "grpc-status-details-bin"];

/// The base64 value in `input`: the one after a known key (`key=value`,
/// `key: value`, `"key":"value"`), else the whole trimmed input.
pub fn details_value(input: &str) -> &str {
    for key in KEYS {
        if let Some(at) = find_ignore_ascii_case(input, key) {
            let rest = input[at + key.len()..].trim_start_matches(['=', ':', '"', '\'', ' ', '\t']);
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/'))
                .unwrap_or(rest.len());
            let padded = rest[end..].len() - rest[end..].trim_start_matches('=').len();
            return &rest[..end + padded];
        }
    }
    input.trim()
}

fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::details_value;

    #[test]
    fn a_bare_value_is_itself() {
        assert_eq!(details_value("  CAUSBWdvbmU=\n"), "CAUSBWdvbmU=");
    }

    #[test]
    fn a_header_line_gives_its_value() {
        assert_eq!(
            details_value("grpc-status-details-bin: CAUSBWdvbmU\r\n"),
            "CAUSBWdvbmU"
        );
    }

    #[test]
    fn a_log_line_gives_the_field_value() {
        let line = r#"2026-11-27T03:12:09Z  INFO csghub_errorx::client: rpc failed rpc.method=/a.B/C grpc.status_details_bin="CAUSBWdvbmU" latency_ms=0.4"#;
        assert_eq!(details_value(line), "CAUSBWdvbmU");
        let unquoted = "rpc failed grpc.status_details_bin=CAUSBWdvbmU== latency_ms=1";
        assert_eq!(details_value(unquoted), "CAUSBWdvbmU==");
        let json = r#"{"fields":{"grpc.status_details_bin":"CAUSBWdvbmU","x":1}}"#;
        assert_eq!(details_value(json), "CAUSBWdvbmU");
    }
}
