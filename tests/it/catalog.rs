//! The catalog: pinned numbers, well-formed reasons, faithful transcription.

use std::collections::HashSet;
use std::str::FromStr;

use csghub_errorx::{grpc_code, ErrorCode};

/// Every code as it must stay on the wire. A renumbering, a renamed code or
/// a changed mapping fails here; a deliberate change edits this file too.
const GOLDEN: &str = include_str!("../golden/catalog.tsv");

#[test]
fn golden_pins_every_code_string_number_and_name() {
    let golden: Vec<Vec<&str>> = GOLDEN
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line.split('\t').collect())
        .collect();
    let actual: Vec<Vec<String>> = csghub_errorx::csghub::CATALOG
        .codes()
        .map(|c| {
            vec![
                c.as_str().to_string(),
                c.number().to_string(),
                c.name().to_string(),
                c.reason().to_string(),
                grpc_code::name(c.grpc_code()).to_string(),
                c.http_status().as_u16().to_string(),
            ]
        })
        .collect();
    assert_eq!(golden.len(), 100);
    assert_eq!(actual.len(), golden.len());
    for (want, got) in golden.iter().zip(&actual) {
        assert_eq!(want, got);
    }
}

#[test]
fn the_catalog_has_100_codes_in_10_modules() {
    assert_eq!(csghub_errorx::csghub::CATALOG.codes().count(), 100);
    assert_eq!(
        csghub_errorx::csghub::CATALOG
            .modules()
            .iter()
            .copied()
            .count(),
        10
    );
    let per_module: Vec<usize> = csghub_errorx::csghub::CATALOG
        .modules()
        .iter()
        .copied()
        .map(|m| csghub_errorx::csghub::CATALOG.module_codes(m).count())
        .collect();
    assert_eq!(per_module, [4, 11, 3, 35, 3, 2, 13, 9, 6, 14]);
}

#[test]
fn code_strings_are_prefix_err_number() {
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let expected = format!("{}-ERR-{}", code.module().prefix(), code.number());
        assert_eq!(code.as_str(), expected);
        assert_eq!(code.to_string(), expected);
    }
}

#[test]
fn code_strings_names_and_reasons_are_unique() {
    for get in [ErrorCode::as_str, ErrorCode::name, ErrorCode::reason] {
        let set: HashSet<&str> = csghub_errorx::csghub::CATALOG.codes().map(get).collect();
        assert_eq!(set.len(), 100);
    }
}

#[test]
fn reasons_are_upper_snake_and_at_most_63_characters() {
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let reason = code.reason().as_bytes();
        assert!(reason.len() <= 63, "{code:?}");
        assert!(reason[0].is_ascii_uppercase(), "{code:?}");
        assert!(
            reason[1..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_'),
            "{code:?}"
        );
        assert_ne!(reason.last(), Some(&b'_'), "{code:?}");
    }
}

#[test]
fn from_str_round_trips_code_string_name_and_reason() {
    for code in csghub_errorx::csghub::CATALOG.codes() {
        assert_eq!(ErrorCode::from_str(code.as_str()), Ok(code));
        assert_eq!(ErrorCode::from_str(code.name()), Ok(code));
        assert_eq!(ErrorCode::from_str(code.reason()), Ok(code));
        assert_eq!(ErrorCode::from_str(&code.to_string()), Ok(code));
    }
}

#[test]
fn from_str_rejects_text_that_names_no_code() {
    for text in [
        "",
        "GIT-ERR-99",
        "git-err-8",
        "GITAUTHFAILED",
        "gitauthfailed",
        " GIT-ERR-8",
    ] {
        let error = ErrorCode::from_str(text).unwrap_err();
        assert_eq!(error.input(), text);
    }
}

#[test]
fn http_status_is_the_canonical_mapping_of_the_grpc_code() {
    for code in csghub_errorx::csghub::CATALOG.codes() {
        assert_eq!(
            code.http_status(),
            grpc_code::http_status(code.grpc_code()),
            "{code:?}"
        );
    }
}

