//! Compile errors of `#[derive(CatalogError)]`: each case under `ui/` must
//! fail with the message in its `.stderr`, pointing at the user's attribute
//! or field. Regenerate with `TRYBUILD=overwrite`, then read every change.

#[test]
fn misuse_is_reported_where_it_is_written() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
