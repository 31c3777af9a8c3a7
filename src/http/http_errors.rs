//! [`HttpErrors`]: how a server renders errors over HTTP.

use std::borrow::Cow;

use http::header::{
    HeaderMap, HeaderValue, ACCEPT_LANGUAGE, CONTENT_LANGUAGE, CONTENT_TYPE, RETRY_AFTER, VARY,
    WWW_AUTHENTICATE,
};
use http::{Response, StatusCode};

use super::accept::{prefers_problem_json, speaks_connect};
use super::connect_json::ConnectBody;
use super::csghub_json::CsghubBody;
use super::detail_json::DetailsJson;
use super::google_json::GoogleBody;
use super::json_shape::{BodyFormat, JsonShape};
use super::problem_json::ProblemBody;
use crate::details::LocalizedMessage;
use crate::log::LevelPolicy;
use crate::{Error, Locale, StatusEncoder};

/// How a server renders errors over HTTP: the JSON shape, the
/// `ErrorInfo.domain` and whether `DebugInfo` is sent (both from a
/// [`StatusEncoder`], shared with the gRPC side), the problem `type` URIs,
/// and the level each failure is logged at. A value held by the
/// server (in its [`HttpErrorLayer`](super::HttpErrorLayer), or its
/// state); nothing is global.
///
/// One error renders as
/// - **status**: the catalog's HTTP status ([`Error::http_status`]); in
///   the Connect shape, the status Connect gives the error's gRPC code;
/// - **body**: the configured [`JsonShape`], or RFC 9457 problem details
///   when the request's `Accept` prefers `application/problem+json`, or
///   Connect's error for a Connect client (`Connect-Protocol-Version`);
/// - **headers**: `Content-Type`, `Vary: Accept, Accept-Language`,
///   `Content-Language` when the body is localized, `Retry-After` (whole
///   seconds, rounded up) when the error has a `RetryInfo`, and
///   `WWW-Authenticate: Bearer` on 401.
///
/// **Localized** by the request's `Accept-Language`
/// ([`Locale::negotiate`]): the Google and Connect shapes add one
/// `google.rpc.LocalizedMessage` when the request names a language; the
/// CSGHub envelope's `msg` and problem details' `title` and `detail` are
/// always the catalog's messages for end users, in `en-US` unless the
/// request prefers another locale. The Google shape's `message` stays the
/// English description.
///
/// Rendering never fails: a body that cannot be written (it cannot happen
/// with this library's types) becomes a minimal body of the same shape.
/// The error's source is never rendered.
///
/// ```
/// use csghub_errorx::http::{HttpErrors, JsonShape};
/// use csghub_errorx::{Error, ErrorCode};
/// use std::time::Duration;
///
/// let error = Error::new(ErrorCode::ERR_RATE_LIMIT_EXCEEDED)
///     .with_context("limit", "100/min")
///     .with_retry_delay(Duration::from_millis(1500));
///
/// let response = HttpErrors::new().render(&error, &http::HeaderMap::new());
/// assert_eq!(response.status(), http::StatusCode::TOO_MANY_REQUESTS);
/// assert_eq!(response.headers()["retry-after"], "2");
/// assert!(response.body().starts_with(r#"{"error":{"code":429,"message":"#));
///
/// let csghub = HttpErrors::new().shape(JsonShape::Csghub).render(&error, &http::HeaderMap::new());
/// let body: serde_json::Value = serde_json::from_str(csghub.body()).unwrap();
/// assert_eq!(body["code"], "REQ-ERR-10");
/// assert_eq!(body["msg"], "REQ-ERR-10: Too many requests. Please wait a moment and try again, or complete the captcha.");
/// assert_eq!(body["context"]["limit"], "100/min");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpErrors {
    shape: JsonShape,
    /// The domain and the `DebugInfo` switch, shared with the gRPC side.
    encoder: StatusEncoder,
    /// The base of problem `type` URIs; each code's catalog's by default.
    problem_type_base: Option<Cow<'static, str>>,
    levels: LevelPolicy,
}

