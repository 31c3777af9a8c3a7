//! Any JSON error body back into an [`Error`], by its content and shape:
//! AIP-193's `{"error":{…}}`, the bare `google.rpc.Status` that
//! grpc-gateway and Envoy's transcoder write, CSGHub's envelope, and RFC
//! 9457 problem details.

use http::header::{HeaderMap, CONTENT_TYPE};
use http::StatusCode;
use serde_json::{Map, Value};

use super::detail_from_json::{read_details, FoundDetails, GoogleInfo};
use crate::error::problems::Problems;
use crate::error::received::Received;
use crate::error::DecodedParts;
use crate::status::recognize::{keep, recognize, GoogleFacts, TypedFacts};
use crate::status::MAX_CODE_STR_LEN;
use crate::truncate::truncate;
use crate::{Context, DecodeProblem, Error, ErrorCode, StatusDecoder};

/// The longest body text kept as the message of a plain-text error.
const MAX_TEXT_MESSAGE_LEN: usize = 256;

impl StatusDecoder {
    /// Decodes an HTTP error response (its status, headers and whole body)
    /// by the body's content and shape, whatever its `Content-Type`:
    /// - `{"error":{"code":404,"message":…,"status":"NOT_FOUND","details":[…]}}`
    ///   (AIP-193, Google's APIs, this library's default);
    /// - `{"code":5,"message":…,"details":[…]}`, the bare `google.rpc.Status`
    ///   of grpc-gateway and Envoy's gRPC-JSON transcoder;
    /// - `{"code":"GIT-ERR-8","msg":…,"context":{…}}`, CSGHub's envelope;
    /// - RFC 9457 problem details with this library's members;
    /// - `{"code":"not_found","message":…,"details":[{"type":…,"value":…}]}`,
    ///   the Connect protocol's error (and its streaming end,
    ///   `{"error":{…}}`), whose details are read as the gRPC side's, by
    ///   [`StatusDecoder::decode`].
    ///
    /// Details in proto3 JSON become the error's details, with the same
    /// catalog mapping as [`StatusDecoder::decode`]; a detail of a type this
    /// build does not know is kept ([`RawDetail::json`](crate::details::RawDetail::json)).
    /// Any other body (not JSON, such as a proxy's HTML page, or JSON of
    /// another shape) gives an error without a catalog code whose gRPC code
    /// comes from the HTTP status ([`grpc_code::from_http_status`](crate::grpc_code::from_http_status)),
    /// and a [`DecodeProblem::UnrecognizedBody`]. Never fails and never
    /// panics. The decoded error keeps the response's HTTP status
    /// ([`Error::http_status`]).
    pub fn decode_http_response(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Error {
        let json = serde_json::from_slice::<Value>(body).ok();
        let object = json.as_ref().and_then(Value::as_object);
        if let Some(Shape::Connect(error)) = object.map(Shape::of) {
            return self.connect(error, status);
        }
        let mut decoded = match object.map(Shape::of) {
            Some(Shape::Google(status_json)) => self.google(status_json, true, status),
            Some(Shape::BareStatus) => self.google(object.unwrap_or(&Map::new()), false, status),
            Some(Shape::Csghub) => self.csghub(object.unwrap_or(&Map::new()), status),
            Some(Shape::Problem) => self.problem(object.unwrap_or(&Map::new()), status),
            Some(Shape::Unknown) | None => unrecognized(status, headers, body),
            Some(Shape::Connect(_)) => unreachable!("decoded above"),
        };
        decoded.received.http_status = Some(status);
        Error::from_parts(decoded)
    }

    /// The AIP-193 `error` object (`http_code`: its `code` is the HTTP
    /// status), or a bare `google.rpc.Status` (its `code` is the gRPC code).
    fn google(
        &self,
        object: &Map<String, Value>,
        http_code: bool,
        status: StatusCode,
    ) -> DecodedParts {
        let mut received = Received::default();
        let grpc_code = match (
            object.get("status").and_then(Value::as_str),
            object.get("code"),
        ) {
            (Some(name), _) if crate::grpc_code::from_name(name).is_some() => {
                crate::grpc_code::from_name(name).unwrap_or(tonic::Code::Unknown)
            }
            (_, Some(Value::Number(code))) if !http_code => match code.as_i64() {
                Some(n @ 0..=16) => tonic::Code::from_i32(n as i32),
                _ => {
                    received.problems.push(DecodeProblem::MalformedStatus {
                        reason: format!(
                            "code {} is not a gRPC code",
                            truncate(&code.to_string(), 32)
                        ),
                    });
                    crate::grpc_code::from_http_status(status)
                }
            },
            _ => crate::grpc_code::from_http_status(status),
        };
        let message = object
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let found = object.get("details").map(read_details).unwrap_or_default();
        self.assemble(|_| grpc_code, message, found, received)
    }

    /// Problem details: the catalog's members, and the details.
    fn problem(&self, object: &Map<String, Value>, status: StatusCode) -> DecodedParts {
        let text = |name: &str| object.get(name).and_then(Value::as_str);
        let mut found = object.get("details").map(read_details).unwrap_or_default();
        // The code member, else the last segment of the type URI.
        let code_str = text("code").or_else(|| text("type").and_then(|t| t.rsplit('/').next()));
        let reason = text("reason").unwrap_or_default();
        if reason.is_empty() {
            // No ErrorInfo members: the code string alone names the code.
            if let Some((module, number)) =
                code_str.and_then(|text| crate::csghub::CATALOG.parse_code_str(text))
            {
                found.typed = Some((module.number(), number));
            }
        } else {
            let mut metadata: Context = object
                .get("metadata")
                .and_then(|m| serde::Deserialize::deserialize(m).ok())
                .unwrap_or_default();
            if let (None, Some(code)) = (metadata.get_exact("code"), text("code")) {
                metadata.insert_exact("code", &code);
            }
            found.google = Some(GoogleInfo {
                reason: reason.to_string(),
                domain: text("domain").unwrap_or_default().to_string(),
                metadata,
            });
        }
        let message = text("detail").or_else(|| text("title")).unwrap_or_default();
        self.assemble(
            |code| {
                code.map_or_else(
                    || crate::grpc_code::from_http_status(status),
                    |c| c.grpc_code(),
                )
            },
            message.to_string(),
            found,
            Received::default(),
        )
    }

    /// Maps what was found onto the catalog by the one rule the gRPC
    /// decoder follows too (see [`StatusDecoder`]); `grpc_code` gives the
    /// error's gRPC code once its catalog code is known.
    fn assemble(
        &self,
        grpc_code: impl FnOnce(Option<ErrorCode>) -> tonic::Code,
        message: String,
        found: FoundDetails,
        mut received: Received,
    ) -> DecodedParts {
        received.problems.append(found.problems);
        let typed = found.typed.map(|(module, number)| TypedFacts {
            module,
            number,
            code_str: "",
        });
        let mut google = found.google.map(|mut info| {
            let code = info.metadata.take("code");
            let module = info.metadata.take("module");
            (info, code, module)
        });
        let facts = google.as_ref().map(|(info, code, module)| GoogleFacts {
            reason: &info.reason,
            domain: &info.domain,
            code: code.as_deref(),
            module: module.as_deref(),
        });
        let recognized = recognize(self, typed, facts, &mut received);
        let context = match google.take() {
            Some((mut info, code, module)) => {
                if !recognized.reserved_keys_are_code {
                    for (key, value) in [("code", code), ("module", module)] {
                        if let Some(value) = value {
                            info.metadata.insert_exact(key, &value);
                        }
                    }
                }
                info.metadata
            }
            None => Context::new(),
        };
        DecodedParts {
            code: recognized.code,
            grpc_code: grpc_code(recognized.code),
            message,
            context,
            details: Some(Box::new(found.details)),
            catalog_domain: recognized.catalog_domain,
            received,
        }
    }
}

/// Which shape a JSON error object has, by its members.
enum Shape<'a> {
    /// `{"error":{…}}`, holding the status object.
    Google(&'a Map<String, Value>),
    /// `{"code":5,…}`.
    BareStatus,
    /// `{"msg":…}`.
    Csghub,
    /// `{"code":"not_found",…}`, or a Connect streaming response's end
    /// `{"error":{"code":"not_found",…}}`: the error object.
    Connect(&'a Map<String, Value>),
    /// `{"type":…}` or `{"title":…}`.
    Problem,
    Unknown,
}

impl Shape<'_> {
    fn of(object: &Map<String, Value>) -> Shape<'_> {
        let connect_code = |object: &Map<String, Value>| {
            object
                .get("code")
                .and_then(Value::as_str)
                .and_then(super::connect_json::code_from_name)
                .is_some()
        };
        if let Some(Value::Object(status)) = object.get("error") {
            if connect_code(status) {
                return Shape::Connect(status);
            }
            return Shape::Google(status);
        }
        if connect_code(object) && object.get("msg").is_none() {
            return Shape::Connect(object);
        }
        if object.get("msg").is_some_and(Value::is_string) {
            return Shape::Csghub;
        }
        if ["type", "title"]
            .iter()
            .any(|m| object.get(*m).is_some_and(Value::is_string))
        {
            return Shape::Problem;
        }
        if object.get("code").is_some_and(Value::is_number) {
            return Shape::BareStatus;
        }
        Shape::Unknown
    }
}

