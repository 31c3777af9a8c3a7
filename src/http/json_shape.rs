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
    /// The Connect protocol's error: `{"code":"not_found","message":…,
    /// "details":[{"type":"google.rpc.ErrorInfo","value":"<base64>",
    /// "debug":{…}}]}`, with the HTTP status Connect gives the gRPC code,
    /// for connect-es and connect-go clients (`ConnectError.from`,
    /// `findDetails`). The details are the gRPC side's, byte for byte.
    Connect,
}

impl BodyFormat {
    /// The HTTP status of a response with `error` in this format: Connect's
    /// for its gRPC code in the Connect shape, else the error's
    /// ([`Error::http_status`](crate::Error::http_status)).
    pub(crate) fn status_of(self, error: &crate::Error) -> http::StatusCode {
        match self {
            BodyFormat::Connect => super::connect_json::http_status(error.grpc_code()),
            _ => error.http_status(),
        }
    }
}

/// What one response is rendered as: the server's shape, or problem
/// details when the request asks for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyFormat {
    Google,
    Csghub,
    Connect,
    Problem,
}

impl BodyFormat {
    /// The format for a request that does or does not prefer problem
    /// details, and does or does not speak Connect (it sent
    /// `Connect-Protocol-Version`, as every Connect client's unary call
    /// does), under `shape`: a Connect client gets Connect's shape, which
    /// is the only one it reads, whatever the configuration.
    pub(crate) fn choose(
        shape: JsonShape,
        prefers_problem: bool,
        speaks_connect: bool,
    ) -> BodyFormat {
        match (speaks_connect, prefers_problem, shape) {
            (true, _, _) => BodyFormat::Connect,
            (false, true, _) => BodyFormat::Problem,
            (false, false, JsonShape::Google) => BodyFormat::Google,
            (false, false, JsonShape::Csghub) => BodyFormat::Csghub,
            (false, false, JsonShape::Connect) => BodyFormat::Connect,
        }
    }

    /// The `Content-Type` of the body.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            BodyFormat::Google | BodyFormat::Csghub | BodyFormat::Connect => "application/json",
            BodyFormat::Problem => super::PROBLEM_JSON,
        }
    }
}
