//! [`ErrorList`]: every mistake in one derive input, reported together.

use std::fmt::Display;

use proc_macro2::Span;

/// The compile errors found so far. The derive reads the whole input before
/// it gives up, so that a user sees every misplaced attribute in one build
/// rather than one per build.
#[derive(Default)]
pub(crate) struct ErrorList {
    combined: Option<syn::Error>,
}

impl ErrorList {
    /// Adds an error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Adds an error with `message`, pointing at `span`.
    pub(crate) fn push_at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// `value`, or every error found if there was any.
    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.combined {
            Some(combined) => Err(combined),
            None => Ok(value),
        }
    }
}
