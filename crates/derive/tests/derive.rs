//! `#[derive(CatalogError)]` at run time: what the derived impls put into
//! an `Error` and a `tonic::Status`, and what a client decodes back.

use std::error::Error as _;
use std::time::Duration;

use csghub_errorx::{CatalogError, Error, ErrorCode};

#[derive(Debug, thiserror::Error, CatalogError)]
enum RepoError {
    #[error("repository {repo} not found")]
    #[catalog(code = GIT_REPO_NOT_FOUND)]
    NotFound {
        #[catalog(context)]
        repo: String,
    },
    #[error("branch {1} not found in {0}")]
    #[catalog(code = GIT_BRANCH_NOT_FOUND)]
    BranchNotFound(
        #[catalog(context = "repo")] String,
        #[catalog(context = "branch")] String,
    ),
    #[error("storage failed")]
    #[catalog(code = DATABASE_FAILURE)]
    Storage(#[source] std::io::Error),
    #[error("cannot read {repo_path} at attempt {attempt_count}")]
    #[catalog(code = GIT_REPO_NOT_FOUND)]
    Unreadable {
        #[catalog(context)]
        repo_path: String,
        #[catalog(context)]
        attempt_count: u32,
        // Not sent: no #[catalog(context)].
        internal_host: String,
    },
    #[error("authentication failed")]
    #[catalog(code = GIT_AUTH_FAILED)]
    AuthFailed,
    #[error(transparent)]
    #[catalog(transparent)]
    Quota(QuotaExceeded),
}

#[derive(Debug, thiserror::Error, CatalogError)]
#[error("quota of {user} exceeded")]
#[catalog(code = ERR_RATE_LIMIT_EXCEEDED, enrich = retry_in_30_seconds)]
struct QuotaExceeded {
    #[catalog(context)]
    user: String,
}

fn retry_in_30_seconds(_: &QuotaExceeded, error: Error) -> Error {
    error.with_retry_delay(Duration::from_secs(30))
}

fn find_repo(repo: &str) -> Result<(), tonic::Status> {
    Err(RepoError::NotFound {
        repo: repo.to_owned(),
    })?
}

fn find_branch(repo: &str, branch: &str) -> Result<(), tonic::Status> {
    Err(RepoError::BranchNotFound(
        repo.to_owned(),
        branch.to_owned(),
    ))?
}

#[test]
fn question_mark_in_a_tonic_handler_sends_the_code_and_context() {
    let status = find_repo("ns/name").unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);

    let decoded = Error::from_status(&status);
    assert_eq!(decoded.code(), Some(ErrorCode::GIT_REPO_NOT_FOUND));
    assert_eq!(decoded.context().get("repo"), Some("ns/name"));
}

#[test]
fn status_never_carries_the_display_text() {
    let status = find_repo("ns/secret-name-in-message").unwrap_err();
    assert!(!status.message().contains("repository ns/secret"));
}

#[test]
fn question_mark_converts_into_error() {
    // `Error` is over clippy's 128-byte limit for an `Err` variant.
    #[allow(clippy::result_large_err)]
    fn find() -> Result<(), Error> {
        Err(RepoError::AuthFailed)?
    }
    let error = find().unwrap_err();
    assert!(error.is(ErrorCode::GIT_AUTH_FAILED));
    assert!(error.context().is_empty());
}

#[test]
fn tuple_fields_are_sent_under_their_explicit_keys() {
    let decoded = Error::from_status(&find_branch("ns/name", "dev").unwrap_err());
    assert!(decoded.is(ErrorCode::GIT_BRANCH_NOT_FOUND));
    let context: Vec<_> = decoded.context().iter().collect();
    assert_eq!(context, [("branch", "dev"), ("repo", "ns/name")]);
}

