//! How an error's ErrorInfos map onto the catalog: one rule, used by the
//! gRPC decoder and the JSON decoder alike.
//!
//! A status names its code in up to three places: the typed
//! `csghub.errorx.v1.ErrorInfo` (module and number), the
//! `google.rpc.ErrorInfo` metadata `code` (`GIT-ERR-8`, what peers with
//! only the standard types read and write), and the `google.rpc.ErrorInfo`
//! reason. The rule:
//!
//! 1. A typed ErrorInfo names the code, whatever the domain; a metadata
//!    `code` beside it must name the same one (one that is no code string
//!    of the catalog is reported and ignored, as in rule 2).
//! 2. Else, in a domain the decoder accepts, the metadata `code` names it,
//!    and the reason must be that code's (a code this build lacks, such as
//!    `GIT-ERR-99`, is an [`UnknownCode`]; its reason must be no other
//!    code's, since reasons are never reused).
//! 3. Else, in an accepted domain, the reason names it, as for peers that
//!    send no code string.
//!
//! Where the places disagree, nothing is picked: the error claims no
//! catalog code, keeps what it came with, and reports the disagreement.
//! The metadata keys `code` and `module` of an error recognized this way
//! are its code, never its context; an ErrorInfo of a domain that maps
//! onto no catalog keeps them as context, exactly as sent.

use std::borrow::Cow;

use super::{StatusDecoder, MAX_CODE_STR_LEN, MAX_DOMAIN_LEN, MAX_REASON_LEN};
use crate::catalog::csghub;
use crate::error::problems::Problems;
use crate::error::received::Received;
use crate::truncate::{floor_char_boundary, truncate};
use crate::{DecodeProblem, ErrorCode, UnknownCode};

/// What a typed `csghub.errorx.v1.ErrorInfo` says.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TypedFacts<'a> {
    /// The `csghub.errorx.v1.Module` number.
    pub(crate) module: i32,
    pub(crate) number: u32,
    /// The code string csghub-errorx 0.1 also sent; empty from newer peers.
    pub(crate) code_str: &'a str,
}

/// What a `google.rpc.ErrorInfo` says of the code.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct GoogleFacts<'a> {
    pub(crate) reason: &'a str,
    pub(crate) domain: &'a str,
    /// The metadata `code`.
    pub(crate) code: Option<&'a str>,
    /// The metadata `module`.
    pub(crate) module: Option<&'a str>,
}

/// The outcome: the catalog code, if any, and whether the reserved
/// metadata keys are the code (and so stay out of the context).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Recognized {
    pub(crate) code: Option<ErrorCode>,
    /// The ErrorInfo's domain is its code's catalog's own.
    pub(crate) catalog_domain: bool,
    /// The error is a catalog error (its code known, unknown, or disputed):
    /// the metadata `code` and `module` are its code.
    pub(crate) reserved_keys_are_code: bool,
}

