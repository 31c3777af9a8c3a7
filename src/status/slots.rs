//! Putting a peer's standard details into an error's slots: one rule for
//! the gRPC decoder and the JSON decoder.

use crate::details::{DetailKind, Details};
use crate::error::problems::Problems;
use crate::DecodeProblem;

/// Decodes `value` into the empty slot of `kind`; reports a second detail
/// of the type, or one that does not decode, and returns `false` for the
/// caller to keep it raw. `type_url` names it in the report.
pub(crate) fn place_standard(
    details: &mut Details,
    kind: DetailKind,
    value: &[u8],
    problems: &mut Problems,
    type_url: impl FnOnce() -> String,
) -> bool {
    match details.decode_into(kind, value) {
        Ok(true) => true,
        Ok(false) => {
            problems.push_with(|| DecodeProblem::duplicate_detail(&type_url()));
            false
        }
        Err(e) => {
            problems.push_with(|| DecodeProblem::malformed_detail(&type_url(), &e));
            false
        }
    }
}