#[test]
fn snake_case_fields_become_lower_camel_keys_and_unmarked_fields_stay_home() {
    let error = Error::from(RepoError::Unreadable {
        repo_path: "ns/name".into(),
        attempt_count: 3,
        internal_host: "10.0.0.7".into(),
    });
    let context: Vec<_> = error.context().iter().collect();
    assert_eq!(context, [("attemptCount", "3"), ("repoPath", "ns/name")]);
}

#[test]
fn the_shared_source_is_the_users_error_then_its_cause() {
    let io = std::io::Error::other("connection reset by 10.0.0.7");
    let error = Error::from(RepoError::Storage(io));
    assert!(error.is(ErrorCode::DATABASE_FAILURE));

    let source = error
        .shared_source()
        .expect("the user's error is the source");
    let repo_error = source.downcast_ref::<RepoError>().expect("a RepoError");
    assert!(matches!(repo_error, RepoError::Storage(_)));
    let cause = source.source().expect("the io error below it");
    assert!(cause.downcast_ref::<std::io::Error>().is_some());
}

// `Error::source` returns the `Arc` holding the source, as thiserror's
// `#[source]` on `Option<Arc<dyn Error>>` does, so `downcast_ref` sees the
// `Arc`, not the user's type; `shared_source` (above) sees through it.
#[test]
fn the_source_is_the_users_error_then_its_cause() {
    let io = std::io::Error::other("connection reset by 10.0.0.7");
    let error = Error::from(RepoError::Storage(io));

    let source = error.source().expect("the user's error is the source");
    let repo_error = source.downcast_ref::<RepoError>().expect("a RepoError");
    assert!(matches!(repo_error, RepoError::Storage(_)));
    let cause = source.source().expect("the io error below it");
    assert!(cause.downcast_ref::<std::io::Error>().is_some());
}

#[test]
fn the_status_keeps_the_users_error_in_process() {
    fn store() -> Result<(), tonic::Status> {
        Err(RepoError::Storage(std::io::Error::other("disk full")))?
    }
    let status = store().unwrap_err();
    let in_process = Error::in_process(&status).expect("the handler's error");
    let source = in_process.shared_source().expect("the user's error");
    assert!(source.downcast_ref::<RepoError>().is_some());
    assert!(!status.message().contains("disk full"));
}

