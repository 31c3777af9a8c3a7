//! Reading `#[catalog(...)]`: which keys an item carries, each checked for
//! its place (a key on the wrong item is an error naming the right one) and
//! for the form of its value.

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, ExprPath, Ident, Lit, LitStr, Meta, Path, Token};

use crate::error_list::ErrorList;

/// The item a `#[catalog(...)]` attribute is written on: it decides which
/// keys are allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Struct,
    Enum,
    Variant,
    Field,
}

impl Position {
    /// The keys allowed here, in the order the error messages list them.
    fn allowed_keys(self) -> &'static [Key] {
        match self {
            Position::Struct => &[Key::Code, Key::Enrich, Key::Transparent],
            Position::Enum => &[Key::Code, Key::Enrich],
            Position::Variant => &[Key::Code, Key::Transparent],
            Position::Field => &[Key::Context],
        }
    }

    /// "a struct", "a variant": for messages.
    fn with_article(self) -> &'static str {
        match self {
            Position::Struct => "a struct",
            Position::Enum => "an enum",
            Position::Variant => "a variant",
            Position::Field => "a field",
        }
    }
}

/// A key that `#[catalog(...)]` knows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Code,
    Context,
    Enrich,
    Transparent,
}

impl Key {
    fn from_ident(ident: &Ident) -> Option<Key> {
        [Key::Code, Key::Context, Key::Enrich, Key::Transparent]
            .into_iter()
            .find(|key| ident == key.name())
    }

    fn name(self) -> &'static str {
        match self {
            Key::Code => "code",
            Key::Context => "context",
            Key::Enrich => "enrich",
            Key::Transparent => "transparent",
        }
    }

    /// How the key is written, for messages.
    fn form(self) -> &'static str {
        match self {
            Key::Code => "#[catalog(code = ...)]",
            Key::Context => "#[catalog(context)]",
            Key::Enrich => "#[catalog(enrich = ...)]",
            Key::Transparent => "#[catalog(transparent)]",
        }
    }

    /// Where the key belongs and what it does, for a key written elsewhere.
    fn placement(self) -> &'static str {
        match self {
            Key::Code => {
                "it goes on a variant, an enum or a struct, and names the catalog code of the error"
            }
            Key::Context => "it goes on a field, whose value it sends as context",
            Key::Enrich => {
                "it goes on the enum or the struct, and its function sees every variant"
            }
            Key::Transparent => {
                "it goes on a variant or a struct with one field, whose type implements CatalogError"
            }
        }
    }
}

/// What the `#[catalog(...)]` attributes of one item say. A key written on
/// an item where it is not allowed is reported and left out.
#[derive(Default)]
pub(crate) struct CatalogAttrs {
    /// `code = NAME` or `code = path::NAME`: an `ErrorCode` constant.
    pub(crate) code: Option<Path>,
    /// `enrich = path`: a `fn(&Self, Error) -> Error`.
    pub(crate) enrich: Option<ExprPath>,
    /// Whether a `code` was written but is not a constant name: no
    /// "missing code" error should follow the one already reported.
    pub(crate) code_is_invalid: bool,
    /// `transparent`: where it was written.
    pub(crate) transparent: Option<Span>,
    /// `context` or `context = "key"`.
    pub(crate) context: Option<ContextAttr>,
}

/// `#[catalog(context)]` or `#[catalog(context = "key")]` on a field.
pub(crate) struct ContextAttr {
    /// Where `context` was written.
    pub(crate) span: Span,
    /// The key, if given; else the field's name decides it.
    pub(crate) key: Option<LitStr>,
}

/// Reads every `#[catalog(...)]` among `attrs`, written on an item at
/// `position`. Mistakes go to `errors`; what is valid is kept, so that the
/// rest of the input can still be checked.
pub(crate) fn parse_catalog_attrs(
    attrs: &[Attribute],
    position: Position,
    errors: &mut ErrorList,
) -> CatalogAttrs {
    let mut parsed = CatalogAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("catalog")) {
        let entries = attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated);
        match entries {
            Ok(entries) => {
                for entry in &entries {
                    parse_entry(entry, position, &mut parsed, errors);
                }
            }
            Err(error) => errors.push(error),
        }
    }
    parsed
}

