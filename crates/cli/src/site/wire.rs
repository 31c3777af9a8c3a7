//! Each code as clients receive it, rendered by the library itself: the
//! gRPC details as `errorx decode` prints them, and the three JSON bodies
//! of `csghub_errorx::http::HttpErrors`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use csghub_errorx::http::{HttpErrors, JsonShape};
use csghub_errorx::{Catalog, Error, ErrorCode, Locale, StatusDecoder};
use http::header::{HeaderValue, ACCEPT, ACCEPT_LANGUAGE};

/// The four examples of one code in one locale, as text to show.
pub struct WireExamples {
    pub grpc: String,
    pub google: String,
    pub csghub: String,
    pub problem: String,
    /// The problem `type` URI of the code.
    pub problem_type: String,
}

/// The error a page shows: `code`, each context key set to `<key>`, read
/// by a user of `locale`.
pub fn example_error(code: ErrorCode) -> Error {
    code.context_keys()
        .iter()
        .fold(Error::new(code), |error, &key| {
            error.with_context(key, format!("<{key}>"))
        })
}

/// `http` with its problem types under `base_url` when one is given.
pub fn http_errors(base_url: Option<&str>) -> HttpErrors {
    match base_url {
        Some(base) => HttpErrors::new().problem_type_base(format!("{base}/errors/")),
        None => HttpErrors::new(),
    }
}

/// The examples of `code` read in `locale`.
pub fn examples(
    catalog: &'static Catalog,
    code: ErrorCode,
    locale: Locale,
    base_url: Option<&str>,
) -> Result<WireExamples, String> {
    let error = example_error(code);
    let status = tonic::Status::from(example_error(code).with_user_locale(locale));
    let value = STANDARD.encode(status.details());
    let grpc = crate::decode_input_with(&StatusDecoder::new().catalog(catalog), &value)?;
    let language = HeaderValue::from_str(locale.as_str()).map_err(|e| e.to_string())?;
    let mut headers = http::HeaderMap::new();
    headers.insert(ACCEPT_LANGUAGE, language);
    let errors = http_errors(base_url);
    let google = response(&errors.clone().shape(JsonShape::Google), &error, &headers)?;
    let csghub = response(&errors.clone().shape(JsonShape::Csghub), &error, &headers)?;
    headers.insert(ACCEPT, HeaderValue::from_static("application/problem+json"));
    let problem = response(&errors, &error, &headers)?;
    Ok(WireExamples {
        grpc,
        google,
        csghub,
        problem,
        problem_type: errors.problem_type(&error).into_owned(),
    })
}

/// The status line, the content type and the pretty-printed body of the
/// response `errors` renders.
fn response(
    errors: &HttpErrors,
    error: &Error,
    headers: &http::HeaderMap,
) -> Result<String, String> {
    let response = errors.render(error, headers);
    let body: serde_json::Value =
        serde_json::from_str(response.body()).map_err(|e| format!("a body is not JSON: {e}"))?;
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Ok(format!(
        "HTTP/1.1 {}\ncontent-type: {content_type}\n\n{}",
        response.status(),
        serde_json::to_string_pretty(&body).map_err(|e| e.to_string())?
    ))
}
