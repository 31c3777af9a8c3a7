//! The generated code: `impl CatalogError` and `impl From<T> for Status`.
//!
//! Every path is absolute (`::csghub_errorx::...`, `::core::...`), so the
//! code means the same whatever the user's module imports or shadows.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;

use crate::bounds::{catalog_error_where_clause, status_from_where_clause};
use crate::model::{BoundField, Case, Input, Mapping};

/// Both impls for `input`.
pub(crate) fn expand(input: &Input) -> TokenStream {
    let catalog_error = catalog_error_impl(input);
    let status_from = status_from_impl(input);
    quote! {
        #catalog_error
        #status_from
    }
}

fn catalog_error_impl(input: &Input) -> TokenStream {
    let ident = input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let where_clause = catalog_error_where_clause(input);
    let code = code_fn(input);
    // The trait's defaults (no context, no enrichment) stand where the
    // input asks for nothing else.
    let context = input.has_context().then(|| context_fn(input));
    let enrich = (input.enrich.is_some() || input.has_transparent_case()).then(|| enrich_fn(input));
    quote! {
        #[automatically_derived]
        // The casts of `as_dyn_display` are ones a coercion could do, which
        // `trivial_casts` and clippy flag in crates that enable them.
        #[allow(unused_qualifications, trivial_casts, clippy::unnecessary_cast)]
        impl #impl_generics ::csghub_errorx::CatalogError for #ident #ty_generics #where_clause {
            #code
            #context
            #enrich
        }
    }
}

/// `?` in a tonic handler returning `Result<_, tonic::Status>` converts
/// through `Error`, which the blanket `From<E: CatalogError>` builds.
fn status_from_impl(input: &Input) -> TokenStream {
    let ident = input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let where_clause = status_from_where_clause(input);
    quote! {
        #[automatically_derived]
        #[allow(unused_qualifications)]
        impl #impl_generics ::core::convert::From<#ident #ty_generics>
            for ::csghub_errorx::__private::Status #where_clause
        {
            fn from(error: #ident #ty_generics) -> Self {
                ::core::convert::From::from(
                    <::csghub_errorx::Error as ::core::convert::From<#ident #ty_generics>>::from(error),
                )
            }
        }
    }
}