impl HttpErrors {
    /// The Google AIP-193 shape, the default [`StatusEncoder`] (the
    /// catalog's domain, no `DebugInfo`), problem `type` URIs under each
    /// code's domain, and the default [`LevelPolicy`].
    pub fn new() -> HttpErrors {
        HttpErrors {
            shape: JsonShape::Google,
            encoder: StatusEncoder::new(),
            problem_type_base: None,
            levels: LevelPolicy::default(),
        }
    }

    /// Sets the JSON shape of error bodies.
    pub fn shape(mut self, shape: JsonShape) -> HttpErrors {
        self.shape = shape;
        self
    }

    /// Renders errors with what `encoder` puts into a status: its
    /// `ErrorInfo.domain` (for errors without their own) and whether it
    /// sends `DebugInfo`. A server that answers gRPC and HTTP configures
    /// one encoder and hands it to both sides, to its
    /// [`LogLayer`](crate::layer::LogLayer) and here:
    ///
    /// ```
    /// use csghub_errorx::http::HttpErrors;
    /// use csghub_errorx::layer::LogLayer;
    /// use csghub_errorx::StatusEncoder;
    ///
    /// let encoder = StatusEncoder::new().domain("hub.example.com");
    /// let grpc = LogLayer::server().encoder(encoder.clone());
    /// let http = HttpErrors::new().encoder(encoder);
    /// ```
    pub fn encoder(mut self, encoder: StatusEncoder) -> HttpErrors {
        self.encoder = encoder;
        self
    }

    /// Sets the base of problem `type` URIs, such as
    /// `https://docs.example.com/errors/`; a code's type is the base and
    /// its code string.
    pub fn problem_type_base(mut self, base: impl Into<Cow<'static, str>>) -> HttpErrors {
        self.problem_type_base = Some(base.into());
        self
    }

    /// Sets the level each response is logged at, by the error's gRPC code
    /// (see [`HttpErrorLayer`](super::HttpErrorLayer)).
    pub fn levels(mut self, levels: LevelPolicy) -> HttpErrors {
        self.levels = levels;
        self
    }

    /// The JSON shape of error bodies.
    pub fn json_shape(&self) -> JsonShape {
        self.shape
    }

    /// The level policy of the log events.
    pub fn level_policy(&self) -> &LevelPolicy {
        &self.levels
    }

