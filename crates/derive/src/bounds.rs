//! The where clauses of the generated impls: what they need of a generic
//! type's parameters.

use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{Ident, Type, WhereClause, WherePredicate};

use crate::model::{Input, Mapping};

/// The where clause of `impl CatalogError`: the user's, and for a generic
/// type also
/// - `Self: Error + Send + Sync + 'static`, the trait's supertraits. The
///   `Error` impl (thiserror's derive, say) may need bounds the user never
///   wrote, such as `T: Display` for a field its message prints; asking for
///   the supertraits themselves accepts whatever those bounds are, so a
///   generic type needs no bounds written for this derive;
/// - `FieldType: Display` for each context field whose type names a type
///   parameter, and `FieldType: CatalogError` for such a transparent field.
///
/// A non-generic type gets no bound at all: a trait its field lacks is then
/// reported at the field, rather than as an unsatisfiable where clause.
pub(crate) fn catalog_error_where_clause(input: &Input) -> Option<WhereClause> {
    if input.generics.params.is_empty() {
        return input.generics.where_clause.clone();
    }
    let type_params: Vec<&Ident> = input
        .generics
        .type_params()
        .map(|param| &param.ident)
        .collect();
    let mut predicates = vec![quote! {
        Self: ::core::error::Error + ::core::marker::Send + ::core::marker::Sync + 'static
    }];
    for case in &input.cases {
        match &case.mapping {
            Mapping::Code { context, .. } => {
                let display_bounds = context
                    .iter()
                    .map(|context_field| &context_field.field.ty)
                    .filter(|ty| names_any(ty, &type_params))
                    .map(|ty| quote_spanned!(ty.span()=> #ty: ::core::fmt::Display));
                predicates.extend(display_bounds);
            }
            Mapping::Transparent(inner) if names_any(inner.ty, &type_params) => {
                let ty = &inner.ty;
                predicates.push(quote_spanned!(ty.span()=> #ty: ::csghub_errorx::CatalogError));
            }
            Mapping::Transparent(_) => {}
        }
    }
    Some(with_predicates(input, predicates))
}

/// The where clause of `impl From<T> for Status`: the user's, and for a
/// generic type `T: CatalogError`, which the conversion goes through.
pub(crate) fn status_from_where_clause(input: &Input) -> Option<WhereClause> {
    if input.generics.params.is_empty() {
        return input.generics.where_clause.clone();
    }
    let ident = input.ident;
    let (_, ty_generics, _) = input.generics.split_for_impl();
    let predicate = quote!(#ident #ty_generics: ::csghub_errorx::CatalogError);
    Some(with_predicates(input, vec![predicate]))
}

fn with_predicates(input: &Input, predicates: Vec<TokenStream>) -> WhereClause {
    let mut where_clause = input
        .generics
        .where_clause
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(where));
    for predicate in predicates {
        // Each predicate is made above from a type and trait paths; they
        // always parse.
        let predicate: WherePredicate = syn::parse_quote!(#predicate);
        where_clause.predicates.push(predicate);
    }
    where_clause
}

/// Whether `ty` names one of `type_params`, anywhere in it (`Vec<T>`,
/// `T::Id`). A token scan: a type parameter is an identifier, and the
/// scan needs no knowledge of every form a type can take.
fn names_any(ty: &Type, type_params: &[&Ident]) -> bool {
    fn scan(tokens: TokenStream, type_params: &[&Ident]) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => type_params.iter().any(|param| **param == ident),
            TokenTree::Group(group) => scan(group.stream(), type_params),
            TokenTree::Punct(_) | TokenTree::Literal(_) => false,
        })
    }
    scan(ty.to_token_stream(), type_params)
}
