//! Lookups in the catalog never allocate; neither does building an error
//! without context. Counted with a global allocator, in a test binary of
//! its own so no other test's allocations interfere.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use csghub_errorx::{Error, ErrorCode};

/// Counts allocations made on the current thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn allocations_in(work: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    work();
    ALLOCATIONS.with(Cell::get) - before
}

/// Every lookup and getter of `catalog`'s codes, none of which allocates.
fn catalog_lookups_allocate(catalog: &'static csghub_errorx::Catalog) -> usize {
    let texts: Vec<(String, String, String)> = catalog
        .codes()
        .map(|c| {
            (
                c.as_str().to_string(),
                c.name().to_string(),
                c.reason().to_string(),
            )
        })
        .collect();
    allocations_in(|| {
        for (code_str, name, reason) in &texts {
            black_box(catalog.parse(code_str).ok());
            black_box(catalog.parse(name).ok());
            black_box(catalog.parse(reason).ok());
            black_box(catalog.code_by_str(code_str));
            black_box(catalog.code_by_reason(reason));
        }
        for code in catalog.codes() {
            black_box((
                code.as_str(),
                code.name(),
                code.reason(),
                code.description(),
            ));
            black_box((
                code.grpc_code(),
                code.http_status(),
                code.module().prefix(),
                code.context_keys(),
                code.domain(),
            ));
            black_box(code.user_message(csghub_errorx::Locale::ZH_CN));
        }
        for module in catalog.modules().iter().copied() {
            black_box(catalog.module_codes(module).count());
        }
    })
}

#[test]
fn code_lookups_never_allocate() {
    assert_eq!(catalog_lookups_allocate(&csghub_errorx::csghub::CATALOG), 0);
    let count = allocations_in(|| {
        for code in csghub_errorx::csghub::CATALOG.codes() {
            black_box(code.as_str().parse::<ErrorCode>().ok());
            black_box(code.name().parse::<ErrorCode>().ok());
        }
    });
    assert_eq!(count, 0);
}

#[test]
fn a_user_catalogs_code_lookups_never_allocate() {
    use csghub_errorx_example_own_catalog::errors;
    assert_eq!(catalog_lookups_allocate(&errors::CATALOG), 0);
    let count = allocations_in(|| {
        black_box(Error::new(errors::MODEL_NOT_LOADED));
    });
    assert_eq!(count, 0);
}

#[test]
fn a_new_error_without_context_does_not_allocate() {
    let count = allocations_in(|| {
        let error = Error::new(ErrorCode::GIT_AUTH_FAILED);
        black_box((
            error.code(),
            error.message(),
            error.reason(),
            error.retry_info().is_none(),
            error.raw_details().is_empty(),
        ));
    });
    assert_eq!(count, 0);
}

/// The values a handler has at hand, as the benchmarks use them.
fn typical() -> Error {
    Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
        .with_context("repo", "opencsg/csghub")
        .with_context("branch", "main")
        .with_context("path", "docs/README.md")
}

#[test]
fn building_a_typical_error_allocates_its_context_once() {
    // Three entries: one buffer for their text, one for their places.
    let count = allocations_in(|| {
        black_box(typical());
    });
    assert_eq!(count, 2);
}

#[test]
fn encoding_a_typical_error_allocates_the_details_and_the_status() {
    let error = typical();
    let encoder = csghub_errorx::StatusEncoder::new();
    // The baseline: the least a tonic::Status with these details needs.
    let floor = allocations_in(|| {
        black_box(tonic::Status::with_details(
            error.grpc_code(),
            error.message(),
            bytes::Bytes::from(vec![0u8; 300]),
        ));
    });
    let count = allocations_in(|| {
        black_box(encoder.encode(&error));
    });
    // The details are encoded straight into the one buffer the status
    // keeps: nothing beyond what the status itself needs.
    assert!(
        count <= floor,
        "{count} allocations; a bare status takes {floor}"
    );
    // `Status::from` adds one: the error, kept as the in-process source.
    let count = allocations_in(|| {
        black_box(tonic::Status::from(error.clone()));
    });
    let clone = allocations_in(|| {
        black_box(error.clone());
    });
    assert!(count <= floor + clone + 1, "{count}");
}

#[test]
fn decoding_a_typical_status_allocates_its_parts_only() {
    let status = tonic::Status::from(typical());
    let count = allocations_in(|| {
        black_box(Error::from_status(&status));
    });
    // The message, and the context's text and places. The catalog's
    // domain and reason are not copied.
    assert!(count <= 3, "{count}");
}

#[test]
fn localizing_allocates_only_the_message_with_context_values() {
    let encoder = csghub_errorx::StatusEncoder::new();
    let locale = csghub_errorx::Locale::ZH_HK;
    // No context values the message names: its text is a static string.
    let plain = Error::new(ErrorCode::GIT_AUTH_FAILED);
    let plain_localized = plain.clone().with_user_locale(locale);
    let without = allocations_in(|| {
        black_box(encoder.encode(&plain));
    });
    let with = allocations_in(|| {
        black_box(encoder.encode(&plain_localized));
    });
    assert_eq!(with, without, "the catalog's message is not copied");
    // A message showing a context value is written once.
    let detailed = typical();
    let detailed_localized = detailed.clone().with_user_locale(locale);
    let without = allocations_in(|| {
        black_box(encoder.encode(&detailed));
    });
    let with = allocations_in(|| {
        black_box(encoder.encode(&detailed_localized));
    });
    assert_eq!(with, without + 1, "one allocation: the filled-in message");
}