    /// The problem `type` URI of `error`: the base and its code string,
    /// or `about:blank` for an error without a catalog code. Unless set
    /// ([`HttpErrors::problem_type_base`]), it is the reference page the
    /// encoder links ([`StatusEncoder::reference_base`](crate::StatusEncoder::reference_base)),
    /// or else the base is under the domain the
    /// error is sent with: `https://csghub.opencsg.com/errors/GIT-ERR-8`
    /// for CSGHub's codes, `https://errors.acme.example/errors/MODEL-ERR-0`
    /// for a catalog of that domain. The URIs identify the problem types
    /// (RFC 9457 does not require them to resolve, though `errorx site`
    /// builds pages for them); they stay the same across releases.
    pub fn problem_type(&self, error: &Error) -> Cow<'static, str> {
        let Some(code) = error.code_str() else {
            return Cow::Borrowed("about:blank");
        };
        if let Some(base) = &self.problem_type_base {
            return Cow::Owned(format!("{base}{code}"));
        }
        // The encoder links the code's reference page: the type is it.
        if let Some(url) = self.encoder.reference_url(error) {
            return Cow::Owned(url);
        }
        Cow::Owned(format!(
            "https://{}/errors/{code}",
            error.wire_domain(self.encoder.domain_name())
        ))
    }

    /// The response for `error` to a request with `request_headers`: its
    /// status, headers and JSON body. For any framework on `http` types
    /// (hyper, tower, actix through `http`); axum users return the
    /// [`Error`] itself.
    pub fn render(&self, error: &Error, request_headers: &HeaderMap) -> Response<String> {
        let format = BodyFormat::choose(
            self.shape,
            prefers_problem_json(request_headers),
            speaks_connect(request_headers),
        );
        let status = format.status_of(error);
        let locale = requested_locale(request_headers, error);
        let (body, language) = self.render_body(error, status, format, None, locale);
        let mut response = Response::new(body);
        *response.status_mut() = status;
        set_error_headers(response.headers_mut(), error, status, format, language);
        response
    }

    /// The body of `error` in `format`, for a response with `status` to a
    /// request that asked for `locale` (if it named a language), and the
    /// locale the body's localized text is in, if it has any.
    pub(crate) fn render_body(
        &self,
        error: &Error,
        status: StatusCode,
        format: BodyFormat,
        instance: Option<&str>,
        locale: Option<Locale>,
    ) -> (String, Option<Locale>) {
        // The reference link the encoder adds on gRPC, here too.
        let decorated = self.encoder.decorated(error);
        let error = decorated.as_ref().unwrap_or(error);
        // The Google shape localizes only on request (its `message` is the
        // developer's); the others are for end users, in en-US by default.
        let body_locale = match format {
            BodyFormat::Google | BodyFormat::Connect => locale,
            BodyFormat::Csghub | BodyFormat::Problem => {
                Some(locale.unwrap_or_else(|| fallback_locale(error)))
            }
        };
        let user_message = body_locale.and_then(|l| error.user_message(l));
        let localized = match (format, body_locale, &user_message) {
            (BodyFormat::Google | BodyFormat::Connect, Some(locale), Some(message)) => {
                Some(LocalizedMessage::new(locale.as_str(), message.as_ref()))
            }
            _ => None,
        };
        let language = match format {
            BodyFormat::Google | BodyFormat::Connect => localized.as_ref().and(body_locale),
            _ => user_message.as_ref().and(body_locale),
        };
        let details = DetailsJson {
            error,
            domain: self.encoder.domain_name(),
            with_error_info: format != BodyFormat::Problem,
            include_debug_info: self.encoder.includes_debug_info(),
            localized: localized.as_ref(),
        };
        // Sized once for most errors: the fixed members, the message, and
        // the context (written twice in the Google shape), with room for
        // escapes.
        let context_len: usize = error
            .context()
            .iter()
            .map(|(k, v)| k.len() + v.len() + 6)
            .sum();
        let mut buf = Vec::with_capacity(384 + error.message().len() + 2 * context_len);
        let written = match format {
            BodyFormat::Google => serde_json::to_writer(
                &mut buf,
                &GoogleBody {
                    error,
                    status,
                    details,
                },
            ),
            BodyFormat::Csghub => serde_json::to_writer(
                &mut buf,
                &CsghubBody {
                    error,
                    user_message: user_message.as_deref(),
                },
            ),
            BodyFormat::Connect => serde_json::to_writer(
                &mut buf,
                &ConnectBody {
                    error,
                    encoder: &self.encoder,
                    localized: localized.as_ref(),
                },
            ),
            BodyFormat::Problem => serde_json::to_writer(
                &mut buf,
                &ProblemBody {
                    error,
                    status,
                    type_uri: self.problem_type(error),
                    domain: self.encoder.domain_name(),
                    instance,
                    details,
                    locale: body_locale.unwrap_or_else(|| fallback_locale(error)),
                },
            ),
        };
        // serde_json writes UTF-8 only; the check is one pass over bytes
        // already in cache.
        match written.map(|()| String::from_utf8(buf)) {
            Ok(Ok(text)) => (text, language),
            _ => (fallback_body(status, format), None),
        }
    }

    /// Whether a body rendered by default (by `IntoResponse`, without a
    /// request) is what this configuration renders in `format` for a
    /// request that named a language (`Accept-Language`) or not.
    pub(crate) fn renders_as_default(&self, format: BodyFormat, names_language: bool) -> bool {
        format == BodyFormat::Google && !names_language && self.encoder == StatusEncoder::new()
    }
}