/// Maps the ErrorInfos onto the catalog by the rule above, recording in
/// `received` what the catalog cannot restate: a code this build lacks, a
/// code string that cannot be derived, the peer's reason and domain, and
/// the problems.
pub(crate) fn recognize(
    decoder: &StatusDecoder,
    typed: Option<TypedFacts<'_>>,
    google: Option<GoogleFacts<'_>>,
    received: &mut Received,
) -> Recognized {
    let problems = &mut received.problems;
    let metadata_code = google.and_then(|g| g.code);
    let mut code = None;
    let mut unknown = None;
    let mut code_str = None;
    let mut catalog_error = false;
    if let Some(typed) = typed {
        // The typed ErrorInfo names CSGHub's modules.
        let catalog = &csghub::CATALOG;
        catalog_error = true;
        code = catalog.code_by_parts(typed.module, typed.number);
        unknown = UnknownCode::in_catalog(catalog, typed.module, typed.number);
        if unknown.is_some() && !typed.code_str.is_empty() {
            code_str = Some(typed.code_str);
        }
        if let Some(text) = metadata_code {
            let agrees = match catalog.parse_code_str(text) {
                Some((module, number)) => (module.number(), number) == (typed.module, typed.number),
                // A module this build does not know: its code string cannot
                // be checked, and is the best name the error has.
                None if catalog.module(typed.module).is_none() => {
                    code_str = code_str.or(Some(text));
                    true
                }
                // Not a code string of the catalog at all (`ns/name`): it
                // names no other code, so the typed one stands, as the
                // reason does beside such a string in rule 2; forwarding
                // the error then keeps its code.
                None => {
                    problems.push_with(|| DecodeProblem::NotACodeString { code: cut(text) });
                    true
                }
            };
            if !agrees {
                let named = match (code, unknown) {
                    (Some(code), _) => code.as_str().to_string(),
                    (None, Some(unknown)) => unknown.to_string(),
                    (None, None) => String::new(),
                };
                problems.push_with(|| DecodeProblem::TypedCodeMismatch {
                    typed: named,
                    metadata: cut(text),
                });
                (code, unknown, code_str) = (None, None, Some(text));
            }
        }
    } else if let Some((google, catalog)) =
        google.and_then(|g| Some((g, decoder.catalog_of(g.domain)?)))
    {
        catalog_error = true;
        match google.code {
            Some(text) => match catalog.parse_code_str(text) {
                Some((module, number)) => {
                    // Reasons are unique and never reused: a newer code's
                    // reason is no code's of this build.
                    let by_reason = catalog.code_by_reason(google.reason);
                    match catalog.code_by_parts(module.number(), number) {
                        Some(known) if known.reason() == google.reason => code = Some(known),
                        None if by_reason.is_none() => {
                            unknown = UnknownCode::in_catalog(catalog, module.number(), number)
                        }
                        _ => {
                            problems.push_with(|| DecodeProblem::CodeReasonMismatch {
                                code: cut(text),
                                reason: cut(google.reason),
                            });
                            code_str = Some(text);
                        }
                    }
                }
                None => {
                    problems.push_with(|| DecodeProblem::NotACodeString { code: cut(text) });
                    code = catalog.code_by_reason(google.reason);
                    if code.is_none() {
                        code_str = Some(text);
                    }
                }
            },
            None => code = catalog.code_by_reason(google.reason),
        }
    }
    if let Some(module) = google.and_then(|g| g.module).filter(|_| catalog_error) {
        let prefix = match (code, unknown) {
            (Some(code), _) => Some(code.module().prefix()),
            (None, Some(unknown)) => unknown.module().map(|m| m.prefix()),
            (None, None) => None,
        };
        if prefix.is_some_and(|prefix| prefix != module) {
            let code_string = match (code, unknown) {
                (Some(code), _) => code.as_str().to_string(),
                (_, unknown) => unknown.map(|u| u.to_string()).unwrap_or_default(),
            };
            problems.push_with(|| DecodeProblem::ModuleMismatch {
                module: cut(module),
                code: code_string,
            });
        }
    }

    received.unknown_code = unknown;
    if let Some(text) = code_str {
        received.code_str = Some(keep(
            text,
            MAX_CODE_STR_LEN,
            "google.rpc.ErrorInfo.metadata.code",
            problems,
        ));
    }
    let mut catalog_domain = false;
    if let Some(google) = google {
        // The catalog restates a known code's reason: keep only another.
        if code.is_none_or(|c| c.reason() != google.reason) {
            received.reason = Some(keep(
                google.reason,
                MAX_REASON_LEN,
                "google.rpc.ErrorInfo.reason",
                problems,
            ));
        }
        // The usual domain is the code's catalog's, said without a copy.
        let own = code.map(|c| c.domain()).or(unknown.map(|u| u.domain()));
        if own == Some(google.domain) {
            catalog_domain = true;
        } else {
            received.domain = Some(Cow::Owned(keep(
                google.domain,
                MAX_DOMAIN_LEN,
                "google.rpc.ErrorInfo.domain",
                problems,
            )));
        }
    }
    Recognized {
        code,
        catalog_domain,
        reserved_keys_are_code: catalog_error,
    }
}

/// A peer's string named in a problem, cut so that a report stays small.
fn cut(text: &str) -> String {
    truncate(text, 64).into_owned()
}

/// `text` as kept: cut to `max_len` bytes, reporting the cut. For every
/// string a peer sends that an `Error` keeps and sends on.
pub(crate) fn keep(
    text: &str,
    max_len: usize,
    field: &'static str,
    problems: &mut Problems,
) -> String {
    if text.len() > max_len {
        let kept = floor_char_boundary(text, max_len);
        problems.push(DecodeProblem::Oversized {
            field,
            len: text.len(),
            kept,
        });
        text[..kept].to_string()
    } else {
        text.to_string()
    }
}
