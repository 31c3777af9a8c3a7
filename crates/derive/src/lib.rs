//! `#[derive(CatalogError)]` for csghub-errorx. Use it through
//! `csghub_errorx::CatalogError`.

use proc_macro::TokenStream;

/// Derives `csghub_errorx::CatalogError`.
#[proc_macro_derive(CatalogError, attributes(catalog))]
pub fn derive_catalog_error(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
