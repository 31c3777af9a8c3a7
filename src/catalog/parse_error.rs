//! The error of parsing a [`ErrorCode`](super::ErrorCode) from text.

/// The text names no code of this build's catalog: it is neither a code
/// string (`GIT-ERR-8`), a name (`gitAuthFailed`) nor a reason
/// (`GIT_AUTH_FAILED`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a code string, name or reason of the catalog")]
pub struct ParseCodeError {
    input: String,
}

impl ParseCodeError {
    pub(crate) fn new(input: &str) -> Self {
        // Bound what a peer can make us keep.
        let end = crate::truncate::floor_char_boundary(input, 64);
        ParseCodeError {
            input: input[..end].to_string(),
        }
    }

    /// The text that failed to parse, cut at 64 bytes.
    pub fn input(&self) -> &str {
        &self.input
    }
}
