//! [`Received`]: what a peer sent that this build's catalog cannot restate.

use crate::DecodeProblem;

/// Facts of a decoded error that came from the wire: the peer's `ErrorInfo`
/// reason, domain and code string, and what could not be decoded. Kept so
/// that an error from a newer or foreign server loses nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Received {
    pub(crate) reason: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) code_str: Option<String>,
    pub(crate) problems: Vec<DecodeProblem>,
}
