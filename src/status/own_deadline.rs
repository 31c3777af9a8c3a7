//! A call that ran out its own deadline. tonic ends it as `CANCELLED`
//! ("Timeout expired"), its `TimeoutExpired` as the status's in-process
//! source; gRPC's other stacks, and the server on the other end, name it
//! `DEADLINE_EXCEEDED`.

use tonic::Status;

/// Whether tonic's `TimeoutExpired` is `error` or in its source chain.
pub(crate) fn timed_out_in_chain(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if error.is::<tonic::TimeoutExpired>() {
            return true;
        }
        next = error.source();
    }
    false
}

/// Whether `status` is tonic's report of a call that ran out its deadline:
/// the one it sent (`Request::set_timeout`) or its channel's own timeout
/// (`Endpoint::timeout`, which is not sent, so the server only sees the
/// client go away). It is `CANCELLED`, with tonic's `TimeoutExpired` in its
/// source chain; a status from the wire has no source, so no peer can make
/// one.
pub(crate) fn ran_out_its_deadline(status: &Status) -> bool {
    status.code() == tonic::Code::Cancelled
        && std::error::Error::source(status).is_some_and(timed_out_in_chain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tonics_timeout_is_found_behind_the_status() {
        let status = Status::from_error(Box::new(tonic::TimeoutExpired(())));
        assert_eq!(status.code(), tonic::Code::Cancelled);
        assert!(ran_out_its_deadline(&status));
    }

    #[test]
    fn a_cancelled_status_without_the_timeout_did_not_run_out() {
        assert!(!ran_out_its_deadline(&Status::cancelled("Timeout expired")));
        let other = Status::from_error(Box::new(std::io::Error::other("reset")));
        assert!(!ran_out_its_deadline(&other));
    }
}