/// One `key` or `key = value`.
fn parse_entry(
    entry: &Meta,
    position: Position,
    parsed: &mut CatalogAttrs,
    errors: &mut ErrorList,
) {
    let Some(key) = entry.path().get_ident().and_then(Key::from_ident) else {
        errors.push_at(entry.path().span(), unknown_key_message(entry, position));
        return;
    };
    let key_span = entry.path().span();
    if !position.allowed_keys().contains(&key) {
        errors.push_at(
            key_span,
            format_args!(
                "`{}` cannot go on {}: {}",
                key.form(),
                position.with_article(),
                key.placement()
            ),
        );
        return;
    }
    let already_given = match key {
        Key::Code => parsed.code.is_some(),
        Key::Context => parsed.context.is_some(),
        Key::Enrich => parsed.enrich.is_some(),
        Key::Transparent => parsed.transparent.is_some(),
    };
    if already_given {
        errors.push_at(
            key_span,
            format_args!("duplicate `{}`: it is given once per item", key.name()),
        );
        return;
    }
    let stored = match key {
        Key::Code => {
            let code = parse_code(entry);
            parsed.code_is_invalid = code.is_err();
            code.map(|code| parsed.code = Some(code))
        }
        Key::Context => parse_context(entry).map(|key| {
            parsed.context = Some(ContextAttr {
                span: key_span,
                key,
            });
        }),
        Key::Enrich => parse_enrich(entry).map(|path| parsed.enrich = Some(path)),
        Key::Transparent => parse_transparent(entry).map(|()| parsed.transparent = Some(key_span)),
    };
    if let Err(error) = stored {
        errors.push(error);
    }
}

fn unknown_key_message(entry: &Meta, position: Position) -> String {
    let written = entry
        .path()
        .segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect::<Vec<_>>()
        .join("::");
    let expected = or_list(position.allowed_keys());
    format!(
        "unknown catalog attribute `{written}`; on {} expected {expected}",
        position.with_article()
    )
}

/// "`code`, `enrich` or `transparent`".
fn or_list(keys: &[Key]) -> String {
    let quoted: Vec<String> = keys.iter().map(|key| format!("`{}`", key.name())).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, others)) => format!("{} or {last}", others.join(", ")),
        None => String::new(),
    }
}

const CODE_FORM: &str =
    "expected an ErrorCode constant, such as code = GIT_REPO_NOT_FOUND or code = errors::MODEL_NOT_LOADED";

/// `code = NAME` (a constant of CSGHub's catalog, associated with
/// `ErrorCode`) or `code = path::NAME` (a constant of a generated catalog
/// module, such as `errors::MODEL_NOT_LOADED`).
fn parse_code(entry: &Meta) -> syn::Result<Path> {
    let Meta::NameValue(name_value) = entry else {
        return Err(syn::Error::new(entry.span(), CODE_FORM));
    };
    match &name_value.value {
        Expr::Path(path) if path.qself.is_none() => Ok(path.path.clone()),
        Expr::Lit(ExprLit {
            lit: Lit::Str(string),
            ..
        }) => Err(syn::Error::new(string.span(), code_string_message(string))),
        other => Err(syn::Error::new(other.span(), CODE_FORM)),
    }
}

/// The derive cannot see the catalog, so it cannot turn `"GIT-ERR-8"` into
/// a constant; naming the constant lets rustc check it.
fn code_string_message(string: &LitStr) -> String {
    match syn::parse_str::<Ident>(&string.value()) {
        Ok(name) => format!("write the code's constant name without quotes: code = {name}"),
        Err(_) => "a code is named by its ErrorCode constant, not a string: use the constant name, e.g. code = GIT_AUTH_FAILED".to_owned(),
    }
}

/// `context` or `context = "key"`.
fn parse_context(entry: &Meta) -> syn::Result<Option<LitStr>> {
    match entry {
        Meta::Path(_) => Ok(None),
        Meta::NameValue(name_value) => match &name_value.value {
            Expr::Lit(ExprLit {
                lit: Lit::Str(key), ..
            }) if key.value().is_empty() => Err(syn::Error::new(
                key.span(),
                "a context key cannot be empty, such as context = \"repo\"",
            )),
            Expr::Lit(ExprLit {
                lit: Lit::Str(key), ..
            }) => Ok(Some(key.clone())),
            other => Err(syn::Error::new(
                other.span(),
                "expected the context key as a string, such as context = \"repo\"",
            )),
        },
        Meta::List(_) => Err(syn::Error::new(
            entry.span(),
            "expected `context` or `context = \"key\"`",
        )),
    }
}

/// `enrich = path::to::function`.
fn parse_enrich(entry: &Meta) -> syn::Result<ExprPath> {
    match entry {
        Meta::NameValue(name_value) => match &name_value.value {
            Expr::Path(path) => Ok(path.clone()),
            other => Err(syn::Error::new(other.span(), ENRICH_FORM)),
        },
        _ => Err(syn::Error::new(entry.span(), ENRICH_FORM)),
    }
}

const ENRICH_FORM: &str =
    "expected the path of a function fn(&Self, Error) -> Error, such as enrich = add_details";

/// `transparent`, which takes no value.
fn parse_transparent(entry: &Meta) -> syn::Result<()> {
    match entry {
        Meta::Path(_) => Ok(()),
        _ => Err(syn::Error::new(
            entry.span(),
            "`transparent` takes no value: write #[catalog(transparent)]",
        )),
    }
}
