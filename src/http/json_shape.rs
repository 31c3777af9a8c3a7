//! [`JsonShape`]: which JSON a server's error bodies have.

/// The JSON shape of a server's error bodies, chosen by its configuration
/// ([`HttpErrors::shape`](super::HttpErrors::shape)). Whatever the shape, a
/// request whose `Accept` prefers `application/problem+json` gets RFC 9457
/// problem details.
///
/// ```
/// use csghub_errorx::http::{HttpErrors, JsonShape};
///
/// let errors = HttpErrors::new().shape(JsonShape::Csghub);
/// assert_eq!(errors.json_shape(), JsonShape::Csghub);
/// assert_eq!(JsonShape::default(), JsonShape::Google);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonShape {
    /// Google's AIP-193 error: `{"error":{"code":404,"message":…,
    /// "status":"NOT_FOUND","details":[…]}}`, with the details in proto3
    /// JSON. What Google's APIs and their client libraries speak.
    #[default]
    Google,
    /// CSGHub's `httpbase.R` envelope: `{"code":"GIT-ERR-8",
    /// "msg":"GIT-ERR-8: …","context":{…}}`, for CSGHub's existing web
    /// frontend. Its `msg` is the code and the public message, never the
    /// cause (CSGHub's own servers put the cause there).
    Csghub,
}

/// What one response is rendered as: the server's shape, or problem
/// details when the request asks for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyFormat {
    Google,
    Csghub,
    Problem,
}

impl BodyFormat {
    /// The format for a request that does (`true`) or does not prefer
    /// problem details, under `shape`.
    pub(crate) fn choose(shape: JsonShape, prefers_problem: bool) -> BodyFormat {
        match (prefers_problem, shape) {
            (true, _) => BodyFormat::Problem,
            (false, JsonShape::Google) => BodyFormat::Google,
            (false, JsonShape::Csghub) => BodyFormat::Csghub,
        }
    }

    /// The `Content-Type` of the body.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            BodyFormat::Google | BodyFormat::Csghub => "application/json",
            BodyFormat::Problem => super::PROBLEM_JSON,
        }
    }
}
