//! [`InProcess`]: how a `tonic::Status` carries the [`Error`] it was
//! encoded from, and how the server layer gets that error back after tonic
//! consumed the status.
//!
//! A handler's `Err` reaches the layer whole, in the response's extensions.
//! A stream's `Err` does not: tonic's `EncodeBody::poll_frame` turns it
//! into trailers (`status.to_header_map()`) and drops it, all inside the
//! layer's own call to `poll_frame`. tonic 0.14 keeps no handle on it, and
//! the server's body is type-erased (`tonic::body::Body`) before any layer
//! sees it, so there is no place to read it from. What the layer can see
//! is the drop: the status's source is an [`InProcess`], which, when
//! dropped while the layer has armed this thread's capture slot
//! ([`capture_dropped`]), moves its error into the slot.

use std::cell::RefCell;
use std::fmt;

use crate::Error;

/// The source of a status encoded in this process: the [`Error`] itself.
/// Transparent: it displays as the error, and its source is the error's.
pub(crate) struct InProcess {
    // An `Option` only so that `Drop` can move the error out.
    error: Option<Error>,
}

impl InProcess {
    pub(crate) fn new(error: Error) -> InProcess {
        InProcess { error: Some(error) }
    }

    pub(crate) fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }
}

impl fmt::Display for InProcess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            Some(error) => fmt::Display::fmt(error, f),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for InProcess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.error {
            Some(error) => fmt::Debug::fmt(error, f),
            None => f.write_str("InProcess"),
        }
    }
}

impl std::error::Error for InProcess {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(self.error.as_ref()?)
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if let Some(error) = self.error.take() {
            offer(error);
        }
    }
}

thread_local! {
    /// `None`: nobody is listening. `Some(slot)`: a layer is polling a
    /// body on this thread, and `slot` holds the last error dropped since.
    static CAPTURE: RefCell<SlotState> = const { RefCell::new(None) };
}

/// Hands a dropped error to the armed slot, if any. Never panics, even
/// while the thread is being torn down.
fn offer(error: Error) {
    // What is replaced or unwanted is dropped after the slot is released:
    // its own sources may be statuses that offer again.
    // Boxed only when a slot is armed: an unwanted error is not moved.
    let mut pending = Some(error);
    let replaced = with_slot(|slot| {
        let caught = slot.as_mut()?;
        caught.replace(Box::new(pending.take()?))
    })
    .flatten();
    drop(replaced);
    drop(pending);
}

/// The state of this thread's slot: whether it is armed, and what it holds.
/// The error is boxed so that arming and disarming, done on every poll of
/// a server's body, move a pointer, not an error.
type SlotState = Option<Option<Box<Error>>>;

/// Runs `poll` with this thread's capture slot armed, and returns what it
/// returned with the last in-process error dropped meanwhile. A slot armed
/// by an outer caller (a second layer around this one) is restored after,
/// and also gets the error, so every layer of a stack sees the cause.
pub(crate) fn capture_dropped<R>(poll: impl FnOnce() -> R) -> (R, Option<Box<Error>>) {
    /// Restores the outer state even if `poll` panics.
    struct Disarm(Option<SlotState>);
    impl Drop for Disarm {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                disarm(outer);
            }
        }
    }

    let Some(outer) = with_slot(|slot| slot.replace(None)) else {
        // The slot is unusable (the thread is being torn down).
        return (poll(), None);
    };
    let mut guard = Disarm(Some(outer));
    let result = poll();
    let captured = guard.0.take().and_then(disarm);
    (result, captured)
}

/// Puts the outer state back, hands it a copy of what was caught, and
/// returns what was caught.
fn disarm(outer: SlotState) -> Option<Box<Error>> {
    let (caught, replaced) = with_slot(|slot| {
        let caught = std::mem::replace(slot, outer).flatten();
        let replaced = match (&caught, slot.as_mut()) {
            (Some(error), Some(outer_caught)) => outer_caught.replace(error.clone()),
            _ => None,
        };
        (caught, replaced)
    })
    .unwrap_or((None, None));
    drop(replaced);
    caught
}

fn with_slot<R>(f: impl FnOnce(&mut SlotState) -> R) -> Option<R> {
    CAPTURE
        .try_with(|capture| capture.try_borrow_mut().ok().map(|mut slot| f(&mut slot)))
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn status_of(code: ErrorCode) -> tonic::Status {
        tonic::Status::from(Error::new(code))
    }

    #[test]
    fn a_status_dropped_while_armed_hands_over_its_error() {
        let status = status_of(ErrorCode::GIT_AUTH_FAILED);
        let ((), captured) = capture_dropped(|| drop(status));
        assert!(captured.unwrap().is(ErrorCode::GIT_AUTH_FAILED));
    }

    #[test]
    fn a_status_dropped_while_not_armed_is_not_kept() {
        drop(status_of(ErrorCode::GIT_AUTH_FAILED));
        let ((), captured) = capture_dropped(|| ());
        assert!(captured.is_none());
    }

    #[test]
    fn nested_captures_both_see_the_error() {
        let status = status_of(ErrorCode::DATABASE_FAILURE);
        let ((inner, ()), outer) = capture_dropped(|| {
            let ((), inner) = capture_dropped(|| drop(status));
            (inner, ())
        });
        assert!(inner.unwrap().is(ErrorCode::DATABASE_FAILURE));
        assert!(outer.unwrap().is(ErrorCode::DATABASE_FAILURE));
    }

    #[test]
    fn the_error_stays_readable_through_the_status() {
        let status = status_of(ErrorCode::GIT_AUTH_FAILED);
        assert!(Error::in_process(&status)
            .unwrap()
            .is(ErrorCode::GIT_AUTH_FAILED));
    }
}