fn code_fn(input: &Input) -> TokenStream {
    let arms = input.cases.iter().map(|case| {
        let path = &case.path;
        match &case.mapping {
            Mapping::Code { code, .. } => {
                // A bare name is one of CSGHub's constants, associated with
                // `ErrorCode`; a path (`errors::MODEL_NOT_LOADED`) names a
                // generated catalog module's constant as the user's scope
                // sees it. Spanned at the user's name: an unknown one is
                // reported by rustc at the attribute.
                let constant = match code.get_ident() {
                    Some(name) => quote_spanned!(name.span()=> ::csghub_errorx::ErrorCode::#name),
                    None => quote_spanned!(code.span()=> #code),
                };
                quote!(#path { .. } => #constant,)
            }
            Mapping::Transparent(inner) => {
                let pattern = bind_one(path, inner);
                let call = delegate(inner, quote!(code), quote!());
                quote!(#pattern => #call,)
            }
        }
    });
    let body = match_self(input, arms);
    quote! {
        fn code(&self) -> ::csghub_errorx::ErrorCode {
            #body
        }
    }
}

fn context_fn(input: &Input) -> TokenStream {
    let arms = input.cases.iter().filter_map(context_arm);
    let catch_all = input
        .cases
        .iter()
        .any(|case| matches!(&case.mapping, Mapping::Code { context, .. } if context.is_empty()))
        .then(|| quote!(_ => {}));
    quote! {
        fn context(&self, context: &mut ::csghub_errorx::Context) {
            match self {
                #(#arms)*
                #catch_all
            }
        }
    }
}

/// The arm of one case that adds context; `None` for a case without.
fn context_arm(case: &Case) -> Option<TokenStream> {
    let path = &case.path;
    match &case.mapping {
        Mapping::Code { context, .. } if context.is_empty() => None,
        Mapping::Code { context, .. } => {
            let members = context.iter().map(|entry| &entry.field.member);
            let bindings = context.iter().map(|entry| &entry.field.binding);
            let inserts = context.iter().map(|entry| {
                let key = &entry.key;
                let value = as_dyn_display(&entry.field);
                quote!(context.insert(#key, #value);)
            });
            Some(quote! {
                #path { #(#members: #bindings,)* .. } => {
                    #(#inserts)*
                }
            })
        }
        Mapping::Transparent(inner) => {
            let pattern = bind_one(path, inner);
            let call = delegate(inner, quote!(context), quote!(, context));
            Some(quote!(#pattern => #call,))
        }
    }
}

/// The inner errors' enrichment first, then the type's own function, which
/// so sees (and may override) what the inner error added.
fn enrich_fn(input: &Input) -> TokenStream {
    let delegated = input.has_transparent_case().then(|| {
        let arms = input.cases.iter().filter_map(|case| match &case.mapping {
            Mapping::Transparent(inner) => {
                let pattern = bind_one(&case.path, inner);
                let call = delegate(inner, quote!(enrich), quote!(, error));
                Some(quote!(#pattern => #call,))
            }
            Mapping::Code { .. } => None,
        });
        let catch_all = input
            .cases
            .iter()
            .any(|case| matches!(case.mapping, Mapping::Code { .. }))
            .then(|| quote!(_ => error,));
        quote! {
            let error = match self {
                #(#arms)*
                #catch_all
            };
        }
    });
    let own = match &input.enrich {
        Some(function) => quote_spanned!(function.span()=> #function(self, error)),
        None => quote!(error),
    };
    quote! {
        fn enrich(&self, error: ::csghub_errorx::Error) -> ::csghub_errorx::Error {
            #delegated
            #own
        }
    }
}

/// `match self { arms }`; `match *self {}` for an enum without variants,
/// which has no value to match a reference to.
fn match_self(input: &Input, arms: impl Iterator<Item = TokenStream>) -> TokenStream {
    if input.cases.is_empty() {
        quote!(match *self {})
    } else {
        quote!(match self { #(#arms)* })
    }
}

/// `Self::Variant { member: binding, .. }`: one field bound. The braced
/// form matches named, tuple and unit shapes alike.
fn bind_one(path: &TokenStream, field: &BoundField) -> TokenStream {
    let member = &field.member;
    let binding = &field.binding;
    quote!(#path { #member: #binding, .. })
}

/// `<Inner as CatalogError>::method(inner, args)`. Naming the field's type
/// as written makes rustc report a type that does not implement
/// `CatalogError` over the whole type in the user's field.
fn delegate(inner: &BoundField, method: TokenStream, more_args: TokenStream) -> TokenStream {
    let ty = &inner.ty;
    let binding = &inner.binding;
    quote!(<#ty as ::csghub_errorx::CatalogError>::#method(#binding #more_args))
}

/// `field as &FieldType as &dyn Display`: asks for `Display` at the field,
/// so a type without it is reported there rather than inside
/// `Context::insert`. rustc underlines the operand of the failing cast; the
/// first, identity cast makes that operand cover the whole field type as
/// written (`std::path::PathBuf`, not only `std`), which one binding could
/// not. Its tokens carry the type's own spans: rustc joins only spans from
/// the same place, and the derive's own span would win.
fn as_dyn_display(field: &BoundField) -> TokenStream {
    let binding = &field.binding;
    let ty = &field.ty;
    let mut type_tokens = ty.to_token_stream().into_iter();
    let first = type_tokens
        .next()
        .map_or_else(Span::call_site, |token| token.span());
    let last = type_tokens.last().map_or(first, |token| token.span());
    let to_field_type = quote_spanned!(first=> #binding as &);
    let to_display = quote_spanned!(last=> as &dyn ::core::fmt::Display);
    quote!(#to_field_type #ty #to_display)
}
