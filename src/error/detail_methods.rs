//! `Error`'s methods for its details: for each standard detail an accessor
//! and a builder, generated from the one table in `details`
//! (`standard_details!`), and the generic ones.
//!
//! Builders that **replace** a detail are named `with_*` (AIP-193 allows
//! one detail of each type); builders that **add** an item to a detail's
//! list are named `add_*` (violations, links).

use std::time::Duration;

use super::Error;
use crate::details::{standard_details, Detail, RawDetail};

/// `Error`'s accessor and builder of each detail in the table.
macro_rules! detail_methods {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident {
            slot: $slot:ident,
            proto: $proto:ty,
            type_name: $type_name:literal,
            drop_rank: $drop:literal,
            $(#[doc = $builder_doc:literal])*
            builder: $builder:ident ( $($arg:ident : $arg_ty:ty),* ) => $mode:ident $ctor:path,
            example: ( $($example:expr),* ),
        }
    )* [raw] drop_rank: $raw_drop:literal;) => {
        impl Error {
            $(
                $(#[doc = $doc])*
                #[doc = ""]
                #[doc = concat!("The `", $type_name, "` detail, if the error has one.")]
                pub fn $slot(&self) -> Option<&$crate::details::$kind> {
                    self.details().and_then(|details| details.$slot.as_ref())
                }

                $(#[doc = $builder_doc])*
                #[inline]
                pub fn $builder(mut self, $($arg: $arg_ty),*) -> Error {
                    detail_methods!(@$mode self, $slot, $ctor($($arg),*));
                    self
                }
            )*
        }

        /// Every builder, called with the table's example arguments, and
        /// the kind of detail it makes: a kind added to the table is
        /// tested without a line more.
        #[cfg(test)]
        pub(crate) fn every_builder() -> Vec<(crate::details::DetailKind, Error)> {
            vec![$((
                crate::details::DetailKind::$kind,
                Error::new(crate::ErrorCode::GIT_REPO_NOT_FOUND).$builder($($example),*),
            ),)*]
        }
    };
    (@set $error:ident, $slot:ident, $value:expr) => {
        $error.details_mut().$slot = Some($value.into());
    };
    (@add $error:ident, $slot:ident, $value:expr) => {
        $error
            .details_mut()
            .$slot
            .get_or_insert_with(Default::default)
            .push($value);
    };
}

standard_details!(detail_methods);

impl Error {
    /// Adds `detail`, replacing a detail of the same type (AIP-193 allows
    /// one of each); raw details add up.
    ///
    /// ```
    /// use csghub_errorx::details::ResourceInfo;
    /// use csghub_errorx::{Error, ErrorCode};
    ///
    /// let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND)
    ///     .with_detail(ResourceInfo::new("repository", "ns/name").with_owner("org:opencsg"));
    /// assert_eq!(error.resource_info().unwrap().owner(), "org:opencsg");
    /// ```
    #[inline]
    pub fn with_detail(mut self, detail: impl Into<Detail>) -> Error {
        self.details_mut().set(detail.into());
        self
    }

    /// Adds a detail of a message type of your own: it is sent after the
    /// standard details, and dropped before them when the status is over
    /// budget. Read it back with [`RawDetail::to_message`]. Custom details
    /// add up.
    #[inline]
    pub fn add_custom_detail<M: prost::Name>(self, message: &M) -> Error {
        self.with_detail(RawDetail::from_message(message))
    }

    /// The `RetryInfo` delay, if the error has one: how long the client
    /// should wait before retrying.
    pub fn retry_delay(&self) -> Option<Duration> {
        self.retry_info()?.retry_delay()
    }

    /// Details of types this library does not decode: custom details, and
    /// any type a newer peer sends, kept as they came.
    pub fn raw_details(&self) -> &[RawDetail] {
        self.details().map_or(&[], |details| &details.raw)
    }
}
