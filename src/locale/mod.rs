//! Messages for end users: [`Locale`], a message template and its
//! rendering with an error's context, and the `Accept-Language`
//! negotiation. Each catalog holds its codes' messages in its own locales
//! (CSGHub's are en-US, zh-CN and zh-HK, declared in
//! `proto/csghub/errorx/v1/messages/`), compiled into static tables:
//! nothing is read at run time, and looking a message up allocates
//! nothing.
//!
//! ```
//! use csghub_errorx::{csghub, Error, ErrorCode, Locale};
//!
//! let locale = csghub::CATALOG.negotiate("zh-TW,zh;q=0.8,en;q=0.5");
//! assert_eq!(locale, Locale::ZH_HK);
//!
//! let error = Error::new(ErrorCode::GIT_REPO_NOT_FOUND).with_context("repo", "ns/name");
//! assert_eq!(
//!     error.user_message(Locale::EN_US).as_deref(),
//!     Some("Repository ns/name was not found. Please check the name and your access.")
//! );
//! assert_eq!(
//!     ErrorCode::GIT_REPO_NOT_FOUND.user_message(Locale::ZH_CN),
//!     "未找到该仓库，请检查仓库名称及访问权限。"
//! );
//! ```

mod accept_language;
mod locale_value;
mod message;
mod negotiate;

pub use accept_language::AcceptLanguage;
pub use locale_value::{Locale, UnknownLocale};
pub use message::{Message, Piece};
pub(crate) use negotiate::negotiate;