#[test]
fn mappings_follow_the_meaning_of_the_name() {
    use tonic::Code as G;
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let name = code.name();
        let grpc = code.grpc_code();
        if name.ends_with("NotFound")
            && !matches!(
                code,
                ErrorCode::LFS_NOT_FOUND | ErrorCode::PHONE_VERIFY_CODE_EXPIRED_OR_NOT_FOUND
            )
        {
            assert_eq!(grpc, G::NotFound, "{code:?}");
        }
        if name.ends_with("Exists")
            || name.ends_with("Exist")
            || name.contains("Duplicate") && name != "errReqParamDuplicate"
        {
            assert_eq!(grpc, G::AlreadyExists, "{code:?}");
        }
    }
    assert_eq!(ErrorCode::UNAUTHORIZED.grpc_code(), G::Unauthenticated);
    assert_eq!(ErrorCode::FORBIDDEN.grpc_code(), G::PermissionDenied);
    assert_eq!(
        ErrorCode::ERR_RATE_LIMIT_EXCEEDED.http_status().as_u16(),
        429
    );
    assert_eq!(
        ErrorCode::GIT_SERVICE_UNAVALIABLE.http_status().as_u16(),
        503
    );
    assert_eq!(ErrorCode::INTERNAL_SERVER_ERROR.http_status().as_u16(), 500);
}

#[test]
fn misspelled_names_keep_their_wire_spelling() {
    assert_eq!(
        ErrorCode::GIT_SERVICE_UNAVALIABLE.name(),
        "gitServiceUnavaliable"
    );
    assert_eq!(ErrorCode::SUBSCRIPTION_EXIST.name(), "subscriptionExist");
}

#[test]
fn descriptions_without_a_source_text_were_written() {
    for code in [
        ErrorCode::ERR_REQ_PARAM_MISSING,
        ErrorCode::ERR_REQ_PARAM_OUT_OF_RANGE,
        ErrorCode::ERR_REQ_PARAM_TYPE_ERROR,
    ] {
        assert!(code.description().len() > 30, "{code:?}");
    }
    for code in csghub_errorx::csghub::CATALOG.codes() {
        assert!(!code.description().is_empty(), "{code:?}");
        assert!(!code.description().contains('\n'), "{code:?}");
        assert!(!code.description().contains("  "), "{code:?}");
    }
}

/// The seed document beside the project, as CI lays it out.
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seeds/000_d3c3d114fbe0fb14.txt"
);

#[test]
fn descriptions_match_the_source_document_but_for_extraction_artifacts() {
    // CI and every checkout have `../shared` beside the project: a missing
    // seed is a broken layout, not a reason to pass.
    let source = std::fs::read_to_string(SEED)
        .unwrap_or_else(|e| panic!("the catalog's source document {SEED}: {e}"));
    // Join the PDF's broken lines, and undo the squeezed words it made.
    let joined = source
        .replace('\n', " ")
        .replace("INSERTorUPDATEoperation", "INSERT or UPDATE operation")
        .replace("( sql.", "(sql.");
    let mut checked = 0;
    for code in csghub_errorx::csghub::CATALOG.codes() {
        let marker = format!(
            "{} - Error Name: {} - Description:",
            code.as_str(),
            code.name()
        );
        let start = joined
            .find(&marker)
            .unwrap_or_else(|| panic!("{code:?} is not in the source"))
            + marker.len();
        let rest = &joined[start..];
        let end = rest
            .find(" - Error Code:")
            .map(|i| rest[..i].rfind(' ').unwrap_or(i))
            .unwrap_or(rest.len());
        // The text runs up to the next heading or code, which starts with
        // the next code string.
        let text = rest[..end].trim();
        if [
            ErrorCode::ERR_REQ_PARAM_MISSING,
            ErrorCode::ERR_REQ_PARAM_OUT_OF_RANGE,
            ErrorCode::ERR_REQ_PARAM_TYPE_ERROR,
        ]
        .contains(&code)
        {
            continue;
        }
        let tail = text.strip_prefix(code.description()).unwrap_or_else(|| {
            panic!(
                "{code:?}: source {text:?} vs catalog {:?}",
                code.description()
            )
        });
        // After the description comes nothing, or the next module's heading.
        assert!(
            tail.is_empty() || tail.ends_with(" Errors"),
            "{code:?}: trailing {tail:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, 97);
}

/// The gRPC code's default retry class is written twice: in the build
/// crate, which generated each code's class, and in the library
/// (`RetryClass::of`, for a status with no catalog code); the build crate
/// cannot depend on the library. CSGHub's catalog declares no class of its
/// own, so every code's class is its gRPC code's default in both.
#[test]
fn every_codes_retry_class_is_its_grpc_codes_default_in_both_copies() {
    for code in csghub_errorx::csghub::CATALOG.codes() {
        assert_eq!(
            code.retry_class(),
            csghub_errorx::RetryClass::of(code.grpc_code()),
            "{code:?}"
        );
    }
}