impl Default for HttpErrors {
    fn default() -> HttpErrors {
        HttpErrors::new()
    }
}

/// The body when serializing fails: the shape, with the status only.
fn fallback_body(status: StatusCode, format: BodyFormat) -> String {
    let code = status.as_u16();
    match format {
        BodyFormat::Google => format!(
            r#"{{"error":{{"code":{code},"message":"the error could not be rendered","status":"{}"}}}}"#,
            crate::grpc_code::name(crate::grpc_code::from_http_status(status))
        ),
        BodyFormat::Csghub => r#"{"msg":"the error could not be rendered"}"#.to_string(),
        BodyFormat::Connect => format!(
            r#"{{"code":"{}","message":"the error could not be rendered"}}"#,
            super::connect_json::code_name(crate::grpc_code::from_http_status(status))
        ),
        BodyFormat::Problem => format!(r#"{{"type":"about:blank","status":{code}}}"#),
    }
}

/// The locale a request's `Accept-Language` asks for, if it has one, of
/// the locales of `error`'s catalog.
pub(crate) fn requested_locale(request_headers: &HeaderMap, error: &Error) -> Option<Locale> {
    request_headers
        .get(ACCEPT_LANGUAGE)
        .map(|value| negotiate_for(error, value.to_str().unwrap_or_default()))
}

/// The fallback locale of `error`'s catalog (CSGHub's for an error
/// without a code).
fn fallback_locale(error: &Error) -> Locale {
    error
        .code()
        .and_then(|code| code.locales().first().copied())
        .unwrap_or_default()
}

/// The locale of `error`'s catalog (CSGHub's for an error without a code)
/// to answer an `Accept-Language` of `header` in.
pub(crate) fn negotiate_for(error: &Error, header: &str) -> Locale {
    match error.code() {
        Some(code) => crate::locale::negotiate(header, code.locales()),
        None => Locale::negotiate(header),
    }
}

/// Sets the headers every error response has: `Content-Type`, `Vary`,
/// and where they apply `Content-Language`, `Retry-After` and
/// `WWW-Authenticate`.
pub(crate) fn set_error_headers(
    headers: &mut HeaderMap,
    error: &Error,
    status: StatusCode,
    format: BodyFormat,
    language: Option<Locale>,
) {
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    headers.insert(VARY, HeaderValue::from_static("accept, accept-language"));
    match language {
        Some(locale) => match HeaderValue::from_str(locale.as_str()) {
            Ok(value) => headers.insert(CONTENT_LANGUAGE, value),
            Err(_) => headers.remove(CONTENT_LANGUAGE),
        },
        None => headers.remove(CONTENT_LANGUAGE),
    };
    if let Some(delay) = error.retry_delay() {
        // Whole seconds (RFC 9110), rounded up so no client retries early.
        let seconds = delay.as_secs() + u64::from(delay.subsec_nanos() > 0);
        headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_problem_type_is_under_the_catalog_domain() {
        let error = Error::new(crate::ErrorCode::GIT_AUTH_FAILED);
        assert_eq!(
            HttpErrors::new().problem_type(&error),
            format!("https://{}/errors/GIT-ERR-8", crate::CATALOG_DOMAIN)
        );
    }

    #[test]
    fn every_fallback_body_is_json() {
        for format in [
            BodyFormat::Google,
            BodyFormat::Csghub,
            BodyFormat::Connect,
            BodyFormat::Problem,
        ] {
            let body = fallback_body(StatusCode::BAD_GATEWAY, format);
            serde_json::from_str::<serde_json::Value>(&body).unwrap();
        }
    }
}
