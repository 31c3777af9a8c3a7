//! [`Problems`]: the bounded list of what could not be decoded.

use super::DecodeProblem;

/// The decode problems of one error: the first [`Problems::MAX_KEPT`], and
/// how many more there were. A peer decides how many problems its status
/// has (100,000 malformed details fit in a few megabytes), and every one
/// kept costs a few hundred bytes, so the list is bounded as the log
/// lines' and the report's lists are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Problems {
    kept: Vec<DecodeProblem>,
    omitted: usize,
}

impl Problems {
    /// The most problems kept; the rest are counted.
    pub(crate) const MAX_KEPT: usize = 64;

    /// Reports `problem`.
    pub(crate) fn push(&mut self, problem: DecodeProblem) {
        self.push_with(|| problem);
    }

    /// Reports the problem `make` describes, making it only if it is kept:
    /// a problem's text is formatted, which costs more than counting it.
    pub(crate) fn push_with(&mut self, make: impl FnOnce() -> DecodeProblem) {
        if self.kept.len() < Self::MAX_KEPT {
            self.kept.push(make());
        } else {
            self.omitted += 1;
        }
    }

    /// Reports every problem of `other`, in order.
    pub(crate) fn append(&mut self, other: Problems) {
        for problem in other.kept {
            self.push(problem);
        }
        self.omitted += other.omitted;
    }

    /// The problems kept, in the order they were found.
    pub(crate) fn as_slice(&self) -> &[DecodeProblem] {
        &self.kept
    }

    /// How many problems were found beyond those kept.
    pub(crate) fn omitted(&self) -> usize {
        self.omitted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_problems_and_counts_the_rest() {
        let mut problems = Problems::default();
        for _ in 0..1000 {
            problems.push(DecodeProblem::InvalidBase64Header);
        }
        assert_eq!(problems.as_slice().len(), Problems::MAX_KEPT);
        assert_eq!(problems.omitted(), 1000 - Problems::MAX_KEPT);
        let mut more = Problems::default();
        more.push(DecodeProblem::InvalidBase64Header);
        more.append(problems);
        assert_eq!(more.as_slice().len(), Problems::MAX_KEPT);
        assert_eq!(more.omitted(), 1001 - Problems::MAX_KEPT);
    }
}
