//! [`Input`]: the derive input, checked, as what the generated code needs:
//! for each variant (or the struct) its code and context, or the field it
//! delegates to.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, ExprPath, Fields, Generics, Ident, Member, Path, Type};

use crate::attrs::{parse_catalog_attrs, CatalogAttrs, Position};
use crate::error_list::ErrorList;
use crate::lower_camel::lower_camel;

/// A type deriving `CatalogError`, checked.
pub(crate) struct Input<'a> {
    /// The type's name.
    pub(crate) ident: &'a Ident,
    /// The type's generics, as written.
    pub(crate) generics: &'a Generics,
    /// `#[catalog(enrich = path)]` on the type.
    pub(crate) enrich: Option<ExprPath>,
    /// One case for a struct; one per variant for an enum (none for an
    /// enum without variants).
    pub(crate) cases: Vec<Case<'a>>,
}

/// A struct, or one variant of an enum.
pub(crate) struct Case<'a> {
    /// The path a pattern matches it by: `Self` or `Self::Variant`.
    pub(crate) path: TokenStream,
    /// Where its code, context and enrichment come from.
    pub(crate) mapping: Mapping<'a>,
}

/// Where a case's code, context and enrichment come from.
pub(crate) enum Mapping<'a> {
    /// `#[catalog(code = NAME)]`, with the fields marked
    /// `#[catalog(context)]`.
    Code {
        /// The `ErrorCode` constant's name, spanned where the user wrote it.
        code: Path,
        /// The fields sent as context.
        context: Vec<ContextField<'a>>,
    },
    /// `#[catalog(transparent)]`: the one field's own `CatalogError` impl.
    Transparent(BoundField<'a>),
}

/// A field sent as context.
pub(crate) struct ContextField<'a> {
    /// The field, bound by a pattern.
    pub(crate) field: BoundField<'a>,
    /// Its context key.
    pub(crate) key: String,
}

/// A field that a generated `match` arm binds to a local variable.
pub(crate) struct BoundField<'a> {
    /// Its name, or its index in a tuple.
    pub(crate) member: Member,
    /// The local variable it is bound to, spanned at the field's type so
    /// that a trait the type lacks is reported there.
    pub(crate) binding: Ident,
    /// Its type.
    pub(crate) ty: &'a Type,
}

impl<'a> Input<'a> {
    /// Checks `input`, reporting every mistake at once.
    pub(crate) fn from_derive_input(input: &'a DeriveInput) -> syn::Result<Input<'a>> {
        let mut errors = ErrorList::default();
        let (type_attrs, cases) = match &input.data {
            Data::Struct(data) => {
                let attrs = parse_catalog_attrs(&input.attrs, Position::Struct, &mut errors);
                let case = CaseInput {
                    kind: CaseKind::Struct,
                    name: &input.ident,
                    path: quote!(Self),
                    fields: &data.fields,
                    own: &attrs,
                    default_code: None,
                }
                .check(&mut errors);
                (attrs, case.into_iter().collect())
            }
            Data::Enum(data) => {
                let attrs = parse_catalog_attrs(&input.attrs, Position::Enum, &mut errors);
                let cases = data
                    .variants
                    .iter()
                    .filter_map(|variant| {
                        let variant_attrs =
                            parse_catalog_attrs(&variant.attrs, Position::Variant, &mut errors);
                        let ident = &variant.ident;
                        CaseInput {
                            kind: CaseKind::Variant,
                            name: ident,
                            path: quote!(Self::#ident),
                            fields: &variant.fields,
                            own: &variant_attrs,
                            default_code: attrs.code.as_ref(),
                        }
                        .check(&mut errors)
                    })
                    .collect();
                (attrs, cases)
            }
            Data::Union(data) => {
                errors.push_at(
                    data.union_token.span,
                    "#[derive(CatalogError)] works on enums and structs, not unions: \
                     a union cannot tell which of its fields holds the error",
                );
                (CatalogAttrs::default(), Vec::new())
            }
        };
        errors.finish(Input {
            ident: &input.ident,
            generics: &input.generics,
            enrich: type_attrs.enrich,
            cases,
        })
    }

    /// Whether any case delegates to an inner error.
    pub(crate) fn has_transparent_case(&self) -> bool {
        self.cases
            .iter()
            .any(|case| matches!(case.mapping, Mapping::Transparent(_)))
    }

    /// Whether any case sends context, its own or its inner error's.
    pub(crate) fn has_context(&self) -> bool {
        self.cases.iter().any(|case| match &case.mapping {
            Mapping::Code { context, .. } => !context.is_empty(),
            Mapping::Transparent(_) => true,
        })
    }
}

/// Whether a case is a struct or a variant: messages name it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CaseKind {
    Struct,
    Variant,
}

/// What checking a struct or a variant needs.
struct CaseInput<'a, 'attrs> {
    kind: CaseKind,
    /// The struct's or the variant's name.
    name: &'a Ident,
    path: TokenStream,
    fields: &'a Fields,
    /// The `#[catalog(...)]` on the struct or the variant itself.
    own: &'attrs CatalogAttrs,
    /// The enum's `#[catalog(code = ...)]`, for variants without their own.
    default_code: Option<&'attrs Path>,
}

impl<'a> CaseInput<'a, '_> {
    /// "struct `Quota`", "variant `NotFound`": for messages.
    fn description(&self) -> String {
        let kind = match self.kind {
            CaseKind::Struct => "struct",
            CaseKind::Variant => "variant",
        };
        format!("{kind} `{}`", self.name)
    }

