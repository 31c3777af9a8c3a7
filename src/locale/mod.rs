//! Localized, user-facing messages for every code: [`Locale`], the
//! `Accept-Language` negotiation, and the rendering of a message with an
//! error's context.
//!
//! The messages are declared beside the catalog, one file per locale in
//! `proto/csghub/errorx/v1/messages/` (`en-US.toml`, `zh-CN.toml`,
//! `zh-HK.toml`), and compiled into static tables: nothing is read at run
//! time, and looking a message up allocates nothing.
//!
//! ```
//! use csghub_errorx::{Error, ErrorCode, Locale};
//!
//! let locale = Locale::negotiate("zh-TW,zh;q=0.8,en;q=0.5");
//! assert_eq!(locale, Locale::ZH_HK);
//!
//! let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", "ns/name");
//! assert_eq!(error.user_message(Locale::EN_US), "Repository ns/name was not found.");
//! assert_eq!(ErrorCode::GIT_REPO_NOT_FOUND.message(Locale::EN_US), "The repository was not found.");
//! ```

mod locale;
mod message;
mod negotiate;

pub use locale::Locale;
pub(crate) use message::{Message, Piece};
