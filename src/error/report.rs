//! [`Report`]: a multi-line, human-readable view of an [`Error`].

use std::fmt;

use crate::details::DetailKind;
use crate::text::Escaped;
use crate::Error;

/// Every fact of an error, one per line, for a terminal or a log reader:
/// code, name, reason, gRPC code, message, context, details, decode
/// problems and the chain of sources. Made by [`Error::report`].
///
/// Text a peer sent is escaped (a newline shows as `\n`, an escape byte as
/// `\u{1b}`) and cut at 512 bytes, and at most 64 context entries, kept-raw
/// details and decode problems are listed (then how many more there are),
/// so a hostile peer cannot forge lines or flood the screen.
///
/// ```
/// use csghub_errorx::{Error, ErrorCode};
///
/// let text = Error::new(ErrorCode::GIT_AUTH_FAILED).with_context("remote", "origin").report().to_string();
/// assert!(text.contains("code:        GIT-ERR-8"));
/// assert!(text.contains("remote = origin"));
/// ```
#[derive(Clone, Copy)]
pub struct Report<'a>(&'a Error);

/// The most entries of each list (context, raw details, problems) shown.
const MAX_LISTED: usize = 64;

/// Writes how many entries of a list of `len` were left out, if any.
fn write_more(f: &mut fmt::Formatter<'_>, len: usize, what: &str) -> fmt::Result {
    match len.checked_sub(MAX_LISTED) {
        Some(more) if more > 0 => writeln!(f, "  (+{more} more {what})"),
        _ => Ok(()),
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = self.0;
        match (error.code(), error.code_str()) {
            (Some(code), _) => {
                writeln!(f, "code:        {}", code.as_str())?;
                writeln!(f, "name:        {}", code.name())?;
            }
            (None, Some(code_str)) => {
                writeln!(f, "code:        {}", Escaped(&code_str))?;
                writeln!(f, "name:        (not in this catalog)")?;
            }
            (None, None) => writeln!(f, "code:        (none: not a catalog error)")?,
        }
        writeln!(f, "reason:      {}", Escaped(error.reason()))?;
        if let Some(domain) = error.domain() {
            writeln!(f, "domain:      {}", Escaped(domain))?;
        }
        writeln!(
            f,
            "grpc code:   {} ({})",
            crate::grpc_code::name(error.grpc_code()),
            error.grpc_code() as i32
        )?;
        writeln!(f, "http status: {}", error.http_status().as_u16())?;
        writeln!(f, "message:     {}", Escaped(error.message()))?;
        if !error.context().is_empty() {
            writeln!(f, "context:")?;
            for (key, value) in error.context().iter().take(MAX_LISTED) {
                write!(f, "  {} = {}", Escaped(key), Escaped(value))?;
                if value.len() > crate::text::MAX_SHOWN_LEN {
                    write!(f, " ({} bytes)", value.len())?;
                }
                writeln!(f)?;
            }
            write_more(f, error.context().len(), "entries")?;
        }
        if let Some(localized) = error.localized_message() {
            writeln!(
                f,
                "localized:   [{}] {}",
                Escaped(localized.locale()),
                Escaped(localized.message())
            )?;
        }
        if let Some(details) = error.details() {
            for &kind in DetailKind::WIRE_ORDER {
                if kind == DetailKind::LocalizedMessage {
                    continue;
                }
                if let Some(detail) = details.debug(kind) {
                    let shown = format!("{detail:?}");
                    writeln!(f, "detail:      {} {}", kind.label(), Escaped(&shown))?;
                }
            }
        }
        for raw in error.raw_details().iter().take(MAX_LISTED) {
            writeln!(
                f,
                "detail:      {} ({} bytes, kept raw)",
                Escaped(raw.type_url()),
                raw.value().len()
            )?;
        }
        write_more(f, error.raw_details().len(), "details kept raw")?;
        for problem in error.decode_problems().iter().take(MAX_LISTED) {
            writeln!(f, "problem:     {}", Escaped(&problem.to_string()))?;
        }
        write_more(
            f,
            error.decode_problems().len() + error.decode_problems_omitted(),
            "problems",
        )?;
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            writeln!(f, "caused by:   {}", Escaped(&cause.to_string()))?;
            source = cause.source();
        }
        Ok(())
    }
}

impl Error {
    /// A multi-line, human-readable view of every fact of this error.
    pub fn report(&self) -> Report<'_> {
        Report(self)
    }
}