    /// The case, or `None` once its mistakes are in `errors`.
    fn check(self, errors: &mut ErrorList) -> Option<Case<'a>> {
        let fields = self.parse_fields(errors);
        let mapping = match self.own.transparent {
            Some(transparent) => self.check_transparent(transparent, fields, errors),
            None => self.check_coded(fields, errors),
        }?;
        Some(Case {
            path: self.path,
            mapping,
        })
    }

    fn parse_fields(&self, errors: &mut ErrorList) -> Vec<(BoundField<'a>, CatalogAttrs)> {
        self.fields
            .iter()
            .enumerate()
            .map(|(index, field)| {
                let attrs = parse_catalog_attrs(&field.attrs, Position::Field, errors);
                let member = match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(index.into()),
                };
                let bound = BoundField {
                    member,
                    binding: format_ident!("__field_{}", index, span = field.ty.span()),
                    ty: &field.ty,
                };
                (bound, attrs)
            })
            .collect()
    }

    fn check_transparent(
        &self,
        transparent: Span,
        fields: Vec<(BoundField<'a>, CatalogAttrs)>,
        errors: &mut ErrorList,
    ) -> Option<Mapping<'a>> {
        let mut valid = true;
        if let Some(code) = &self.own.code {
            errors.push_at(
                code.span(),
                format_args!(
                    "`code` and `transparent` exclude each other: the transparent {} takes its code from its one field",
                    self.description(),
                ),
            );
            valid = false;
        }
        for context in fields
            .iter()
            .filter_map(|(_, attrs)| attrs.context.as_ref())
        {
            errors.push_at(
                context.span,
                format_args!(
                    "the transparent {} takes its context from its one field's own CatalogError impl: remove #[catalog(context)]",
                    self.description(),
                ),
            );
            valid = false;
        }
        let count = fields.len();
        let Ok([(inner, _)]) = <[_; 1]>::try_from(fields) else {
            errors.push_at(
                transparent,
                format_args!(
                    "#[catalog(transparent)] needs exactly one field, the inner error that implements CatalogError; {} has {count}",
                    self.description(),
                ),
            );
            return None;
        };
        valid.then_some(Mapping::Transparent(inner))
    }

    fn check_coded(
        &self,
        fields: Vec<(BoundField<'a>, CatalogAttrs)>,
        errors: &mut ErrorList,
    ) -> Option<Mapping<'a>> {
        let code = self.own.code.as_ref().or(self.default_code);
        if code.is_none() && !self.own.code_is_invalid {
            errors.push_at(self.name.span(), self.missing_code_message());
        }
        let mut context: Vec<ContextField<'a>> = Vec::new();
        let mut valid = true;
        for (field, attrs) in fields {
            let Some(attr) = attrs.context else { continue };
            let key = match (&attr.key, &field.member) {
                (Some(key), _) => key.value(),
                (None, Member::Named(name)) => lower_camel(&name.unraw().to_string()),
                (None, Member::Unnamed(_)) => {
                    errors.push_at(
                        attr.span,
                        "a tuple field has no name to make a context key of: write #[catalog(context = \"key\")]",
                    );
                    valid = false;
                    continue;
                }
            };
            if context.iter().any(|earlier| earlier.key == key) {
                let span = attr.key.as_ref().map_or(attr.span, |key| key.span());
                errors.push_at(
                    span,
                    format_args!(
                        "duplicate context key `{key}` in {}: each field needs its own key",
                        self.description()
                    ),
                );
                valid = false;
                continue;
            }
            context.push(ContextField { field, key });
        }
        let code = code?.clone();
        valid.then_some(Mapping::Code { code, context })
    }

    fn missing_code_message(&self) -> String {
        let message = format!(
            "missing #[catalog(code = ...)] on {}: name a code of the catalog, such as #[catalog(code = GIT_REPO_NOT_FOUND)]",
            self.description()
        );
        if self.kind == CaseKind::Variant {
            format!("{message}, or give the enum a default #[catalog(code = ...)]")
        } else {
            message
        }
    }
}
