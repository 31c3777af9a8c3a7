//! [`Received`]: what a peer sent that this build's catalog cannot restate.

use crate::error::problems::Problems;
use crate::UnknownCode;

/// Facts of an error that the catalog cannot restate, mostly from the wire:
/// its `ErrorInfo` domain (the peer's, or set by `with_domain`), the peer's
/// reason, a code this build lacks, and what could not be decoded. Kept so
/// that an error from a newer or foreign server loses nothing, and is sent
/// on unchanged when forwarded. Boxed in `Error`, which most errors leave
/// empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Received {
    /// The `google.rpc.ErrorInfo.domain`, at most 253 bytes.
    pub(crate) domain: Option<std::borrow::Cow<'static, str>>,
    /// The `google.rpc.ErrorInfo.reason`, at most
    /// 63 bytes (AIP-193's limit).
    pub(crate) reason: Option<String>,
    /// A catalog code this build lacks.
    pub(crate) unknown_code: Option<UnknownCode>,
    /// The code string the peer sent, at most 64 bytes, where it cannot be
    /// derived: for a module this build lacks, or a code string that
    /// disagrees with the rest of the error.
    pub(crate) code_str: Option<String>,
    pub(crate) problems: Problems,
    /// The HTTP status of the response the error was decoded from.
    pub(crate) http_status: Option<http::StatusCode>,
}
