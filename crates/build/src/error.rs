//! [`Error`]: why a catalog was rejected, every reason at once, each where
//! it is written.

use std::fmt;

use crate::model::Location;

/// A catalog that could not be read, or that breaks a rule: every problem
/// found, each with the file, line and column it is written at (as protox
/// and rustc report theirs), so that one build shows them all.
///
/// ```
/// let error = csghub_errorx_build::Builder::new()
///     .read_source(
///         "acme/errors/v1/catalog.proto",
///         r#"syntax = "proto3"; package acme.errors.v1; import "csghub/errorx/v1/options.proto";"#,
///         &[],
///     )
///     .unwrap_err();
/// assert!(error.to_string().contains("catalog_domain"), "{error}");
/// ```
// `Debug` is the report too: a `build.rs` whose `main` returns this error
// prints it with `{:?}`, and a person reads that.
#[derive(Clone, PartialEq, Eq)]
pub struct Error {
    problems: Vec<Problem>,
}

/// One problem of a catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where it is, when it has a place.
    pub location: Option<Location>,
    /// What is wrong, and how to mend it.
    pub message: String,
}

impl Error {
    /// An error of one problem.
    pub(crate) fn new(location: Option<Location>, message: impl Into<String>) -> Error {
        Error {
            problems: vec![Problem {
                location,
                message: message.into(),
            }],
        }
    }

    /// An error of the problems, or `Ok` when there are none.
    pub(crate) fn from_problems(problems: Vec<Problem>) -> Result<(), Error> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error { problems })
        }
    }

    /// Every problem, in the order found.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for Error {
    /// One line a problem: `file:line:column: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            match &problem.location {
                Some(location) => write!(f, "{location}: {}", problem.message)?,
                None => f.write_str(&problem.message)?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    /// The report, as `Display` writes it: what a `build.rs` returning
    /// `Result<(), Error>` prints after `Error: `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

/// Collects the problems a check finds.
#[derive(Default)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    pub(crate) fn at(&mut self, location: &Location, message: impl Into<String>) {
        self.0.push(Problem {
            location: Some(location.clone()),
            message: message.into(),
        });
    }

    pub(crate) fn without_place(&mut self, message: impl Into<String>) {
        self.0.push(Problem {
            location: None,
            message: message.into(),
        });
    }
}