#[test]
fn a_transparent_variant_delegates_code_context_and_enrichment() {
    let quota = QuotaExceeded {
        user: "alice".into(),
    };
    let error = Error::from(RepoError::Quota(quota));
    assert!(error.is(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
    assert_eq!(error.context().get("user"), Some("alice"));
    assert_eq!(error.retry_delay(), Some(Duration::from_secs(30)));
}

#[test]
fn a_struct_derives_its_code_context_and_enrichment() {
    let status = tonic::Status::from(QuotaExceeded {
        user: "alice".into(),
    });
    assert_eq!(status.code(), tonic::Code::ResourceExhausted);
    let decoded = Error::from_status(&status);
    assert!(decoded.is(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
    assert_eq!(decoded.context().get("user"), Some("alice"));
    assert_eq!(decoded.retry_delay(), Some(Duration::from_secs(30)));
}

#[derive(Debug, thiserror::Error, CatalogError)]
#[catalog(code = DATABASE_FAILURE, enrich = longer_delay)]
enum StoreError {
    #[error("connection lost")]
    ConnectionLost,
    #[error("table {table} is locked")]
    #[catalog(code = ERR_RATE_LIMIT_EXCEEDED)]
    Locked {
        #[catalog(context)]
        table: String,
    },
    #[error(transparent)]
    #[catalog(transparent)]
    Quota(QuotaExceeded),
}

/// Runs after the inner error's enrichment, so it sees the delay it set.
fn longer_delay(_: &StoreError, error: Error) -> Error {
    let delay = error.retry_delay().unwrap_or_default() + Duration::from_secs(1);
    error.with_retry_delay(delay)
}

#[test]
fn the_enum_code_is_the_default_for_variants_without_their_own() {
    assert!(Error::from(StoreError::ConnectionLost).is(ErrorCode::DATABASE_FAILURE));
    let locked = StoreError::Locked {
        table: "repos".into(),
    };
    assert!(Error::from(locked).is(ErrorCode::ERR_RATE_LIMIT_EXCEEDED));
}

#[test]
fn the_enum_enrichment_runs_for_every_variant_after_the_inner_one() {
    let plain = Error::from(StoreError::ConnectionLost);
    assert_eq!(plain.retry_delay(), Some(Duration::from_secs(1)));

    let quota = QuotaExceeded {
        user: "alice".into(),
    };
    let delegated = Error::from(StoreError::Quota(quota));
    assert_eq!(delegated.retry_delay(), Some(Duration::from_secs(31)));
}

#[derive(Debug, thiserror::Error, CatalogError)]
enum Lookup<K, E>
where
    K: Copy,
{
    #[error("no entry for {0}")]
    #[catalog(code = GIT_REPO_NOT_FOUND)]
    Missing(#[catalog(context = "key")] K),
    #[error(transparent)]
    #[catalog(transparent)]
    Inner(E),
}

#[test]
fn a_generic_enum_needs_no_bounds_of_its_own() {
    let missing: Lookup<u64, QuotaExceeded> = Lookup::Missing(42);
    let error = Error::from(missing);
    assert!(error.is(ErrorCode::GIT_REPO_NOT_FOUND));
    assert_eq!(error.context().get("key"), Some("42"));

    let inner: Lookup<u64, QuotaExceeded> = Lookup::Inner(QuotaExceeded { user: "bob".into() });
    let status = tonic::Status::from(inner);
    assert_eq!(
        Error::from_status(&status).code(),
        Some(ErrorCode::ERR_RATE_LIMIT_EXCEEDED)
    );
}

/// Field names that the generated code's own names must not capture.
#[derive(Debug, thiserror::Error, CatalogError)]
#[error("{context} {error} {type}")]
#[catalog(code = GIT_AUTH_FAILED)]
struct Shadowing {
    #[catalog(context)]
    context: String,
    #[catalog(context)]
    error: String,
    #[catalog(context)]
    r#type: String,
}

#[test]
fn fields_named_like_generated_locals_or_keywords_keep_their_keys() {
    let error = Error::from(Shadowing {
        context: "a".into(),
        error: "b".into(),
        r#type: "c".into(),
    });
    let context: Vec<_> = error.context().iter().collect();
    assert_eq!(context, [("context", "a"), ("error", "b"), ("type", "c")]);
}

#[derive(Debug, thiserror::Error, CatalogError)]
#[error(transparent)]
#[catalog(transparent)]
struct Wrapper(RepoError);

#[test]
fn a_transparent_struct_delegates_to_its_field() {
    let error = Error::from(Wrapper(RepoError::NotFound {
        repo: "ns/name".into(),
    }));
    assert!(error.is(ErrorCode::GIT_REPO_NOT_FOUND));
    assert_eq!(error.context().get("repo"), Some("ns/name"));
}

#[test]
fn the_derived_code_matches_the_trait_method() {
    assert_eq!(RepoError::AuthFailed.code(), ErrorCode::GIT_AUTH_FAILED);
}

#[derive(Debug, thiserror::Error, CatalogError)]
#[error("timed out")]
#[catalog(code = DATABASE_FAILURE)]
struct Timeout;

#[test]
fn a_unit_struct_has_its_code_and_no_context() {
    let error = Error::from(Timeout);
    assert!(error.is(ErrorCode::DATABASE_FAILURE));
    assert!(error.context().is_empty());
}

#[derive(Debug, thiserror::Error, CatalogError)]
enum Never {}

#[test]
fn an_enum_without_variants_still_derives() {
    fn converts_to_status<T: CatalogError>()
    where
        tonic::Status: From<T>,
    {
    }
    converts_to_status::<Never>();
}