impl StatusDecoder {
    /// CSGHub's envelope: the code string, `msg` (`CODE: text`), and the
    /// context, whose values may be any JSON (non-strings keep their JSON
    /// text).
    /// The envelope has no domain: its code string names a code of any of
    /// the decoder's catalogs, by its module's prefix.
    fn csghub(&self, object: &Map<String, Value>, status: StatusCode) -> DecodedParts {
        let mut received = Received::default();
        // Older CSGHub servers sent an integer code, which names nothing.
        let code_str = object
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let code = self
            .catalogs()
            .find_map(|catalog| catalog.code_by_str(code_str));
        if code.is_none() {
            received.unknown_code = self
                .catalogs()
                .find_map(|catalog| catalog.unknown_code(code_str));
            if received.unknown_code.is_some() {
                received.code_str = Some(keep(
                    code_str,
                    MAX_CODE_STR_LEN,
                    "code",
                    &mut received.problems,
                ));
            }
        }
        let msg = object
            .get("msg")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let known = code.is_some() || received.unknown_code.is_some();
        let message = match msg
            .strip_prefix(code_str)
            .map(|rest| rest.strip_prefix(": ").unwrap_or(rest))
        {
            Some(rest) if known => rest,
            _ => msg,
        };
        let message = match (message, code) {
            ("", Some(code)) => code.description().to_string(),
            (message, _) => message.to_string(),
        };
        let mut context = Context::new();
        if let Some(Value::Object(entries)) = object.get("context") {
            for (key, value) in entries {
                match value {
                    Value::String(text) => context.push_unsorted(key, text),
                    other => context.push_unsorted(key, &other.to_string()),
                }
            }
            context.sort();
        }
        let grpc_code = code.map_or_else(
            || crate::grpc_code::from_http_status(status),
            |c| c.grpc_code(),
        );
        DecodedParts {
            code,
            grpc_code,
            message,
            context,
            details: None,
            catalog_domain: false,
            received,
        }
    }
}

