//! [`Report`]: a multi-line, human-readable view of an [`Error`].

use std::fmt;

use crate::Error;

/// Longer context values are shown cut, with their length.
const MAX_SHOWN_VALUE_LEN: usize = 120;

/// Every fact of an error, one per line, for a terminal or a log reader:
/// code, name, reason, gRPC code, message, context, details, decode
/// problems and the chain of sources. Made by [`Error::report`].
///
/// ```
/// use csghub_errorx::{Code, Error};
///
/// let text = Error::new(Code::GIT_AUTH_FAILED).with_context("remote", "origin").report().to_string();
/// assert!(text.contains("code:        GIT-ERR-8"));
/// assert!(text.contains("remote = origin"));
/// ```
pub struct Report<'a>(pub(crate) &'a Error);

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let error = self.0;
        match error.code() {
            Some(code) => {
                writeln!(f, "code:        {}", error.code_str())?;
                let name = if code.is_known() {
                    code.name()
                } else {
                    "(not in this catalog)"
                };
                writeln!(f, "name:        {name}")?;
            }
            None => writeln!(f, "code:        (none: not a catalog error)")?,
        }
        writeln!(f, "reason:      {}", error.reason())?;
        if let Some(domain) = error.domain() {
            writeln!(f, "domain:      {domain}")?;
        }
        writeln!(
            f,
            "grpc code:   {} ({})",
            crate::http_status::grpc_code_name(error.grpc_code()),
            error.grpc_code() as i32
        )?;
        writeln!(f, "http status: {}", error.http_status().as_u16())?;
        writeln!(f, "message:     {}", error.message())?;
        if !error.context().is_empty() {
            writeln!(f, "context:")?;
            for (key, value) in error.context().iter() {
                if value.len() > MAX_SHOWN_VALUE_LEN {
                    let shown =
                        &value[..crate::truncate::floor_char_boundary(value, MAX_SHOWN_VALUE_LEN)];
                    writeln!(f, "  {key} = {shown}... ({} bytes)", value.len())?;
                } else {
                    writeln!(f, "  {key} = {value}")?;
                }
            }
        }
        let details = error.details();
        let standard: [(&str, Option<&dyn fmt::Debug>); 9] = [
            ("RetryInfo", details.retry_info.as_ref().map(|d| d as _)),
            ("BadRequest", details.bad_request.as_ref().map(|d| d as _)),
            (
                "ResourceInfo",
                details.resource_info.as_ref().map(|d| d as _),
            ),
            (
                "PreconditionFailure",
                details.precondition_failure.as_ref().map(|d| d as _),
            ),
            (
                "QuotaFailure",
                details.quota_failure.as_ref().map(|d| d as _),
            ),
            ("RequestInfo", details.request_info.as_ref().map(|d| d as _)),
            (
                "LocalizedMessage",
                details.localized_message.as_ref().map(|d| d as _),
            ),
            ("Help", details.help.as_ref().map(|d| d as _)),
            ("DebugInfo", details.debug_info.as_ref().map(|d| d as _)),
        ];
        for (name, detail) in standard {
            if let Some(detail) = detail {
                writeln!(f, "detail:      {name} {detail:?}")?;
            }
        }
        for any in &details.other {
            writeln!(
                f,
                "detail:      {} ({} bytes, kept raw)",
                any.type_url,
                any.value.len()
            )?;
        }
        for problem in error.decode_problems() {
            writeln!(f, "problem:     {problem}")?;
        }
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            writeln!(f, "caused by:   {cause}")?;
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
