//! Writes the seed corpus of every fuzz target into `fuzz/corpus/<target>/`:
//! real statuses of all 100 codes, as each target reads its input, and the
//! hostile cases the tests name. Run it after a change to the encoding:
//!
//! ```sh
//! cargo +nightly run --manifest-path fuzz/Cargo.toml --target-dir target/fuzz --example write_seeds
//! ```

use std::path::{Path, PathBuf};

use base64::Engine as _;
use csghub_errorx::http::{HttpErrors, JsonShape, PROBLEM_JSON};
use csghub_errorx::{Error, ErrorCode};
use csghub_errorx_demo::{requested_error, FailReply, FailRequest};
use csghub_errorx_fuzz::inputs::{HttpInput, Part, StatusInput};
use prost::Message as _;

fn corpus(target: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    std::fs::create_dir_all(&dir).expect("create the corpus directory");
    dir
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let path = corpus(target).join(format!("seed-{name}"));
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// The error the demo server sends for `code`, with context.
fn error_of(code: ErrorCode) -> Error {
    requested_error(&FailRequest {
        code: code.as_str().to_string(),
        context: [("repo".to_string(), "ns/name".to_string())].into(),
        messages_before_error: 0,
    })
}

/// The status headers of `status`, as parts of a response.
fn status_parts(status: tonic::Status, trailers: bool) -> Vec<Part> {
    let response = status.into_http::<()>();
    response
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str() != "content-type")
        .map(|(name, value)| {
            let (name, value) = (name.as_str().as_bytes().to_vec(), value.as_bytes().to_vec());
            if trailers {
                Part::Trailer(name, value)
            } else {
                Part::Header(name, value)
            }
        })
        .collect()
}

fn main() {
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let name = code.as_str();
        let error = error_of(code);
        let status = tonic::Status::from(error.clone());

        write(
            "decode_status",
            name,
            &StatusInput::write(
                status.code() as i32,
                6 * 1024,
                status.message(),
                status.details(),
            ),
        );

        let value = base64::engine::general_purpose::STANDARD.encode(status.details());
        write("cli_decode", name, value.as_bytes());

        let trailers_only = status_parts(tonic::Status::from(error.clone()), false);
        write(
            "client_layer",
            &format!("{name}-trailers-only"),
            &Part::write_all(&trailers_only),
        );

        let render = |errors: HttpErrors, accept: &str| {
            let mut request = http::HeaderMap::new();
            request.insert("accept", accept.parse().expect("a header value"));
            let (parts, body) = errors.render(&error, &request).into_parts();
            let content_type = parts
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            HttpInput::write(
                parts.status.as_u16(),
                &content_type,
                6 * 1024,
                body.as_bytes(),
            )
        };
        write(
            "http_decode",
            &format!("{name}-google"),
            &render(HttpErrors::new(), "application/json"),
        );
        // Fewer of the other shapes: their code paths are the same for
        // every code.
        if code.number() < 2 {
            write(
                "http_decode",
                &format!("{name}-csghub"),
                &render(
                    HttpErrors::new().shape(JsonShape::Csghub),
                    "application/json",
                ),
            );
            write(
                "http_decode",
                &format!("{name}-problem"),
                &render(HttpErrors::new(), PROBLEM_JSON),
            );
            let mut stream = vec![Part::Message(FailReply { index: 0 }.encode_to_vec())];
            stream.extend(status_parts(tonic::Status::from(error.clone()), true));
            write(
                "client_layer",
                &format!("{name}-stream"),
                &Part::write_all(&stream),
            );
            write(
                "cli_decode",
                &format!("{name}-log-line"),
                format!("2026-11-27T03:12:09Z DEBUG csghub_errorx::client: rpc failed rpc.method=/a.B/C grpc.status_details_bin=\"{value}\" latency_ms=0.4").as_bytes(),
            );
        }
    }

    // The hostile cases the tests name.
    let git8 = tonic::Status::from(Error::new(ErrorCode::GIT_AUTH_FAILED));
    let mismatched = tonic::Status::with_details(
        tonic::Code::NotFound,
        "outer",
        git8.details().to_vec().into(),
    );
    write(
        "decode_status",
        "mismatched-inner-status",
        &StatusInput::write(
            mismatched.code() as i32,
            0,
            mismatched.message(),
            mismatched.details(),
        ),
    );
    let foreign =
        tonic::Status::from(Error::new(ErrorCode::UNAUTHORIZED).with_domain("other.example.com"));
    write(
        "decode_status",
        "foreign-domain",
        &StatusInput::write(
            foreign.code() as i32,
            0,
            foreign.message(),
            foreign.details(),
        ),
    );
    let bad_base64 = vec![
        Part::Header(b"grpc-status".to_vec(), b"5".to_vec()),
        Part::Header(b"grpc-message".to_vec(), b"repo%20gone".to_vec()),
        Part::Header(
            b"grpc-status-details-bin".to_vec(),
            b"!!! not base64 !!!".to_vec(),
        ),
    ];
    write(
        "client_layer",
        "bad-base64-details",
        &Part::write_all(&bad_base64),
    );
    let mut mid_body_error = vec![
        Part::Message(FailReply { index: 0 }.encode_to_vec()),
        Part::BodyError(13),
    ];
    mid_body_error.push(Part::Details {
        in_trailers: true,
        bytes: git8.details().to_vec(),
    });
    write(
        "client_layer",
        "body-error",
        &Part::write_all(&mid_body_error),
    );
}
