//! [`Received`]: what a peer sent that this build's catalog cannot restate.

use crate::{DecodeProblem, UnknownCode};

/// Facts of a decoded error that came from the wire: the peer's `ErrorInfo`
/// reason, a code this build lacks, and what could not be decoded. Kept so
/// that an error from a newer or foreign server loses nothing, and is sent
/// on unchanged when forwarded.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Received {
    /// The `google.rpc.ErrorInfo.reason`, at most
    /// [`MAX_REASON_LEN`](crate::status::MAX_REASON_LEN) bytes.
    pub(crate) reason: Option<String>,
    /// A catalog code this build lacks.
    pub(crate) unknown_code: Option<UnknownCode>,
    /// The code string an older peer sent for it, at most 64 bytes.
    pub(crate) code_str: Option<String>,
    pub(crate) problems: Vec<DecodeProblem>,
}
