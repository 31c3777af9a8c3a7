//! The parts of a log line that the gRPC layers and the HTTP layer write
//! alike, and their bounds: everything a peer controls is escaped and cut,
//! so no peer can forge or flood a line.

use std::fmt::Write as _;

use crate::Error;

/// The longest context value written into a log line.
pub(crate) const MAX_LOGGED_VALUE_LEN: usize = 128;
/// The longest context key written into a log line: a peer's keys are
/// kept as received, of any length.
pub(crate) const MAX_LOGGED_KEY_LEN: usize = crate::Context::MAX_KEY_LEN;
/// The longest message, detail or source chain written into a log line.
pub(crate) const MAX_LOGGED_TEXT_LEN: usize = 512;
/// How many context entries a log line shows unless a layer says otherwise.
pub(crate) const DEFAULT_LOGGED_CONTEXT_ENTRIES: usize = 8;

/// The `context` field: `key=value` pairs, the first `max_entries` of them
/// (each cut), then how many more there are.
pub(crate) fn context_field(error: &Error, max_entries: usize) -> Option<String> {
    if error.context().is_empty() || max_entries == 0 {
        return None;
    }
    let mut out = String::new();
    for (key, value) in error.context().iter().take(max_entries) {
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = write!(
            out,
            "{}={}",
            crate::truncate::truncate(key, MAX_LOGGED_KEY_LEN),
            crate::truncate::truncate(value, MAX_LOGGED_VALUE_LEN)
        );
    }
    let more = error.context().len().saturating_sub(max_entries);
    if more > 0 {
        let _ = write!(out, " (+{more} more)");
    }
    Some(out)
}

/// The `error.source` field: the cause and its causes, `: `-separated, cut.
/// A cause's text may quote what a peer sent.
pub(crate) fn source_field(error: &Error) -> Option<String> {
    let mut source = std::error::Error::source(error)?;
    let mut out = source.to_string();
    while let Some(next) = source.source() {
        let _ = write!(out, ": {next}");
        source = next;
    }
    if out.len() > MAX_LOGGED_TEXT_LEN {
        out = crate::truncate::truncate(&out, MAX_LOGGED_TEXT_LEN).into_owned();
    }
    Some(out)
}

/// The `module` field: the module of a catalog code, known or not.
pub(crate) fn module_field(error: &Error) -> Option<crate::Module> {
    error
        .code()
        .map(|c| c.module())
        .or_else(|| error.unknown_code().and_then(|c| c.module()))
}