/// A body of no known shape: the HTTP status's gRPC code, and as message
/// a short plain-text body, or the status line.
fn unrecognized(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> DecodedParts {
    let content_type = headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let plain_text = content_type.is_empty() || content_type.starts_with("text/plain");
    let message = match std::str::from_utf8(body) {
        Ok(text) if plain_text && !text.trim().is_empty() => {
            truncate(text.trim(), MAX_TEXT_MESSAGE_LEN).into_owned()
        }
        _ => format!("HTTP {status}"),
    };
    let mut received = Received::default();
    received.problems.push(DecodeProblem::UnrecognizedBody {
        content_type: truncate(&content_type, 256).into_owned(),
        len: body.len(),
    });
    DecodedParts {
        code: None,
        grpc_code: crate::grpc_code::from_http_status(status),
        message,
        context: Context::new(),
        details: None,
        catalog_domain: false,
        received,
    }
}

impl StatusDecoder {
    /// The Connect protocol's error: its code name, message, and details,
    /// each a message's type name and its bytes in base64 (padded or not,
    /// as the protocol allows). The details are those of a gRPC status, so
    /// they are decoded as one, by the same rules.
    fn connect(&self, object: &Map<String, Value>, status: StatusCode) -> Error {
        use prost::Message as _;

        let mut problems = Problems::default();
        let code_name = object
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let code = super::connect_json::code_from_name(code_name).unwrap_or(tonic::Code::Unknown);
        let message = object
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut details = Vec::new();
        match object.get("details") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for item in items {
                    match connect_detail(item) {
                        Ok(any) => details.push(any),
                        Err(reason) => {
                            problems.push(DecodeProblem::malformed_detail("details[]", &reason))
                        }
                    }
                }
            }
            Some(_) => problems.push(DecodeProblem::malformed_detail("details", &"not an array")),
        }
        let inner = tonic_types::pb::Status {
            code: code as i32,
            message: message.to_string(),
            details,
        };
        let grpc = tonic::Status::with_details(code, message, inner.encode_to_vec().into());
        self.decode(&grpc).received_over_http(status, problems)
    }
}

/// One Connect detail as the `google.protobuf.Any` it stands for.
fn connect_detail(item: &Value) -> Result<prost_types::Any, &'static str> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
    use base64::Engine as _;

    let object = item.as_object().ok_or("not an object")?;
    let type_name = object
        .get("type")
        .and_then(Value::as_str)
        .ok_or("no type")?;
    let value = match object.get("value") {
        Some(Value::String(text)) => STANDARD_NO_PAD
            .decode(text)
            .or_else(|_| STANDARD.decode(text))
            .map_err(|_| "value is not base64")?,
        // An empty message may be sent without its (empty) value.
        None => Vec::new(),
        Some(_) => return Err("value is not a string"),
    };
    Ok(prost_types::Any {
        type_url: format!(
            "{}{}",
            crate::wire::TYPE_URL_PREFIX,
            type_name.rsplit('/').next().unwrap_or(type_name)
        ),
        value,
    })
}
